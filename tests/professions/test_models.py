import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.utils import translation

from professions.models import Profession
from tests.professions.factories import ProfessionFactory, build_professions

pytestmark = pytest.mark.django_db


def test_it_routes_listed_professions_the_facilitated_way(profession, withdrawn_profession):
    assert profession.route == "facilitated"
    assert withdrawn_profession.route == "standard"


def test_it_names_a_profession_by_code_and_title(profession):
    with translation.override("en"):
        assert str(profession) == "9999-1-001 — Quantum cartographer"


def test_it_shows_the_readers_language_and_falls_back_to_english(profession):
    profession.title_kk = ""
    profession.save()
    profession.refresh_from_db()
    with translation.override("ru"):
        assert profession.title == "Квантовый картограф"
    with translation.override("kk"):
        assert profession.title == "Quantum cartographer"


def test_it_lists_only_professions_on_the_list(profession, withdrawn_profession):
    listed = Profession.objects.listed()
    assert profession in listed and withdrawn_profession not in listed


@pytest.mark.parametrize(
    "text",
    ["квантов", "КВАНТОВЫЙ картограф", "кванттық", "ТТЫҚ", "QUANTUM", "cartog", "9999-1-00"],
)
def test_it_finds_a_profession_by_part_of_a_title_in_any_language(profession, text):
    assert profession in Profession.objects.search(text)


def test_it_requires_every_word_of_the_search(profession):
    assert profession in Profession.objects.search("quantum картограф")
    assert profession not in Profession.objects.search("quantum plumber")


@pytest.mark.parametrize("text", [".*", "(", "[a-z]", "\\", "%", "_", "' OR 1=1 --", "^$"])
def test_it_takes_search_text_literally(profession, text):
    # Only titles that hold the text itself (a title may have brackets: "... (engineering)").
    for found in Profession.objects.search(text):
        titles = [found.code, found.title_en, found.title_ru or "", found.title_kk or ""]
        assert any(text.lower() in t.lower() for t in titles), (text, found)
    assert profession not in Profession.objects.search(text)


def test_it_requires_the_order_that_withdrew_a_profession(profession):
    profession.is_listed = False
    with pytest.raises(ValidationError) as error:
        profession.full_clean()
    assert {"withdrawn_order_number", "withdrawn_order_date"} <= set(error.value.message_dict)


def test_it_refuses_a_withdrawal_order_on_a_listed_profession(profession):
    profession.withdrawn_order_number = "7"
    with pytest.raises(ValidationError) as error:
        profession.full_clean()
    assert "is_listed" in error.value.message_dict


def test_it_refuses_a_withdrawal_before_the_order_that_added_it(withdrawn_profession):
    withdrawn_profession.withdrawn_order_date = datetime.date(2020, 1, 1)
    with pytest.raises(ValidationError) as error:
        withdrawn_profession.full_clean()
    assert "withdrawn_order_date" in error.value.message_dict


@pytest.mark.parametrize("code", ["9512", "9512-1-001", "9512-01"])
def test_it_accepts_classifier_codes(profession, code):
    profession.code = code
    profession.full_clean()


@pytest.mark.parametrize("code", ["251", "ABCD", "2512-", "2512 1 001", "<b>2512</b>"])
def test_it_rejects_malformed_classifier_codes(profession, code):
    profession.code = code
    with pytest.raises(ValidationError) as error:
        profession.full_clean()
    assert "code" in error.value.message_dict


def test_it_keeps_codes_unique(profession):
    with pytest.raises(IntegrityError), transaction.atomic():
        Profession.objects.create(
            code="9999-1-001", title_en="Again", sphere=profession.sphere, min_education="higher"
        )


def test_it_never_deletes_a_sphere_that_has_professions(profession):
    with pytest.raises(ProtectedError):
        profession.sphere.delete()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the languages' collations are PostgreSQL's (ICU)"
)
def test_titles_come_in_each_languages_alphabetical_order():
    titles = ["Өндіріс технологы", "Бактериолог", "Ғарыш инженері", "Бағдарламашы", "Дәрігер"]
    for n, title in enumerate(titles):
        ProfessionFactory(code=f"9999-{n}", title_kk=title, title_ru=title)
    mine = Profession.objects.filter(code__startswith="9999-")
    with translation.override("kk"):
        assert [p.title_kk for p in mine.by_title()] == [
            "Бағдарламашы",  # Ғ comes before К in the Kazakh alphabet
            "Бактериолог",
            "Ғарыш инженері",  # after Г, before Д
            "Дәрігер",
            "Өндіріс технологы",  # after О, before П
        ]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the order's indexes are PostgreSQL's (ICU)"
)
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_page_of_the_catalogue_is_read_in_order_from_its_index(language, profession):
    """``by_title`` orders by exactly the expression of migration 0007's index for the
    language, so a page of the list is read from the index instead of sorting the catalogue
    (the planner is told to avoid a full scan: the test's table is too small to need one)."""
    Profession.objects.bulk_create(build_professions(300, profession.sphere))
    with translation.override(language), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        page = Profession.objects.for_table().listed().by_title()[:20]
        plan = page.explain()
        assert f"Index Scan using profession_by_title_{language}" in plan, plan
        assert "Sort" not in plan.replace("Sort Key", ""), plan
        assert len(list(page)) == 20
