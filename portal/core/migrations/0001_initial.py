"""The worker heartbeat, moved from the ``portal`` app (its table ``portal_heartbeat``).

The tables stay as they are (``db_table``): this migration changes Django's state only, and moves
the content types to the new label.
"""

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


MODELS = ["heartbeat"]


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
                    name='Heartbeat',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=50, unique=True)),
                        ('at', models.DateTimeField()),
                    ],
                    options={
                        'db_table': 'portal_heartbeat',
                    },
                ),
            ],
        ),
        migrations.RunPython(
            _relabel("portal", "core", MODELS), _relabel("core", "portal", MODELS)
        ),
    ]
