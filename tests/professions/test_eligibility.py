import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("professions:eligibility")


def _html(response):
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_the_documents_of_both_routes_before_any_choice(client, document_types):
    both, standard_only = document_types
    html = _html(client.get(URL))
    assert both.name in html and standard_only.name in html
    assert "Please correct" not in html


def test_it_offers_the_listed_professions_to_pick(client, withdrawn_profession):
    html = _html(client.get(URL))
    assert "Software architect" in html and "Telegraph operator" not in html


def test_it_tells_a_listed_profession_it_takes_the_facilitated_route(client, profession):
    html = _html(client.get(URL, {"profession": profession.pk}))
    assert "Facilitated route: no proof of solvency" in html
    assert f'href="/permits/apply/?profession={profession.pk}"' in html


@pytest.mark.parametrize(
    "text", ["квантовый карт", "КВАНТТЫҚ", "quantum CARTOGRAPHER", "9999-1-001"]
)
def test_it_finds_a_typed_profession_in_any_language(client, profession, text):
    html = _html(client.get(URL, {"q": text}))
    assert "Facilitated route: no proof of solvency" in html
    assert "Quantum cartographer" in html


def test_it_tells_a_withdrawn_profession_it_takes_the_standard_route(client, withdrawn_profession):
    html = _html(client.get(URL, {"q": "телеграф"}))
    assert "Standard route: proof of solvency required" in html
    assert "Order No. 112" in html


def test_it_asks_which_one_when_several_match(client):
    html = _html(client.get(URL, {"q": "инженер"}))
    assert "Which one is yours?" in html
    assert "Aviation engineer" in html and "Laser equipment engineer" in html
    assert "?q=2144-1-002" in html


def test_it_picks_the_exact_title_among_several_matches(client, sphere, profession):
    from .factories import ProfessionFactory

    ProfessionFactory(title_en="Quantum cartographer assistant", sphere=sphere)
    html = _html(client.get(URL, {"q": "Quantum cartographer"}))
    assert "Facilitated route: no proof of solvency" in html


def test_it_says_when_nothing_matches_and_that_the_standard_route_applies(client):
    html = _html(client.get(URL, {"q": "astronaut"}))
    assert "Not found on the list" in html and "standard route applies" in html


def test_it_asks_for_a_profession_when_the_form_is_sent_empty(client):
    html = _html(client.get(URL, {"q": "", "profession": ""}))
    assert "Choose your profession from the list or type its title." in html


@pytest.mark.parametrize(
    "params",
    [
        {"profession": "999999"},
        {"profession": "' OR 1=1"},
        {"q": "<b>x</b>" * 2000},
        {"q": "\x00"},
        {"q": "(?i).*"},
    ],
)
def test_it_answers_bad_input_with_a_page(client, params):
    html = _html(client.get(URL, params))
    assert "<b>x</b>" not in html


def test_it_asks_to_type_when_the_list_is_too_long_to_pick_from(client, db):
    from professions.forms import EligibilityForm
    from professions.models import Profession, Sphere

    sphere = Sphere.objects.first()
    Profession.objects.bulk_create(
        [
            Profession(
                code=f"9{i:03d}-9-999",
                title=f"Bulk profession {i}",
                sphere=sphere,
                min_education="higher",
            )
            for i in range(EligibilityForm.PICK_LIST_MAX)
        ]
    )
    response = client.get(reverse("professions:eligibility"))
    assert "profession" not in response.context["form"].fields
    assert "<select" not in response.content.decode().split('id="main"')[1].split("</form>")[0]
    response = client.get(reverse("professions:eligibility") + "?q=Bulk profession 7")
    assert response.status_code == 200
