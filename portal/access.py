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
from django.http import HttpRequest, HttpResponse

from .models import User

View = Callable[..., HttpResponse]


def role_of(user: Any) -> str:
    """'anonymous', 'staff', 'employer', 'employer_pending' or 'applicant'."""
    if not user.is_authenticated:
        return "anonymous"
    if user.is_staff:
        return "staff"
    if user.kind == User.Kind.EMPLOYER:
        return "employer" if user.is_employer else "employer_pending"
    return "applicant"


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
