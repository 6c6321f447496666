"""Access-control matrix: every URL of the project × every role, each with its expected status.

The URLs come from the resolver, and ``test_every_url_pattern_is_in_the_matrix`` fails when a
pattern has no row in ``ROUTES``, so a new page cannot be forgotten. Django admin's own views
(the site's pages and each registered model's changelist/add/change/delete/history) are left
to the admin matrix at the end of this file, which walks ``admin.site._registry``; any other
admin URL (a project's or a package's extra admin view) needs a row in ``ROUTES`` like any page.

The objects a URL names belong to applicant A or employer A. The expected status of each cell
was read from the view: B roles get 404 for A's objects where the view is theirs to use, 403 (or
a redirect to their own dashboard) where the whole page belongs to another role; anonymous
people are sent to the login page, except on public pages and on capability links (a token in
the URL stands for the login). A state-changing view is also POSTed by the wrong roles, and the
state is compared before and after.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, NamedTuple

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_static.models import StaticToken

from api.models import ApiToken
from api.services import token_create
from arrivals.models import ArrivalRegistration, WorkingDayChange
from permits.models import Application, Document, Permit, PermitRules, permit_rules
from permits.models import Route as PermitRoute
from permits.services import permit_issue
from permits.states import Status
from portal.accounts.roles import REVIEWERS
from portal.core.clock import today
from portal.notifications.models import Notification
from portal.organisations.models import Employer
from stays.models import CountryRule, Crossing
from stays.services import status_refresh
from tests.permits.factories import ApplicationFactory
from verification.models import IssuedDocument
from verification.services import statement_issue

from .conftest import A_MARKERS, ROLES, World

pytestmark = pytest.mark.django_db


# --- The resolver -------------------------------------------------------------------------------


class Pattern(NamedTuple):
    key: str  # "namespace:name", or the route itself for an unnamed pattern
    route: str
    namespace: str | None
    name: str | None


def url_patterns(
    resolver: URLResolver | None = None, namespace: str | None = None, prefix: str = ""
) -> Iterator[Pattern]:
    """Every pattern under ``resolver`` (the project's root by default), namespaces included."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from url_patterns(p, ns, prefix + str(p.pattern))
        else:
            assert isinstance(p, URLPattern)
            route = prefix + str(p.pattern)
            key = (f"{namespace}:{p.name}" if namespace else p.name) if p.name else route
            yield Pattern(key, route, namespace, p.name)


# Django admin's own views: the site's pages and, for each registered model, the five standard
# ModelAdmin views. They are covered by the admin matrix below, per registered model. Unnamed
# admin patterns are ModelAdmin's "<id>/" redirect to the change page and the catch-all that
# sends unknown admin URLs to the login page or answers 404.
ADMIN_SITE_VIEWS = {
    "index",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "autocomplete",
    "jsi18n",
    "view_on_site",
    "app_list",
}
MODEL_ADMIN_VIEWS = ("changelist", "add", "change", "delete", "history")


def is_admin_internal(pattern: Pattern) -> bool:
    if pattern.namespace != "admin":
        return False
    if pattern.name is None or pattern.name in ADMIN_SITE_VIEWS:
        return True
    standard = {
        f"{model._meta.app_label}_{model._meta.model_name}_{view}"
        for model in admin.site._registry
        for view in MODEL_ADMIN_VIEWS
    }
    return pattern.name in standard


# --- Expectations -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Redirect:
    """A 302 to ``to``: a path prefix ("/…") or a URL name, reversed with ``args(world)``."""

    to: str
    args: Callable[[World], list[Any]] | None = None

    def target(self, world: World) -> str:
        if self.to.startswith("/"):
            return self.to
        return reverse(self.to, args=self.args(world) if self.args else [])


@dataclass(frozen=True)
class Bug:
    """A cell where the product answers wrongly: ``expected`` is the right answer (xfail)."""

    expected: int | Redirect
    reason: str


Expect = int | Redirect | Bug
LOGIN = Redirect("/accounts/login/?next=")
ADMIN_LOGIN = Redirect("/admin/login/?next=")
DASHBOARD = Redirect("portal:dashboard")

GROUPS = {
    "everyone": ROLES,
    "users": ROLES[1:],
    "applicants": ["applicant_a", "applicant_b"],
    # The unverified claim's user is refused like any outsider on most pages; where it differs
    # from the verified employers (their own pages) the route says so.
    "employers": ["employer_a", "employer_b", "employer_unverified"],
    "staff": ["reviewer", "catalogue_editor"],
}


def expect(**spec: Expect) -> dict[str, Expect]:
    """Expected answer per role; groups first, then the single roles that differ."""
    cells: dict[str, Expect] = {}
    for key, value in spec.items():
        for role in GROUPS.get(key, [key]):
            cells[role] = value
    missing = set(ROLES) - set(cells)
    assert not missing, f"no expectation for {missing}"
    return cells


@dataclass(frozen=True)
class Route:
    expect: dict[str, Expect]
    args: Callable[[World], list[Any]] = field(default=lambda w: [])
    # A capability link: the token in the URL stands for the login, so whoever holds it sees
    # the page (its holder's data included); it is exempt from the "no A data" body check.
    capability: bool = False


PUBLIC = expect(everyone=200)
FOR_APPLICANTS = expect(anonymous=LOGIN, applicants=200, employers=403, staff=403)
FOR_EMPLOYERS = expect(
    anonymous=LOGIN, applicants=403, employers=200, employer_unverified=403, staff=403
)
FOR_STAFF = expect(anonymous=LOGIN, applicants=403, employers=403, staff=200)
FOR_USERS = expect(anonymous=LOGIN, users=200)
# POST-only views: GET answers 405 to the roles that may POST, after the role check.
POST_FOR_APPLICANTS = expect(anonymous=LOGIN, applicants=405, employers=403, staff=403)
POST_FOR_EMPLOYERS = expect(
    anonymous=LOGIN, applicants=403, employers=405, employer_unverified=403, staff=403
)
# A's own object on an applicant page: A sees it, B gets 404, other roles are refused.
A_OBJECT = expect(anonymous=LOGIN, applicant_a=200, applicant_b=404, employers=403, staff=403)


def _a_object(a: Expect) -> dict[str, Expect]:
    return {**A_OBJECT, "applicant_a": a}


APP_A = lambda w: [w.app_a.pk]  # noqa: E731
TO_DETAIL_A = Redirect("permits:detail", APP_A)

ROUTES: dict[str, Route] = {
    # --- monitoring ---
    "health": Route(PUBLIC),
    "ping": Route(PUBLIC),
    # --- staff ---
    "two_factor_setup": Route(FOR_STAFF),
    # Staff without an authenticator are sent to set one up before any code is asked.
    "two_factor_verify": Route(
        expect(anonymous=LOGIN, applicants=403, employers=403, staff=Redirect("two_factor_setup"))
    ),
    "two_factor_recovery_codes": Route(
        expect(anonymous=LOGIN, applicants=403, employers=403, staff=405)
    ),
    # --- portal: public pages ---
    "portal:home": Route(PUBLIC),
    "portal:signup": Route(PUBLIC),
    "portal:signup_applicant": Route(PUBLIC),
    "portal:signup_employer": Route(PUBLIC),
    # A visitor's switch is a cookie only (GET); a signed-in person's is saved (POST only).
    "portal:set_language": Route(expect(anonymous=Redirect("portal:home"), users=405)),
    # --- portal: dashboards ---
    "portal:dashboard": Route(
        expect(
            anonymous=LOGIN,
            applicants=Redirect("portal:applicant_dashboard"),
            employers=Redirect("portal:employer_dashboard"),
            staff=Redirect("portal:staff_dashboard"),
        )
    ),
    "portal:applicant_dashboard": Route(
        expect(anonymous=LOGIN, applicants=200, employers=DASHBOARD, staff=DASHBOARD)
    ),
    # (The unverified claim's user gets the waiting page: 200, without A's data.)
    "portal:employer_dashboard": Route(
        expect(anonymous=LOGIN, applicants=DASHBOARD, employers=200, staff=DASHBOARD)
    ),
    "portal:staff_dashboard": Route(FOR_STAFF),
    "portal:profile": Route(FOR_USERS),
    "portal:inbox": Route(FOR_USERS),
    "portal:inbox_mark_read": Route(expect(anonymous=LOGIN, users=405)),
    # --- portal: employers ---
    "portal:member_decide": Route(POST_FOR_EMPLOYERS, lambda w: [w.pending_member_a.pk]),
    "portal:sponsorship_invite": Route(POST_FOR_EMPLOYERS),
    "portal:colleague_invite": Route(POST_FOR_EMPLOYERS),
    "portal:sponsorship_end": Route(POST_FOR_EMPLOYERS, lambda w: [w.sponsorship_a.pk]),
    "portal:sponsorship_request_answer": Route(POST_FOR_EMPLOYERS, lambda w: [w.request_a.pk]),
    # Only a user of an organisation waiting for verification (or refused) sends a certificate.
    "portal:employer_registration_send": Route(
        expect(anonymous=LOGIN, users=403, employer_unverified=405)
    ),
    # Employer A's certificate: reviewers only; everyone else 404, its own organisation too.
    "portal:employer_registration": Route(
        expect(everyone=404, reviewer=200), lambda w: [w.users["employer_a"].employer_id]
    ),
    "portal:staff_csv": Route(FOR_EMPLOYERS),
    "portal:employer_report": Route(FOR_EMPLOYERS),
    "portal:employer_report_pdf": Route(FOR_EMPLOYERS),
    # The invitation is addressed to A: anyone else signed in as a professional gets the
    # "sent to another e-mail address" page (400).
    "portal:sponsorship_answer": Route(
        expect(anonymous=LOGIN, applicant_a=200, applicant_b=400, employers=403, staff=403),
        lambda w: [w.invitation_a.token],
    ),
    "portal:my_sponsorship_end": Route(POST_FOR_APPLICANTS),
    "portal:colleague_join": Route(
        PUBLIC, lambda w: [w.colleague_invitation_a.token], capability=True
    ),
    # --- professions: public ---
    "professions:list": Route(PUBLIC),
    "professions:detail": Route(PUBLIC, lambda w: [w.app_a.profession_id]),
    "professions:eligibility": Route(PUBLIC),
    "professions:open_data_csv": Route(PUBLIC),
    "professions:open_data_json": Route(PUBLIC),
    # --- permits: applicant pages ---
    # A's application is under way: "apply" leads to it. B's was decided: B gets the "Start an
    # application" button (only its POST starts a draft).
    "permits:apply": Route(
        expect(anonymous=LOGIN, applicant_a=TO_DETAIL_A, applicant_b=200, employers=403, staff=403)
    ),
    "permits:detail": Route(A_OBJECT, APP_A),
    # Submitted, so no longer editable: the wizard sends A back to the detail page.
    "permits:step": Route(_a_object(TO_DETAIL_A), lambda w: [w.app_a.pk, "personal"]),
    "permits:documents": Route(A_OBJECT, APP_A),
    "permits:review": Route(_a_object(TO_DETAIL_A), APP_A),
    "permits:withdraw": Route(POST_FOR_APPLICANTS, APP_A),
    # Not behind the login: everyone but the applicant and reviewers gets 404, anonymous too.
    "permits:document": Route(
        expect(everyone=404, applicant_a=200, reviewer=200), lambda w: [w.doc_a.pk]
    ),
    "permits:document_delete": Route(POST_FOR_APPLICANTS, lambda w: [w.doc_a.pk]),
    # --- stays ---
    "stays:history": Route(FOR_APPLICANTS),
    "stays:edit": Route(A_OBJECT, lambda w: [w.crossing_a.pk]),
    "stays:delete": Route(A_OBJECT, lambda w: [w.crossing_a.pk]),  # GET: the confirmation
    "stays:planner": Route(FOR_APPLICANTS),
    "stays:import": Route(
        expect(anonymous=LOGIN, applicants=200, employers=200, employer_unverified=403, staff=403)
    ),
    "stays:person": Route(
        expect(
            anonymous=LOGIN,
            applicants=403,
            employer_a=200,
            employer_b=404,
            employer_unverified=403,
            staff=403,
        ),
        lambda w: [w.applicant_a.pk],
    ),
    "stays:calendar_regenerate": Route(POST_FOR_APPLICANTS),
    "stays:calendar": Route(PUBLIC, lambda w: [w.feed_a.token], capability=True),
    # --- arrivals: the sponsoring organisation's registrations ---
    "arrivals:list": Route(FOR_EMPLOYERS),
    "arrivals:registration": Route(
        expect(
            anonymous=LOGIN,
            applicants=403,
            employer_a=200,
            employer_b=404,
            employer_unverified=403,
            staff=403,
        ),
        lambda w: [arrival_a(w).pk],
    ),
    # --- api: the organisation's settings page; the API itself answers to a token only (none
    # of these sessions carries one), its schema and documentation are public ---
    "api:settings": Route(FOR_EMPLOYERS),
    "api:staff_list": Route(expect(everyone=401)),
    "api:staff_detail": Route(expect(everyone=401), lambda w: [w.applicant_a.pk]),
    "api:arrival_registration": Route(expect(everyone=401), lambda w: [arrival_a(w).pk]),
    "api:schema": Route(PUBLIC),
    "api:docs": Route(PUBLIC),
    # --- verification: the holder's documents, and the public check ---
    "verification:documents": Route(FOR_APPLICANTS),
    "verification:permit_pdf": Route(A_OBJECT, lambda w: [permit_a(w).pk, "kk"]),
    "verification:statement_issue": Route(POST_FOR_APPLICANTS),
    "verification:statement_pdf": Route(A_OBJECT, lambda w: [statement_a(w).pk, "ru"]),
    "verification:statement_revoke": Route(POST_FOR_APPLICANTS, lambda w: [statement_a(w).pk]),
    "verification:verify": Route(PUBLIC),
    # The QR link of A's permit: the token stands for the right to see what the check shows.
    "verification:check": Route(
        PUBLIC, lambda w: [permit_a(w).verification.token], capability=True
    ),
    # --- accounts (django.contrib.auth) ---
    "login": Route(expect(anonymous=200, users=DASHBOARD)),
    "logout": Route(expect(everyone=405)),  # POST only since Django 5.0
    "password_change": Route(FOR_USERS),
    "password_change_done": Route(FOR_USERS),
    "password_reset": Route(PUBLIC),
    "password_reset_done": Route(PUBLIC),
    # A valid link (a capability): Django moves the token into the session and redirects.
    "password_reset_confirm": Route(
        expect(everyone=Redirect("/accounts/reset/")), lambda w: w.reset_link(), capability=True
    ),
    "password_reset_complete": Route(PUBLIC),
    # --- extra admin views (beyond the standard ones of the admin matrix) ---
    "admin:permits_application_move": Route(
        expect(everyone=ADMIN_LOGIN, reviewer=200, catalogue_editor=404),
        lambda w: [w.app_a.pk, "under_review"],
    ),
    "admin:portal_employer_decide": Route(
        expect(everyone=ADMIN_LOGIN, reviewer=200, catalogue_editor=404),
        lambda w: [w.users["employer_a"].employer_id, "refuse"],
    ),
    "admin:professions_profession_import": Route(
        expect(everyone=ADMIN_LOGIN, reviewer=403, catalogue_editor=200)
    ),
    "admin:professions_profession_process_import": Route(
        expect(everyone=ADMIN_LOGIN, staff=405)  # POST only; the permission is checked then
    ),
    "admin:professions_profession_export": Route(expect(everyone=ADMIN_LOGIN, staff=200)),
    "admin:auth_user_password_change": Route(
        expect(everyone=ADMIN_LOGIN, staff=403), lambda w: [w.applicant_a.pk]
    ),
}

# Roles who legitimately see A's data: A, the employer sponsoring A, and the reviewer.
SEES_A = {"applicant_a", "employer_a", "reviewer"}


def permit_a(world: World) -> Permit:
    """A permit A held before (an earlier application, approved), with its codes. It has
    expired (with the passport), so A's status today is what the rest of the matrix expects."""
    permit = world.extra.get("permit_a")
    if permit is None:
        earlier = ApplicationFactory(
            applicant=world.applicant_a,
            full_name="Alice Applicant",
            passport_number="PASS-A-0001",
            status=Status.APPROVED,
            route=PermitRoute.FACILITATED,
            passport_expiry=today() - timedelta(days=10),
        )
        permit = permit_issue(application=earlier, on=today() - timedelta(days=400))
        world.extra["permit_a"] = permit
    return permit


def arrival_a(world: World) -> ArrivalRegistration:
    """An open arrival registration of A's, for employer A (A's stay recorded after employer A
    began sponsoring A)."""
    registration = world.extra.get("arrival_a")
    if registration is None:
        registration = ArrivalRegistration.objects.create(
            sponsorship=world.sponsorship_a,
            employer=world.sponsorship_a.employer,
            person=world.applicant_a,
            crossing=world.crossing_a,
            arrival=world.crossing_a.entry,
            deadline=world.crossing_a.entry + timedelta(days=3),
        )
        world.extra["arrival_a"] = registration
    return registration


def token_a(world: World) -> ApiToken:
    """An API token of employer A's."""
    token = world.extra.get("token_a")
    if token is None:
        user = world.users["employer_a"]
        token = token_create(employer=user.employer, name="Aral HR", by=user).token
        world.extra["token_a"] = token
    return token


def _token_a(w: World) -> tuple[Any, ...]:
    token = ApiToken.objects.get(pk=token_a(w).pk)
    return (token.revoked_at, token.revoked_by_id, ApiToken.objects.count())


def statement_a(world: World) -> IssuedDocument:
    """A statement of A's stays."""
    statement = world.extra.get("statement_a")
    if statement is None:
        statement = statement_issue(person=world.applicant_a, on=today())
        world.extra["statement_a"] = statement
    return statement


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        # Read to the end, the test client closes it (and its file). Closing it again would
        # send request_finished outside the client's care, which closes the database connection
        # and with it the module's world (tests/security/conftest.py).
        return b"".join(response.streaming_content)
    return response.content


def _login(client, world: World, role: str) -> None:
    user = world.users[role]
    if user is not None:
        client.force_login(user)


def _matches(response, expected: int | Redirect, world: World) -> bool:
    if isinstance(expected, Redirect):
        return response.status_code == 302 and response.url.startswith(expected.target(world))
    return response.status_code == expected


def _check(response, expected: int | Redirect, world: World) -> None:
    where = response.url if response.status_code == 302 else ""
    assert _matches(response, expected, world), (response.status_code, where, expected)


def _cells() -> Iterator[Any]:
    for key, route in ROUTES.items():
        for role in ROLES:
            cell = route.expect[role]
            marks = []
            if isinstance(cell, Bug):
                marks = [pytest.mark.xfail(strict=True, reason=cell.reason)]
            yield pytest.param(key, role, id=f"{key}-{role}", marks=marks)


# --- The matrix ---------------------------------------------------------------------------------


def test_every_url_pattern_is_in_the_matrix():
    patterns = [p for p in url_patterns() if not is_admin_internal(p)]
    unnamed = [p.route for p in patterns if p.name is None]
    assert not unnamed, f"give these URL patterns a name and a row in ROUTES: {unnamed}"
    routes_of: dict[str, set[str]] = {}
    for p in patterns:
        routes_of.setdefault(p.key, set()).add(p.route)
    # (django.contrib.auth.urls' own "login" is shadowed by ours at the same route: one route.)
    shared = {key: routes for key, routes in routes_of.items() if len(routes) > 1}
    assert not shared, f"one name, several routes (only one is reachable by name): {shared}"
    keys = set(routes_of)
    missing = sorted(keys - set(ROUTES))
    assert not missing, f"new URL patterns without a row in ROUTES: {missing}"
    stale = sorted(set(ROUTES) - keys)
    assert not stale, f"ROUTES rows for URL patterns that no longer exist: {stale}"


def test_the_admin_rule_skips_only_admin_views():
    skipped = [p for p in url_patterns() if is_admin_internal(p)]
    assert skipped and all(p.route.startswith("admin/") for p in skipped)


@pytest.mark.parametrize(("key", "role"), list(_cells()))
def test_access(client, world, key, role):
    route = ROUTES[key]
    _login(client, world, role)
    response = client.get(reverse(key, args=route.args(world)))
    body = _body(response)
    cell = route.expect[role]
    _check(response, cell.expected if isinstance(cell, Bug) else cell, world)
    if role not in SEES_A and not route.capability:
        leaked = [m for m in A_MARKERS if m.encode() in body]
        assert not leaked, f"{role} sees A's data on {key}: {leaked}"


def test_the_data_check_would_see_a_leak(client, world):
    """The markers of A's data do show on the pages of those who may see it."""
    pages = [
        ("applicant_a", "portal:profile", [], "alice@example.kz"),
        ("employer_a", "portal:employer_dashboard", [], "Alice Applicant"),
        ("employer_a", "portal:employer_dashboard", [], "chris@example.kz"),
        ("employer_a", "stays:person", [world.applicant_a.pk], "Alice Applicant"),
        ("reviewer", "admin:permits_application_change", [world.app_a.pk], "PASS-A-0001"),
        ("applicant_b", "portal:colleague_join", [world.colleague_invitation_a.token], "Aral"),
    ]
    for role, key, args, marker in pages:
        _login(client, world, role)
        assert marker in client.get(reverse(key, args=args)).content.decode(), (role, key)


# --- POSTs by the wrong role change nothing -----------------------------------------------------


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("stays.csv", text.encode(), content_type="text/csv")


def _app_a(w: World) -> tuple[Any, ...]:
    app = Application.objects.get(pk=w.app_a.pk)
    return (app.status, app.full_name, app.notes, app.reviewer_id, app.changes.count())


def _doc_a(w: World) -> tuple[Any, ...]:
    return (
        Document.objects.filter(pk=w.doc_a.pk).exists(),
        Document.objects.filter(application=w.app_a).count(),
    )


def _arrival_a(w: World) -> list[tuple[Any, ...]]:
    return list(
        ArrivalRegistration.objects.filter(pk=arrival_a(w).pk).values_list(
            "state", "made_on", "reference", "reason", "recorded_by"
        )
    )


def _crossings_a(w: World) -> list[tuple[Any, ...]]:
    return list(Crossing.objects.filter(person=w.applicant_a).values_list("pk", "entry", "exit"))


def _sponsorships_a(w: World) -> list[tuple[Any, ...]]:
    w.sponsorship_a.refresh_from_db()
    w.invitation_a.refresh_from_db()
    return [(s.status, s.person_id, s.employer_id) for s in (w.sponsorship_a, w.invitation_a)]


def _request_a(w: World) -> tuple[Any, ...]:
    w.request_a.refresh_from_db()
    return (w.request_a.status, w.request_a.accepted_at)


def _employer_a(w: World) -> tuple[Any, ...]:
    employer = Employer.objects.get(pk=w.users["employer_a"].employer_id)
    return (
        employer.status,
        employer.registration_document.name,
        employer.status_changes.count(),
        LogEntry.objects.count(),
    )


def _member_a(w: World) -> tuple[Any, ...]:
    w.pending_member_a.refresh_from_db()
    return (w.pending_member_a.employer_id, w.pending_member_a.employer_confirmed)


def _unread_a(w: World) -> list[int]:
    return list(
        Notification.objects.filter(recipient=w.applicant_a, read_at__isnull=True).values_list(
            "pk", flat=True
        )
    )


def _applications(w: World) -> int:
    return Application.objects.count()


def _feed_a(w: World) -> str:
    w.feed_a.refresh_from_db()
    return w.feed_a.token


def _permit_rules(w: World) -> tuple[int, int]:
    rules = permit_rules()
    return (rules.decision_days, rules.passport_margin_days)


def _superuser(w: World) -> tuple[bool, bool]:
    reviewer = w.users["reviewer"]
    reviewer.refresh_from_db()
    return (reviewer.is_superuser, reviewer.groups.count() == 1)


def _statements_a(w: World) -> list[tuple[Any, ...]]:
    statement_a(w)
    return list(
        IssuedDocument.objects.filter(holder=w.applicant_a, kind="statement").values_list(
            "pk", "revoked_at"
        )
    )


def _permit_a(w: World) -> tuple[Any, ...]:
    permit = Permit.objects.get(pk=permit_a(w).pk)
    return (permit.revoked_on, permit.application.status, permit.application.changes.count())


@dataclass(frozen=True)
class Attempt:
    key: str
    args: Callable[[World], list[Any]]
    role: str
    expected: int | Redirect
    state: Callable[[World], Any]  # read before and after: must not change
    data: Callable[[World], dict[str, Any]] = field(default=lambda w: {})
    says: str = ""  # the refusal's reason, when the answer is a page


STAY = "2020-01-01,2020-01-05"


CROSSING_A = lambda w: [w.crossing_a.pk]  # noqa: E731
DOC_A = lambda w: [w.doc_a.pk]  # noqa: E731
NO_ARGS = lambda w: []  # noqa: E731
ATTEMPTS = [
    Attempt("permits:withdraw", APP_A, "applicant_b", 404, _app_a),
    Attempt("permits:withdraw", APP_A, "employer_a", 403, _app_a),
    Attempt("permits:withdraw", APP_A, "reviewer", 403, _app_a),
    Attempt(
        "permits:step",
        lambda w: [w.app_a.pk, "personal"],
        "applicant_b",
        404,
        _app_a,
        lambda w: {"full_name": "Mallory", "date_of_birth": "1990-01-01", "citizenship": "DE"},
    ),
    Attempt("permits:review", APP_A, "applicant_b", 404, _app_a),
    Attempt(
        "permits:documents",
        APP_A,
        "applicant_b",
        404,
        _doc_a,
        lambda w: {"doc_type": w.doc_a.doc_type_id, "file": _csv("%PDF-1.4")},
    ),
    Attempt("permits:document_delete", DOC_A, "applicant_b", 404, _doc_a),
    Attempt("permits:document_delete", DOC_A, "employer_a", 403, _doc_a),
    Attempt("permits:document_delete", DOC_A, "reviewer", 403, _doc_a),
    Attempt(
        "portal:sponsorship_end", lambda w: [w.sponsorship_a.pk], "employer_b", 404, _sponsorships_a
    ),
    Attempt(
        "portal:sponsorship_end",
        lambda w: [w.sponsorship_a.pk],
        "applicant_b",
        403,
        _sponsorships_a,
    ),
    Attempt(
        "portal:sponsorship_end", lambda w: [w.sponsorship_a.pk], "reviewer", 403, _sponsorships_a
    ),
    # B ends "my sponsorship": B's own, never A's.
    Attempt("portal:my_sponsorship_end", NO_ARGS, "applicant_b", DASHBOARD, _sponsorships_a),
    Attempt(
        "portal:sponsorship_answer",
        lambda w: [w.invitation_a.token],
        "applicant_b",
        400,
        _sponsorships_a,
        lambda w: {"answer": "accept"},
        says="another e-mail address",
    ),
    Attempt(
        "portal:member_decide",
        lambda w: [w.pending_member_a.pk],
        "employer_b",
        404,
        _member_a,
        lambda w: {"decision": "confirm"},
    ),
    Attempt(
        "portal:member_decide",
        lambda w: [w.pending_member_a.pk],
        "applicant_b",
        403,
        _member_a,
        lambda w: {"decision": "confirm"},
    ),
    Attempt(
        "stays:edit",
        CROSSING_A,
        "applicant_b",
        404,
        _crossings_a,
        lambda w: {"entry": "2020-01-01", "exit": "2020-01-02", "note": ""},
    ),
    Attempt("stays:delete", CROSSING_A, "applicant_b", 404, _crossings_a),
    Attempt("stays:delete", CROSSING_A, "employer_a", 403, _crossings_a),
    Attempt("stays:delete", CROSSING_A, "reviewer", 403, _crossings_a),
    # Employer B names A, whom B does not sponsor: the whole file is refused.
    Attempt(
        "stays:import",
        NO_ARGS,
        "employer_b",
        200,  # shown again with the refusal, like every form
        _crossings_a,
        lambda w: {"file": _csv(f"person,entry,exit\n{w.applicant_a.email},{STAY}\n")},
        says="Nobody your organisation sponsors",
    ),
    # Only employer A answers the request made to it: not B, not the unverified claim on A's BIN.
    *[
        Attempt(
            "portal:sponsorship_request_answer",
            lambda w: [w.request_a.pk],
            role,
            expected,
            _request_a,
            lambda w: {"answer": "accept"},
        )
        for role, expected in [
            ("employer_b", 404),
            ("employer_unverified", 403),
            ("applicant_b", 403),
            ("reviewer", 403),
        ]
    ],
    # A verified organisation cannot send itself back to "pending", nor anyone else's.
    *[
        Attempt(
            "portal:employer_registration_send",
            NO_ARGS,
            role,
            403,
            _employer_a,
            lambda w: {"registration_document": SimpleUploadedFile("c.pdf", b"%PDF-1.4 forged")},
        )
        for role in ("employer_a", "employer_b", "applicant_a")
    ],
    # Only reviewers verify or refuse an organisation.
    Attempt(
        "admin:portal_employer_decide",
        lambda w: [w.users["employer_a"].employer_id, "refuse"],
        "catalogue_editor",
        404,
        _employer_a,
        lambda w: {"reason": "refused by the wrong person"},
    ),
    *[
        Attempt(
            "admin:portal_employer_decide",
            lambda w: [w.users["employer_a"].employer_id, "refuse"],
            role,
            ADMIN_LOGIN,
            _employer_a,
            lambda w: {"reason": "refused by the wrong person"},
        )
        for role in ("employer_unverified", "employer_a", "applicant_a")
    ],
    # B marks "all" read, or names A's notification: B's own only.
    Attempt(
        "portal:inbox_mark_read",
        NO_ARGS,
        "applicant_b",
        Redirect("portal:inbox"),
        _unread_a,
        lambda w: {"notification": _unread_a(w)[0]},
    ),
    Attempt("portal:inbox_mark_read", NO_ARGS, "employer_a", Redirect("portal:inbox"), _unread_a),
    Attempt("permits:apply", NO_ARGS, "employer_a", 403, _applications),
    Attempt("permits:apply", NO_ARGS, "reviewer", 403, _applications),
    # B makes a new calendar address: B's own; A's keeps working.
    Attempt("stays:calendar_regenerate", NO_ARGS, "applicant_b", Redirect("/stays/"), _feed_a),
    Attempt("stays:calendar_regenerate", NO_ARGS, "employer_a", 403, _feed_a),
    Attempt(
        "admin:permits_application_move",
        lambda w: [w.app_a.pk, "under_review"],
        "catalogue_editor",
        404,
        _app_a,
        lambda w: {"expected_status": "submitted"},
    ),
    Attempt(
        "admin:permits_application_move",
        lambda w: [w.app_a.pk, "under_review"],
        "applicant_a",
        ADMIN_LOGIN,
        _app_a,
        lambda w: {"expected_status": "submitted"},
    ),
    Attempt(
        "admin:permits_application_change",
        APP_A,
        "catalogue_editor",
        403,
        _app_a,
        lambda w: {"notes": "edited by the wrong person"},
    ),
    # Only the holder issues and revokes statements: B's POST names A's statement in vain.
    Attempt(
        "verification:statement_revoke",
        lambda w: [statement_a(w).pk],
        "applicant_b",
        404,
        _statements_a,
    ),
    *[
        Attempt(
            "verification:statement_revoke",
            lambda w: [statement_a(w).pk],
            role,
            403,
            _statements_a,
        )
        for role in ("employer_a", "reviewer")
    ],
    Attempt(
        "verification:statement_issue",
        NO_ARGS,
        "employer_a",
        403,
        _statements_a,
        lambda w: {"as_of": today().isoformat()},
    ),
    # Only the admin's revocation move revokes a permit, and only a reviewer makes it.
    Attempt(
        "admin:permits_application_move",
        lambda w: [permit_a(w).application_id, "revoked"],
        "catalogue_editor",
        404,
        _permit_a,
        lambda w: {"expected_status": "approved", "reason": "security", "message": "x"},
    ),
    Attempt(
        "admin:permits_application_move",
        lambda w: [permit_a(w).application_id, "revoked"],
        "applicant_a",
        ADMIN_LOGIN,
        _permit_a,
        lambda w: {"expected_status": "approved", "reason": "security", "message": "x"},
    ),
    # Only employer A records A's arrival registration: not B, not the unverified claim on A's
    # BIN, not A, not staff.
    *[
        Attempt(
            "arrivals:registration",
            lambda w: [arrival_a(w).pk],
            role,
            expected,
            _arrival_a,
            lambda w: {"action": "made", "made_on": today().isoformat(), "reference": "forged"},
        )
        for role, expected in [
            ("employer_b", 404),
            ("employer_unverified", 403),
            ("applicant_a", 403),
            ("reviewer", 403),
            ("anonymous", LOGIN),
        ]
    ],
    # Only employer A's users revoke employer A's tokens (or make tokens for it).
    *[
        Attempt(
            "api:settings",
            NO_ARGS,
            role,
            expected,
            _token_a,
            lambda w: {"action": "revoke", "token": token_a(w).pk},
        )
        for role, expected in [
            ("employer_b", 404),
            ("employer_unverified", 403),
            ("applicant_a", 403),
            ("reviewer", 403),
            ("anonymous", LOGIN),
        ]
    ],
    # Only staff make recovery codes, and only their own.
    Attempt(
        "two_factor_recovery_codes",
        NO_ARGS,
        "applicant_a",
        403,
        lambda w: StaticToken.objects.count(),
    ),
    # Reviewers see the permit rules; only catalogue editors change them.
    Attempt(
        "admin:permits_permitrules_change",
        lambda w: [PermitRules.objects.get_or_create(pk=1)[0].pk],
        "reviewer",
        403,
        _permit_rules,
        lambda w: {"decision_days": "1", "passport_margin_days": "1"},
    ),
    # A reviewer cannot make themselves a superuser (no permission on users at all).
    Attempt(
        "admin:portal_user_change",
        lambda w: [w.users["reviewer"].pk],
        "reviewer",
        403,
        _superuser,
        lambda w: {
            "email": w.users["reviewer"].email,
            "full_name": "Rita",
            "kind": "staff",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    ),
]


@pytest.mark.parametrize("attempt", ATTEMPTS, ids=[f"{a.key}-{a.role}" for a in ATTEMPTS])
def test_a_post_by_the_wrong_role_changes_nothing(client, world, attempt):
    before = attempt.state(world)
    _login(client, world, attempt.role)
    response = client.post(reverse(attempt.key, args=attempt.args(world)), attempt.data(world))
    _check(response, attempt.expected, world)
    assert attempt.says in response.content.decode()
    assert attempt.state(world) == before


def test_the_post_checks_cover_every_post_only_route():
    post_only = {
        key
        for key, route in ROUTES.items()
        if 405 in route.expect.values() and key not in ("portal:set_language", "logout")
    }
    # Inviting names no existing object: there is nothing of A's to change.
    post_only -= {"portal:sponsorship_invite", "portal:colleague_invite"}
    post_only -= {"admin:professions_profession_process_import"}  # tested in professions
    assert post_only <= {a.key for a in ATTEMPTS}


# --- The admin matrix ---------------------------------------------------------------------------

NONE = (403, 403, 403, 403, 403)  # changelist, add, change, delete, history
VIEW = (200, 403, 200, 403, 200)
EDIT = (200, 200, 200, 403, 200)  # nobody deletes: professions are withdrawn, not deleted
# Applications are outside the editor's queryset: the history page answers with Django's
# "does not exist" redirect to the admin index (before its permission check), showing nothing.
NONE_HIDDEN = (403, 403, 403, 403, Redirect("admin:index"))

# model label -> (reviewer, catalogue editor); anonymous, applicants and employers are always
# sent to the admin login page.
ADMIN_ACCESS: dict[str, tuple[tuple[Expect, ...], tuple[Expect, ...]]] = {
    "auth.group": (NONE, NONE),
    "admin.logentry": (NONE, NONE),  # read-only audit log, superusers only
    "portal.user": (NONE, NONE),
    # Reviewers verify or refuse organisations (change, through the decision buttons); nobody
    # adds one (they register themselves) or deletes one.
    "portal.employer": (VIEW, NONE),
    "professions.sphere": (VIEW, EDIT),
    "professions.profession": (VIEW, EDIT),
    # Reviewers change applications only through the move buttons (and the internal notes).
    "permits.application": (VIEW, NONE_HIDDEN),
    "permits.documenttype": (VIEW, EDIT),
    "permits.permit": (VIEW, NONE),
    "stays.countryrule": (VIEW, EDIT),
    # One row, made by a migration: editors change it (the change page answers 200 to both),
    # nobody adds or deletes it.
    "permits.permitrules": (VIEW, VIEW),
    "stays.crossing": (NONE, NONE),
    "stays.staystatus": (NONE, NONE),
    # Editors keep the calendar's corrections.
    "arrivals.workingdaychange": (VIEW, EDIT),
    # What organisations recorded: read-only, superusers only.
    "arrivals.arrivalregistration": (NONE, NONE),
}


def _admin_object(world: World, label: str) -> Any:
    """One existing row of each registered model, for its change/delete/history pages."""
    make = {
        "auth.group": lambda: Group.objects.get(name=REVIEWERS),
        "admin.logentry": lambda: LogEntry.objects.create(
            user=world.users["reviewer"],
            content_type=ContentType.objects.get_for_model(Group),
            object_id="1",
            object_repr="Reviewers",
            action_flag=2,
            change_message="[]",
        ),
        "portal.user": lambda: world.applicant_a,
        "portal.employer": lambda: world.users["employer_a"].employer,
        "professions.sphere": lambda: world.app_a.profession.sphere,
        "professions.profession": lambda: world.app_a.profession,
        "permits.application": lambda: world.app_a,
        "permits.documenttype": lambda: world.doc_a.doc_type,
        "permits.permit": lambda: world.app_b.permit,
        "stays.countryrule": lambda: CountryRule.objects.get(country="DE"),
        "permits.permitrules": lambda: PermitRules.objects.get_or_create(pk=1)[0],
        "stays.crossing": lambda: world.crossing_a,
        "stays.staystatus": lambda: status_refresh(person=world.applicant_a),
        "arrivals.workingdaychange": lambda: WorkingDayChange.objects.create(
            day=today(), kind="working"
        ),
        "arrivals.arrivalregistration": lambda: arrival_a(world),
    }
    return make[label]()


def test_the_admin_matrix_covers_every_registered_model():
    assert set(ADMIN_ACCESS) == {m._meta.label_lower for m in admin.site._registry}


@pytest.mark.parametrize("role", ROLES)
def test_admin_index(client, world, role):
    _login(client, world, role)
    response = client.get(reverse("admin:index"))
    _check(response, 200 if role in GROUPS["staff"] else ADMIN_LOGIN, world)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("label", sorted(ADMIN_ACCESS))
def test_admin_model_pages(client, world, label, role):
    app_label, model_name = label.split(".")
    obj = _admin_object(world, label)
    _login(client, world, role)
    if role in GROUPS["staff"]:
        codes = ADMIN_ACCESS[label][GROUPS["staff"].index(role)]
    else:
        codes = (ADMIN_LOGIN,) * len(MODEL_ADMIN_VIEWS)
    got = {}
    for view, expected in zip(MODEL_ADMIN_VIEWS, codes, strict=True):
        args = [] if view in ("changelist", "add") else [obj.pk]
        response = client.get(reverse(f"admin:{app_label}_{model_name}_{view}", args=args))
        got[view] = (response.status_code, _matches(response, expected, world))
    assert all(ok for _, ok in got.values()), got
