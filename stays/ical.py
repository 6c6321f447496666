"""The iCalendar (RFC 5545) feed of a person's must-leave-by date, with reminders."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from portal.core import clock

from .problems import local_date
from .services import Overview

REMINDER_DAYS = (14, 7)


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line to at most 75 octets per physical line (RFC 5545, 3.1)."""
    out: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not out else 74  # continuation lines start with a space
        if len((current + char).encode()) > limit:
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return "\r\n ".join(out)


def _ics_date(day: date) -> str:
    return day.strftime("%Y%m%d")


def render(overview: Overview, *, now: datetime | None = None) -> str:
    """The calendar: one all-day event on the must-leave-by date of the ongoing stay, if any."""
    now = now or clock.real_now()
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    host = settings.SITE_URL.split("://")[-1].split("/")[0] or "portal"
    with translation.override(overview.person.preferred_language or settings.LANGUAGE_CODE):
        # Outside the f-string: makemessages does not look for texts inside one.
        calendar_name = _("Stay in Kazakhstan: must-leave-by dates")
        lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Foreign specialist portal//Stays//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            f"X-WR-CALNAME:{escape(calendar_name)}",
            f"X-WR-TIMEZONE:{settings.TIME_ZONE}",
        ]
        lines += _events(overview, stamp, host)
        lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def _events(overview: Overview, stamp: str, host: str) -> Iterable[str]:
    a, limits, ongoing = overview.assessment, overview.limits, overview.ongoing
    if a is None or limits is None or a.latest_exit_date is None or ongoing is None:
        return []
    day = a.latest_exit_date
    summary = _("Last day of your stay in Kazakhstan")
    description = _(
        "You entered Kazakhstan on %(entry)s. Leave by the end of %(day)s to stay within the "
        "short-stay limits (%(single)d days per stay, %(max)d days in any %(window)d)."
    ) % {
        "entry": local_date(ongoing.entry),
        "day": local_date(day),
        "single": limits.single_stay,
        "max": limits.max_days,
        "window": limits.window,
    }
    lines = [
        "BEGIN:VEVENT",
        f"UID:stay-{overview.person.pk}-{ongoing.entry:%Y%m%d}@{host}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{_ics_date(day)}",
        f"DTEND;VALUE=DATE:{_ics_date(day + timedelta(days=1))}",
        f"SUMMARY:{escape(summary)}",
        f"DESCRIPTION:{escape(description)}",
        "TRANSP:TRANSPARENT",
    ]
    for days in REMINDER_DAYS:
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{escape(summary)}",
            f"TRIGGER;RELATED=START:-P{days}D",
            "END:VALARM",
        ]
    lines.append("END:VEVENT")
    return lines
