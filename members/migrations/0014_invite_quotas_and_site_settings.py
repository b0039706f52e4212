"""The default ladder's invite quotas (registration by invite): Regulars 2 codes a month, Veterans 5,
Moderators 10. Only ranks still named as the default ladder names them are changed; an admin's own
ladder is left alone. And the site settings row, open registration, for the admin to edit."""
from django.db import migrations

from members.default_ladder import INVITE_QUOTAS, LADDER  # plain data, no models


def create_settings(apps, schema_editor):
    apps.get_model("members", "SiteSettings").objects.get_or_create(pk=1)


def set_quotas(apps, schema_editor):
    Rank = apps.get_model("members", "Rank")
    for step in LADDER:
        quota = INVITE_QUOTAS[step["order"]]
        if quota:
            Rank.objects.filter(order=step["order"], name=step["name"], invites_per_month=0).update(
                invites_per_month=quota)


class Migration(migrations.Migration):
    dependencies = [("members", "0013_join_gate")]
    operations = [migrations.RunPython(set_quotas, migrations.RunPython.noop),
                  migrations.RunPython(create_settings, migrations.RunPython.noop)]
