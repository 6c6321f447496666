"""The attacks of issue 11, replayed over HTTP against the live server, and refused.

Each test is an attacker's script: real sockets, real cookies and CSRF tokens, no test client.
Client addresses are told apart the way a load balancer tells them (``X-Forwarded-For`` with
``BEHIND_PROXY``), except in the tests that check a forged header changes nothing.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts.models import LoginFailure, User
from portal.accounts.roles import REVIEWERS
from portal.notifications.models import Notification
from tests.conftest import wait_for
from tests.factories import PASSWORD, StaffFactory, UserFactory
from tests.http import HttpClient

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _throttled(settings):
    settings.LOGIN_THROTTLE_ENABLED = True
    settings.TRUSTED_PROXIES = 1  # one load balancer: the client is the last X-Forwarded-For


@pytest.fixture
def site(live_server) -> str:
    return live_server.url


def browser(site: str, address: str = "203.0.113.7") -> HttpClient:
    return HttpClient(site, forwarded_for=address)


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def _page(answer: Any) -> str:
    """The page as seen, without what differs on every request (CSRF tokens, nonces)."""
    return re.sub(r'value="[A-Za-z0-9]{32,}"', 'value=""', answer.text)


# --- Guessing passwords ---------------------------------------------------------------------------


def test_the_attackers_own_logins_do_not_reset_the_victims_failures(site):
    """The measured attack: 20 wrong passwords for one account, the attacker's own good login
    after every four. Before, the victim's count was reset each time and the right password
    then got in; now the fifth failure locks the pair whatever else the address does."""
    victim = UserFactory(email="victim@example.kz")
    UserFactory(email="attacker@example.kz")
    attacker = browser(site)
    answers = []
    for attempt in range(1, 21):
        answers.append(attacker.login(victim.email, f"guess-{attempt}").status)
        if attempt % 4 == 0:
            own = browser(site)  # same address, the attacker's own account
            assert own.login("attacker@example.kz", PASSWORD).status == 302
    assert answers[:4] == [200] * 4  # the form says the password is wrong
    assert set(answers[4:]) == {429}
    assert attacker.login(victim.email, PASSWORD).status == 429
    # The victim, from their own address, is not locked out by this pair.
    assert browser(site, "198.51.100.20").login(victim.email, PASSWORD).status == 302


def test_a_sign_up_from_the_address_does_not_reset_the_failures(site):
    victim = UserFactory(email="victim@example.kz")
    attacker = browser(site)
    for attempt in range(4):
        assert attacker.login(victim.email, f"guess-{attempt}").status == 200
    signup = browser(site).post_form(
        "/signup/professional/",
        {
            "full_name": "Mallory",
            "email": "mallory@example.kz",
            "citizenship": "DE",
            "preferred_language": "en",
            "password1": "Another-Long-Pass-99",
            "password2": "Another-Long-Pass-99",
        },
    )
    assert signup.status == 302
    assert attacker.login(victim.email, "guess-5").status == 429
    assert attacker.login(victim.email, PASSWORD).status == 429


def test_spraying_many_accounts_from_one_address_is_refused(site):
    """16 accounts, one guess each, from one address: from the tenth account on, the address is
    refused, even with a right password; other addresses are not."""
    people = [UserFactory(email=f"staff{i}@example.kz") for i in range(8)]
    targets = [p.email for p in people] + [f"nobody{i}@example.kz" for i in range(8)]
    sprayer = browser(site)
    statuses = [sprayer.login(email, "Winter2026!").status for email in targets]
    assert statuses[:9] == [200] * 9
    assert set(statuses[9:]) == {429}
    assert sprayer.login(people[0].email, PASSWORD).status == 429
    assert browser(site, "198.51.100.30").login(people[0].email, PASSWORD).status == 302


def test_many_addresses_on_one_account_slow_it_down_and_tell_the_owner(site, celery_worker_process):
    """A botnet: each address guesses once. After ten failures each try waits, the right
    password included, and a real worker e-mails the owner once."""
    owner = UserFactory(email="owner@example.kz", full_name="Owen Owner")
    statuses = [
        browser(site, f"192.0.2.{n}").login(owner.email, f"guess-{n}").status for n in range(1, 13)
    ]
    # The tenth failure starts the wait (a minute, then two, four, ...): every try after it is
    # refused before its password is looked at.
    assert statuses == [200] * 9 + [429] * 3
    assert browser(site, "198.51.100.40").login(owner.email, PASSWORD).status == 429
    told = Notification.objects.filter(recipient=owner, kind="login.attack")
    assert told.count() == 1
    assert wait_for(lambda: told.filter(email_sent_at__isnull=False).exists())
    assert "Wrong passwords for your account" in told.get().body


def test_a_lock_reads_the_same_whether_the_account_exists(site):
    UserFactory(email="real@example.kz")
    pages = {}
    for email, address in (("real@example.kz", "192.0.2.50"), ("ghost@example.kz", "192.0.2.51")):
        client = browser(site, address)
        for attempt in range(5):
            client.login(email, f"guess-{attempt}")
        pages[email] = client.login(email, "guess-6")
    real, ghost = pages["real@example.kz"], pages["ghost@example.kz"]
    assert real.status == ghost.status == 429
    assert _page(real) == _page(ghost)


# --- Behind a proxy -------------------------------------------------------------------------------


def test_without_behind_proxy_a_forged_forwarded_for_changes_nothing(site, settings):
    settings.TRUSTED_PROXIES = 0
    victim = UserFactory(email="victim@example.kz")
    statuses = [
        browser(site, f"192.0.2.{n}").login(victim.email, f"guess-{n}").status for n in range(6)
    ]
    assert statuses == [200] * 4 + [429, 429]  # every try came from the same peer: the pair locked
    assert browser(site, "198.51.100.77").login(victim.email, PASSWORD).status == 429


def test_behind_proxy_one_clients_failures_lock_only_that_client(site, settings):
    settings.TRUSTED_PROXIES = 2  # the client, then the first proxy, then the balancer (peer)
    victim = UserFactory(email="victim@example.kz")
    attacker = browser(site, "6.6.6.6, 203.0.113.9, 10.0.0.2")  # the first entry is forged
    for attempt in range(5):
        attacker.login(victim.email, f"guess-{attempt}")
    assert set(LoginFailure.objects.values_list("ip", flat=True)) == {"203.0.113.9"}
    assert attacker.login(victim.email, PASSWORD).status == 429
    colleague = browser(site, "198.51.100.5, 10.0.0.2")
    assert colleague.login(victim.email, PASSWORD).status == 302


# --- Taking over a staff account ------------------------------------------------------------------


@pytest.fixture
def two_factor_on(settings):
    settings.OTP_REQUIRED_FOR_ADMIN = True


@pytest.fixture
def reviewer_with_phone(two_factor_on):
    reviewer = StaffFactory(email="rita@gov.kz", full_name="Rita Reviewer", groups=[REVIEWERS])
    device = TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    return reviewer, device


def test_a_stolen_password_cannot_replace_the_staff_authenticator(site, reviewer_with_phone):
    """The measured chain ended here: the password alone showed a fresh key, a code from it
    deleted the real phone and opened the admin. Now every step is refused."""
    reviewer, phone = reviewer_with_phone
    attacker = browser(site)
    assert attacker.login(reviewer.email, PASSWORD).status == 302

    page = attacker.get("/staff/two-factor/")
    assert page.status == 302 and page.location.startswith("/staff/two-factor/verify/")
    begin = attacker.post_form(
        "/staff/two-factor/", {"action": "begin"}, form_page="/staff/two-factor/verify/"
    )
    assert begin.status == 302 and "/staff/two-factor/verify/" in begin.location
    assert list(TOTPDevice.objects.filter(user=reviewer)) == [phone]  # no new key made
    forged = attacker.post_form(
        "/staff/two-factor/",
        {"action": "confirm", "token": "123456"},
        form_page="/staff/two-factor/verify/",
    )
    assert forged.status == 302
    for path in ("/admin/", "/admin/permits/application/", "/dashboard/staff/", "/inbox/"):
        answer = attacker.get(path)
        assert answer.status == 302, path
        assert answer.location.startswith("/staff/two-factor/verify/"), path
    guesses = [
        attacker.post_form("/staff/two-factor/verify/", {"token": f"{n:06d}"}).status
        for n in range(3)
    ]
    assert guesses == [200, 200, 200]  # "not right"; django-otp slows further guesses down
    assert attacker.get("/admin/").status == 302
    phone.refresh_from_db()
    assert phone.confirmed and TOTPDevice.objects.filter(user=reviewer).count() == 1


def test_the_admin_login_form_does_not_take_a_password_alone(site, reviewer_with_phone):
    reviewer, _phone = reviewer_with_phone
    attacker = browser(site)
    answer = attacker.get("/admin/login/?next=/admin/")
    assert answer.status == 302 and answer.location.startswith("/accounts/login/")
    posted = attacker.request(
        "POST", "/admin/login/", {"username": reviewer.email, "password": PASSWORD}
    )
    assert posted.status in (302, 403)
    assert attacker.get("/admin/").status == 302


def test_staff_with_the_phone_get_in_and_replace_it_only_with_a_code(site, reviewer_with_phone):
    reviewer, phone = reviewer_with_phone
    staff = browser(site)
    staff.login(reviewer.email, PASSWORD)
    verified = staff.post_form(
        "/staff/two-factor/verify/?next=/admin/", {"token": _code(phone), "next": "/admin/"}
    )
    assert verified.status == 302 and verified.location == "/admin/"
    assert staff.get("/admin/").status == 200

    # Replacing: a verified session sees a new key, but confirming needs a current code too.
    assert staff.post_form("/staff/two-factor/", {"action": "begin"}).status == 302
    new = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    refused = staff.post_form(
        "/staff/two-factor/", {"action": "confirm", "token": _code(new), "current": "000000"}
    )
    assert refused.status == 200 and "current authenticator" in refused.text
    phone.refresh_from_db()
    assert phone.confirmed


def test_staff_without_an_authenticator_see_only_the_enrolment_page(site, two_factor_on):
    newcomer = StaffFactory(email="new@gov.kz", groups=[REVIEWERS])
    staff = browser(site)
    staff.login(newcomer.email, PASSWORD)
    for path in ("/admin/", "/dashboard/staff/", "/professions/", "/staff/two-factor/verify/"):
        answer = staff.get(path)
        assert answer.status == 302 and answer.location == "/staff/two-factor/", path
    page = staff.get("/staff/two-factor/")
    assert page.status == 200 and "<svg" not in page.text  # no key until they ask for one
    assert staff.post_form("/staff/two-factor/", {"action": "begin"}).status == 302
    device = TOTPDevice.objects.get(user=newcomer)
    assert "<svg" in staff.get("/staff/two-factor/").text
    done = staff.post_form("/staff/two-factor/", {"action": "confirm", "token": _code(device)})
    assert done.status == 200
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", done.text)
    assert len(codes) == 10
    assert staff.get("/admin/").status == 200
    assert Notification.objects.filter(recipient=newcomer, kind="two_factor.enrolled").exists()


def test_a_recovery_code_logs_in_once(site, two_factor_on):
    reviewer = StaffFactory(email="rita@gov.kz", groups=[REVIEWERS])
    first = browser(site)
    first.login(reviewer.email, PASSWORD)
    first.post_form("/staff/two-factor/", {"action": "begin"})
    device = TOTPDevice.objects.get(user=reviewer)
    done = first.post_form("/staff/two-factor/", {"action": "confirm", "token": _code(device)})
    code = re.findall(r"<li>([a-z2-7]{8})</li>", done.text)[0]

    lost_phone = browser(site, "198.51.100.8")
    lost_phone.login(reviewer.email, PASSWORD)
    answer = lost_phone.post_form("/staff/two-factor/verify/", {"token": code})
    assert answer.status == 302 and lost_phone.get("/admin/").status == 200
    assert StaticToken.objects.filter(token=code).count() == 0
    assert Notification.objects.filter(recipient=reviewer, kind="two_factor.recovery_used").exists()

    again = browser(site, "198.51.100.9")
    again.login(reviewer.email, PASSWORD)
    reused = again.post_form("/staff/two-factor/verify/", {"token": code})
    assert reused.status == 200 and "not right" in reused.text
    assert again.get("/admin/").status == 302


def test_a_superuser_resets_a_lost_authenticator_recorded_and_told(
    site, reviewer_with_phone, celery_worker_process
):
    reviewer, _phone = reviewer_with_phone
    root = User.objects.create_superuser(email="root@gov.kz", password=PASSWORD, full_name="Root")
    root_phone = TOTPDevice.objects.create(user=root, name="phone", confirmed=True)
    admin = browser(site, "198.51.100.60")
    admin.login(root.email, PASSWORD)
    admin.post_form("/staff/two-factor/verify/", {"token": _code(root_phone)})
    answer = admin.post_form(
        "/admin/portal/user/",
        {"action": "reset_two_factor", "_selected_action": str(reviewer.pk), "index": "0"},
    )
    assert answer.status == 302
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    entry = LogEntry.objects.get(object_id=str(reviewer.pk), user=root)
    assert "two-factor" in entry.change_message
    told = Notification.objects.filter(recipient=reviewer, kind="two_factor.reset")
    assert wait_for(lambda: told.filter(email_sent_at__isnull=False).exists())

    # A reviewer cannot reset anyone, not even with a verified session.
    other = StaffFactory(email="other@gov.kz", groups=[REVIEWERS])
    other_phone = TOTPDevice.objects.create(user=other, name="phone", confirmed=True)
    sneaky = browser(site, "198.51.100.61")
    sneaky.login(other.email, PASSWORD)
    sneaky.post_form("/staff/two-factor/verify/", {"token": _code(other_phone)})
    attempt = sneaky.post_form(
        "/admin/portal/user/",
        {"action": "reset_two_factor", "_selected_action": str(root.pk), "index": "0"},
        form_page="/admin/",
    )
    assert attempt.status == 403
    assert TOTPDevice.objects.filter(user=root).exists()


def test_a_burst_of_parallel_guesses_gets_no_more_than_five_checked(site):
    """Each attempt is written down before its password is checked and judged by those before
    it, so thirty guesses fired at once cannot all slip past the check."""
    from concurrent.futures import ThreadPoolExecutor

    victim = UserFactory(email="victim@example.kz")

    def guess(n: int) -> int:
        return browser(site).login(victim.email, f"guess-{n}").status

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(guess, range(30)))
    assert statuses.count(200) <= 5 and statuses.count(429) >= 25
    assert LoginFailure.objects.filter(username=victim.email).count() <= 5
    assert browser(site).login(victim.email, PASSWORD).status == 429


def test_look_alike_spellings_of_an_address_do_not_reach_the_account(site):
    """'ı' and 'ſ' upper-case to I and S: a case-insensitive lookup would let them log in to the
    account under names the throttle counts apart. The lookup is exact on one normal form."""
    victim = UserFactory(email="victim.sysadmin@example.kz")
    for spelling in ("vıctim.sysadmin@example.kz", "victim.ſysadmin@example.kz"):
        assert browser(site, "198.51.100.90").login(spelling, PASSWORD).status == 200
    assert (
        browser(site, "198.51.100.91").login(" Victim.SysAdmin@Example.KZ ", PASSWORD).status == 302
    )
    assert victim.email == "victim.sysadmin@example.kz"
