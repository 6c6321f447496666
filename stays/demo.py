"""Demo stays: the demo applicant's history with a violation, and another sponsored person
near the end of an allowed stay. Idempotent: a person who has crossings is left alone."""

from __future__ import annotations

from datetime import timedelta

from portal.accounts.models import User
from portal.core import clock

from . import services
from .models import Crossing

OTHER_EMAIL = "james.miller@demo.kz"  # made by the permits demo, sponsored by the demo employer


def _history(person: User, spans: list[tuple[int, int | None, str]]) -> None:
    if Crossing.objects.filter(person=person).exists():
        return
    on = clock.today()
    Crossing.objects.bulk_create(
        Crossing(
            person=person,
            entry=on - timedelta(days=entry),
            exit=None if exit is None else on - timedelta(days=exit),
            note=note,
        )
        for entry, exit, note in spans
    )
    services.status_refresh(person=person, on=on)


def load(users: dict[str, User]) -> None:
    """Stays for the demo applicant (visa-free, with a 41-day stay: a single-stay violation,
    and a trip under way) and, if present, a second demo person whose stay ends soon."""
    _history(
        users["applicant"],
        [
            (320, 306, "Conference in Almaty"),
            (170, 130, "Project start-up in Astana"),
            (100, 80, "Site visit"),
            (12, None, ""),
        ],
    )
    other = User.objects.filter(email=OTHER_EMAIL).first()
    if other is not None:
        _history(other, [(150, 140, "Interview"), (22, None, "")])
