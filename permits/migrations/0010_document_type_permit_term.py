"""The seeded document-type descriptions name the residence permit with the portal's term:
"тұруға ықтиярхат" and "өтініш-сауалнама" in Kazakh, "разрешение на проживание" in Russian,
"өтінім" for the application in Kazakh (0002 wrote "тұрақты тұруға рұқсат", "өтініш" and
"разрешение на постоянное проживание").

A description is changed only while it is still the seeded text: staff may have edited it in
the admin since, and their wording stays. The reverse puts back the old seeded text on the same
terms.
"""

from django.db import migrations

# code, field, seeded text (0002), corrected text
CORRECTIONS = [
    ("application-form", "description_kk",
     "Тұрақты тұруға рұқсат алуға қол қойылған өтініш.",
     "Тұруға ықтиярхат алуға қол қойылған өтініш-сауалнама."),
    ("application-form", "description_ru",
     "Подписанное заявление на разрешение на постоянное проживание.",
     "Подписанное заявление на разрешение на проживание."),
    ("qualification", "description_kk",
     "Өтініште көрсетілген сұранысқа ие кәсіпті меңгергеніңізді растайды.",
     "Өтінімде көрсетілген сұранысқа ие кәсіпті меңгергеніңізді растайды."),
]  # fmt: skip


def _replace(apps, old_index: int, new_index: int) -> None:
    DocumentType = apps.get_model("permits", "DocumentType")
    for correction in CORRECTIONS:
        code, field = correction[0], correction[1]
        DocumentType.objects.filter(code=code, **{field: correction[old_index]}).update(
            **{field: correction[new_index]}
        )


def correct(apps, schema_editor):
    _replace(apps, 2, 3)


def restore(apps, schema_editor):
    _replace(apps, 3, 2)


class Migration(migrations.Migration):
    dependencies = [("permits", "0009_permit_rules")]
    operations = [migrations.RunPython(correct, restore)]
