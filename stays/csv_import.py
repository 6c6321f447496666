"""CSV files of crossings: parse every line, check the whole history, then write all or nothing.

A traveller's file has the columns ``entry,exit`` (and optionally ``note``); an employer's has
``person`` too, the e-mail address of someone the organisation actively sponsors. Dates are
``YYYY-MM-DD`` (``DD.MM.YYYY`` is accepted too); an empty exit means the person is still in
the country. The delimiter may be a comma or a semicolon. Every problem is reported with its
line number and column, and nothing is written while any line is wrong.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext as _

from portal.accounts.access import role_of
from portal.accounts.models import User
from portal.core import clock, spreadsheets

from . import access, problems, rules, services
from .models import Crossing

MAX_ROWS = 5000
NOTE_MAX_CHARS = Crossing._meta.get_field("note").max_length or 200
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")


@dataclass(frozen=True)
class RowError:
    """One problem at a line of the file as an editor numbers it; ``field`` is a column name,
    or "" for the whole line."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = _("line %(line)d") % {"line": self.line}
        if self.field:
            where += f", {self.field}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Row:
    line: int
    entry: date
    exit: date | None
    note: str = ""
    person: str = ""


@dataclass
class ImportResult:
    created: int = 0
    people: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_date(text: str) -> date | None:
    """A date as people write it: ``2024-03-01`` or ``01.03.2024`` (``1.3.2024``); else None.

    The one reader of typed dates for the stays CSV and ``manage.py check_stays --on``.
    """
    text = text.strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse(
    data: bytes | str,
    *,
    required: Sequence[str] = ("entry", "exit"),
    optional: Sequence[str] = ("note",),
    max_rows: int = MAX_ROWS,
    allow_empty: bool = False,
) -> tuple[list[Row], list[RowError]]:
    """Rows and errors of a CSV file; every line is read, so every error is reported.

    The file is read as ``portal.core.spreadsheets.CSVTable`` reads a person's table (UTF-8, comma
    or semicolon, blank lines and Excel's empty trailing columns skipped). A header with no
    stays under it is an error (nothing to import) unless ``allow_empty``: then it is a
    history with no stays.
    """
    rows: list[Row] = []
    errors: list[RowError] = []
    try:
        table = spreadsheets.CSVTable(data)
        header = [name.lower() for name in table.header]
        known = [*required, *optional]
        at = table.header_line
        for name in header:
            if name not in known:
                errors.append(
                    RowError(
                        at,
                        name,
                        _("Unknown column. The columns are: %(columns)s.")
                        % {"columns": ", ".join(known)},
                    )
                )
        for name in required:
            if name not in header:
                errors.append(RowError(at, name, _("This column is missing from the header line.")))
        if len(set(header)) != len(header):
            errors.append(RowError(at, "", _("A column appears twice in the header line.")))
        if errors:
            return [], errors
        for count, (line, values) in enumerate(table, 1):
            if count > max_rows:
                errors.append(
                    RowError(line, "", _("Too many lines: at most %(n)d.") % {"n": max_rows})
                )
                break
            row, row_errors = _row(line, header, values)
            errors.extend(row_errors)
            if row is not None:
                rows.append(row)
        if not rows and not errors and not allow_empty:
            errors.append(RowError(at + 1, "", _("The file has no stays after its header line.")))
    except spreadsheets.FileProblem as problem:
        errors.append(RowError(problem.line, "", problem.message))
    return rows, errors


def _row(line: int, header: list[str], values: list[str]) -> tuple[Row | None, list[RowError]]:
    if len(values) != len(header):
        return None, [
            RowError(
                line,
                "",
                _("Expected %(expected)d values, found %(found)d.")
                % {"expected": len(header), "found": len(values)},
            )
        ]
    cells = {name: value.strip() for name, value in zip(header, values, strict=True)}
    errors: list[RowError] = []
    dates: dict[str, date | None] = {}
    for name in ("entry", "exit"):
        raw = cells.get(name, "")
        if not raw:
            if name == "entry":
                errors.append(RowError(line, name, _("The entry date is required.")))
            dates[name] = None
            continue
        parsed = parse_date(raw)
        if parsed is None:
            errors.append(
                RowError(
                    line,
                    name,
                    _("“%(value)s” is not a date: write it as YYYY-MM-DD or DD.MM.YYYY.")
                    % {"value": raw[:40]},
                )
            )
        dates[name] = parsed
    person = cells.get("person", "").lower()
    if "person" in header and not person:
        errors.append(RowError(line, "person", _("The person's e-mail address is required.")))
    note = cells.get("note", "")
    if len(note) > NOTE_MAX_CHARS:
        errors.append(
            RowError(
                line,
                "note",
                _("The note has %(count)d characters; at most %(limit)d fit. Shorten it.")
                % {"count": len(note), "limit": NOTE_MAX_CHARS},
            )
        )
    entry = dates["entry"]
    if errors or entry is None:
        return None, errors
    return Row(line, entry, dates["exit"], note, person), []


def record_problems(
    rows: Sequence[Row],
    existing: Sequence[rules.Stay],
    *,
    on: date | None,
    existing_label: Callable[[rules.Stay], str] | None = None,
    fmt: Callable[[date], str] = problems.local_date,
) -> list[RowError]:
    """Problems of the file's rows together with the recorded stays, each at its line.

    Problems among recorded stays alone are not the file's fault and are left out.
    """
    stays = [*existing, *(rules.Stay(r.entry, r.exit) for r in rows)]
    offset = len(existing)

    def label(i: int) -> str:
        if i >= offset:
            return _("the stay on line %(line)d") % {"line": rows[i - offset].line}
        if existing_label is not None:
            return existing_label(stays[i])
        return _("the recorded stay %(dates)s") % {"dates": problems.span(stays[i], fmt)}

    errors: list[RowError] = []
    for problem in rules.validate(stays, today=on):
        subject = problem.index
        if subject < offset:
            if problem.other is None or problem.other < offset:
                continue
            subject = problem.other
        field_name, message = problems.describe(
            problem, stays, subject=subject, other_label=label, today=on, fmt=fmt
        )
        error = RowError(rows[subject - offset].line, field_name or "", message)
        if error not in errors:
            errors.append(error)
    return sorted(errors, key=lambda e: e.line)


def sorted_errors(errors: Sequence[RowError]) -> list[RowError]:
    """Errors by line, each once."""
    return sorted(dict.fromkeys(errors), key=lambda e: e.line)


def import_crossings(*, by: User, data: bytes, on: date | None = None) -> ImportResult:
    """Import a traveller's own file, or an employer's file for the people it sponsors.

    Either every row is written, in one transaction, or none is and ``errors`` says why.
    """
    on = on or clock.today()
    for_employer = role_of(by) == "employer"
    required = ("person", "entry", "exit") if for_employer else ("entry", "exit")
    rows, errors = parse(data, required=required)
    if not rows:
        return ImportResult(errors=errors)

    # Every problem is gathered (file, people, history) before anything is written.
    by_person: dict[int, list[Row]] = defaultdict(list)
    if for_employer:
        emails = {r.person for r in rows}
        people = {u.email.lower(): u for u in access.sponsored_people(by).filter(email__in=emails)}
        for r in rows:
            if r.person in people:
                by_person[people[r.person].pk].append(r)
            else:
                errors.append(
                    RowError(
                        r.line,
                        "person",
                        _("Nobody your organisation sponsors has the e-mail address %(email)s.")
                        % {"email": r.person},
                    )
                )
    else:
        by_person[by.pk] = list(rows)

    with transaction.atomic():
        # Lock the people (in a fixed order) so nobody changes their record meanwhile.
        persons = list(User.objects.select_for_update().filter(pk__in=by_person).order_by("pk"))
        existing: dict[int, list[rules.Stay]] = defaultdict(list)
        for person_id, entry, exit in Crossing.objects.filter(person_id__in=by_person).values_list(
            "person_id", "entry", "exit"
        ):
            existing[person_id].append(rules.Stay(entry, exit))
        for person_id, person_rows in by_person.items():
            errors.extend(record_problems(person_rows, existing[person_id], on=on))
        if errors:
            return ImportResult(errors=sorted_errors(errors))
        Crossing.objects.bulk_create(
            Crossing(person_id=person_id, entry=r.entry, exit=r.exit, note=r.note)
            for person_id, person_rows in by_person.items()
            for r in person_rows
        )
        for person in persons:
            services.record_changed(person=person, on=on)
    return ImportResult(created=len(rows), people=len(by_person))
