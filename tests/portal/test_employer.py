"""Employer pages: invitations, sponsorship, the staff table, exports, access and query counts."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from permits.models import Application, Permit
from portal.core import clock
from portal.core.clock import today
from portal.notifications.models import Notification
from portal.organisations import employers
from portal.organisations.models import ColleagueInvitation, Sponsorship
from portal.workspace import employer_views, staff
from tests.factories import PASSWORD, EmployerFactory, UserFactory, sponsor, valid_bin
from tests.permits.factories import ApplicationFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
DASHBOARD = reverse("portal:employer_dashboard")


def _invite(client, email):
    return client.post(reverse("portal:sponsorship_invite"), {"staff-email": email}, follow=True)


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def _employer_step(application):
    return reverse("permits:step", args=[application.pk, "employer"])


def _answer(sponsorship):
    return reverse("portal:sponsorship_request_answer", args=[sponsorship.pk])


class TestSponsorship:
    def test_it_invites_and_the_professional_accepts(
        self, client, employer_user, applicant, mailoutbox, django_capture_on_commit_callbacks
    ):
        client.force_login(employer_user)
        with django_capture_on_commit_callbacks(execute=True):
            _invite(client, applicant.email.upper())
        invitation = Sponsorship.objects.get()
        assert invitation.status == "invited" and invitation.email == applicant.email
        assert invitation.token in mailoutbox[0].body

        client.force_login(applicant)
        url = reverse("portal:sponsorship_answer", args=[invitation.token])
        assert employer_user.employer.name in client.get(url).content.decode()
        client.post(url, {"answer": "accept"})
        invitation.refresh_from_db()
        assert invitation.status == "active" and invitation.person == applicant
        # The link cannot be used twice.
        assert client.get(url).status_code == 400

        client.force_login(employer_user)
        assert applicant.full_name in client.get(DASHBOARD).content.decode()

    def test_an_invitation_for_someone_without_an_account_waits_in_the_outbox(
        self, client, employer_user, mailoutbox, django_capture_on_commit_callbacks
    ):
        client.force_login(employer_user)
        with django_capture_on_commit_callbacks(execute=True):
            _invite(client, "newcomer@example.org")
        assert mailoutbox[0].to == ["newcomer@example.org"]
        assert Notification.objects.get().to_email == "newcomer@example.org"

    @pytest.mark.parametrize("bad", ["not-an-address", ""])
    def test_it_refuses_an_invalid_address(self, client, employer_user, bad):
        client.force_login(employer_user)
        response = _invite(client, bad)
        assert any("valid e-mail" in m for m in _messages(response))
        assert not Sponsorship.objects.exists()

    def test_it_refuses_an_already_sponsored_person(
        self, client, employer_user, other_employer_user, applicant
    ):
        sponsor(other_employer_user.employer, applicant)
        client.force_login(employer_user)
        response = _invite(client, applicant.email)
        assert any("already sponsored" in m for m in _messages(response))
        assert Sponsorship.objects.count() == 1

    def test_it_refuses_an_employer_or_staff_address(
        self, client, employer_user, other_employer_user
    ):
        client.force_login(employer_user)
        response = _invite(client, other_employer_user.email)
        assert any("not a foreign professional" in m for m in _messages(response))

    def test_it_refuses_an_expired_or_foreign_link(
        self, client, employer_user, applicant, other_applicant
    ):
        client.force_login(employer_user)
        _invite(client, applicant.email)
        invitation = Sponsorship.objects.get()
        url = reverse("portal:sponsorship_answer", args=[invitation.token])
        client.force_login(other_applicant)
        response = client.post(url, {"answer": "accept"})
        assert response.status_code == 400 and "another e-mail address" in response.content.decode()
        Sponsorship.objects.update(expires_at=clock.now() - timedelta(seconds=1))
        client.force_login(applicant)
        response = client.post(url, {"answer": "accept"})
        assert response.status_code == 400 and "expired" in response.content.decode()
        assert Sponsorship.objects.get().status == "invited"

    def test_naming_the_bin_asks_the_organisation_which_sees_nothing_until_it_accepts(
        self, client, applicant, employer_user, mailoutbox, django_capture_on_commit_callbacks
    ):
        from stays.models import Crossing

        Crossing.objects.create(person=applicant, entry=date(2026, 1, 5), exit=date(2026, 1, 9))
        application = ApplicationFactory(applicant=applicant, number="RP-ALICE-1")
        client.force_login(applicant)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(_employer_step(application), {"employer_bin": employer_user.employer.bin})
        request = Sponsorship.objects.get(person=applicant)
        assert request.status == "requested" and request.employer == employer_user.employer
        assert mailoutbox[0].to == [employer_user.email]
        assert applicant.full_name in mailoutbox[0].body

        # Until it accepts, the organisation sees the request (name, address) and nothing else.
        client.force_login(employer_user)
        page = client.get(DASHBOARD)
        assert page.context["page"].paginator.count == 0
        assert [r.pk for r in page.context["requests"]] == [request.pk]
        assert "RP-ALICE-1" not in page.content.decode()
        csv = b"".join(client.get(reverse("portal:staff_csv")).streaming_content).decode()
        assert applicant.email not in csv
        report = client.get(reverse("portal:employer_report")).content.decode()
        assert applicant.full_name not in report
        assert client.get(reverse("stays:person", args=[applicant.pk])).status_code == 404

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(_answer(request), {"answer": "accept"}, follow=True)
        assert any("You now sponsor" in m for m in _messages(response))
        request.refresh_from_db()
        assert request.status == "active" and request.accepted_at is not None
        assert client.get(DASHBOARD).context["page"].paginator.count == 1
        assert client.get(reverse("stays:person", args=[applicant.pk])).status_code == 200
        # The applicant is told, and sees it on the application.
        told = Notification.objects.get(recipient=applicant, kind="sponsorship.request_answered")
        assert "accepted" in told.subject and mailoutbox[-1].to == [applicant.email]
        client.force_login(applicant)
        page = client.get(reverse("permits:detail", args=[application.pk])).content.decode()
        assert employer_user.employer.name in page and "The organisation accepted" in page

    def test_the_organisation_declines_and_the_applicant_is_told(
        self, client, applicant, employer_user
    ):
        application = ApplicationFactory(applicant=applicant)
        client.force_login(applicant)
        client.post(_employer_step(application), {"employer_bin": employer_user.employer.bin})
        request = Sponsorship.objects.get(person=applicant)
        client.force_login(employer_user)
        client.post(_answer(request), {"answer": "decline"})
        request.refresh_from_db()
        assert request.status == "declined"
        assert client.get(DASHBOARD).context["page"].paginator.count == 0
        told = Notification.objects.get(recipient=applicant, kind="sponsorship.request_answered")
        assert "declined" in told.subject
        client.force_login(applicant)
        page = client.get(reverse("permits:review", args=[application.pk])).content.decode()
        assert "declined to sponsor you" in page
        # An answered request cannot be answered again.
        client.force_login(employer_user)
        assert client.post(_answer(request), {"answer": "accept"}).status_code == 404
        request.refresh_from_db()
        assert request.status == "declined"

    def test_only_the_named_organisation_answers_and_only_by_post(
        self, client, applicant, employer_user, other_employer_user
    ):
        application = ApplicationFactory(applicant=applicant)
        client.force_login(applicant)
        client.post(_employer_step(application), {"employer_bin": employer_user.employer.bin})
        request = Sponsorship.objects.get(person=applicant)
        client.force_login(other_employer_user)
        assert client.post(_answer(request), {"answer": "accept"}).status_code == 404
        client.force_login(applicant)
        assert client.post(_answer(request), {"answer": "accept"}).status_code == 403
        client.force_login(employer_user)
        assert client.get(_answer(request)).status_code == 405
        request.refresh_from_db()
        assert request.status == "requested"

    def test_a_person_sponsored_meanwhile_stays_with_that_organisation(
        self, client, applicant, employer_user, other_employer_user
    ):
        application = ApplicationFactory(applicant=applicant)
        client.force_login(applicant)
        client.post(_employer_step(application), {"employer_bin": employer_user.employer.bin})
        request = Sponsorship.objects.get(person=applicant)
        sponsor(other_employer_user.employer, applicant)  # accepted an invitation meanwhile
        client.force_login(employer_user)
        response = client.post(_answer(request), {"answer": "accept"}, follow=True)
        assert any("already sponsored" in m for m in _messages(response))
        request.refresh_from_db()
        assert request.status == "requested"

    def test_naming_another_or_no_employer_withdraws_the_waiting_request(
        self, client, applicant, employer_user, other_employer_user
    ):
        application = ApplicationFactory(applicant=applicant)
        client.force_login(applicant)
        step = _employer_step(application)
        client.post(step, {"employer_bin": employer_user.employer.bin})
        client.post(step, {"employer_bin": employer_user.employer.bin})  # saved again: one
        assert Sponsorship.objects.filter(status="requested").count() == 1
        client.post(step, {"employer_bin": other_employer_user.employer.bin})
        states = dict(Sponsorship.objects.values_list("employer_id", "status"))
        assert states == {
            employer_user.employer_id: "ended",
            other_employer_user.employer_id: "requested",
        }
        client.post(step, {"employer_bin": ""})
        assert not Sponsorship.objects.filter(status="requested").exists()
        client.force_login(other_employer_user)
        assert not client.get(DASHBOARD).context["requests"]

    @pytest.mark.parametrize("status", ["pending", "refused"])
    def test_an_unverified_organisation_cannot_be_named(self, client, applicant, status):
        unverified = EmployerFactory(status=status, name="Unverified LLP")
        application = ApplicationFactory(applicant=applicant)
        client.force_login(applicant)
        response = client.post(_employer_step(application), {"employer_bin": unverified.bin})
        assert response.status_code == 200
        error = str(response.context["form"].errors["employer_bin"])
        assert "is not a verified organisation" in error and "Unverified LLP" not in error
        assert not Sponsorship.objects.exists()
        application.refresh_from_db()
        assert application.employer_bin == "" and application.employer is None

    def test_the_applicant_sees_the_verified_name_of_the_organisation_named(
        self, client, applicant, employer_user, reviewer
    ):
        employer = employer_user.employer
        employer.name = "Kazakh Geo Survey LLP"
        employer.save()
        application = ApplicationFactory(applicant=applicant)
        client.force_login(applicant)
        step = _employer_step(application)
        client.post(step, {"employer_bin": employer.bin})
        pages = [step, reverse("permits:review", args=[application.pk])]
        pages.append(reverse("permits:detail", args=[application.pk]))
        for url in pages:
            html = client.get(url).content.decode()
            assert "Kazakh Geo Survey LLP" in html and "verified by the ministry" in html, url
            assert "waiting for the organisation to accept" in html, url
        # Staff later refuse the organisation: its name is no longer vouched for.
        from portal.organisations import services

        services.employer_refuse(employer=employer, by=reviewer, reason="Certificate forged.")
        for url in pages:
            html = client.get(url).content.decode()
            assert "Kazakh Geo Survey LLP" not in html, url
            assert f"The BIN {employer.bin} is not an organisation verified" in html, url

    def test_a_sponsored_person_cannot_name_another_employer(
        self, client, applicant, employer_user, other_employer_user
    ):
        sponsor(employer_user.employer, applicant)
        application = ApplicationFactory(applicant=applicant)
        client.force_login(applicant)
        response = client.post(
            reverse("permits:step", args=[application.pk, "employer"]),
            {"employer_bin": other_employer_user.employer.bin},
        )
        assert "End that sponsorship" in str(response.context["form"].errors["employer_bin"])
        assert Sponsorship.objects.filter(status="active").count() == 1

    def test_either_side_ends_it(self, client, applicant, employer_user):
        link = sponsor(employer_user.employer, applicant)
        client.force_login(applicant)
        client.post(reverse("portal:my_sponsorship_end"))
        link.refresh_from_db()
        assert link.status == "ended"
        link2 = sponsor(employer_user.employer, applicant)
        client.force_login(employer_user)
        client.post(reverse("portal:sponsorship_end", args=[link2.pk]))
        link2.refresh_from_db()
        assert link2.status == "ended"
        assert applicant.full_name not in client.get(DASHBOARD).content.decode()


class TestColleagues:
    def test_a_colleague_is_invited_and_joins_confirmed(
        self, client, employer_user, mailoutbox, django_capture_on_commit_callbacks
    ):
        client.force_login(employer_user)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("portal:colleague_invite"), {"colleague-email": "new@firm.kz"})
        invitation = ColleagueInvitation.objects.get()
        assert invitation.token in mailoutbox[0].body
        client.logout()
        url = reverse("portal:colleague_join", args=[invitation.token])
        response = client.post(
            url,
            {
                "full_name": "New Colleague",
                "preferred_language": "kk",
                "password1": "Sunny-Astana-2026",
                "password2": "Sunny-Astana-2026",
            },
        )
        assert response.url == DASHBOARD
        colleague = User.objects.get(email="new@firm.kz")
        assert colleague.employer == employer_user.employer and colleague.employer_confirmed
        # A reused link is refused with a message.
        client.logout()
        response = client.get(url)
        assert response.status_code == 400 and "already been used" in response.content.decode()

    def test_an_address_that_got_an_account_since_the_invitation_is_told_what_to_do(
        self, client, employer_user
    ):
        client.force_login(employer_user)
        client.post(reverse("portal:colleague_invite"), {"colleague-email": "eve@firm.kz"})
        invitation = ColleagueInvitation.objects.get()
        client.logout()
        # Meanwhile the address signs up as a professional.
        professional = UserFactory(email="eve@firm.kz", full_name="Eve Professional")
        url = reverse("portal:colleague_join", args=[invitation.token])

        page = client.get(url)
        response = client.post(
            url,
            {
                "full_name": "Eve Colleague",
                "preferred_language": "en",
                "password1": "Sunny-Astana-2026",
                "password2": "Sunny-Astana-2026",
            },
        )

        for answer in (page, response):
            text = answer.content.decode()
            assert answer.status_code == 400
            assert "eve@firm.kz already has an account on the portal" in text
            assert "log in with it" in text and "invite another address" in text
        # Nothing lost or changed: the account, its password and the unused invitation.
        professional.refresh_from_db()
        assert professional.kind == User.Kind.APPLICANT and professional.employer is None
        assert professional.full_name == "Eve Professional"
        assert professional.check_password(PASSWORD)
        assert User.objects.filter(email__iexact="eve@firm.kz").count() == 1
        invitation.refresh_from_db()
        assert invitation.accepted_at is None

    def test_an_expired_link_is_refused(self, client, employer_user):
        invitation = ColleagueInvitation.objects.create(
            employer=employer_user.employer,
            email="x@firm.kz",
            token="tok",
            expires_at=clock.now() - timedelta(minutes=1),
        )
        response = client.get(reverse("portal:colleague_join", args=[invitation.token]))
        assert response.status_code == 400 and "expired" in response.content.decode()

    def test_a_bin_with_a_wrong_check_digit_is_refused_at_sign_up(self, client):
        good = valid_bin()
        response = client.post(
            reverse("portal:signup_employer"),
            {
                "full_name": "X",
                "email": "x@y.kz",
                "bin": good[:11] + str((int(good[11]) + 3) % 10),
                "organisation_name": "Y",
                "preferred_language": "en",
                "password1": "Sunny-Astana-2026",
                "password2": "Sunny-Astana-2026",
            },
        )
        assert response.status_code == 200 and "bin" in response.context["form"].errors


def _staff(employer, n, stays_each=0, start=0):
    """n sponsored people, each with an approved application, a permit and some stays."""
    from stays.models import Crossing, StayStatus
    from tests.permits.factories import listed_profession

    profession = listed_profession()
    people = User.objects.bulk_create(
        [
            User(
                email=f"staff{start + i}@example.kz",
                full_name=f"Staff {start + i:05d}",
                citizenship="DE",
                kind="applicant",
            )
            for i in range(n)
        ]
    )
    Sponsorship.objects.bulk_create(
        [Sponsorship(employer=employer, person=p, email=p.email, status="active") for p in people]
    )
    apps = Application.objects.bulk_create(
        [
            Application(
                applicant=p,
                status="approved",
                number=f"RP-S-{start + i:06d}",
                profession=profession,
                passport_expiry=date(2031, 1, 1),
                submitted_at=clock.now(),
                # As permits.services keeps them: the newest application, with the permit.
                is_latest=True,
                holds_latest_permit=True,
            )
            for i, p in enumerate(people)
        ]
    )
    Permit.objects.bulk_create(
        [
            Permit(
                application=a,
                number=f"KZ-RP-S-{start + i:06d}",
                issue_date=date(2026, 1, 1),
                valid_until=date(2031, 1, 1),
            )
            for i, a in enumerate(apps)
        ]
    )
    today = clock.today()
    StayStatus.objects.bulk_create(
        [
            StayStatus(
                person=p,
                on=today,
                regime="visa_free",
                max_days=90,
                days_in_window=10 + i % 80,
                days_remaining=80 - i % 80,
                in_country=i % 2 == 0,
                latest_exit_date=today + timedelta(days=i % 30),
                violation_count=i % 3,
                first_violation_date=None,
                updated_at=clock.now(),
            )
            for i, p in enumerate(people)
        ]
    )
    crossings = []
    for p in people:
        day = date(2010, 1, 1)
        for _ in range(stays_each):
            crossings.append(Crossing(person=p, entry=day, exit=day + timedelta(days=5)))
            day += timedelta(days=40)
    Crossing.objects.bulk_create(crossings, batch_size=5000)
    return people


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


class TestDashboard:
    def test_it_shows_each_persons_facts_and_never_documents(self, client, employer_user):
        _staff(employer_user.employer, 3)
        client.force_login(employer_user)
        html = client.get(DASHBOARD).content.decode()
        assert "Staff 00001" in html and "KZ-RP-S-000001" in html and "RP-S-000001" in html
        assert "/permits/documents/" not in html

    def test_it_sorts_filters_and_pages(self, client, employer_user):
        _staff(employer_user.employer, 30)
        client.force_login(employer_user)
        _, response = _queries(client, DASHBOARD + "?sort=-name")
        rows = response.context["rows"]
        assert rows[0].name == "Staff 00029" and len(rows) == 25
        _, response = _queries(client, DASHBOARD + "?q=Staff 00007")
        assert [r.name for r in response.context["rows"]] == ["Staff 00007"]
        _, response = _queries(client, DASHBOARD + "?attention=violations")
        assert all(r.violations for r in response.context["rows"])
        _, response = _queries(client, DASHBOARD + "?sort=days_left&page=2")
        assert len(response.context["rows"]) == 5

    def test_it_exports_the_table_as_csv(self, client, employer_user):
        _staff(employer_user.employer, 4)
        client.force_login(employer_user)
        response = client.get(reverse("portal:staff_csv") + "?sort=name")
        content = b"".join(response.streaming_content)
        assert content.startswith("\ufeff".encode())  # Excel reads it as UTF-8
        lines = content.decode("utf-8-sig").splitlines()
        assert lines[0].startswith("Name,E-mail,Citizenship")
        assert len(lines) == 5 and lines[1].startswith("Staff 00000,")

    def test_the_csv_goes_out_in_blocks_not_row_by_row(self, client, employer_user, monkeypatch):
        """The server writes each piece the view yields by itself: rows are given to it in
        blocks of about ``CSV_BLOCK`` characters, and the blocks add up to the whole file."""
        _staff(employer_user.employer, 30)
        client.force_login(employer_user)
        whole = list(client.get(reverse("portal:staff_csv")).streaming_content)
        assert len(whole) == 1  # 30 rows are far less than a block
        monkeypatch.setattr(employer_views, "CSV_BLOCK", 500)
        pieces = list(client.get(reverse("portal:staff_csv")).streaming_content)
        assert 3 < len(pieces) < 30
        assert all(len(piece) >= 500 for piece in pieces[:-1])
        assert b"".join(pieces) == whole[0]
        lines = whole[0].decode("utf-8-sig").splitlines()
        assert len(lines) == 31 and lines[-1].startswith("Staff 00029,")

    def test_the_csv_and_the_table_give_the_day_in_almaty(self, client, employer_user):
        person = UserFactory(email="night@example.kz", full_name="Night Owl")
        sponsor(employer_user.employer, person)
        # 00:30 on 3 March in Almaty is still 2 March in UTC.
        submitted = clock.start_of(date(2026, 3, 3)) + timedelta(minutes=30)
        ApplicationFactory(applicant=person, status="submitted", submitted_at=submitted)
        client.force_login(employer_user)
        content = b"".join(client.get(reverse("portal:staff_csv")).streaming_content)
        assert "2026-03-03" in content.decode("utf-8-sig")
        assert "2026-03-02" not in content.decode("utf-8-sig")
        [row] = client.get(DASHBOARD).context["rows"]
        assert row.submitted_on == date(2026, 3, 3)

    def test_it_makes_the_monthly_report_as_page_and_pdf(self, client, employer_user):
        _staff(employer_user.employer, 4)
        client.force_login(employer_user)
        page = client.get(reverse("portal:employer_report") + "?month=2026-11")
        assert "Staff 00003" in page.content.decode()
        pdf = client.get(reverse("portal:employer_report_pdf") + "?month=2026-11")
        assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
        assert len(pdf.content) > 2000

    def test_the_dashboard_costs_the_same_queries_at_10_and_1000_staff(
        self, client, employer_user, settings
    ):
        client.force_login(employer_user)
        _staff(employer_user.employer, 10, stays_each=50)
        small, _ = _queries(client, DASHBOARD)
        _staff(employer_user.employer, 990, stays_each=50, start=10)
        large, response = _queries(client, DASHBOARD)
        assert response.context["page"].paginator.count == 1000
        assert large == small


# --- access matrix -----------------------------------------------------------------------------

EMPLOYER_PAGES = [
    ("get", "portal:employer_dashboard", None),
    ("get", "portal:staff_csv", None),
    ("get", "portal:employer_report", None),
    ("get", "portal:employer_report_pdf", None),
    ("post", "portal:sponsorship_invite", None),
    ("post", "portal:colleague_invite", None),
    ("post", "portal:sponsorship_end", "sponsorship"),
]
EXPECTED = {  # who -> expected status for every employer page
    "anonymous": {302},
    "applicant": {403, 302},
    "employer_a": {200, 302},
    "employer_b": {200, 302, 404},
    "reviewer": {403, 302},
}


@pytest.mark.parametrize(("method", "name", "arg"), EMPLOYER_PAGES)
@pytest.mark.parametrize("who", list(EXPECTED))
def test_access_matrix(
    client, method, name, arg, who, employer_user, other_employer_user, applicant, reviewer
):
    link = sponsor(employer_user.employer, UserFactory())
    url = reverse(name, args=[link.pk] if arg else [])
    users = {
        "anonymous": None,
        "applicant": applicant,
        "employer_a": employer_user,
        "employer_b": other_employer_user,
        "reviewer": reviewer,
    }
    if users[who]:
        client.force_login(users[who])
    response = getattr(client, method)(url)
    assert response.status_code in EXPECTED[who], (who, name, response.status_code)
    if who == "anonymous":
        assert response.url.startswith(reverse("login"))
    if who in ("applicant", "reviewer") and response.status_code == 302:
        assert not response.url.startswith(reverse("portal:employer_dashboard"))
    if who == "employer_b":
        if arg:
            assert response.status_code == 404  # another organisation's object
            link.refresh_from_db()
            assert link.status == "active"
        elif method == "get" and response.status_code == 200:
            body = (
                response.content if not response.streaming else b"".join(response.streaming_content)
            )
            assert link.person.full_name.encode() not in body


def test_the_dashboard_lists_agree_with_the_table_filters(client, employer_user):
    people = _staff(employer_user.employer, 40)
    on = today()
    # Some permits expire soon, some people have none (so the stay rules apply to them).
    Permit.objects.filter(application__applicant__in=people[:5]).update(
        valid_until=on + timedelta(days=30)
    )
    Permit.objects.filter(application__applicant__in=people[5:15]).delete()
    rows = staff.staff_rows(employer_user.employer, on)
    summary = staff.overview(rows)
    client.force_login(employer_user)
    for kind in staff.ATTENTION:
        listed = [r.person_id for r in summary.attention[kind]]
        assert listed == [r.person_id for r in staff.select(rows, {"attention": kind}).rows]
        # The page's "See all" link shows the same people.
        page = client.get(reverse("portal:employer_dashboard"), {"attention": kind})
        assert page.context["page"].paginator.count == len(listed), kind
    assert sum(n for _, n in summary.counts) == 40
    assert all(summary.attention[kind] for kind in staff.ATTENTION)


def test_the_professionals_sponsorship_and_open_request_come_in_one_query(
    applicant, django_assert_num_queries
):
    first, second = EmployerFactory(), EmployerFactory()
    asked = Sponsorship.objects.create(
        employer=second,
        person=applicant,
        email=applicant.email,
        status=Sponsorship.Status.REQUESTED,
    )
    with django_assert_num_queries(1):
        assert employers.sponsorship_and_request(applicant) == (None, asked)
    active = sponsor(first, applicant)
    with django_assert_num_queries(1):
        found, request = employers.sponsorship_and_request(applicant)
    assert found == active == employers.sponsor_of(applicant)
    assert request is not None and request.employer == second


def test_the_dashboard_lists_invitations_newest_first_and_requests_oldest_first(
    client, employer_user
):
    employer = employer_user.employer
    start = clock.real_now() - timedelta(days=10)

    def made(days, **fields):
        row = Sponsorship.objects.create(employer=employer, **fields)
        Sponsorship.objects.filter(pk=row.pk).update(created_at=start + timedelta(days=days))
        return row

    old_invite = made(1, email="old@example.kz", status=Sponsorship.Status.INVITED)
    new_invite = made(3, email="new@example.kz", status=Sponsorship.Status.INVITED)
    people = [UserFactory(full_name=name) for name in ("Әли Ерте", "Бек Кеш")]
    early = made(2, person=people[0], email=people[0].email, status=Sponsorship.Status.REQUESTED)
    late = made(4, person=people[1], email=people[1].email, status=Sponsorship.Status.REQUESTED)
    made(5, email="ended@example.kz", status=Sponsorship.Status.ENDED)
    client.force_login(employer_user)
    page = client.get(DASHBOARD)
    assert page.context["invitations"] == [new_invite, old_invite]
    assert page.context["requests"] == [early, late]
    html = page.content.decode()
    assert html.index("new@example.kz") < html.index("old@example.kz")
    assert html.index("Әли Ерте") < html.index("Бек Кеш") and "ended@example.kz" not in html


def test_the_waiting_lists_are_the_orms(employer_user, other_employer_user):
    """``employers.waiting`` and ``members_waiting`` (fixed statements) read what the ORM's
    queries read, for this organisation only."""
    employer, other = employer_user.employer, other_employer_user.employer
    asking = UserFactory(full_name="Ана <Лима>")
    rows = [
        Sponsorship.objects.create(employer=employer, email="a@example.kz", status="invited"),
        Sponsorship.objects.create(
            employer=employer, person=asking, email=asking.email, status="requested"
        ),
        Sponsorship.objects.create(employer=employer, email="b@example.kz", status="invited"),
        Sponsorship.objects.create(employer=other, email="c@example.kz", status="invited"),
    ]
    waiting = employers.waiting(employer)
    orm = Sponsorship.objects.filter(employer=employer, status__in=["invited", "requested"])
    by_status = {
        s: list(orm.filter(status=s).order_by("created_at", "pk")) for s in ("invited", "requested")
    }
    assert waiting["invited"] == by_status["invited"][::-1] == [rows[2], rows[0]]
    assert waiting["requested"] == by_status["requested"] == [rows[1]]
    [request] = waiting["requested"]
    with CaptureQueriesContext(connection) as asked:
        shown = (request.person.full_name, request.person.email, request.created_at)
    assert not asked.captured_queries
    assert shown == (asking.full_name, asking.email, rows[1].created_at)
    assert request.created_at.tzinfo is not None
    joining = [
        UserFactory(kind="employer", employer=employer, employer_confirmed=False) for _ in range(2)
    ]
    UserFactory(kind="employer", employer=other, employer_confirmed=False)
    members = employers.members_waiting(employer)
    assert members == list(
        User.objects.filter(employer=employer, employer_confirmed=False).order_by("pk")
    )
    assert members == joining
    assert [(m.full_name, m.email) for m in members] == [(j.full_name, j.email) for j in joining]
