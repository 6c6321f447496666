"""Two of the nine country rules seeded in 0004 corrected against public sources.

0004 gave Uzbekistan, Tajikistan and Mongolia 30 days per stay "until confirmed". Checked:

* Tajikistan: 90 days per stay within 90 in any 180 (the rules in force from 27 January 2023, as
  the Ministry of Internal Affairs announced them for the EAEU, Azerbaijan, Tajikistan and
  Ukraine; registration after 30 days under the 2018 agreement on the stay of citizens);
* Mongolia: visa-free for up to 90 days (bilateral agreement; the Migration Service Committee's
  list of 2019 names it with Georgia, Moldova and Ukraine);
* Uzbekistan stays at 30 days per stay, 90 in 180: the protocol of 2023 to the agreement of
  7 July 2000, ratified in April 2024, says exactly that.

Azerbaijan, Georgia, Moldova, Ukraine (90), Brazil and Argentina (30) are confirmed as seeded.
A row that staff changed since (its note is no longer the seeded one) is left as it is.
"""

from django.db import migrations

# country: (note seeded by 0004, corrected note)
CORRECTED = {
    "TJ": (
        "CIS and bilateral agreements: visa-free; 30 days per stay until confirmed.",
        "Visa-free, 90 days per stay, 90 in any 180 (rules of 27 January 2023); registration "
        "after 30 days (agreement of 14 March 2018).",
    ),
    "MN": (
        "Bilateral agreement: visa-free; 30 days per stay until confirmed.",
        "Bilateral agreement: visa-free, 90 days per stay, 90 in any 180.",
    ),
}
# country: (note seeded by 0004, note once checked); the limits stay as seeded.
CONFIRMED = {
    "UZ": (
        "CIS and bilateral agreements: visa-free; 30 days per stay until confirmed.",
        "Agreement of 7 July 2000 as amended (ratified April 2024): 30 days per stay, 90 in "
        "any 180.",
    ),
    "AZ": (
        "CIS and bilateral agreements: visa-free, 90 days per stay. Check the agreement.",
        "Visa-free, 90 days per stay, 90 in any 180 (rules of 27 January 2023).",
    ),
    "UA": (
        "Bilateral agreement: visa-free, 90 days per stay. Check the agreement.",
        "Visa-free, 90 days per stay, 90 in any 180 (rules of 27 January 2023).",
    ),
    "GE": (
        "Bilateral agreement: visa-free, 90 days per stay. Check the agreement.",
        "Bilateral agreement: visa-free, 90 days per stay, 90 in any 180.",
    ),
    "MD": (
        "CIS and bilateral agreements: visa-free, 90 days per stay. Check the agreement.",
        "CIS and bilateral agreements: visa-free, 90 days per stay, 90 in any 180.",
    ),
    "BR": (
        "Visa-free list: 30 days per stay. Check the decree.",
        "Bilateral agreement: visa-free, 30 days per stay, 90 in any 180.",
    ),
    "AR": (
        "Visa-free list: 30 days per stay. Check the decree.",
        "Bilateral agreement: visa-free, 30 days per stay, 90 in any 180.",
    ),
}


def correct(apps, schema_editor):
    CountryRule = apps.get_model("stays", "CountryRule")
    for country, (seeded, note) in CORRECTED.items():
        CountryRule.objects.filter(country=country, note=seeded).update(
            single_stay_days=90, note=note
        )
    for country, (seeded, note) in CONFIRMED.items():
        CountryRule.objects.filter(country=country, note=seeded).update(note=note)


def restore(apps, schema_editor):
    CountryRule = apps.get_model("stays", "CountryRule")
    for country, (seeded, note) in CORRECTED.items():
        CountryRule.objects.filter(country=country, note=note).update(
            single_stay_days=30, note=seeded
        )
    for country, (seeded, note) in CONFIRMED.items():
        CountryRule.objects.filter(country=country, note=note).update(note=seeded)


class Migration(migrations.Migration):
    dependencies = [("stays", "0004_rolling_rule_start_and_more_country_rules")]

    operations = [migrations.RunPython(correct, restore)]
