"""Writes for accounts: sign-up of a professional, the language a person reads the portal in."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from portal.accounts.models import User


@transaction.atomic
def applicant_create(
    *, email: str, password: str, full_name: str, citizenship: str, preferred_language: str
) -> User:
    """Create a foreign professional's account."""
    return User.objects.create_user(
        email=email,
        password=password,
        full_name=full_name,
        citizenship=citizenship,
        preferred_language=preferred_language,
        kind=User.Kind.APPLICANT,
    )


def is_language(code: str) -> bool:
    """One of the portal's languages (``settings.LANGUAGES``)."""
    return code in dict(settings.LANGUAGES)


def language_set(*, user: User, language: str) -> None:
    """Remember the language a signed-in person reads the portal and their e-mails in."""
    if not is_language(language):
        raise ValueError(f"not a language of the portal: {language!r}")
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
