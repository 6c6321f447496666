"""Import and export of the catalogue in the admin (CSV and XLSX, with a dry-run preview)."""

import csv
import html
import io

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from portal.core.spreadsheets import formula_message
from professions.models import Profession, Sphere
from professions.resources import COLUMNS, ProfessionResource

from .factories import SphereFactory

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:professions_profession_import")
PROCESS = reverse("admin:professions_profession_process_import")
EXPORT = reverse("admin:professions_profession_export")
CSV_FORMAT, XLSX_FORMAT = "0", "1"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # The preview keeps the uploaded file in the default storage until it is confirmed.
    settings.MEDIA_ROOT = tmp_path


def _row(code, **changes):
    row = {
        "code": code,
        "title_en": f"Imported profession {code}",
        "title_ru": f"Импортированная профессия {code}",
        "title_kk": f"Импортталған мамандық {code}",
        "description_en": "",
        "description_ru": "",
        "description_kk": "",
        "sphere": "science",
        "min_education": "higher",
        "min_experience_years": "2",
        "is_listed": "1",
        "added_order_number": "210",
        "added_order_date": "2025-04-01",
        "withdrawn_order_number": "",
        "withdrawn_order_date": "",
    }
    row.update(changes)
    return row


def _dataset(rows):
    return tablib.Dataset(*[[row[c] for c in COLUMNS] for row in rows], headers=list(COLUMNS))


def _csv_file(rows, name="professions.csv"):
    return SimpleUploadedFile(name, _dataset(rows).export("csv").encode(), "text/csv")


def _xlsx_file(rows):
    return SimpleUploadedFile(
        "professions.xlsx",
        _dataset(rows).export("xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _preview(client, upload, file_format=CSV_FORMAT):
    return client.post(IMPORT, {"resource": "0", "format": file_format, "import_file": upload})


def _confirm(client, preview):
    form = preview.context["confirm_form"]
    return client.post(PROCESS, {name: form[name].value() for name in form.fields})


BAD_ROWS = [
    _row("9101-1-001"),
    _row("9101-1-002"),
    _row("9101-1-002", title_en="Same code again"),
    _row("9101-1-003", title_en=""),
    _row("9101-1-004", sphere="astrology"),
]


# --- Bad files -------------------------------------------------------------------------------


def test_it_previews_a_bad_file_naming_each_bad_row_and_field(client, catalogue_editor):
    client.force_login(catalogue_editor)
    before = Profession.objects.count()
    response = _preview(client, _csv_file(BAD_ROWS))
    assert response.status_code == 200
    result = response.context["result"]
    errors = {row.number: set(row.field_specific_errors) for row in result.invalid_rows}
    assert errors == {2: {"code"}, 3: {"code"}, 4: {"title_en"}, 5: {"sphere"}}
    assert "confirm_form" not in response.context
    html = response.content.decode()
    assert "appears more than once in the file (rows 2, 3)" in html
    assert "The English title is required." in html
    assert "Unknown sphere “astrology”" in html
    assert Profession.objects.count() == before
    assert not Profession.objects.filter(code__startswith="9101").exists()


def test_it_saves_no_row_of_a_partly_bad_dataset(db):
    before = Profession.objects.count()
    result = ProfessionResource().import_data(_dataset(BAD_ROWS), dry_run=False, raise_errors=False)
    assert result.has_validation_errors()
    assert Profession.objects.count() == before


def test_it_saves_nothing_when_the_file_turns_bad_before_confirmation(client, catalogue_editor):
    client.force_login(catalogue_editor)
    SphereFactory(slug="short-lived", name_en="Short-lived")
    rows = [_row("9102-1-001"), _row("9102-1-002", sphere="short-lived")]
    preview = _preview(client, _csv_file(rows))
    assert "confirm_form" in preview.context
    Sphere.objects.filter(slug="short-lived").delete()
    response = _confirm(client, preview)
    assert response.status_code == 302 and response.url == IMPORT
    assert not Profession.objects.filter(code__startswith="9102").exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any(m.startswith("Nothing was imported") for m in messages)


def test_it_refuses_a_file_without_a_code_column(client, catalogue_editor):
    client.force_login(catalogue_editor)
    upload = SimpleUploadedFile("x.csv", b"title_en,sphere\nAstronaut,science\n", "text/csv")
    response = _preview(client, upload)
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    assert not Profession.objects.filter(title_en="Astronaut").exists()


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01\x02garbage", b"code\n<script>x</script>\n", b"PK\x03\x04broken"],
)
def test_it_answers_an_unreadable_file_with_a_page(client, catalogue_editor, content):
    client.force_login(catalogue_editor)
    response = _preview(client, SimpleUploadedFile("x.csv", content, "text/csv"))
    assert response.status_code == 200
    assert "confirm_form" not in response.context


# --- Files as people save them ----------------------------------------------------------------


def _as_language(user, language):
    user.preferred_language = language
    user.save()


def _page_text(response):
    return " ".join(response.content.decode().split())


def test_it_reads_what_a_russian_excel_saves(client, catalogue_editor):
    # "CSV UTF-8" from Excel where the decimal sign is a comma: a byte-order mark, semicolons,
    # CRLF, the empty columns after the last one; here also a blank line before the header.
    client.force_login(catalogue_editor)
    header = ";".join(COLUMNS) + ";;"
    row = ";".join(_row("9105-1-001", title_kk="Сәулетші")[c] for c in COLUMNS) + ";;"
    data = ("\ufeff;;;\r\n" + header + "\r\n" + row + "\r\n").encode()
    preview = _preview(client, SimpleUploadedFile("ru-excel.csv", data, "text/csv"))
    assert "confirm_form" in preview.context, _page_text(preview)
    assert _confirm(client, preview).status_code == 302
    assert Profession.objects.get(code="9105-1-001").title_kk == "Сәулетші"


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("ru", "Файл сохранён в кодировке Windows-1251 (кириллица Windows)"),
        ("kk", "Файл Windows кириллицасының кодтауында (Windows-1251) сақталған"),
    ],
)
def test_it_answers_a_windows_1251_file_with_what_to_do(client, catalogue_editor, language, words):
    _as_language(catalogue_editor, language)
    client.force_login(catalogue_editor)
    text = _dataset([_row("9106-1-001", title_ru="Врач", title_kk="Дарiгер")]).export("csv")
    response = _preview(client, SimpleUploadedFile("p.csv", text.encode("cp1251"), "text/csv"))
    page = _page_text(response)
    assert words in page and "CSV UTF-8" in page
    assert "UnicodeDecodeError" not in page and "Traceback" not in page
    assert "confirm_form" not in response.context
    assert not Profession.objects.filter(code="9106-1-001").exists()


def test_it_refuses_rows_without_a_kazakh_or_russian_title_row_by_row(client, catalogue_editor):
    _as_language(catalogue_editor, "kk")
    client.force_login(catalogue_editor)
    rows = [
        _row("9107-1-001"),
        _row("9107-1-002", title_kk=""),
        _row("9107-1-003", title_ru="  "),
        _row("9107-1-004", title_kk="", title_ru=""),
    ]
    response = _preview(client, _csv_file(rows))
    errors = {
        row.number: set(row.field_specific_errors)
        for row in response.context["result"].invalid_rows
    }
    assert errors == {2: {"title_kk"}, 3: {"title_ru"}, 4: {"title_kk", "title_ru"}}
    page = _page_text(response)
    assert "Қазақ тіліндегі атауы міндетті." in page and "Орыс тіліндегі атауы міндетті." in page
    assert "confirm_form" not in response.context
    assert not Profession.objects.filter(code__startswith="9107").exists()


def test_it_says_a_csv_cell_is_a_formula(client, catalogue_editor):
    client.force_login(catalogue_editor)
    rows = [
        _row("9108-1-001", title_en='=HYPERLINK("http://x.example","Doctor")'),
        _row("9108-1-002", min_experience_years="=1+1"),
        _row("9108-1-003", description_en="'=A1 is how a spreadsheet names a cell"),
        _row("9108-1-004", min_experience_years="two"),
    ]
    response = _preview(client, _csv_file(rows))
    invalid = {
        row.number: row.field_specific_errors for row in response.context["result"].invalid_rows
    }
    assert not response.context["result"].has_errors()  # no row fails with an exception
    assert set(invalid) == {1, 2, 4}
    assert invalid[1] == {"title_en": [formula_message('=HYPERLINK("http://x.example","Doctor")')]}
    assert invalid[2] == {"min_experience_years": [formula_message("=1+1")]}
    assert invalid[2]["min_experience_years"][0].startswith(
        "This cell is a spreadsheet formula (“=1+1”), not a value."
    )
    assert invalid[4] == {"min_experience_years": ["Write the years as a whole number, such as 3."]}
    assert not Profession.objects.filter(code__startswith="9108").exists()


def test_it_says_an_xlsx_cell_is_a_formula_and_keeps_text_that_looks_like_one(
    client, catalogue_editor
):
    client.force_login(catalogue_editor)
    book = Workbook()
    sheet = book.active
    sheet.append([])  # a blank row before the header
    sheet.append([*COLUMNS, None, None])
    formula = _row("9109-1-001", title_en='=CONCATENATE("Neuro","surgeon")')
    text = _row("9109-1-002", description_en="placeholder")
    sheet.append([formula[c] for c in COLUMNS])
    sheet.append([text[c] for c in COLUMNS])
    cell = sheet.cell(row=4, column=COLUMNS.index("description_en") + 1)
    cell.value, cell.data_type = "=the stated formula, as text", "s"
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("p.xlsx", out.getvalue(), "application/octet-stream")

    response = _preview(client, upload, XLSX_FORMAT)
    invalid = {
        row.number: row.field_specific_errors for row in response.context["result"].invalid_rows
    }
    assert list(invalid) == [1] and list(invalid[1]) == ["title_en"]
    assert "spreadsheet formula (“=CONCATENATE" in invalid[1]["title_en"][0]

    sheet.delete_rows(3)  # without the formula row, the file goes in, the text kept as text
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("p.xlsx", out.getvalue(), "application/octet-stream")
    preview = _preview(client, upload, XLSX_FORMAT)
    assert "confirm_form" in preview.context, _page_text(preview)
    assert _confirm(client, preview).status_code == 302
    imported = Profession.objects.get(code="9109-1-002")
    assert imported.description_en == "=the stated formula, as text"


@pytest.mark.parametrize(
    ("header", "words"),
    [
        (
            "title_en,title_kz,sphere\n",
            "Unknown columns: “title_kz”. Missing columns: “code”. The first line must name "
            "the columns, separated by commas or semicolons: code, title_en,",
        ),
        # A tab is no separator: one column, "code<tab>title_en" (the page shows the tab
        # as a space).
        ("code\tTitle_en\n", "Unknown columns: “code title_en”. Missing columns: “code”."),
        ("code,code,title_en\n", "Columns named twice: “code”."),
    ],
)
def test_it_names_the_columns_that_are_wrong(client, catalogue_editor, header, words):
    client.force_login(catalogue_editor)
    data = (header + "x,y,z\n").encode()
    response = _preview(client, SimpleUploadedFile("p.csv", data, "text/csv"))
    page = html.unescape(_page_text(response))
    assert words in page
    assert "Traceback" not in page and "import_id_fields" not in page
    assert "confirm_form" not in response.context


def test_it_answers_a_file_that_is_not_the_chosen_format(client, catalogue_editor):
    _as_language(catalogue_editor, "ru")
    client.force_login(catalogue_editor)
    upload = SimpleUploadedFile("p.xlsx", b"code,title_en\n1,x\n", "application/octet-stream")
    page = _page_text(_preview(client, upload, XLSX_FORMAT))
    assert "Этот файл не удаётся прочитать как XLSX." in page
    assert "BadZipFile" not in page and "encountered while trying to read file" not in page


# --- Good files ------------------------------------------------------------------------------


def test_it_imports_a_good_csv_after_the_preview(client, catalogue_editor):
    client.force_login(catalogue_editor)
    rows = [
        _row("9103-1-001", title_kk="Жаңа мамандық"),
        _row(
            "9103-1-002",
            sphere="it",
            is_listed="0",
            withdrawn_order_number="5",
            withdrawn_order_date="2025-06-01",
        ),
        _row("2512-1-002", title_en="Software engineer", sphere="it"),
    ]
    preview = _preview(client, _csv_file(rows))
    assert preview.status_code == 200
    assert "confirm_form" in preview.context
    assert not Profession.objects.filter(code__startswith="9103").exists()  # only a preview

    response = _confirm(client, preview)
    assert response.status_code == 302
    new = Profession.objects.get(code="9103-1-001")
    assert new.title_kk == "Жаңа мамандық" and new.sphere.slug == "science"
    withdrawn = Profession.objects.get(code="9103-1-002")
    assert not withdrawn.is_listed and withdrawn.withdrawn_order_number == "5"
    updated = Profession.objects.get(code="2512-1-002")
    assert updated.title_en == "Software engineer"
    assert updated.title_ru == "Импортированная профессия 2512-1-002"


def test_it_imports_a_good_xlsx(client, catalogue_editor):
    client.force_login(catalogue_editor)
    preview = _preview(client, _xlsx_file([_row("9104-1-001")]), XLSX_FORMAT)
    assert "confirm_form" in preview.context, preview.context["result"].invalid_rows
    assert _confirm(client, preview).status_code == 302
    assert Profession.objects.get(code="9104-1-001").title_kk == "Импортталған мамандық 9104-1-001"


def test_it_reimports_its_own_export_without_changes():
    dataset = ProfessionResource().export()
    result = ProfessionResource().import_data(dataset, dry_run=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == Profession.objects.count() == 21


# --- Export ----------------------------------------------------------------------------------


def _export(client, file_format):
    form = client.get(EXPORT).context["form"]
    data = {name: "on" for name, field in form.fields.items() if name.startswith("profession")}
    data.update(resource="0", format=file_format)
    response = client.post(EXPORT, data)
    assert response.status_code == 200
    return response


def test_it_exports_the_catalogue_as_csv(client, catalogue_editor, withdrawn_profession):
    client.force_login(catalogue_editor)
    response = _export(client, CSV_FORMAT)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 22
    architect = next(r for r in rows if r["code"] == "2512-1-002")
    assert architect["title_kk"] == "Бағдарламалық қамтамасыз ету сәулетшісі"
    assert architect["sphere"] == "it"
    assert withdrawn_profession.code in {r["code"] for r in rows}


def test_it_exports_the_catalogue_as_xlsx(client, catalogue_editor):
    client.force_login(catalogue_editor)
    response = _export(client, XLSX_FORMAT)
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:2] == ("code", "title_en")
    assert any(row[0] == "2212-1-006" and row[2] == "Врач-неонатолог" for row in values[1:])
