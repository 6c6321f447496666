"""Factories for the catalogue: spheres and professions."""

from __future__ import annotations

import datetime

import factory

from professions.models import Education, Profession, Sphere


class SphereFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sphere
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"sphere-{n}")
    name_en = factory.Sequence(lambda n: f"Sphere {n}")
    name_ru = factory.Sequence(lambda n: f"Сфера {n}")
    name_kk = factory.Sequence(lambda n: f"Сала {n}")


class ProfessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profession
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"9{n // 1000 % 1000:03d}-{n % 1000:03d}")
    title_en = factory.Sequence(lambda n: f"Test profession {n}")
    title_ru = factory.Sequence(lambda n: f"Тестовая профессия {n}")
    title_kk = factory.Sequence(lambda n: f"Сынақ мамандығы {n}")
    description_en = "Does useful work."
    sphere = factory.SubFactory(SphereFactory)
    min_education = Education.HIGHER
    min_experience_years = 3
    is_listed = True
    added_order_number = "49"
    added_order_date = datetime.date(2023, 2, 20)

    class Params:
        withdrawn = factory.Trait(
            is_listed=False,
            withdrawn_order_number="112",
            withdrawn_order_date=datetime.date(2024, 6, 1),
        )


def build_professions(count: int, sphere: Sphere, start: int = 0) -> list[Profession]:
    """Unsaved professions for bulk_create (speed: thousands of rows)."""
    return [
        Profession(
            code=f"8{n // 1000:03d}-1-{n % 1000:03d}",
            title_en=f"Bulk profession {n}",
            title_ru=f"Массовая профессия {n}",
            title_kk=f"Көп мамандық {n}",
            title=f"Bulk profession {n}",
            sphere=sphere,
            min_education=Education.HIGHER,
            min_experience_years=1,
            added_order_number="49",
            added_order_date=datetime.date(2023, 2, 20),
        )
        for n in range(start, start + count)
    ]
