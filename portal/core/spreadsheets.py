"""Tables people make in a spreadsheet, read as they come: the one home for reading them.

Used by the stays import and ``manage.py check_stays`` (``stays/csv_import.py``) and by the
catalogue import in the admin (``professions/resources.py``, through ``CSVImport`` and
``XLSXImport``). What a person's file may look like:

- Text is UTF-8, with or without a byte-order mark. The "CSV" Excel saves on a Russian or
  Kazakh Windows is Windows-1251, which has no letter for ә, ғ, қ, ң, ө, ұ, ү, һ or і: such a
  file is refused with what to do (save it as "CSV UTF-8"), never guessed at.
- Columns are separated by commas, or by semicolons (Excel's separator wherever the decimal
  sign is a comma, as in Kazakhstan): the header line decides.
- Blank lines before the header and between rows are skipped, and so are the empty columns
  Excel leaves after the last one.
- Line numbers are those a text editor shows, counting the blank lines too.

A cell that is a formula (``=...``) is not a value: ``formula_message`` says so. Text that
starts with a formula sign comes from our own export with a quote in front
(``portal.csvsafe.safe_cell``); ``XLSXImport`` quotes such text cells the same way, so an
unquoted ``=...`` is always a formula, in either format.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from typing import Any

import openpyxl
import tablib
from django.utils.translation import gettext as _
from import_export.formats import base_formats

from .csvsafe import safe_value

DELIMITERS = (",", ";")
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+")


class FileProblem(Exception):
    """What is wrong with a whole file (not one value), in the reader's language, and where."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def decode(data: bytes) -> str:
    """The text of a file that must be UTF-8; ``FileProblem`` says how to save it otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        if _looks_like_windows_cyrillic(data):
            raise FileProblem(
                _(
                    "The file is saved in the Windows Cyrillic encoding (Windows-1251), which "
                    "has no Kazakh letters. In Excel, choose File, Save As, and the type "
                    "“CSV UTF-8 (comma delimited)”; in LibreOffice, choose the character set "
                    "“Unicode (UTF-8)”. Then upload the new file."
                ),
                line,
            ) from None
        raise FileProblem(
            _(
                "The file is not UTF-8 text (line %(line)d). Save it as “CSV UTF-8” from your "
                "spreadsheet program and upload it again."
            )
            % {"line": line},
            line,
        ) from None


def _looks_like_windows_cyrillic(data: bytes) -> bool:
    # Read as Windows-1251, Russian text is words of Cyrillic letters; Latin-1 German or
    # French read so gives lone Cyrillic letters inside Latin words ("MьLLER", "cafй").
    words = _CYRILLIC_WORD.findall(data.decode("cp1251", errors="replace"))
    letters = sum(len(word) for word in words)
    in_words = sum(len(word) for word in words if len(word) > 1)
    return letters > 1 and in_words >= 0.8 * letters


def _blank(cells: Sequence[Any]) -> bool:
    return not any(str(cell).strip() for cell in cells if cell is not None)


class CSVTable:
    """A CSV file: ``header`` (names as written, stripped) on ``header_line``; iterate it for
    ``(line, cells)`` of every row that is not blank.

    Raises ``FileProblem`` when the file is empty or not UTF-8, and, while iterating, at a line
    that is not CSV (an unclosed quote, say).
    """

    def __init__(self, data: bytes | str) -> None:
        text = decode(data) if isinstance(data, bytes) else data.lstrip("\ufeff")
        lines = [line for line in text.splitlines() if line.strip(" \t,;")]
        if not lines:
            raise FileProblem(_("The file is empty."), 1)
        first = lines[0]
        self.delimiter = max(DELIMITERS, key=first.count)
        self._reader = csv.reader(io.StringIO(text), delimiter=self.delimiter, strict=True)
        self.header: list[str] = []
        self.header_line = 1
        for cells in self._rows():
            self.header = [cell.strip() for cell in cells]
            self.header_line = self._reader.line_num
            break
        while self.header and not self.header[-1]:
            self.header.pop()

    def _rows(self) -> Iterator[list[str]]:
        try:
            for cells in self._reader:
                if not _blank(cells):
                    yield cells
        except csv.Error:
            line = self._reader.line_num or 1
            raise FileProblem(
                _(
                    "Line %(line)d is not a CSV line: check its quotation marks (a cell that "
                    "opens a quotation mark must close it)."
                )
                % {"line": line},
                line,
            ) from None

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        width = len(self.header)
        for cells in self._rows():
            while len(cells) > width and not cells[-1].strip():
                cells.pop()
            yield self._reader.line_num, cells


def is_formula(value: Any) -> bool:
    """Whether a cell read by ``CSVTable`` or ``XLSXImport`` is a formula, not a value."""
    return isinstance(value, str) and value.startswith("=")


def formula_message(value: str) -> str:
    """The words for a formula cell (``is_formula``)."""
    shown = value if len(value) <= 40 else value[:39] + "…"
    return _(
        "This cell is a spreadsheet formula (“%(formula)s”), not a value. Replace the formula "
        "with its value (in Excel: Copy, then Paste Special, Values) and import the file again."
    ) % {"formula": shown}


def check_header(header: Sequence[str], *, columns: Sequence[str], required: Sequence[str]) -> None:
    """``FileProblem`` naming every unknown, missing or repeated column of ``header``."""
    problems: list[str] = []
    unknown = [name for name in header if name not in columns]
    if unknown:
        problems.append(
            _("Unknown columns: %(names)s.") % {"names": ", ".join(f"“{n}”" for n in unknown)}
        )
    missing = [name for name in required if name not in header]
    if missing:
        problems.append(
            _("Missing columns: %(names)s.") % {"names": ", ".join(f"“{n}”" for n in missing)}
        )
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        problems.append(
            _("Columns named twice: %(names)s.") % {"names": ", ".join(f"“{n}”" for n in repeated)}
        )
    if problems:
        problems.append(
            _(
                "The first line must name the columns, separated by commas or semicolons: "
                "%(columns)s."
            )
            % {"columns": ", ".join(columns)}
        )
        raise FileProblem(" ".join(problems), 1)


# --- The admin's import (django-import-export) ---------------------------------------------------


class _TableImport:
    """Shared by the two formats: the columns a resource knows, checked on the header line."""

    columns: tuple[str, ...] = ()
    required: tuple[str, ...] = ()

    def _dataset(self, header: list[str], rows: Sequence[tuple[int, Sequence[Any]]]) -> Any:
        names = [str(name).strip().lower() for name in header]
        if self.columns:
            check_header(names, columns=self.columns, required=self.required)
        dataset = tablib.Dataset(headers=names)
        for line, cells in rows:
            if len(cells) != len(names):
                raise FileProblem(
                    _(
                        "Line %(line)d has %(found)d values, but the header line names "
                        "%(expected)d columns."
                    )
                    % {"line": line, "found": len(cells), "expected": len(names)},
                    line,
                )
            dataset.append(list(cells))
        if not dataset:
            raise FileProblem(_("The file has no rows after its header line."), 2)
        return dataset


class CSVImport(_TableImport, base_formats.CSV):
    """CSV for the admin's import: given the file's bytes, read as ``CSVTable`` reads them."""

    def is_binary(self) -> bool:
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def create_dataset(self, in_stream: Any, **kwargs: Any) -> Any:
        table = CSVTable(in_stream)
        return self._dataset(table.header, list(table))


class XLSXImport(_TableImport, base_formats.XLSX):
    """XLSX for the admin's import: the first sheet, blank rows and trailing columns skipped;
    a formula cell comes as its formula (``=...``), text that starts like one with a quote."""

    def create_dataset(self, in_stream: Any) -> Any:
        book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=False)
        rows: list[tuple[int, list[Any]]] = []
        sheet: Any = book.active
        for number, cells in enumerate(sheet.iter_rows(), 1):
            values = [_xlsx_value(cell) for cell in cells]
            if not _blank(values):
                rows.append((number, values))
        book.close()
        if not rows:
            raise FileProblem(_("The file is empty."), 1)
        header = [("" if v is None else str(v)) for v in rows[0][1]]
        while header and not header[-1].strip():
            header.pop()
        width = len(header)
        body = []
        for number, values in rows[1:]:
            while len(values) > width and _blank(values[-1:]):
                values.pop()
            body.append((number, values + [None] * (width - len(values))))
        return self._dataset(header, body)


def _xlsx_value(cell: Any) -> Any:
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) == "f":
        text = str(getattr(value, "text", value) or "")
        return text if text.startswith("=") else "=" + text
    return safe_value(value)
