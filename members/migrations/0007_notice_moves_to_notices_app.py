"""The Notice model moves to the notices app. Its table stays where it is (members_notice): the model
leaves this app's state only; notices/0001 takes it over."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0006_member_banned_warnings'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Notice')],
            database_operations=[],
        ),
    ]
