"""Spreadsheet cells that cannot run: OWASP's CSV-injection rule, in one place.

A spreadsheet that opens an exported file treats a text cell starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return as a formula, so a name typed as ``=HYPERLINK(...)`` would run
on the employer's or the ministry's machine. Every cell of every export goes through
``safe_cell``, which puts a single quote in front of such a cell (the text is kept, shown as
text). Exporters use it through:

- ``writer(file)``: a ``csv.writer`` whose every cell is neutralised (the views' CSV files);
- ``SafeCSV`` and ``SafeXLSX``: the django-import-export formats of the admin. The package's own
  ``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT`` (4.4) only deletes a leading ``=`` and leaves
  ``+``, ``-``, ``@``, tab and carriage return alone, so it is not used.

``restore_cell`` undoes the quote on import, so a file exported and imported again changes
nothing (a description that starts with "- " keeps its dash, without a quote).
"""

from __future__ import annotations

import csv
from typing import Any

from import_export.formats import base_formats

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def safe_cell(value: Any) -> str:
    """``value`` as the text of a CSV cell, with a quote in front when it could be a formula."""
    text = "" if value is None else str(value)
    return QUOTE + text if text.startswith(TRIGGERS) else text


def safe_value(value: Any) -> Any:
    """For typed spreadsheets (XLSX): text neutralised as ``safe_cell``; numbers and dates kept."""
    return safe_cell(value) if isinstance(value, str) else value


def restore_cell(value: Any) -> Any:
    """The value ``safe_cell`` was given, for a cell read back from an exported file."""
    if isinstance(value, str) and value.startswith(QUOTE) and value[1:].startswith(TRIGGERS):
        return value[1:]
    return value


class _Writer:
    def __init__(self, file: Any, **options: Any) -> None:
        self._writer = csv.writer(file, **options)

    def writerow(self, row: Any) -> Any:
        return self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Any) -> None:
        for row in rows:
            self.writerow(row)


def writer(file: Any, **options: Any) -> _Writer:
    """A ``csv.writer`` on ``file`` whose every cell goes through ``safe_cell``."""
    return _Writer(file, **options)


def _neutralised(dataset: Any, cell: Any) -> Any:
    copy = dataset.__class__(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        copy.append([cell(value) for value in row])
    return copy


class SafeCSV(base_formats.CSV):
    def export_data(self, dataset: Any, **kwargs: Any) -> Any:
        return super().export_data(_neutralised(dataset, safe_cell), **kwargs)


class SafeXLSX(base_formats.XLSX):
    def export_data(self, dataset: Any, **kwargs: Any) -> Any:
        return super().export_data(_neutralised(dataset, safe_value), **kwargs)


SAFE_FORMATS = (SafeCSV, SafeXLSX)
