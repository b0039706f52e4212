"""The default ladder's Regular badge, #059669, had white text at 3.8:1 contrast (WCAG AA asks 4.5:1): a
darker green, #047857 (5.5:1), where an admin has not picked another colour."""
from django.db import migrations

OLD, NEW = "#059669", "#047857"


def darker(apps, schema_editor):
    apps.get_model("members", "Rank").objects.filter(badge_colour__iexact=OLD).update(badge_colour=NEW)


def lighter(apps, schema_editor):
    apps.get_model("members", "Rank").objects.filter(badge_colour=NEW).update(badge_colour=OLD)


class Migration(migrations.Migration):
    dependencies = [("members", "0011_rank_min_featured")]

    operations = [migrations.RunPython(darker, lighter)]
