from datetime import date

import pytest

from stays import services

TODAY = date(2025, 6, 15)


@pytest.fixture
def today(monkeypatch):
    """Pin "today" (Almaty) for the stays app to 15 June 2025."""
    monkeypatch.setattr(services, "today", lambda: TODAY)
    return TODAY


@pytest.fixture
def seeded_rules(db):
    """The country rules the migrations seed, present even after a transactional test elsewhere
    has flushed the database (a flush removes what data migrations wrote)."""
    from importlib import import_module

    from django.apps import apps

    import_module("stays.migrations.0002_seed_country_rules").seed(apps, None)
