"""The 90/180 limit applies from its start, and nine more countries get the rule they have.

``rolling_from``: the limit of days in a period came with the rules published on 27 January
2023; before them there was none. Every country rule gets that start (staff may change it).

Nine countries had no rule, which the pages read as "a visa is required". Their citizens enter
Kazakhstan without a visa (the portal's reading of public sources in 2023-2025; staff should
check each against the agreement in force and correct the row):

* Azerbaijan, Georgia, Moldova, Ukraine: visa-free under the CIS and bilateral agreements, up
  to 90 days per stay;
* Uzbekistan, Tajikistan, Mongolia: visa-free under CIS and bilateral agreements; the longest
  stay is given as the general visa-free 30 days until the agreement's own term is confirmed;
* Brazil, Argentina: visa-free for 30 days.

All of them at most 90 days in any 180. Existing rows are never overwritten.
"""

import datetime

from django.db import migrations, models

RULE_START = datetime.date(2023, 1, 27)

# country, longest single stay, note for staff
RULES = [
    ("AZ", 90, "CIS and bilateral agreements: visa-free, 90 days per stay. Check the agreement."),
    ("GE", 90, "Bilateral agreement: visa-free, 90 days per stay. Check the agreement."),
    ("MD", 90, "CIS and bilateral agreements: visa-free, 90 days per stay. Check the agreement."),
    ("UA", 90, "Bilateral agreement: visa-free, 90 days per stay. Check the agreement."),
    ("UZ", 30, "CIS and bilateral agreements: visa-free; 30 days per stay until confirmed."),
    ("TJ", 30, "CIS and bilateral agreements: visa-free; 30 days per stay until confirmed."),
    ("MN", 30, "Bilateral agreement: visa-free; 30 days per stay until confirmed."),
    ("BR", 30, "Visa-free list: 30 days per stay. Check the decree."),
    ("AR", 30, "Visa-free list: 30 days per stay. Check the decree."),
]


def seed(apps, schema_editor):
    CountryRule = apps.get_model("stays", "CountryRule")
    for country, single, note in RULES:
        CountryRule.objects.get_or_create(
            country=country,
            defaults={
                "regime": "visa_free",
                "single_stay_days": single,
                "window_days": 180,
                "max_days": 90,
                "rolling_from": RULE_START,
                "note": note,
            },
        )


def unseed(apps, schema_editor):
    CountryRule = apps.get_model("stays", "CountryRule")
    for country, _single, note in RULES:
        CountryRule.objects.filter(country=country, note=note).delete()


class Migration(migrations.Migration):
    dependencies = [("stays", "0003_staff_groups")]

    operations = [
        migrations.AddField(
            model_name="countryrule",
            name="rolling_from",
            field=models.DateField(
                default=RULE_START,
                help_text=(
                    "The first day on which the limit of days in the period applies. Days "
                    "spent in Kazakhstan before it do not count toward it."
                ),
                verbose_name="period limit applies from",
            ),
        ),
        migrations.RunPython(seed, unseed),
    ]
