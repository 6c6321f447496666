from datetime import date

import pytest

from stays import services

TODAY = date(2025, 6, 15)


@pytest.fixture
def today(monkeypatch):
    """Pin "today" (Almaty) for the stays app to 15 June 2025."""
    monkeypatch.setattr(services, "today", lambda: TODAY)
    return TODAY
