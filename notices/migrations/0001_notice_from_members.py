"""Take over the Notice model from the members app, table and rows as they are (state only), and move its
content type so admin history and permissions follow it."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor, *, source="members", target="notices"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if ContentType.objects.filter(app_label=target, model="notice").exists():
        return
    ContentType.objects.filter(app_label=source, model="notice").update(app_label=target)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="notices", target="members")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('members', '0007_notice_moves_to_notices_app'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Notice',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name='ID')),
                        ('kind', models.CharField(choices=[('freshness', 'Freshness reminder'), ('general', 'Notice')],
                                                  default='general', max_length=32, verbose_name='kind')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('body', models.TextField(blank=True, verbose_name='text')),
                        ('url', models.CharField(blank=True, max_length=500, verbose_name='link')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='read')),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                        related_name='notices', to=settings.AUTH_USER_MODEL,
                                                        verbose_name='recipient')),
                    ],
                    options={
                        'verbose_name': 'notice',
                        'verbose_name_plural': 'notices',
                        'db_table': 'members_notice',
                        'indexes': [models.Index(fields=['recipient', '-created_at', '-id'],
                                                 name='members_notice_recipient_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
