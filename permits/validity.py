"""How long a residence permit is valid. Plain Python: no Django imports.

A permit is issued for ten years, or for the period the passport is valid when that is shorter.
An applicant's age is counted here too, by the same calendar arithmetic.
"""

from __future__ import annotations

from datetime import date, timedelta

PERMIT_YEARS = 10


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def valid_until(issue_date: date, passport_expiry: date) -> date:
    """``min(issue_date + 10 years, passport_expiry)``."""
    return min(add_years(issue_date, PERMIT_YEARS), passport_expiry)


def last_valid_day(valid_until: date, revoked_on: date | None) -> date:
    """The last day a permit is valid: ``valid_until``, or the day before its revocation.

    A permit revoked on day ``r`` is valid up to ``r - 1``; from ``r`` on it covers nothing (the
    stay tracker counts those days again).
    """
    if revoked_on is None:
        return valid_until
    return min(valid_until, revoked_on - timedelta(days=1))


# Applicants are of age: 18 years old on the day they apply.
MIN_APPLICANT_AGE = 18


def age_on(born: date, on: date) -> int:
    """Full years of age on ``on`` of someone born on ``born``, by the date, not the year: one
    born on 29 February has a birthday on 28 February in other years (``add_years``)."""
    years = on.year - born.year
    return years if add_years(born, years) <= on else years - 1
