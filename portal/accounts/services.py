"""Writes for accounts: sign-up of a professional, the language a person reads the portal in.

State is checked here, not in the forms: a write that cannot be made raises Django's
``ValidationError`` keyed by the form field it concerns, which the view puts on that field
(``form.add_error(None, error)``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal.accounts.models import User, normalise_email


def email_taken(email: str) -> ValidationError:
    return ValidationError(
        {
            "email": ValidationError(
                _(
                    "An account with this e-mail address already exists. Log in, or reset "
                    "your password if you have forgotten it."
                ),
                code="email_taken",
            )
        }
    )


def email_check_free(email: str) -> None:
    """Raise ``email_taken`` when an account already has ``email`` (in any letter case)."""
    if User.objects.filter(email=normalise_email(email)).exists():
        raise email_taken(email)


def user_create(**fields: object) -> User:
    """``User.objects.create_user`` that tells a taken address as ``email_taken``, also when
    the account was made between the check and the write."""
    email = str(fields["email"])
    email_check_free(email)
    try:
        with transaction.atomic():
            return User.objects.create_user(**fields)
    except IntegrityError:
        if User.objects.filter(email=normalise_email(email)).exists():
            raise email_taken(email) from None
        raise


@transaction.atomic
def applicant_create(
    *, email: str, password: str, full_name: str, citizenship: str, preferred_language: str
) -> User:
    """Create a foreign professional's account (``ValidationError`` on ``email`` if taken)."""
    return user_create(
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
