"""Who may use which part of the portal: the one place where portal pages decide access.

Other apps decide access to their own objects in their own ``access.py``; they build on the
role checks here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from portal.accounts.models import User
from portal.organisations.models import Employer

View = Callable[..., HttpResponse]


def role_of(user: Any) -> str:
    """'anonymous', 'staff', 'employer', 'employer_pending' or 'applicant'.

    An employer's user is 'employer' (sees the organisation's sponsored staff) only as a
    confirmed member of an organisation that ministry staff have verified; otherwise
    'employer_pending', which sees nobody's data: a member waiting for a colleague's
    confirmation, or any member of an organisation waiting for verification or refused.
    """
    if not user.is_authenticated:
        return "anonymous"
    if user.is_staff:
        return "staff"
    if user.kind == User.Kind.EMPLOYER:
        verified = (
            user.employer_id is not None
            and user.employer_confirmed
            and user.employer.status == Employer.Status.VERIFIED
        )
        return "employer" if verified else "employer_pending"
    return "applicant"


def organisation_users(employer_ids: Any) -> QuerySet[User]:
    """The active users who see these organisations' staff, as ``role_of`` decides: confirmed
    members of verified organisations. Told of their sponsored staff's news."""
    return User.objects.filter(
        kind=User.Kind.EMPLOYER,
        is_staff=False,
        is_active=True,
        employer_id__in=employer_ids,
        employer_confirmed=True,
        employer__status=Employer.Status.VERIFIED,
    )


def organisation_members(employer: Employer) -> QuerySet[User]:
    """The active confirmed members of an organisation, whatever its verification: told of it."""
    return User.objects.filter(
        kind=User.Kind.EMPLOYER, is_active=True, employer=employer, employer_confirmed=True
    )


def can_send_registration(user: Any) -> bool:
    """A confirmed member of an organisation waiting for verification or refused may upload its
    registration certificate (again)."""
    return (
        role_of(user) == "employer_pending"
        and user.employer_id is not None
        and user.employer_confirmed
        and user.employer.status != Employer.Status.VERIFIED
    )


def can_view_registration(user: Any, employer: Employer) -> bool:
    """Ministry staff who may look at organisations see a registration certificate; nobody else
    (its own organisation included: it sent it)."""
    return bool(
        role_of(user) == "staff"
        and user.is_active
        and user.has_perm("portal.view_employer")
        and employer.registration_document
    )


def _role_required(*roles: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if role_of(request.user) not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


applicant_required = _role_required("applicant")
employer_required = _role_required("employer")
staff_required = _role_required("staff")
