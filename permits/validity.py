"""How long a residence permit is valid. Plain Python: no Django imports.

A permit is issued for ten years, or for the period the passport is valid when that is shorter.
"""

from __future__ import annotations

from datetime import date

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
