"""The API for HR systems: tokens, access, filters, pagination, the one write, the rate limit,
the audit trail, the cost of the staff list, and the schema."""

from __future__ import annotations

import base64
import hashlib
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api import views
from api.models import ApiCall, ApiToken
from api.services import token_create
from arrivals.models import ArrivalRegistration
from permits.models import Application
from portal.core import clock
from portal.organisations import services as organisations
from portal.organisations.models import Employer
from stays import services as stays_services
from tests.arrivals.conftest import sponsor_since
from tests.permits.factories import PDF_BYTES, upload
from tests.portal.test_employer import _staff

pytestmark = pytest.mark.django_db

SETTINGS = reverse("api:settings")
STAFF = reverse("api:staff_list")


def staff_url(person_id):
    return reverse("api:staff_detail", args=[person_id])


def raw_cursor(text):
    """A cursor as the API makes them (``encode_cursor``), of any text."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def token(employer_user):
    return token_create(employer=employer_user.employer, name="HR", by=employer_user).raw


class TestTokens:
    def test_a_token_is_shown_once_and_stored_hashed(self, client, employer_user):
        client.force_login(employer_user)
        response = client.post(SETTINGS, {"action": "create", "name": "HR system"})
        assert response.status_code == 200
        raw = response.context["new_token"]
        assert raw.startswith("kzp_") and len(raw) >= 4 + 43  # 256 bits, url-safe
        stored = ApiToken.objects.get()
        assert stored.digest == hashlib.sha256(raw.encode()).hexdigest()
        assert stored.prefix == raw[: len(stored.prefix)] and raw not in stored.prefix
        assert stored.employer == employer_user.employer and stored.name == "HR system"
        assert "no-store" in response["Cache-Control"]
        page = client.get(SETTINGS).content.decode()
        assert raw not in page and stored.prefix in page and "HR system" in page
        assert client.get(STAFF, **bearer(raw)).status_code == 200
        stored.refresh_from_db()
        assert stored.last_used_at is not None

    def test_a_form_sent_twice_makes_one_token(self, client, employer_user):
        client.force_login(employer_user)
        first = client.post(SETTINGS, {"action": "create", "name": "HR system"})
        again = client.post(SETTINGS, {"action": "create", "name": " hr SYSTEM "})  # a reload
        assert first.context["new_token"] and "new_token" not in again.context
        assert "already has this name" in again.context["token_form"].errors["name"][0]
        assert ApiToken.objects.count() == 1
        # Once revoked, the name may be given again.
        ApiToken.objects.update(revoked_at=clock.real_now())
        assert client.post(SETTINGS, {"action": "create", "name": "HR system"}).context["new_token"]

    def test_revoking_asks_first_without_javascript(self, client, employer_user, token):
        client.force_login(employer_user)
        html = client.get(SETTINGS).content.decode()
        revoke = html.index('value="revoke"')
        details = html[html.rindex("<details", 0, revoke) : html.index("</details>", revoke)]
        assert "<summary" in details and "Yes, revoke it" in details

    def test_unknown_and_revoked_tokens_get_the_same_401(self, client, employer_user, token):
        ApiToken.objects.update(revoked_at=clock.real_now())
        revoked = client.get(STAFF, **bearer(token))
        unknown = client.get(STAFF, **bearer(token[:-1] + ("A" if token[-1] != "A" else "B")))
        assert revoked.status_code == unknown.status_code == 401
        assert revoked.json() == unknown.json() == {"detail": "Invalid token."}
        assert revoked["WWW-Authenticate"] == unknown["WWW-Authenticate"]
        assert client.get(STAFF).status_code == 401  # no token at all
        assert not ApiCall.objects.exists()

    def test_a_user_revokes_a_token_on_the_page(self, client, employer_user, token):
        client.force_login(employer_user)
        stored = ApiToken.objects.get()
        response = client.post(SETTINGS, {"action": "revoke", "token": stored.pk})
        assert response.status_code == 302
        stored.refresh_from_db()
        assert stored.revoked_at is not None and stored.revoked_by == employer_user
        assert client.get(STAFF, **bearer(token)).status_code == 401

    @pytest.mark.parametrize("value, status", [("abc", 400), ("1.0", 400), ("9" * 30, 404)])
    def test_a_token_id_that_is_no_number_is_a_bad_request(
        self, client, employer_user, token, value, status
    ):
        client.force_login(employer_user)
        response = client.post(SETTINGS, {"action": "revoke", "token": value})
        assert response.status_code == status
        assert ApiToken.objects.get().revoked_at is None

    def test_another_organisation_cannot_revoke_it(self, client, other_employer_user, token):
        client.force_login(other_employer_user)
        stored = ApiToken.objects.get()
        assert client.post(SETTINGS, {"action": "revoke", "token": stored.pk}).status_code == 404
        stored.refresh_from_db()
        assert stored.revoked_at is None

    def test_an_unverified_organisation_gets_none(self, client, employer_user, token):
        employer = employer_user.employer
        employer.status = Employer.Status.PENDING
        employer.save()
        assert client.get(STAFF, **bearer(token)).json() == {"detail": "Invalid token."}
        client.force_login(employer_user)
        assert client.post(SETTINGS, {"action": "create", "name": "x"}).status_code == 403
        assert ApiToken.objects.count() == 1

    def test_a_refused_organisation_verified_again_starts_with_new_tokens(
        self, client, employer_user, token, reviewer
    ):
        employer = employer_user.employer
        assert client.get(STAFF, **bearer(token)).status_code == 200
        organisations.employer_refuse(employer=employer, by=reviewer, reason="Wrong certificate")
        organisations.employer_document_send(
            employer=employer,
            upload=upload("c.pdf", PDF_BYTES),
            content_type="application/pdf",
            by=employer_user,
        )
        organisations.employer_verify(employer=employer, by=reviewer)
        assert client.get(STAFF, **bearer(token)).json() == {"detail": "Invalid token."}
        fresh = token_create(employer=employer, name="HR 2", by=employer_user).raw
        assert client.get(STAFF, **bearer(fresh)).status_code == 200


class TestStaff:
    def test_it_lists_the_facts_of_each_person(self, client, employer_user, token):
        _staff(employer_user.employer, 3)
        data = client.get(STAFF, **bearer(token)).json()
        assert data["next"] is None and len(data["results"]) == 3
        first = data["results"][0]
        assert first["name"] == "Staff 00000" and first["email"] == "staff0@example.kz"
        assert first["application"]["number"] == "RP-S-000000"
        assert first["application"]["state"] == "approved"
        assert first["permit"] == {
            "number": "KZ-RP-S-000000",
            "valid_until": "2031-01-01",
            "revoked_on": None,
        }
        assert first["passport_expiry"] == "2031-01-01"
        assert set(first["stay"]) == {
            "in_country",
            "days_used",
            "days_left",
            "must_leave_by",
            "violations",
        }
        assert first["open_arrival_registrations"] == []

    def test_another_organisations_person_is_404(
        self, client, employer_user, other_employer_user, token
    ):
        (theirs,) = _staff(other_employer_user.employer, 1)
        (ours,) = _staff(employer_user.employer, 1, start=1)
        assert client.get(staff_url(ours.pk), **bearer(token)).status_code == 200
        response = client.get(staff_url(theirs.pk), **bearer(token))
        assert response.status_code == 404
        assert client.get(staff_url(999999), **bearer(token)).json() == response.json()

    @pytest.mark.parametrize(
        "query, field",
        [
            ("state=flying", "state"),
            ("needs_attention=perhaps", "needs_attention"),
            ("updated_since=yesterday", "updated_since"),
            ("cursor=%%%", "cursor"),
            ("limit=0", "limit"),
            ("attention=bored", "attention"),
            ("updated_since=0001-01-01", "updated_since"),  # before year 1 in UTC
            ("updated_since=0001-01-01T00:00:00", "updated_since"),
            (f"cursor={raw_cursor('s' + '9' * 5000)}", "cursor"),  # int() refuses 5,000 digits
            (f"cursor={raw_cursor('s' + '9' * 25)}", "cursor"),  # beyond any id
        ],
    )
    def test_a_malformed_filter_is_400_naming_the_field(
        self, client, employer_user, token, query, field
    ):
        response = client.get(f"{STAFF}?{query}", **bearer(token))
        assert response.status_code == 400
        assert list(response.json()) == [field]

    def test_it_filters(self, client, employer_user, token):
        # Everyone's passport ends with the permit; person 3 has neither a violation (i % 3)
        # nor a must-leave date (i % 2): given a later passport, they need no attention.
        people = _staff(employer_user.employer, 6)
        Application.objects.filter(applicant=people[3]).update(passport_expiry=date(2040, 1, 1))
        Application.objects.filter(applicant=people[0]).update(status="under_review")
        got = client.get(f"{STAFF}?state=under_review", **bearer(token)).json()["results"]
        assert [r["person_id"] for r in got] == [people[0].pk]
        attention = client.get(f"{STAFF}?needs_attention=true", **bearer(token)).json()
        assert attention["results"] and all(r["needs_attention"] for r in attention["results"])
        calm = client.get(f"{STAFF}?needs_attention=false", **bearer(token)).json()
        assert [r["person_id"] for r in calm["results"]] == [people[3].pk]
        assert calm["results"][0]["attention"] == []
        assert len(attention["results"]) + len(calm["results"]) == 6
        violations = client.get(f"{STAFF}?attention=violations", **bearer(token)).json()
        assert {r["person_id"] for r in violations["results"]} == {
            p.pk for i, p in enumerate(people) if i % 3
        }
        later = (clock.real_now() + timedelta(minutes=5)).isoformat()
        assert client.get(STAFF, {"updated_since": later}, **bearer(token)).json()["results"] == []
        earlier = (clock.real_now() - timedelta(days=1)).isoformat()
        assert (
            len(client.get(STAFF, {"updated_since": earlier}, **bearer(token)).json()["results"])
            == 6
        )

    def test_cursor_pagination_walks_everyone_once(self, client, employer_user, token):
        people = _staff(employer_user.employer, 7)
        seen, cursor, pages = [], None, 0
        while True:
            params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
            data = client.get(STAFF, params, **bearer(token)).json()
            seen += [r["person_id"] for r in data["results"]]
            pages += 1
            cursor = data["next"]
            if cursor is None:
                break
        assert pages == 3 and sorted(seen) == sorted(p.pk for p in people) and len(seen) == 7

    def test_the_list_costs_the_same_queries_at_10_and_1000_staff(
        self, client, employer_user, token
    ):
        def queries():
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(STAFF, {"limit": 500}, **bearer(token))
            assert response.status_code == 200
            return len(ctx.captured_queries), response

        _staff(employer_user.employer, 10, stays_each=5)
        small, _ = queries()
        _staff(employer_user.employer, 990, stays_each=5, start=10)
        large, response = queries()
        assert len(response.json()["results"]) == 500 and response.json()["next"]
        assert large == small


@pytest.fixture
def registration(employer_user, applicant):
    """An open arrival registration of applicant A, sponsored by employer A since 1 January."""
    with clock.frozen(date(2026, 6, 10)):
        sponsor_since(employer_user.employer, applicant, date(2026, 1, 1))
        stays_services.crossing_create(person=applicant, entry=date(2026, 6, 8), exit=None)
    return ArrivalRegistration.objects.get()


class TestTheOneWrite:
    def url(self, registration):
        return reverse("api:arrival_registration", args=[registration.pk])

    @pytest.mark.parametrize(
        "leaves",
        [
            {"employer_confirmed": False},  # no longer confirmed by the organisation
            {"is_active": False},  # the account closed
            {"employer": None},  # left the organisation
        ],
    )
    def test_a_record_is_not_made_in_the_name_of_a_maker_who_left(
        self, client, registration, token, employer_user, leaves
    ):
        for name, value in leaves.items():
            setattr(employer_user, name, value)
        employer_user.save()
        with clock.frozen(date(2026, 6, 10)):
            response = client.post(
                self.url(registration),
                {"outcome": "not_needed", "reason": "Permit on arrival"},
                content_type="application/json",
                **bearer(token),
            )
        assert response.status_code == 200, response.content
        registration.refresh_from_db()
        assert registration.recorded_by is None
        assert registration.recorded_through == f"HR ({ApiToken.objects.get().prefix}…)"
        assert response.json()["recorded_through"] == registration.recorded_through

    @pytest.mark.parametrize(
        "language, words",
        [("kk", "кадр жүйесі, api токені арқылы"), ("ru", "кадровая система через токен api")],
    )
    def test_the_registration_page_says_it_came_through_the_token(
        self, client, registration, token, employer_user, other_employer_user, language, words
    ):
        employer_user.employer_confirmed = False  # the maker left: nobody's name on it
        employer_user.save()
        with clock.frozen(date(2026, 6, 10)):
            client.post(
                self.url(registration),
                {"outcome": "made", "made_on": "2026-06-09", "reference": "MS-42"},
                content_type="application/json",
                **bearer(token),
            )
        colleague = employer_user.__class__.objects.create(
            email="colleague@employer-a.kz",
            full_name="Әсем Нұрова",
            kind=employer_user.kind,
            employer=employer_user.employer,
            employer_confirmed=True,
            preferred_language=language,
        )
        client.force_login(colleague)
        prefix = ApiToken.objects.get().prefix
        for page in (
            reverse("arrivals:registration", args=[registration.pk]),
            reverse("arrivals:list"),
        ):
            html = client.get(page).content.decode()
            assert words in html.lower() and f"<code>HR ({prefix}…)</code>" in html, page
            assert employer_user.full_name not in html

    def test_the_staff_list_shows_the_open_registration(self, client, registration, token):
        with clock.frozen(date(2026, 6, 12)):
            row = client.get(STAFF, **bearer(token)).json()["results"][0]
        assert [r["id"] for r in row["open_arrival_registrations"]] == [registration.pk]
        assert row["open_arrival_registrations"][0]["deadline"] == "2026-06-11"
        assert "arrival_registration_due" in row["attention"] and row["needs_attention"]

    def test_it_records_made(self, client, registration, token, employer_user):
        with clock.frozen(date(2026, 6, 10)):
            response = client.post(
                self.url(registration),
                {"outcome": "made", "made_on": "2026-06-09", "reference": "MS-42"},
                content_type="application/json",
                **bearer(token),
            )
        assert response.status_code == 200 and response.json()["state"] == "made"
        registration.refresh_from_db()
        assert (registration.made_on, registration.reference) == (date(2026, 6, 9), "MS-42")
        stored = ApiToken.objects.get()
        label = f"HR ({stored.prefix}…)"
        assert registration.recorded_by == employer_user  # the maker, still a member
        assert registration.recorded_through == label
        assert response.json()["recorded_through"] == label
        again = client.post(
            self.url(registration),
            {"outcome": "not_needed", "reason": "x"},
            content_type="application/json",
            **bearer(token),
        )
        assert again.status_code == 409

    def test_it_records_not_needed_and_names_missing_fields(self, client, registration, token):
        response = client.post(
            self.url(registration),
            {"outcome": "made"},
            content_type="application/json",
            **bearer(token),
        )
        assert response.status_code == 400 and set(response.json()) == {"made_on", "reference"}
        with clock.frozen(date(2026, 6, 10)):
            future = client.post(
                self.url(registration),
                {"outcome": "made", "made_on": "2026-07-01", "reference": "x"},
                content_type="application/json",
                **bearer(token),
            )
        assert future.status_code == 400 and list(future.json()) == ["made_on"]
        response = client.post(
            self.url(registration),
            {"outcome": "not_needed", "reason": "Left the same day"},
            content_type="application/json",
            **bearer(token),
        )
        assert response.status_code == 200 and response.json()["state"] == "not_needed"

    def test_another_organisation_gets_404_and_changes_nothing(
        self, client, registration, other_employer_user
    ):
        theirs = token_create(
            employer=other_employer_user.employer, name="B", by=other_employer_user
        ).raw
        response = client.post(
            self.url(registration),
            {"outcome": "not_needed", "reason": "forged"},
            content_type="application/json",
            **bearer(theirs),
        )
        assert response.status_code == 404
        registration.refresh_from_db()
        assert registration.is_open()


class TestLimitsAndAudit:
    def test_every_call_is_in_the_audit_trail(self, client, employer_user, token):
        client.get(STAFF, **bearer(token))
        client.get(f"{STAFF}?state=flying", **bearer(token))
        client.get(staff_url(424242), **bearer(token))
        calls = list(ApiCall.objects.order_by("pk").values_list("method", "path", "status"))
        assert calls == [
            ("GET", STAFF, 200),
            ("GET", f"{STAFF}?state=flying", 400),
            ("GET", staff_url(424242), 404),
        ]
        assert all(c.token.name == "HR" and c.at for c in ApiCall.objects.all())

    @pytest.mark.parametrize(
        "handler", ["api.exceptions.exception_handler", "rest_framework.views.exception_handler"]
    )
    def test_a_call_that_crashed_is_recorded_as_500(
        self, client, token, monkeypatch, settings, handler
    ):
        """Whether the error is answered by the API's handler or goes up to Django (DRF's own
        handler answers none), the audit trail says 500, not nothing."""
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "EXCEPTION_HANDLER": handler}

        def broken(*args, **kwargs):
            raise RuntimeError("the projection broke")

        monkeypatch.setattr(views, "staff_rows", broken)
        client.raise_request_exception = False
        assert client.get(STAFF, **bearer(token)).status_code == 500
        assert list(ApiCall.objects.values_list("path", "status")) == [(STAFF, 500)]

    def test_the_rate_limit_answers_429_with_retry_after(
        self, client, employer_user, token, settings
    ):
        settings.API_RATE_LIMIT = 3
        settings.API_RATE_WINDOW_SECONDS = 60
        assert [client.get(STAFF, **bearer(token)).status_code for _ in range(3)] == [200] * 3
        refused = client.get(STAFF, **bearer(token))
        assert refused.status_code == 429
        assert 1 <= int(refused["Retry-After"]) <= 60
        # The organisation's limit: a second token does not double it.
        other = token_create(employer=employer_user.employer, name="2", by=employer_user).raw
        assert client.get(STAFF, **bearer(other)).status_code == 429
        assert ApiCall.objects.filter(status=429).count() == 2
        # Once the window has passed, calls are served again.
        ApiCall.objects.update(at=clock.real_now() - timedelta(seconds=61))
        assert client.get(STAFF, **bearer(token)).status_code == 200


class TestBadInput:
    def url(self, registration):
        return reverse("api:arrival_registration", args=[registration.pk])

    def test_json_nested_100000_deep_is_a_400(self, client, token, registration):
        body = "[" * 100_000 + "]" * 100_000
        response = client.post(
            self.url(registration), body, content_type="application/json", **bearer(token)
        )
        assert response.status_code == 400
        assert response.json() == {"detail": "JSON parse error - nested too deeply."}

    def test_a_body_beyond_the_limit_is_refused_unread(self, client, token, registration):
        body = '{"reason": "' + "x" * (1024 * 1024) + '"}'
        response = client.post(
            self.url(registration), body, content_type="application/json", **bearer(token)
        )
        assert response.status_code == 413
        assert response.json() == {"detail": "Request body too large."}

    def test_an_unexpected_error_is_a_json_500_and_logged(self, client, token, monkeypatch, caplog):
        def broken(*args, **kwargs):
            raise RuntimeError("the projection broke")

        monkeypatch.setattr(views, "staff_rows", broken)
        client.raise_request_exception = False
        with caplog.at_level("ERROR"):
            response = client.get(STAFF, **bearer(token))
        assert response.status_code == 500
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "Server error."}
        logged = [r for r in caplog.records if r.name == "api.exceptions"]
        assert logged and "the projection broke" in str(logged[0].exc_info[1])


@pytest.mark.parametrize("path", [STAFF, f"{STAFF}?state=flying", "staff_detail"])
def test_api_answers_are_never_cached(client, token, employer_user, path):
    if path == "staff_detail":
        (person,) = _staff(employer_user.employer, 1)
        path = staff_url(person.pk)
    for headers in (bearer(token), {}):  # with the token, and the 401 without it
        cache_control = client.get(path, **headers)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control


class TestSchemaAndDocs:
    def test_the_schema_validates(self, tmp_path):
        call_command(
            "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml")
        )
        text = (tmp_path / "s.yaml").read_text()
        assert "/api/v1/staff/" in text and "bearerAuth" in text

    def test_the_schema_and_docs_are_served_without_a_cdn(self, client):
        schema = client.get(reverse("api:schema"))
        assert schema.status_code == 200 and b"openapi" in schema.content
        docs = client.get(reverse("api:docs")).content.decode()
        assert "swagger-ui-bundle.js" in docs and "/static/" in docs
        assert "cdn" not in docs.lower() and "<script>" not in docs
        script = client.get(reverse("api:docs") + "?script=")
        assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


@pytest.mark.parametrize("language, words", [("kk", "Токендер"), ("ru", "Токены")])
def test_the_settings_page_speaks_the_users_language(client, employer_user, language, words):
    employer_user.preferred_language = language
    employer_user.save()
    token_create(employer=employer_user.employer, name="HR", by=employer_user)
    client.force_login(employer_user)
    html = client.get(SETTINGS, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert words in html and "Tokens" not in html
    assert 'class="table-scroll"' in html  # the tables scroll on a phone, not the page
