"""``Authorization: Bearer <token>`` for the API (Django REST framework), and how the schema
describes it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from portal.organisations.models import Employer

from . import access
from .models import ApiToken

# One answer for every token that does not work (unknown, revoked, organisation not verified).
INVALID = "Invalid token."


@dataclass(frozen=True)
class Organisation:
    """Who calls: an organisation, through one of its tokens (``request.user``)."""

    token: ApiToken

    is_authenticated = True
    is_anonymous = False
    pk = None  # no person: the request log names no user (the audit trail names the token)

    @property
    def employer(self) -> Employer:
        return self.token.employer


class BearerTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Any) -> tuple[Organisation, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"bearer":
            return None  # no credentials: 401 "not provided"
        if len(parts) != 2:
            raise AuthenticationFailed(INVALID)
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise AuthenticationFailed(INVALID) from error
        token = access.token_for(raw)
        if token is None:
            raise AuthenticationFailed(INVALID)
        return Organisation(token), token

    def authenticate_header(self, request: Any) -> str:
        return 'Bearer realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token made on /api/settings/ by the organisation's users.",
        }
