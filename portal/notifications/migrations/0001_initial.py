"""The notification outbox, moved from the ``portal`` app (its table ``portal_notification``).

The tables stay as they are (``db_table``): this migration changes Django's state only, and moves
the content types to the new label.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _relabel(old_label, new_label, model_names):
    """Move the models' content types to their new app label, keeping their ids (so their
    permissions, and admin log entries about their rows, stay attached)."""

    def run(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        for model in model_names:
            old = ContentType.objects.filter(app_label=old_label, model=model)
            if ContentType.objects.filter(app_label=new_label, model=model).exists():
                old.delete()  # made afresh by a data migration on a new database
            else:
                old.update(app_label=new_label)
        ContentType.objects.clear_cache()

    return run


MODELS = ["notification"]


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("portal", "0009_emails_in_one_form"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('to_email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail address')),
                        ('kind', models.CharField(max_length=50, verbose_name='kind')),
                        ('event_key', models.CharField(blank=True, max_length=200, null=True, unique=True)),
                        ('subject', models.CharField(max_length=255, verbose_name='subject')),
                        ('body', models.TextField(verbose_name='message')),
                        ('body_html', models.TextField(blank=True)),
                        ('link', models.CharField(blank=True, max_length=300, verbose_name='link')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created')),
                        ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='read')),
                        ('email_claimed_at', models.DateTimeField(blank=True, null=True)),
                        ('email_sent_at', models.DateTimeField(blank=True, null=True, verbose_name='e-mail sent')),
                        ('email_attempts', models.PositiveSmallIntegerField(default=0)),
                        ('email_error', models.TextField(blank=True)),
                        ('recipient', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='recipient')),
                    ],
                    options={
                        'verbose_name': 'notification',
                        'verbose_name_plural': 'notifications',
                        'db_table': 'portal_notification',
                        'ordering': ['-created_at', '-pk'],
                        'indexes': [models.Index(fields=['email_sent_at', 'created_at'], name='notification_undelivered')],
                    },
                ),
            ],
        ),
        migrations.RunPython(
            _relabel("portal", "notifications", MODELS), _relabel("notifications", "portal", MODELS)
        ),
    ]
