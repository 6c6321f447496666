import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from professions.models import Profession

from .factories import SphereFactory, build_professions

pytestmark = pytest.mark.django_db

LIST = reverse("professions:list")


def _html(response):
    assert response.status_code == 200
    return response.content.decode()


# --- Who may see the pages -------------------------------------------------------------------


@pytest.mark.parametrize("who", [None, "applicant", "employer_user", "reviewer"])
def test_it_shows_the_public_pages_to_anyone(client, request, profession, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    for url in (
        LIST,
        reverse("professions:detail", args=[profession.pk]),
        reverse("professions:eligibility"),
        reverse("professions:open_data_csv"),
        reverse("professions:open_data_json"),
    ):
        assert client.get(url).status_code == 200, url


def test_it_links_the_catalogue_and_the_check_from_every_page(client):
    html = _html(client.get(reverse("portal:home")))
    assert f'href="{LIST}"' in html
    assert f'href="{reverse("professions:eligibility")}"' in html


def test_it_refuses_to_change_anything_through_the_public_pages(client, profession):
    assert client.post(LIST).status_code == 405
    assert client.post(reverse("professions:eligibility")).status_code == 405


# --- Catalogue -------------------------------------------------------------------------------


def test_it_lists_the_seeded_catalogue(client):
    html = _html(client.get(LIST))
    assert "Software architect" in html and "Neonatologist" in html
    assert "21 professions found" in html


def test_it_shows_titles_in_the_readers_language(client):
    html = _html(client.get(LIST, HTTP_ACCEPT_LANGUAGE="ru"))
    assert "Архитектор программного обеспечения" in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("architec", "2512-1-002"),
        ("SOFTWARE ARCH", "2512-1-002"),
        ("архитект", "2512-1-002"),
        ("ПРОГРАММНОГО", "2512-1-002"),
        ("сәулет", "2512-1-002"),
        ("СӘУЛЕТШІСІ", "2512-1-002"),
        ("неонатолог", "2212-1-006"),
        ("2212-1-00", "2212-1-006"),
    ],
)
def test_it_finds_a_profession_by_part_of_its_title_in_any_language(client, text, expected):
    html = _html(client.get(LIST, {"q": text}))
    assert expected in html


def test_it_filters_by_sphere(client):
    html = _html(client.get(LIST, {"sphere": "healthcare"}))
    assert "Neonatologist" in html and "Software architect" not in html


def test_it_combines_search_and_sphere(client):
    html = _html(client.get(LIST, {"q": "engineer", "sphere": "industry"}))
    assert "Aviation engineer" in html and "Medical radiochemistry engineer" not in html


def test_it_hides_withdrawn_professions_unless_asked(client, withdrawn_profession):
    assert "Telegraph operator" not in _html(client.get(LIST, {"q": "telegraph"}))
    html = _html(client.get(LIST, {"q": "telegraph", "withdrawn": "on"}))
    assert "Telegraph operator" in html and "Withdrawn: standard route" in html


@pytest.mark.parametrize(
    "text",
    [
        "' OR '1'='1",
        '"; DROP TABLE professions_profession; --',
        "<script>alert('x')</script>",
        "%_\\",
        "(?i).*[",
        "a" * 10_000,
        "физик\x00",
        "💼 инженер",
    ],
)
def test_it_answers_any_search_text_with_a_page(client, text):
    html = _html(client.get(LIST, {"q": text}))
    assert "<script>alert" not in html
    assert Profession.objects.count() >= 21


@pytest.mark.parametrize(
    "params", [{"sphere": "no-such"}, {"page": "9999"}, {"page": "x"}, {"sphere": "' OR 1=1"}]
)
def test_it_answers_odd_parameters_with_a_page(client, params):
    _html(client.get(LIST, params))


def test_it_says_when_the_search_text_is_too_long(client):
    html = _html(client.get(LIST, {"q": "инженер " * 1_250}))
    assert "Ensure this value has at most 200 characters" in html
    assert "0 professions found" in html


def test_it_paginates_keeping_the_search(client, sphere):
    Profession.objects.bulk_create(build_professions(45, sphere))
    html = _html(client.get(LIST, {"q": "bulk"}))
    assert "45 professions found" in html and "Page 1 of 3" in html
    assert "?q=bulk&amp;page=2" in html
    html = _html(client.get(LIST, {"q": "bulk", "page": 3}))
    assert "Page 3 of 3" in html


# --- Detail ----------------------------------------------------------------------------------


def test_it_states_the_facilitated_route_and_its_documents(client, profession, document_types):
    both, standard_only = document_types
    html = _html(client.get(reverse("professions:detail", args=[profession.pk])))
    assert "Quantum cartographer" in html
    assert "Facilitated route: no proof of solvency" in html
    assert both.name in html and standard_only.name not in html
    assert "Order No. 49 of" in html


def test_it_states_the_standard_route_for_a_withdrawn_profession(
    client, withdrawn_profession, document_types
):
    both, standard_only = document_types
    html = _html(client.get(reverse("professions:detail", args=[withdrawn_profession.pk])))
    assert "Standard route: proof of solvency required" in html
    assert "Order No. 112" in html
    assert both.name in html and standard_only.name in html


def test_it_offers_to_apply_with_the_profession(client, profession):
    html = _html(client.get(reverse("professions:detail", args=[profession.pk])))
    assert f'href="/permits/apply/?profession={profession.pk}"' in html


def test_it_answers_an_unknown_profession_with_not_found(client):
    assert client.get(reverse("professions:detail", args=[999_999])).status_code == 404


# --- Open data -------------------------------------------------------------------------------


def test_it_publishes_the_current_list_as_csv(client, withdrawn_profession):
    response = client.get(reverse("professions:open_data_csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 21
    architect = next(r for r in rows if r["code"] == "2512-1-002")
    assert architect["title_ru"] == "Архитектор программного обеспечения"
    assert architect["title_kk"] == "Бағдарламалық қамтамасыз ету сәулетшісі"
    assert architect["sphere"] == "it" and architect["added_order_date"] == "2023-02-20"
    assert withdrawn_profession.code not in {r["code"] for r in rows}


def test_it_publishes_the_current_list_as_json(client, withdrawn_profession):
    data = json.loads(client.get(reverse("professions:open_data_json")).content)
    assert data["count"] == len(data["professions"]) == 21
    codes = {p["code"] for p in data["professions"]}
    assert "2212-1-006" in codes and withdrawn_profession.code not in codes


# --- Speed -----------------------------------------------------------------------------------


def _count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


@pytest.mark.parametrize("params", [{}, {"q": "bulk"}, {"sphere": "bulk", "withdrawn": "on"}])
def test_it_lists_with_the_same_queries_at_20_and_2000_professions(client, params, settings):
    Profession.objects.all().delete()
    sphere = SphereFactory(slug="bulk")
    Profession.objects.bulk_create(build_professions(20, sphere))
    at_20 = _count_queries(client, LIST, params)
    Profession.objects.bulk_create(build_professions(1980, sphere, start=20))
    assert Profession.objects.count() == 2000
    at_2000 = _count_queries(client, LIST, params)
    assert at_20 == at_2000


def test_it_shows_a_profession_with_the_same_queries_at_20_and_2000_professions(
    client, document_types, django_assert_num_queries, settings
):
    Profession.objects.all().delete()
    sphere = SphereFactory(slug="bulk")
    Profession.objects.bulk_create(build_professions(20, sphere))
    first = Profession.objects.order_by("pk").first()
    url = reverse("professions:detail", args=[first.pk])
    at_20 = _count_queries(client, url)
    Profession.objects.bulk_create(build_professions(1980, sphere, start=20))
    with django_assert_num_queries(at_20):
        client.get(url)
