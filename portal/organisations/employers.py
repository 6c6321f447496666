"""Employer organisations: colleagues and sponsorships of foreign professionals (writes)."""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.accounts.access import organisation_users, role_of
from portal.accounts.models import User
from portal.core import clock
from portal.core.statements import Statement, loaded
from portal.notifications.outbox import notify, notify_address
from portal.organisations.models import ColleagueInvitation, Employer, Sponsorship

INVITATION_DAYS = 14


class SponsorshipError(Exception):
    """A sponsorship step that cannot be done; the message is for the person."""


def _token() -> str:
    return secrets.token_urlsafe(32)


def sponsor_of(person: User) -> Sponsorship | None:
    """The person's active sponsorship, if any."""
    return (
        Sponsorship.objects.filter(person=person, status=Sponsorship.Status.ACTIVE)
        .select_related("employer")
        .first()
    )


def sponsorship_and_request(person: User) -> tuple[Sponsorship | None, Sponsorship | None]:
    """The person's active sponsorship (as ``sponsor_of``) and their oldest request to be
    sponsored that is still open, both in one query (the professional's dashboard)."""
    active = requested = None
    for sponsorship in (
        Sponsorship.objects.filter(
            person=person,
            status__in=[Sponsorship.Status.ACTIVE, Sponsorship.Status.REQUESTED],
        )
        .select_related("employer")
        .order_by("pk")
    ):
        if sponsorship.status == Sponsorship.Status.ACTIVE:
            active = active or sponsorship
        else:
            requested = requested or sponsorship
    return active, requested


def employer_users_told(person_ids: Iterable[int]) -> dict[int, list[User]]:
    """For each person, the employer's users told of their news (a permit's progress, stay
    warnings): those who see the organisation that actively sponsors them, as
    ``organisation_users`` decides. People without an active sponsor are left out. Two queries,
    whatever the number of people."""
    sponsor = dict(
        Sponsorship.objects.filter(
            person_id__in=person_ids, status=Sponsorship.Status.ACTIVE
        ).values_list("person_id", "employer_id")
    )
    users: dict[int, list[User]] = defaultdict(list)
    for user in organisation_users(set(sponsor.values())).order_by("pk"):
        users[user.employer_id].append(user)
    return {person_id: users[employer_id] for person_id, employer_id in sponsor.items()}


# What the employer's dashboard lists on every visit, as fixed statements (through the ORM each
# cost more to build than to run): the invitations sent and the requests to decide, with the
# name and address a person asking signed up with; the colleagues waiting for confirmation.
# ``tests/portal/test_employer.py`` holds them to the ORM's queries.
_WAITING = Statement(
    "SELECT {s.id}, {s.employer}, {s.person}, {s.email}, {s.status}, {s.created_at},"
    " {u.email}, {u.full_name}"
    " FROM {s} LEFT JOIN {u} ON {u.id} = {s.person}"
    " WHERE {s.employer} = %s AND {s.status} IN (%s, %s)"
    " ORDER BY {s.created_at}, {s.id}",
    s=Sponsorship,
    u=User,
)
_WAITING_FIELDS = ("id", "employer_id", "person_id", "email", "status", "created_at")
_MEMBERS = Statement(
    "SELECT {u.id}, {u.email}, {u.full_name} FROM {u}"
    " WHERE {u.employer} = %s AND NOT {u.employer_confirmed} ORDER BY {u.id}",
    u=User,
)
_PERSON_FIELDS = ("id", "email", "full_name")


def waiting(employer: Employer) -> dict[str, list[Sponsorship]]:
    """The organisation's invitations (the newest first) and requests to sponsor (the oldest
    first), each with only what the dashboard shows."""
    found: dict[str, list[Sponsorship]] = {
        Sponsorship.Status.INVITED: [],
        Sponsorship.Status.REQUESTED: [],
    }
    connection = _WAITING.connection()
    params = [employer.pk, Sponsorship.Status.INVITED.value, Sponsorship.Status.REQUESTED.value]
    for values in _WAITING.all(params):
        own, person_values = values[: len(_WAITING_FIELDS)], values[len(_WAITING_FIELDS) :]
        sponsorship = loaded(connection, Sponsorship, own, _WAITING_FIELDS)
        if sponsorship.person_id is not None:
            person = (sponsorship.person_id, *person_values)
            sponsorship.person = loaded(connection, User, person, _PERSON_FIELDS)
        found[sponsorship.status].append(sponsorship)
    found[Sponsorship.Status.INVITED].reverse()
    return found


def members_waiting(employer: Employer) -> list[User]:
    """The organisation's users waiting for a colleague's confirmation, in the order they came."""
    connection = _MEMBERS.connection()
    return [loaded(connection, User, v, _PERSON_FIELDS) for v in _MEMBERS.all([employer.pk])]


def _invite_problem(employer: Employer, email: str) -> str | None:
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and (user.is_staff or user.kind != User.Kind.APPLICANT):
        return _("This address belongs to an account that is not a foreign professional's.")
    if user is not None and sponsor_of(user) is not None:
        return _("This person is already sponsored by an organisation.")
    if Sponsorship.objects.filter(
        employer=employer,
        email__iexact=email,
        status=Sponsorship.Status.INVITED,
        expires_at__gt=clock.now(),
    ).exists():
        return _("An invitation to this address is already waiting for an answer.")
    return None


@transaction.atomic
def sponsorship_invite(*, employer: Employer, email: str, by: User) -> Sponsorship:
    """Invite a professional by e-mail; the link becomes active once they accept."""
    email = email.strip().lower()
    problem = _invite_problem(employer, email)
    if problem:
        raise SponsorshipError(problem)
    sponsorship = Sponsorship.objects.create(
        employer=employer,
        email=email,
        token=_token(),
        invited_by=by,
        expires_at=clock.now() + timedelta(days=INVITATION_DAYS),
    )
    link = reverse("portal:sponsorship_answer", args=[sponsorship.token])
    context = {"employer": employer, "days": INVITATION_DAYS}
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        notify(
            recipient=user,
            kind="sponsorship.invited",
            template="sponsorship_invitation",
            context=context,
            link=link,
            event_key=f"sponsorship:{sponsorship.pk}:invited",
        )
    else:
        notify_address(
            email=email,
            language=by.preferred_language,
            kind="sponsorship.invited",
            template="sponsorship_invitation",
            context=context,
            link=link,
        )
    return sponsorship


def invitation_problem(sponsorship: Sponsorship | None, user: User) -> str | None:
    """Why ``user`` cannot answer this invitation now, or None."""
    if sponsorship is None:
        return _("This invitation link is not valid.")
    if sponsorship.status != Sponsorship.Status.INVITED:
        return _("This invitation has already been answered.")
    if sponsorship.expires_at and sponsorship.expires_at <= clock.now():
        return _("This invitation has expired. Ask the employer to invite you again.")
    if user.email.lower() != sponsorship.email.lower():
        return _("This invitation was sent to another e-mail address. Log in with that address.")
    if user.is_staff or user.kind != User.Kind.APPLICANT:
        return _("Only a foreign professional's account can accept a sponsorship.")
    return None


@transaction.atomic
def sponsorship_answer(*, token: str, user: User, accept: bool) -> Sponsorship:
    """Accept or decline an invitation; raises SponsorshipError with a message otherwise."""
    sponsorship = Sponsorship.objects.select_for_update().filter(token=token).first()
    problem = invitation_problem(sponsorship, user)
    if problem:
        raise SponsorshipError(problem)
    assert sponsorship is not None
    now = clock.now()
    sponsorship.person = user
    sponsorship.token = None  # used: the link cannot be replayed
    if not accept:
        sponsorship.status = Sponsorship.Status.DECLINED
        sponsorship.ended_at = now
        sponsorship.save()
        return sponsorship
    if sponsor_of(user) is not None:
        raise SponsorshipError(
            _("You are already sponsored by an organisation: end that sponsorship first.")
        )
    sponsorship.status = Sponsorship.Status.ACTIVE
    sponsorship.accepted_at = now
    try:
        with transaction.atomic():
            sponsorship.save()
    except IntegrityError as error:  # a concurrent acceptance of another invitation
        raise SponsorshipError(_("You are already sponsored by an organisation.")) from error
    _tell_employer(sponsorship, "sponsorship_accepted")
    return sponsorship


@transaction.atomic
def sponsorship_request(*, person: User, employer: Employer) -> Sponsorship:
    """The applicant named this employer's BIN: a request, active once the organisation accepts.

    Only a verified organisation can be named. Naming it again changes nothing; naming another
    one withdraws the request still waiting (``sponsorship_requests_withdraw``).
    """
    if not employer.is_verified:
        raise SponsorshipError(
            _("No verified organisation with this BIN uses the portal: it cannot sponsor you.")
        )
    current = sponsor_of(person)
    if current is not None:
        if current.employer_id == employer.pk:
            return current
        raise SponsorshipError(
            _(
                "You are sponsored by %(name)s. End that sponsorship on your dashboard before "
                "naming another employer."
            )
            % {"name": current.employer.name}
        )
    sponsorship_requests_withdraw(person=person, keep=employer)
    waiting = Sponsorship.objects.filter(
        person=person, employer=employer, status=Sponsorship.Status.REQUESTED
    ).first()
    if waiting is not None:
        return waiting
    sponsorship = Sponsorship.objects.create(
        employer=employer,
        person=person,
        email=person.email,
        status=Sponsorship.Status.REQUESTED,
    )
    _tell_employer(sponsorship, "sponsorship_requested")
    return sponsorship


def sponsorship_requests_withdraw(*, person: User, keep: Employer | None = None) -> int:
    """End the person's requests still waiting for an answer (but the one to ``keep``)."""
    waiting = Sponsorship.objects.filter(person=person, status=Sponsorship.Status.REQUESTED)
    if keep is not None:
        waiting = waiting.exclude(employer=keep)
    count = 0
    for sponsorship in waiting:  # one by one: each save renews its organisation's pages
        sponsorship.status = Sponsorship.Status.ENDED
        sponsorship.ended_at = clock.now()
        sponsorship.save(update_fields=["status", "ended_at"])
        count += 1
    return count


@transaction.atomic
def sponsorship_request_answer(*, sponsorship: Sponsorship, by: User, accept: bool) -> Sponsorship:
    """The organisation accepts or declines a professional's request; the professional is told."""
    # Lock the request only (the person is on the nullable side of a join).
    locked = Sponsorship.objects.select_for_update(of=("self",)).select_related(
        "employer", "person"
    )
    locked = locked.get(pk=sponsorship.pk)
    if not (role_of(by) == "employer" and by.employer_id == locked.employer_id):
        raise SponsorshipError(_("You cannot answer this request."))
    if locked.status != Sponsorship.Status.REQUESTED or locked.person is None:
        raise SponsorshipError(_("This request has already been answered or withdrawn."))
    now = clock.now()
    if accept:
        if sponsor_of(locked.person) is not None:
            raise SponsorshipError(
                _("This person is already sponsored by an organisation: the request stays open.")
            )
        locked.status = Sponsorship.Status.ACTIVE
        locked.accepted_at = now
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError as error:  # a concurrent acceptance elsewhere
            raise SponsorshipError(
                _("This person is already sponsored by an organisation.")
            ) from error
    else:
        locked.status = Sponsorship.Status.DECLINED
        locked.ended_at = now
        locked.save()
    notify(
        recipient=locked.person,
        kind="sponsorship.request_answered",
        template="sponsorship_request_answered",
        context={"employer": locked.employer, "accepted": accept},
        link=reverse("portal:applicant_dashboard"),
        event_key=f"sponsorship:{locked.pk}:request_answered",
    )
    return locked


@transaction.atomic
def sponsorship_end(*, sponsorship: Sponsorship, by: User) -> None:
    """Either side ends an active sponsorship (or the employer withdraws an invitation)."""
    locked = Sponsorship.objects.select_for_update().get(pk=sponsorship.pk)
    is_person = locked.person_id == by.pk
    is_employer = role_of(by) == "employer" and by.employer_id == locked.employer_id
    if not (is_person or is_employer):
        raise SponsorshipError(_("You cannot end this sponsorship."))
    if locked.status not in (Sponsorship.Status.ACTIVE, Sponsorship.Status.INVITED):
        raise SponsorshipError(_("This sponsorship has already ended."))
    was_active = locked.status == Sponsorship.Status.ACTIVE
    locked.status = Sponsorship.Status.ENDED
    locked.ended_at = clock.now()
    locked.token = None
    locked.save()
    if was_active and is_employer and locked.person is not None:
        notify(
            recipient=locked.person,
            kind="sponsorship.ended",
            template="sponsorship_ended",
            context={"employer": locked.employer, "person": locked.person},
            link=reverse("portal:dashboard"),
            event_key=f"sponsorship:{locked.pk}:ended",
        )
    elif was_active:
        _tell_employer(locked, "sponsorship_ended")


def _tell_employer(sponsorship: Sponsorship, template: str) -> None:

    for user in organisation_users([sponsorship.employer_id]):
        notify(
            recipient=user,
            kind=f"sponsorship.{template}",
            template=template,
            context={"employer": sponsorship.employer, "person": sponsorship.person},
            link=reverse("portal:employer_dashboard"),
            event_key=f"sponsorship:{sponsorship.pk}:{template}:{user.pk}",
        )


# --- colleagues ----------------------------------------------------------------------------------


@transaction.atomic
def colleague_invite(*, employer: Employer, email: str, by: User) -> ColleagueInvitation:
    """Invite a colleague to join the organisation: they sign up through the link, confirmed."""
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise SponsorshipError(_("This address already has an account on the portal."))
    if ColleagueInvitation.objects.filter(
        employer=employer,
        email__iexact=email,
        accepted_at__isnull=True,
        expires_at__gt=clock.now(),
    ).exists():
        raise SponsorshipError(_("An invitation to this address is already waiting."))
    invitation = ColleagueInvitation.objects.create(
        employer=employer,
        email=email,
        token=_token(),
        invited_by=by,
        expires_at=clock.now() + timedelta(days=INVITATION_DAYS),
    )
    notify_address(
        email=email,
        language=by.preferred_language,
        kind="colleague.invited",
        template="colleague_invitation",
        context={"employer": employer, "inviter": by, "days": INVITATION_DAYS},
        link=reverse("portal:colleague_join", args=[invitation.token]),
    )
    return invitation


def colleague_invitation_problem(invitation: ColleagueInvitation | None) -> str | None:
    if invitation is None:
        return _("This invitation link is not valid.")
    if invitation.accepted_at is not None:
        return _("This invitation has already been used.")
    if invitation.expires_at <= clock.now():
        return _("This invitation has expired. Ask your colleague to invite you again.")
    if User.objects.filter(email__iexact=invitation.email).exists():
        return _taken_message(invitation.email)
    return None


def _taken_message(email: str) -> str:
    # The address got an account after the invitation was sent (e.g. as a professional).
    return _(
        "The address %(email)s already has an account on the portal, so no new account can be "
        "made with it. If the account is yours, log in with it; otherwise ask the colleague who "
        "invited you to invite another address. Nothing has been changed."
    ) % {"email": email}


@transaction.atomic
def colleague_join(*, token: str, full_name: str, password: str, preferred_language: str) -> User:
    invitation = ColleagueInvitation.objects.select_for_update().filter(token=token).first()
    problem = colleague_invitation_problem(invitation)
    if problem:
        raise SponsorshipError(problem)
    assert invitation is not None
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=invitation.email,
                password=password,
                full_name=full_name,
                preferred_language=preferred_language,
                kind=User.Kind.EMPLOYER,
                employer=invitation.employer,
                employer_confirmed=True,
            )
    except IntegrityError:  # an account made with the address since the check above
        raise SponsorshipError(_taken_message(invitation.email)) from None
    invitation.accepted_at = clock.now()
    invitation.save(update_fields=["accepted_at"])
    return user
