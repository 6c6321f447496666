from datetime import date

import pytest

from portal.core import clock

TODAY = date(2025, 6, 15)


@pytest.fixture
def today():
    """Pin "today" (Almaty) to 15 June 2025, for every app (the one clock)."""
    with clock.frozen(TODAY):
        yield TODAY


@pytest.fixture
def seeded_rules(db):
    """The country rules the migrations seed, present even after a transactional test elsewhere
    has flushed the database (a flush removes what data migrations wrote)."""
    from importlib import import_module

    from django.apps import apps

    import_module("stays.migrations.0002_seed_country_rules").seed(apps, None)
    import_module("stays.migrations.0004_rolling_rule_start_and_more_country_rules").seed(
        apps, None
    )
    import_module("stays.migrations.0005_tajikistan_and_mongolia_stay_ninety_days").correct(
        apps, None
    )
