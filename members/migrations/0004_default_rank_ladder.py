"""The default rank ladder (see README, "Ranks"). Admins edit it in the Django admin."""
from django.db import migrations

from members.default_ladder import LADDER, ensure_default_ladder  # plain data, no models



def create_ladder(apps, schema_editor):
    ensure_default_ladder(apps.get_model("members", "Rank"))


def remove_ladder(apps, schema_editor):
    apps.get_model("members", "Rank").objects.filter(order__in=[s["order"] for s in LADDER]).delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0003_ranks_activity_promotions")]
    operations = [migrations.RunPython(create_ladder, remove_ladder)]
