"""Sponsorships and colleague invitations, moved from the ``portal`` app (tables kept).

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


MODELS = ["sponsorship", "colleagueinvitation"]


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
                    name='ColleagueInvitation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(max_length=254, verbose_name='e-mail address')),
                        ('token', models.CharField(editable=False, max_length=64, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('expires_at', models.DateTimeField()),
                        ('accepted_at', models.DateTimeField(blank=True, null=True)),
                        ('employer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='portal.employer', verbose_name='employer')),
                        ('invited_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'colleague invitation',
                        'verbose_name_plural': 'colleague invitations',
                        'db_table': 'portal_colleagueinvitation',
                    },
                ),
                migrations.CreateModel(
                    name='Sponsorship',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(max_length=254, verbose_name='invited e-mail address')),
                        ('status', models.CharField(choices=[('invited', 'Invited'), ('requested', 'Requested by the professional'), ('active', 'Active'), ('declined', 'Declined'), ('ended', 'Ended')], db_index=True, default='invited', max_length=20, verbose_name='status')),
                        ('token', models.CharField(blank=True, editable=False, max_length=64, null=True, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='invited')),
                        ('expires_at', models.DateTimeField(blank=True, null=True, verbose_name='invitation expires')),
                        ('accepted_at', models.DateTimeField(blank=True, null=True, verbose_name='accepted')),
                        ('ended_at', models.DateTimeField(blank=True, null=True, verbose_name='ended')),
                        ('employer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sponsorships', to='portal.employer', verbose_name='employer')),
                        ('invited_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='sponsorships', to=settings.AUTH_USER_MODEL, verbose_name='professional')),
                    ],
                    options={
                        'verbose_name': 'sponsorship',
                        'verbose_name_plural': 'sponsorships',
                        'db_table': 'portal_sponsorship',
                        'ordering': ['-created_at'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'active')), fields=('person',), name='one_active_sponsorship_per_person')],
                    },
                ),
            ],
        ),
        migrations.RunPython(
            _relabel("portal", "organisations", MODELS), _relabel("organisations", "portal", MODELS)
        ),
    ]
