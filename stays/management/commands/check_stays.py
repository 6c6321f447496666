"""Check a CSV of stays against a regime's limits on a date; print the answer as JSON.

    python manage.py check_stays FILE.csv --regime visa_free|eaeu --on YYYY-MM-DD

FILE.csv is read as the web import reads it (``stays/csv_import.py``): the header ``entry,exit``
and, if present, ``note``; one stay per line (exit empty for an ongoing stay); dates as
YYYY-MM-DD or DD.MM.YYYY, ``--on`` too. A file with no stays is a history with 0 days used.
Only days up to ``--on`` count. Bad input exits with status 1 and a message naming the line,
in the language of ``--language`` (by default the terminal's, from LC_ALL, LC_MESSAGES or
LANG, when the portal has it). The limits are those staff keep in the country rules.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils import translation
from django.utils.translation import gettext as _

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
            default=None,
            help="the date checked, YYYY-MM-DD or DD.MM.YYYY (default: today in Almaty)",
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=None,
            help="the language of the messages (default: the terminal's, else English)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # From a terminal, its language; from code (call_command), the caller's.
        language = options["language"] or (
            terminal_language()
            if getattr(self, "_called_from_command_line", False)
            else translation.get_language()
        )
        with translation.override(language):
            self._check(options)

    def _check(self, options: dict[str, Any]) -> None:
        on = clock.today()
        if options["on"]:
            parsed = csv_import.parse_date(options["on"])
            if parsed is None:
                raise CommandError(
                    _("--on: “%(value)s” is not a date; write it as YYYY-MM-DD or DD.MM.YYYY.")
                    % {"value": options["on"][:40]},
                    returncode=1,
                )
            on = parsed
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("%(path)s: cannot read the file (%(reason)s).")
                % {"path": path, "reason": error.strerror},
                returncode=1,
            ) from None
        rows, errors = csv_import.parse(data, allow_empty=True)
        errors += csv_import.record_problems(rows, [], on=None, fmt=date.isoformat)
        if errors:
            raise CommandError(
                f"{path}: " + "\n".join(str(e) for e in csv_import.sorted_errors(errors)),
                returncode=1,
            )
        regime = options["regime"]
        try:
            limits = services.regime_limits(regime)
        except DatabaseError:
            limits = rules.EAEU if regime == Regime.EAEU else rules.VISA_FREE
            self.stderr.write(
                _(
                    "The country rules cannot be read; the default limits are used: "
                    "%(single)d days per stay, %(most)d days in any %(window)d."
                )
                % {"single": limits.single_stay, "most": limits.max_days, "window": limits.window}
            )
        stays = [rules.Stay(r.entry, r.exit) for r in rows]
        assessment = rules.assess(stays, on, limits)
        self.stdout.write(json.dumps(answer(assessment, regime, limits), indent=2))


def terminal_language() -> str:
    """The portal's language that the terminal's locale names (``ru_RU.UTF-8`` is ru), else
    the default one."""
    known = {code for code, _name in settings.LANGUAGES}
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            code = value.split(".")[0].split("_")[0].lower()
            return code if code in known else settings.LANGUAGE_CODE
    return settings.LANGUAGE_CODE
