"""CSV import: every bad line named, nothing written when any is bad; the employer's file."""

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stays import csv_import
from stays.csv_import import RowError
from stays.models import Crossing, StayStatus
from tests.factories import UserFactory, sponsor

from .factories import history

pytestmark = pytest.mark.django_db

IMPORT = reverse("stays:import")


def d(iso):
    return date.fromisoformat(iso)


def upload(text, name="stays.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding) if isinstance(text, str) else text)


class TestParse:
    def test_it_reads_commas_semicolons_and_both_date_forms(self):
        rows, errors = csv_import.parse(
            "\ufeffEntry;Exit;Note\n2025-01-10;2025-01-20;a trip\n\n01.03.2025;;\n"
        )
        assert errors == []
        assert [(r.line, r.entry, r.exit, r.note) for r in rows] == [
            (2, d("2025-01-10"), d("2025-01-20"), "a trip"),
            (4, d("2025-03-01"), None, ""),
        ]

    @pytest.mark.parametrize(
        "text, error",
        [
            ("", RowError(1, "", "The file is empty.")),
            ("entry,exit\n", RowError(2, "", "The file has no stays after its header line.")),
            (
                "entry\n2025-01-01\n",
                RowError(1, "exit", "This column is missing from the header line."),
            ),
            (
                "entry,exit,country\n",
                RowError(1, "country", "Unknown column. The columns are: entry, exit, note."),
            ),
            ("entry,exit\n2025-01-01\n", RowError(2, "", "Expected 2 values, found 1.")),
            (
                "entry,exit\n2025-01-01,2025-02-30\n",
                RowError(
                    2, "exit", "“2025-02-30” is not a date: write it as YYYY-MM-DD or DD.MM.YYYY."
                ),
            ),
            ("entry,exit\n,2025-01-01\n", RowError(2, "entry", "The entry date is required.")),
            ('entry,exit\n"2025-01-01,2025\n', None),
        ],
    )
    def test_it_names_the_line_and_column_of_each_problem(self, text, error):
        rows, errors = csv_import.parse(text)
        assert errors and not rows
        if error is not None:
            assert errors[0] == error
        else:
            assert errors[0].message.startswith("Line 2 is not a CSV line")

    def test_it_names_a_line_that_is_not_utf8(self):
        _, errors = csv_import.parse(b"entry,exit\n2025-01-01,\n2025-02-01,\x99\n")
        assert errors == [
            RowError(
                3,
                "",
                "The file is not UTF-8 text (line 3). Save it as “CSV UTF-8” from your "
                "spreadsheet program and upload it again.",
            )
        ]

    def test_it_tells_windows_cyrillic_from_other_encodings(self):
        russian = "entry,exit,note\n2025-01-01,,командировка\n".encode("cp1251")
        german = "entry,exit,note\n2025-01-01,,Müller-Lüdenscheidt\n".encode("latin-1")
        _, errors = csv_import.parse(russian)
        assert errors[0].message.startswith("The file is saved in the Windows Cyrillic encoding")
        _, errors = csv_import.parse(german)
        assert errors[0].message.startswith("The file is not UTF-8 text (line 2).")

    def test_it_reports_every_bad_line_not_only_the_first(self):
        _, errors = csv_import.parse("entry,exit\nx,\n2025-01-01,y\n2025-01-05,2025-01-06\n,\n")
        assert [(e.line, e.field) for e in errors] == [(2, "entry"), (3, "exit")]


class TestApplicantImport:
    def test_it_imports_a_good_file(self, applicant, today):
        history(applicant, [("2024-01-10", "2024-01-20")])
        result = csv_import.import_crossings(
            by=applicant, data=b"entry,exit,note\n2025-01-10,2025-01-20,x\n2025-06-01,,\n"
        )
        assert result.ok and result.created == 2
        assert Crossing.objects.filter(person=applicant).count() == 3
        assert StayStatus.objects.get(person=applicant).in_country

    def test_it_writes_nothing_when_one_line_is_bad(self, applicant, today):
        history(applicant, [("2025-01-10", "2025-01-20")])
        data = (
            b"entry,exit\n"
            b"2025-02-01,2025-02-05\n"  # fine
            b"2025-01-15,2025-01-25\n"  # overlaps the recorded stay
            b"2025-03-01,2025-02-01\n"  # exit before entry
            b"2025-04-01,2025-04-03\n"
            b"2025-04-01,2025-04-03\n"  # the same stay twice
            b"2025-05-01,\n2025-05-20,\n"  # two ongoing stays (and overlapping)
            b"1990-01-01,1990-01-02\n"  # before 1991
            b"2025-06-10,2025-06-20\n"  # a crossing not made yet
        )
        result = csv_import.import_crossings(by=applicant, data=data)
        assert not result.ok
        found = {(e.line, e.field) for e in result.errors}
        assert {(3, ""), (4, "exit"), (6, ""), (8, "exit"), (9, "entry"), (10, "exit")} <= found
        assert 2 not in {e.line for e in result.errors}
        messages = " ".join(e.message for e in result.errors)
        assert "the recorded stay" in messages and "line 5" in messages
        assert Crossing.objects.filter(person=applicant).count() == 1

    def test_the_page_lists_each_problem_and_imports_nothing(self, client, applicant, today):
        client.force_login(applicant)
        response = client.post(IMPORT, {"file": upload("entry,exit\n2025-03-01,2025-02-01\n")})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Nothing was imported" in html and "The exit date is before the entry date." in html
        assert re.search(r"<td[^>]*>2</td><td[^>]*>exit</td>", html)
        response = client.post(IMPORT, {"file": upload("entry,exit\n2025-01-01,2025-01-05\n")})
        assert response.status_code == 302 and response.url == reverse("stays:history")
        assert Crossing.objects.filter(person=applicant).count() == 1

    def test_it_refuses_a_file_over_1_mb(self, client, applicant):
        client.force_login(applicant)
        response = client.post(IMPORT, {"file": upload(b"entry,exit\n" + b" " * (1024 * 1024))})
        assert response.status_code == 200 and "larger than 1 MB" in response.content.decode()


class TestFilesAsPeopleSaveThem:
    """Through the page, files as Excel and other programs save them."""

    def test_it_imports_what_a_russian_excel_saves(self, client, applicant, today):
        # A blank (separators only) line before the header, semicolons, DD.MM.YYYY dates, the
        # empty columns Excel leaves after the last one, and a CRLF line end.
        data = (
            ";;;;\r\n"
            "entry;exit;note;;\r\n"
            "10.01.2025;20.01.2025;конференция;;\r\n"
            ";;;;\r\n"
            "1.3.2025;;;;\r\n"
        )
        client.force_login(applicant)
        response = client.post(IMPORT, {"file": upload(data)})
        assert response.status_code == 302, response.content.decode()
        stays = list(Crossing.objects.filter(person=applicant).values_list("entry", "exit", "note"))
        assert sorted(stays) == [
            (d("2025-01-10"), d("2025-01-20"), "конференция"),
            (d("2025-03-01"), None, ""),
        ]

    def test_it_counts_lines_as_an_editor_does_after_a_blank_first_line(
        self, client, applicant, today
    ):
        client.force_login(applicant)
        response = client.post(IMPORT, {"file": upload("\nentry,exit\n2025-03-01,2025-02-01\n")})
        assert response.status_code == 200
        assert "<td>3</td><td>exit</td>" in _bare_cells(response.content.decode())

    @pytest.mark.parametrize(
        ("language", "words"),
        [
            ("ru", "Файл сохранён в кодировке Windows-1251"),
            ("kk", "Файл Windows кириллицасының кодтауында (Windows-1251) сақталған"),
            ("en", "The file is saved in the Windows Cyrillic encoding (Windows-1251)"),
        ],
    )
    def test_it_answers_a_windows_1251_file_with_what_to_do(
        self, client, applicant, today, language, words
    ):
        applicant.preferred_language = language
        applicant.save()
        client.force_login(applicant)
        data = "entry;exit;note\n10.01.2025;20.01.2025;командировка в Алматы\n"
        response = client.post(IMPORT, {"file": upload(data, encoding="cp1251")})
        html = response.content.decode()
        assert response.status_code == 200
        assert words in html and "CSV UTF-8" in html
        assert "UnicodeDecodeError" not in html
        assert not Crossing.objects.exists()

    def test_a_header_without_stays_imports_nothing_and_says_so(self, client, applicant, today):
        client.force_login(applicant)
        response = client.post(IMPORT, {"file": upload("\n\nentry,exit,note\n")})
        assert response.status_code == 200
        html = response.content.decode()
        assert "<td>4</td><td>—</td><td>The file has no stays after its header line.</td>" in (
            _bare_cells(html)
        )

    def test_a_long_note_says_how_long_it_is(self, client, applicant, today):
        client.force_login(applicant)
        response = client.post(
            IMPORT, {"file": upload("entry,exit,note\n2025-01-10,2025-01-20," + "x" * 230)}
        )
        assert "The note has 230 characters; at most 200 fit." in response.content.decode()


class TestEmployerImport:
    def test_it_imports_for_the_people_it_sponsors(self, employer_user, applicant, today):
        colleague = UserFactory(email="second@example.kz", citizenship="RU")
        for person in (applicant, colleague):
            sponsor(employer_user.employer, person)
        data = (
            b"person,entry,exit\n"
            b"ALICE@example.kz,2025-01-10,2025-01-20\n"
            b"second@example.kz,2025-01-15,2025-04-01\n"
            b"alice@example.kz,2025-06-01,\n"
        )
        result = csv_import.import_crossings(by=employer_user, data=data)
        assert result.ok and (result.created, result.people) == (3, 2)
        assert applicant.crossings.count() == 2 and colleague.crossings.count() == 1

    def test_it_refuses_people_it_does_not_sponsor(
        self, employer_user, other_employer_user, applicant, other_applicant, today
    ):
        sponsor(employer_user.employer, applicant)
        sponsor(other_employer_user.employer, other_applicant)
        data = (
            b"person,entry,exit\n"
            b"alice@example.kz,2025-01-10,2025-01-20\n"
            b"bob@example.kz,2025-01-10,2025-01-20\n"
            b"nobody@example.kz,2025-01-10,2025-01-20\n"
        )
        result = csv_import.import_crossings(by=employer_user, data=data)
        assert [(e.line, e.field) for e in result.errors] == [(3, "person"), (4, "person")]
        assert not Crossing.objects.exists()

    def test_it_checks_each_persons_history_on_its_own(self, employer_user, applicant, today):
        colleague = UserFactory(email="second@example.kz")
        for person in (applicant, colleague):
            sponsor(employer_user.employer, person)
        history(colleague, [("2025-01-10", "2025-01-20")])
        data = (
            b"person,entry,exit\n"
            b"alice@example.kz,2025-01-10,2025-01-20\n"  # fine: another person's dates
            b"second@example.kz,2025-01-12,2025-01-14\n"  # overlaps the colleague's record
        )
        result = csv_import.import_crossings(by=employer_user, data=data)
        assert [(e.line, e.field) for e in result.errors] == [(3, "")]
        assert Crossing.objects.count() == 1

    def test_the_page_is_for_employers_and_travellers_only(
        self, client, employer_user, applicant, reviewer
    ):
        sponsor(employer_user.employer, applicant)
        assert client.get(IMPORT).url.startswith(reverse("login"))
        client.force_login(reviewer)
        assert client.get(IMPORT).status_code == 403
        client.force_login(employer_user)
        html = client.get(IMPORT).content.decode()
        assert "person,entry,exit" in html and "alice@example.kz" in html
        response = client.post(IMPORT, {"file": upload("entry,exit\n2025-01-01,2025-01-05\n")})
        assert response.status_code == 200 and "This column is missing" in response.content.decode()

    def test_a_pending_colleague_imports_nothing(self, client, employer_user, applicant):
        from tests.factories import EmployerUserFactory

        sponsor(employer_user.employer, applicant)
        pending = EmployerUserFactory(employer=employer_user.employer, employer_confirmed=False)
        client.force_login(pending)
        response = client.post(
            IMPORT, {"file": upload("person,entry,exit\nalice@example.kz,2025-01-01,2025-01-05\n")}
        )
        assert response.status_code == 403
        assert not Crossing.objects.exists()


def _bare_cells(html: str) -> str:
    """The page with its table cells' attributes (the phone layout's labels) left out."""
    return re.sub(r"<td [^>]*>", "<td>", html)
