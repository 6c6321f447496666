"""Factories for stays: crossings (one stay: entry and exit)."""

from __future__ import annotations

from datetime import date, timedelta

import factory

from stays.models import Crossing
from tests.factories import UserFactory


class CrossingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Crossing

    person = factory.SubFactory(UserFactory)
    entry = date(2025, 1, 10)
    exit = factory.LazyAttribute(lambda o: o.entry + timedelta(days=9))


def history(person, spans, *, note: str = "") -> list[Crossing]:
    """Crossings for ``person`` from ``[(entry, exit or None), ...]`` (ISO strings or dates)."""

    def d(value):
        return date.fromisoformat(value) if isinstance(value, str) else value

    return Crossing.objects.bulk_create(
        Crossing(person=person, entry=d(a), exit=d(b) if b else None, note=note) for a, b in spans
    )
