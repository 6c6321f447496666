"""Seed the country rules with a sensible default; ministry staff keep them in the admin.

EAEU members besides Kazakhstan get 90 days per stay; the 54 visa-free states named by the
27 January 2023 rules (the EU and OECD states, the US, Japan, Mexico, Australia, New Zealand,
and the others on the unilateral list) get 30 days per stay; both at most 90 days in any 180.
Any other country has no row: its citizens need a visa. Existing rows are never overwritten.
"""

from django.db import migrations

EAEU = ["AM", "BY", "KG", "RU"]

VISA_FREE = [
    # European Union (27)
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    # OECD states outside the EU (14)
    "AU", "CA", "CL", "IS", "IL", "JP", "KR", "MX", "NZ", "NO", "CH", "TR", "GB", "US",
    # European microstates (5)
    "AD", "LI", "MC", "SM", "VA",
    # Gulf and South-East Asia (8)
    "AE", "BH", "KW", "OM", "QA", "SA", "MY", "SG",
]

NOTE = "Default seeded with the portal (rules of 27 January 2023); check against the decree."


def seed(apps, schema_editor):
    CountryRule = apps.get_model("stays", "CountryRule")
    for codes, regime, single in ((EAEU, "eaeu", 90), (VISA_FREE, "visa_free", 30)):
        for code in codes:
            CountryRule.objects.get_or_create(
                country=code,
                defaults={
                    "regime": regime,
                    "single_stay_days": single,
                    "window_days": 180,
                    "max_days": 90,
                    "note": NOTE,
                },
            )


def unseed(apps, schema_editor):
    CountryRule = apps.get_model("stays", "CountryRule")
    CountryRule.objects.filter(note=NOTE).delete()


class Migration(migrations.Migration):
    dependencies = [("stays", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
