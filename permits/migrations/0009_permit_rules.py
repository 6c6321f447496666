"""The permit rules as data staff keep in the admin: the decision period and the passport margin.

They were a setting read from the environment (``PERMIT_DECISION_DAYS``, 45) and a constant
(``PASSPORT_MIN_DAYS``, 180; a second one of 183 days for the employers' warnings). The one row
starts with the values in DOMAIN.md: 45 days to decide, a passport valid more than 180 days. The
staff groups are applied again so that the groups of ``portal/roles.py`` may see and change it.
"""

import django.core.validators
from django.db import migrations, models

from portal.accounts.roles import apply_groups


def create_row(apps, schema_editor):
    PermitRules = apps.get_model("permits", "PermitRules")
    PermitRules.objects.get_or_create(
        pk=1, defaults={"decision_days": 45, "passport_margin_days": 180}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("permits", "0008_queue_indexes"),
        ("portal", "0009_emails_in_one_form"),
        ("professions", "0005_search_text"),
        ("stays", "0004_rolling_rule_start_and_more_country_rules"),
    ]

    operations = [
        migrations.CreateModel(
            name="PermitRules",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "decision_days",
                    models.PositiveSmallIntegerField(
                        default=45,
                        help_text="Calendar days from a complete application to the decision. The clock stops while information is requested. A change applies to applications submitted after it.",
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(365),
                        ],
                        verbose_name="decision period (days)",
                    ),
                ),
                (
                    "passport_margin_days",
                    models.PositiveSmallIntegerField(
                        default=180,
                        help_text="An application needs a passport valid for more than this many days after it is made. Holders and employers are warned when a passport runs out less than this many days after the permit ends.",
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(3650),
                        ],
                        verbose_name="passport margin (days)",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
            ],
            options={
                "verbose_name": "permit rules",
                "verbose_name_plural": "permit rules",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("pk", 1)), name="permitrules_one_row"
                    )
                ],
            },
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
        migrations.RunPython(apply_groups, migrations.RunPython.noop),
    ]
