"""The catalogue's order (``ProfessionQuerySet.by_title``) as an index per language on
PostgreSQL, so a page of the list reads its twenty rows in order instead of sorting the whole
catalogue by an ICU collation on every visit (3.5 ms of the database's time at 2,021
professions; 0.2 ms with the index). Each index holds exactly the expression ``by_title`` orders
by; ``tests/professions/test_models.py`` checks that the planner uses it. SQLite, the
embedded default, orders its own way and has no ICU collations."""

from django.db import migrations

LANGUAGES = ("kk", "ru", "en")


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for language in LANGUAGES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS profession_by_title_{language} "
            f"ON professions_profession ((COALESCE(NULLIF(title_{language}, ''), title_en) "
            f'COLLATE "{language}-x-icu"), code)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for language in LANGUAGES:
        schema_editor.execute(f"DROP INDEX IF EXISTS profession_by_title_{language}")


class Migration(migrations.Migration):
    dependencies = [
        ("professions", "0006_order_49_as_reported"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
