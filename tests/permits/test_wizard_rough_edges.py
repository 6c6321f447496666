"""The rough edges of the application wizard (issue 14, point 7): a profession search that works
without JavaScript and costs the same at 2,000 professions, a "Change" link per answer on
"Check your answers", and the dashboard's call to answer an information request."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from permits.models import Application
from permits.states import Status
from permits.workflow import transition
from professions.models import Profession
from tests.permits.factories import ApplicationFactory, listed_profession, ready_application

pytestmark = pytest.mark.django_db


def _options(html: str) -> set[str]:
    select = html[html.index('name="profession"') :]
    select = select[: select.index("</select>")]
    return {unescape(label) for label in re.findall(r"<option value=\"\d+\"[^>]*>([^<]*)<", select)}


def _profession(code: str, en: str, ru: str, kk: str, *, listed: bool = True) -> Profession:
    profession = listed_profession(code, listed=listed)
    Profession.objects.filter(pk=profession.pk).update(title_en=en, title_ru=ru, title_kk=kk)
    profession.refresh_from_db()
    return profession


@pytest.fixture
def catalogue():
    return {
        "brewer": _profession("8160-9-001", "Zymurgist", "Зимург-технолог", "Зимург-технолог"),
        "glass": _profession("7315-9-001", "Glassblower", "Стеклодув", "Шыны үрлеуші"),
        "withdrawn": _profession(
            "7315-9-002", "Zymurgist of old", "Старый зимург", "Ескі зимург", listed=False
        ),
    }


def _step_url(application: Application, search: str | None = None) -> str:
    url = reverse("permits:step", args=[application.pk, "profession"])
    return url if search is None else f"{url}?search={search}"


def test_the_search_narrows_the_professions_in_any_language_and_by_code(
    client, applicant, catalogue
):
    application = ApplicationFactory(applicant=applicant, profession=None, completed_steps=[])
    client.force_login(applicant)
    everything = _options(client.get(_step_url(application)).content.decode())
    assert len(everything) == Profession.objects.listed().count() > 3
    for search in ("zymurg", "ЗИМУРГ", "8160-9", "Зимург технолог"):
        html = client.get(_step_url(application, search)).content.decode()
        assert _options(html) == {str(catalogue["brewer"])}, search
        assert "1 profession matches" in html
    html = client.get(_step_url(application, "шыны")).content.decode()
    assert _options(html) == {str(catalogue["glass"])}
    # A search that finds nothing says so and points to "not listed" and back to the full list.
    html = client.get(_step_url(application, "astronaut")).content.decode()
    assert _options(html) == set() and "No profession on the list matches" in html
    assert f'href="{_step_url(application)}"' in html


def test_the_search_keeps_the_chosen_profession_and_the_answers(client, applicant, catalogue):
    application = ApplicationFactory(
        applicant=applicant, profession=catalogue["glass"], full_name="Ada Lovelace"
    )
    client.force_login(applicant)
    html = client.get(_step_url(application, "zymurg")).content.decode()
    # The answer already given stays among the choices, selected and said to be the current
    # answer (it does not match); the search changes nothing.
    assert _options(html) == {
        str(catalogue["brewer"]),
        f"{catalogue['glass']} (your current answer)",
    }
    assert re.search(rf'<option value="{catalogue["glass"].pk}" selected>', html)
    application.refresh_from_db()
    assert application.profession == catalogue["glass"]
    # Choosing from the narrowed list saves it and keeps the other answers.
    response = client.post(_step_url(application, "zymurg"), {"profession": catalogue["brewer"].pk})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.profession == catalogue["brewer"]
    assert application.full_name == "Ada Lovelace" and application.passport_number


def test_the_search_form_is_a_get_that_sends_no_answer(client, applicant, catalogue):
    application = ApplicationFactory(applicant=applicant)
    client.force_login(applicant)
    html = client.get(_step_url(application)).content.decode()
    search_form = re.search(r'<form id="profession-search" method="get" action="([^"]+)">', html)
    assert search_form and search_form.group(1) == _step_url(application)
    field = re.search(r"<input [^>]*name=\"search\"[^>]*>", html).group(0)
    button = re.search(r'<button type="submit" form="profession-search"[^>]*>', html)
    assert 'form="profession-search"' in field and button
    # The answers' own controls belong to the POST form, not the search.
    assert 'form="profession-search"' not in re.search(r"<select[^>]*>", html).group(0)


@pytest.mark.parametrize("search", ["", "engineer zymurg"])
def test_the_profession_step_costs_the_same_queries_for_2000_professions(
    client, applicant, catalogue, search
):
    application = ApplicationFactory(applicant=applicant, profession=catalogue["glass"])
    client.force_login(applicant)
    url = _step_url(application, search)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    before = queries()
    sphere = catalogue["glass"].sphere
    Profession.objects.bulk_create(
        Profession(
            code=f"9{n:03d}-1",
            title_en=f"Engineer zymurg {n}",
            title_ru=f"Инженер {n}",
            title_kk=f"Инженер {n}",
            sphere=sphere,
            min_education="higher",
        )
        for n in range(2000)
    )
    assert queries() == before
    html = client.get(url).content.decode()
    assert len(_options(html)) > 2000 if not search else len(_options(html)) == 2000 + 1


def test_check_your_answers_has_a_change_link_per_answer(client, applicant):
    application = ready_application(applicant=applicant)
    client.force_login(applicant)
    html = client.get(reverse("permits:review", args=[application.pk])).content.decode()
    links = re.findall(
        r'<a href="([^"]+)">Change<span class="visually-hidden"> ([^<]+)</span></a>', html
    )
    step = lambda name: reverse("permits:step", args=[application.pk, name]) + "?back=answers"  # noqa: E731
    assert links == [
        (step("personal"), "full name"),
        (step("personal"), "date of birth"),
        (step("personal"), "citizenship"),
        (step("personal"), "phone"),
        (step("passport"), "passport"),
        (step("profession"), "profession"),
        (step("employer"), "sponsoring employer"),
        (reverse("permits:documents", args=[application.pk]), "documents"),
    ]
    for url, _name in links:
        assert client.get(url).status_code == 200
    # The application's own page (no longer editable once submitted) has no change links.
    transition(application, Status.SUBMITTED, by=applicant)
    html = client.get(reverse("permits:detail", args=[application.pk])).content.decode()
    assert ">Change<" not in html


def test_a_change_comes_back_to_check_your_answers(client, applicant):
    application = ready_application(applicant=applicant)
    client.force_login(applicant)
    url = reverse("permits:step", args=[application.pk, "personal"]) + "?back=answers"
    page = client.get(url)
    assert "Save and return to your answers" in page.content.decode()
    data = {
        "full_name": "Anna Changed",
        "date_of_birth": "1988-05-17",
        "citizenship": application.citizenship.code,
        "phone": application.phone,
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url == reverse("permits:review", args=[application.pk])
    application.refresh_from_db()
    assert application.full_name == "Anna Changed"
    # Without the word (or with any other value), the wizard goes on to the next step.
    plain = reverse("permits:step", args=[application.pk, "personal"])
    for query in ("", "?back=https://evil.example/"):
        response = client.post(plain + query, data)
        assert response.url == reverse("permits:step", args=[application.pk, "passport"])


@pytest.mark.parametrize(
    "language, change, name",
    [("kk", "Өзгерту", "толық аты-жөні: Өзгерту"), ("ru", "Изменить", "Изменить: полное имя")],
)
def test_the_change_links_are_translated(client, applicant, language, change, name):
    """A link's name reads as a phrase in each language, whatever the answer's label: the
    Kazakh puts the label first ("толық аты-жөні: Өзгерту", not "Өзгерту толық аты-жөні"), the
    Russian after a colon ("Изменить: дата рождения", not "Изменить дата рождения")."""
    applicant.preferred_language = language
    applicant.save(update_fields=["preferred_language"])
    application = ready_application(applicant=applicant)
    client.force_login(applicant)
    html = client.get(reverse("permits:review", args=[application.pk])).content.decode()
    links = re.findall(
        r'<a href="[^"]+">((?:[^<]|<span class="visually-hidden">[^<]*</span>)*)</a>', html
    )
    links = [link for link in links if "visually-hidden" in link]
    visible = [re.sub(r'<span class="visually-hidden">[^<]*</span>', "", link) for link in links]
    names = [re.sub(r"<[^>]+>", "", link) for link in links]
    assert len(links) == 8 and all(text == change for text in visible), links
    assert names[0] == name


def test_the_dashboard_calls_for_an_answer_to_an_information_request(client, applicant, reviewer):
    application = ready_application(applicant=applicant)
    transition(application, Status.SUBMITTED, by=applicant)
    transition(application, Status.UNDER_REVIEW, by=reviewer)
    client.force_login(applicant)
    dashboard = reverse("portal:applicant_dashboard")
    assert "needs more information" not in client.get(dashboard).content.decode()
    transition(
        application,
        Status.INFO_REQUESTED,
        by=reviewer,
        reason="unreadable_document",
        message="The passport scan cannot be read.",
    )
    html = client.get(dashboard).content.decode()
    assert f"The ministry needs more information for application {application.number}" in html
    request = application.changes.get(to_status=Status.INFO_REQUESTED)
    assert request.reason_label() in html and "The passport scan cannot be read." in html
    assert "No date is set for your answer" in html
    answer = reverse("permits:review", args=[application.pk])
    assert re.search(rf'<a class="btn btn-primary" href="{answer}">Answer the request</a>', html)
    # Answered: the call to action is gone.
    client.post(answer, {"expected_status": Status.INFO_REQUESTED, "note": "New scan."})
    application.refresh_from_db()
    assert application.status == Status.RESUBMITTED
    assert "needs more information" not in client.get(dashboard).content.decode()
