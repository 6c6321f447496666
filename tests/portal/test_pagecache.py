"""Whole-page caching (portal/pagecache.py): pages come from the cache, and never a stale one.

"From the cache" is seen from the database: a page served from the cache reads none of the
tables it shows. "Never stale" is seen as a person would: after each kind of change, the next
view of the page shows it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import checks
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from permits.workflow import Status, transition
from portal import pagecache
from portal.employers import sponsorship_end
from stays import services as stays_services
from stays.scan import daily_scan
from tests.factories import UserFactory, sponsor
from tests.permits.factories import ApplicationFactory, add_required_documents, listed_profession

pytestmark = pytest.mark.django_db


def _reads(client, url: str, table: str, **extra) -> tuple[bool, str]:
    """(whether the request read ``table``, the page's text)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return any(table in q["sql"] for q in queries.captured_queries), response.content.decode()


def _visit(client, url: str) -> None:
    """View a page twice: a signed-in person's first view also gives them their CSRF cookie,
    and a page is stored only once it is rendered for a cookie the person holds."""
    for _ in range(2):
        assert client.get(url).status_code == 200


# --- public pages ---------------------------------------------------------------------------------


def test_a_public_page_is_served_from_the_cache_until_the_catalogue_changes(client):
    profession = listed_profession("2512.7")
    url = reverse("professions:detail", args=[profession.pk])
    read, first = _reads(client, url, "professions_profession")
    assert read and "Software developer 2512.7" in first
    read, again = _reads(client, url, "professions_profession")
    assert not read and again == first

    profession.title_en = "Data engineer"
    profession.save()
    read, after = _reads(client, url, "professions_profession")
    assert read and "Data engineer" in after

    # The catalogue list, too, and a withdrawn profession leaves it at once.
    list_url = reverse("professions:list") + "?q=Data"
    assert "Data engineer" in client.get(list_url).content.decode()
    profession.is_listed = False
    profession.save()
    assert "Data engineer" not in client.get(list_url).content.decode()


def test_public_pages_carry_no_per_visitor_token_and_set_no_cookie(client):
    for url in [reverse("portal:home"), reverse("professions:list")]:
        response = client.get(url)
        assert response.status_code == 200
        assert "csrfmiddlewaretoken" not in response.content.decode()
        assert not response.cookies


def test_each_language_has_its_own_cached_page(client):
    url = reverse("professions:list")
    english = client.get(url).content.decode()
    response = client.get(reverse("portal:set_language"), {"language": "ru", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    russian = client.get(url).content.decode()
    assert english != russian and 'lang="ru"' in russian and 'lang="en"' in english


def test_a_signed_in_person_cannot_switch_language_by_get(client, applicant):
    """Their choice is saved, so it needs a POST with its CSRF token."""
    client.force_login(applicant)
    response = client.get(reverse("portal:set_language"), {"language": "kk"})
    assert response.status_code == 405
    applicant.refresh_from_db()
    assert applicant.preferred_language != "kk"


def test_a_visitor_sees_a_message_meant_for_them_and_never_another_visitors(client, rf):
    """A page is never stored with a flash message, nor served from the cache over one."""
    from django.contrib.messages import INFO
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage

    home = reverse("portal:home")
    client.get(home)  # now cached, without a message
    client.cookies["messages"] = CookieStorage(rf.get(home))._encode(
        [Message(INFO, "Only for you")]
    )
    assert "Only for you" in client.get(home).content.decode()
    assert "Only for you" not in client.__class__().get(home).content.decode()


# --- one person's pages ---------------------------------------------------------------------------


def test_one_persons_page_is_never_served_to_another(client, applicant, other_applicant):
    application = ApplicationFactory(applicant=applicant)
    url = reverse("permits:detail", args=[application.pk])
    client.force_login(applicant)
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # now cached
    client.force_login(other_applicant)
    assert client.get(url).status_code == 404
    dashboard = client.get(reverse("portal:applicant_dashboard")).content.decode()
    assert "Welcome, Bob" in dashboard and "Alice" not in dashboard


def test_the_application_page_follows_the_workflow(client, applicant, reviewer):
    application = ApplicationFactory(applicant=applicant)
    add_required_documents(application)
    client.force_login(applicant)
    url = reverse("permits:detail", args=[application.pk])
    transition(application, Status.SUBMITTED, by=applicant)
    _visit(client, url)
    read, before = _reads(client, url, "permits_application")
    assert not read
    read, again = _reads(client, url, "permits_application")
    assert not read and again == before

    application.refresh_from_db()
    transition(application, Status.UNDER_REVIEW, by=reviewer)
    read, after = _reads(client, url, "permits_application")
    assert read and after != before and "Under review" in after


def test_the_stays_page_follows_the_record_and_the_rules(client, applicant):
    client.force_login(applicant)
    url = reverse("stays:history")
    on = stays_services.today()
    _visit(client, url)
    read, cached = _reads(client, url, "stays_crossing")
    assert not read
    stays_services.crossing_create(
        person=applicant, entry=on - timedelta(days=40), exit=on - timedelta(days=2), note="Trip"
    )
    read, page = _reads(client, url, "stays_crossing")
    assert read and "Trip" in page and page != cached


def test_a_form_sent_with_errors_is_never_cached(client, applicant):
    client.force_login(applicant)
    url = reverse("stays:history")
    response = client.post(url, {"entry": "not a date", "exit": ""})
    assert response.status_code == 400
    page = client.get(url)
    assert page.status_code == 200 and "not a date" not in page.content.decode()


def test_a_message_after_a_change_is_shown_once_on_a_fresh_page(client, applicant):
    client.force_login(applicant)
    url = reverse("stays:history")
    on = stays_services.today()
    client.get(url)
    response = client.post(
        url,
        {
            "entry": (on - timedelta(days=20)).isoformat(),
            "exit": (on - timedelta(days=10)).isoformat(),
        },
        follow=True,
    )
    text = response.content.decode()
    assert "The stay is recorded." in text and (on - timedelta(days=20)).strftime("%Y") in text
    assert "The stay is recorded." not in client.get(url).content.decode()


# --- the employer's dashboard ---------------------------------------------------------------------


def test_the_employer_dashboard_follows_its_staff(client, employer_user, applicant):
    client.force_login(employer_user)
    url = reverse("portal:employer_dashboard")
    assert "Alice Applicant" not in client.get(url).content.decode()

    sponsorship = sponsor(employer_user.employer, applicant)
    read, page = _reads(client, url, "portal_sponsorship")
    assert read and "Alice Applicant" in page
    client.get(url)
    read, _ = _reads(client, url, "portal_sponsorship")
    assert not read

    # A stay recorded by the person shows on the employer's dashboard.
    on = stays_services.today()
    stays_services.crossing_create(person=applicant, entry=on - timedelta(days=25), exit=None)
    read, page = _reads(client, url, "portal_sponsorship")
    assert read

    # A new name too.
    applicant.full_name = "Alice Renamed"
    applicant.save()
    assert "Alice Renamed" in client.get(url).content.decode()

    sponsorship_end(sponsorship=sponsorship, by=employer_user)
    assert "Alice Renamed" not in client.get(url).content.decode()


def test_the_daily_scan_renews_the_pages_that_show_statuses(client, employer_user, applicant):
    sponsor(employer_user.employer, applicant)
    client.force_login(employer_user)
    url = reverse("portal:employer_dashboard")
    _visit(client, url)
    read, _ = _reads(client, url, "portal_sponsorship")
    assert not read
    daily_scan()
    read, _ = _reads(client, url, "portal_sponsorship")
    assert read


# --- the reviewers' queue -------------------------------------------------------------------------


def test_the_review_queue_follows_every_application(client, reviewer, applicant):
    client.force_login(reviewer)
    url = reverse("admin:permits_application_changelist")
    application = ApplicationFactory(applicant=applicant, full_name="Queue Person")
    add_required_documents(application)
    transition(application, Status.SUBMITTED, by=applicant)
    read, page = _reads(client, url, "permits_application")
    assert read and "Queue Person" in page
    client.get(url)
    read, page = _reads(client, url, "permits_application")
    read, again = _reads(client, url, "permits_application")
    assert not read and again == page

    application.refresh_from_db()
    transition(application, Status.UNDER_REVIEW, by=reviewer)
    read, page = _reads(client, url, "permits_application")
    assert read and "Under review" in page


# --- operations -----------------------------------------------------------------------------------


def test_page_cache_off_renders_every_time(client, settings):
    settings.PAGE_CACHE = False
    url = reverse("professions:list")
    listed_profession("2512.8")
    client.get(url)
    read, _ = _reads(client, url, "professions_profession")
    assert read


def test_a_migration_renews_every_page(client):
    url = reverse("professions:list")
    listed_profession("2512.9")
    client.get(url)
    assert not _reads(client, url, "professions_profession")[0]
    call_command("migrate", verbosity=0)
    assert _reads(client, url, "professions_profession")[0]


def test_deploy_check_warns_about_a_per_process_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ids = [m.id for m in checks.run_checks(include_deployment_checks=True)]
    assert "portal.W001" in ids
    settings.PAGE_CACHE = False
    ids = [m.id for m in checks.run_checks(include_deployment_checks=True)]
    assert "portal.W001" not in ids


def test_a_bulk_write_without_signals_still_renews_the_persons_pages(client, applicant):
    """The stored stay status is written by one upsert (no signal): status_refresh renews."""
    client.force_login(applicant)
    url = reverse("portal:applicant_dashboard")
    on = stays_services.today()
    _visit(client, url)
    assert not _reads(client, url, "stays_crossing")[0]
    from stays.models import Crossing

    Crossing.objects.bulk_create([Crossing(person=applicant, entry=on - timedelta(days=5))])
    stays_services.status_refresh(person=applicant)
    assert _reads(client, url, "stays_crossing")[0]


def test_scopes_of_a_person_include_every_sponsor(employer_user, other_employer_user):
    person = UserFactory()
    sponsor(employer_user.employer, person)
    scopes = pagecache.person_scopes(person.pk)
    assert scopes == {
        pagecache.user_scope(person.pk),
        pagecache.employer_scope(employer_user.employer_id),
    }


def test_a_reviewer_who_loses_the_permission_loses_the_cached_queue(client, reviewer):
    """Permissions live on the group: a change to the group renews its members' pages."""
    from django.contrib.auth.models import Group, Permission

    client.force_login(reviewer)
    url = reverse("admin:permits_application_changelist")
    _visit(client, url)
    group = Group.objects.get(name="Reviewers")
    group.permissions.remove(*Permission.objects.filter(codename__endswith="_application"))
    assert client.get(url).status_code == 403


def test_a_person_removed_from_a_group_loses_the_cached_queue(client, reviewer):
    client.force_login(reviewer)
    url = reverse("admin:permits_application_changelist")
    _visit(client, url)
    reviewer.groups.clear()
    assert client.get(url).status_code == 403


def test_the_redis_cache_reuses_one_client_and_works_over_a_real_connection(settings):
    """portal.cache.RedisCache: Django's Redis cache without a new client object per call."""
    from django.core.cache import caches

    from tests.conftest import REDIS_URL, require_redis

    require_redis()
    settings.CACHES = {
        **settings.CACHES,
        "redis-test": {"BACKEND": "portal.cache.RedisCache", "LOCATION": REDIS_URL},
    }
    cache = caches["redis-test"]
    cache.set("pagecache-test", {"a": 1}, 30)
    assert cache.get("pagecache-test") == {"a": 1}
    assert cache.get_many(["pagecache-test", "missing"]) == {"pagecache-test": {"a": 1}}
    assert cache.add("pagecache-test", 2) is False
    cache.delete("pagecache-test")
    assert cache.get("pagecache-test") is None
    client = cache._cache.get_client()
    assert cache._cache.get_client() is client


# --- the signed-in person's row (portal/auth.py) --------------------------------------------------


def test_the_signed_in_persons_row_is_read_from_the_cache_until_it_changes(client, applicant):
    client.force_login(applicant)
    url = reverse("portal:applicant_dashboard")
    _visit(client, url)
    read, _ = _reads(client, url, "portal_user")
    assert not read
    applicant.full_name = "Alice Changed"
    applicant.save()
    read, page = _reads(client, url, "portal_user")
    assert read and "Welcome, Alice" in page


def test_a_deactivated_account_is_signed_out_on_its_next_request(client, applicant):
    client.force_login(applicant)
    url = reverse("portal:applicant_dashboard")
    _visit(client, url)
    applicant.is_active = False
    applicant.save()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_password_change_signs_out_the_other_sessions_at_once(client, applicant):
    client.force_login(applicant)
    url = reverse("stays:history")
    _visit(client, url)
    applicant.set_password("An-entirely-new-passphrase-2026")
    applicant.save()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_person_made_staff_sees_the_change_on_the_next_request(client, applicant):
    client.force_login(applicant)
    _visit(client, reverse("portal:applicant_dashboard"))
    applicant.is_staff = True
    applicant.save()
    response = client.get(reverse("portal:dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:staff_dashboard")


def test_a_draft_being_written_leaves_the_review_queue_cached(client, reviewer, applicant):
    client.force_login(reviewer)
    url = reverse("admin:permits_application_changelist")
    profession = listed_profession()  # a new profession renews the queue (it names them)
    _visit(client, url)
    draft = ApplicationFactory(applicant=applicant, profession=profession)
    draft.phone = "+7 700 000 0000"
    draft.save()
    assert not _reads(client, url, "permits_application")[0]
    add_required_documents(draft)
    transition(draft, Status.SUBMITTED, by=applicant)
    assert _reads(client, url, "permits_application")[0]


def test_a_visitors_language_is_not_chosen_by_another_site(client):
    response = client.get(
        reverse("portal:set_language"), {"language": "kk"}, HTTP_SEC_FETCH_SITE="cross-site"
    )
    assert response.status_code == 302 and "django_language" not in response.cookies
    response = client.get(
        reverse("portal:set_language"), {"language": "kk"}, HTTP_SEC_FETCH_SITE="same-origin"
    )
    assert response.cookies["django_language"].value == "kk"


def test_a_refused_colleague_leaves_the_organisations_dashboard(client, employer_user):
    from portal.services import employer_member_reject
    from tests.factories import EmployerUserFactory

    pending = EmployerUserFactory(
        employer=employer_user.employer, employer_confirmed=False, full_name="Pending Person"
    )
    client.force_login(employer_user)
    url = reverse("portal:employer_dashboard")
    _visit(client, url)
    assert "Pending Person" in client.get(url).content.decode()
    employer_member_reject(member=pending, by=employer_user)
    assert "Pending Person" not in client.get(url).content.decode()


def test_an_import_for_a_person_without_limits_shows_at_once(client, applicant):
    """No country rule: status_refresh stores no status, yet the page must renew."""
    from stays.csv_import import import_crossings

    applicant.citizenship = "KZ"
    applicant.save()
    client.force_login(applicant)
    url = reverse("stays:history")
    _visit(client, url)
    on = stays_services.today()
    entry, exit = on - timedelta(days=30), on - timedelta(days=25)
    data = f"entry,exit,note\n{entry.isoformat()},{exit.isoformat()},Imported trip\n".encode()
    result = import_crossings(by=applicant, data=data)
    assert not result.errors
    assert "Imported trip" in client.get(url).content.decode()


def test_the_application_page_shows_a_renamed_employer(client, applicant, employer_user):
    employer = employer_user.employer
    application = ApplicationFactory(
        applicant=applicant, employer=employer, employer_bin=employer.bin
    )
    client.force_login(applicant)
    url = reverse("permits:detail", args=[application.pk])
    _visit(client, url)
    employer.name = "Renamed Employer LLP"
    employer.save()
    assert "Renamed Employer LLP" in client.get(url).content.decode()


def test_a_group_emptied_from_its_side_renews_its_members_pages(client, reviewer):
    from django.contrib.auth.models import Group

    client.force_login(reviewer)
    url = reverse("admin:permits_application_changelist")
    _visit(client, url)
    Group.objects.get(name="Reviewers").user_set.remove(reviewer)
    assert client.get(url).status_code == 403
