"""Check a CSV of stays against a regime's limits on a date; print the answer as JSON.

    python manage.py check_stays FILE.csv --regime visa_free|eaeu --on YYYY-MM-DD

FILE.csv has the header ``entry,exit`` and one stay per line (exit empty for an ongoing stay).
Only days up to ``--on`` count. Bad input exits with status 1 and a message naming the line.
The limits are those staff keep in the country rules for the regime.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from portal.core import clock
from stays import csv_import, rules, services
from stays.models import Regime


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def answer(assessment: rules.Assessment, regime: str, limits: rules.Limits) -> dict[str, Any]:
    """The JSON object printed for one assessment."""
    a = assessment
    return {
        "on": a.on.isoformat(),
        "regime": regime,
        "limits": {
            "single_stay_days": limits.single_stay,
            "window_days": limits.window,
            "max_days": limits.max_days,
        },
        "days_in_window": a.days_in_window,
        "days_remaining": a.days_remaining,
        "in_country": a.in_country,
        "rolling_violation": a.rolling_violation,
        "first_violation_date": _iso(a.first_violation_date),
        "single_stay_violation": a.single_stay_violation,
        "max_single_stay_days": a.max_single_stay_days,
        "latest_exit_date": _iso(a.latest_exit_date),
        "violations": [
            {
                "kind": v.kind,
                "first_day": v.first_day.isoformat(),
                "last_day": v.last_day.isoformat(),
                "days_over": v.days_over,
            }
            for v in a.violations
        ],
    }


class Command(BaseCommand):
    help = "Check a CSV of stays (header entry,exit) against the 30/90-day and 90/180 rules."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV file with the header entry,exit")
        parser.add_argument(
            "--regime",
            required=True,
            choices=[Regime.VISA_FREE.value, Regime.EAEU.value],
            help="visa_free (30 days per stay) or eaeu (90 days per stay)",
        )
        parser.add_argument(
            "--on",
            type=self._date,
            default=None,
            help="the date checked, YYYY-MM-DD (default: today in Almaty)",
        )

    @staticmethod
    def _date(text: str) -> date:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"--on: “{text}” is not a date; write it as YYYY-MM-DD") from None

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: cannot read the file ({error.strerror})") from None
        rows, errors = csv_import.parse(data, required=("entry", "exit"), optional=())
        errors += csv_import.record_problems(rows, [], on=None, fmt=date.isoformat)
        if errors:
            raise CommandError(
                f"{path}: " + "\n".join(str(e) for e in csv_import.sorted_errors(errors)),
                returncode=1,
            )
        on = options["on"] or clock.today()
        regime = options["regime"]
        try:
            limits = services.regime_limits(regime)
        except DatabaseError:
            limits = rules.EAEU if regime == Regime.EAEU else rules.VISA_FREE
            self.stderr.write(f"country rules unreadable; using the default limits {limits}")
        stays = [rules.Stay(r.entry, r.exit) for r in rows]
        assessment = rules.assess(stays, on, limits)
        self.stdout.write(json.dumps(answer(assessment, regime, limits), indent=2))
