"""The people who log in: users (login by e-mail) and failed logins.

This app keeps the historical label ``portal``: ``AUTH_USER_MODEL`` is ``portal.User``, and the
tables, content types, permissions and admin URLs of its models (and of the organisation models
that keep the label, see ``portal/organisations/models.py``) are named after it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


def normalise_email(value: str | None) -> str:
    """The one form of an e-mail address: what is stored, looked up and counted by the throttle."""
    return (value or "").strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=normalise_email(self.normalize_email(email)), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("kind", User.Kind.STAFF)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        # Exact, on the one normal form: a case-insensitive match in the database would let
        # look-alike spellings ("ı", "ſ" upper-case to I, S) reach the account under names the
        # login throttle counts apart.
        return self.get(email=normalise_email(username))


class User(AbstractUser):
    """A person who logs in with an e-mail address."""

    class Kind(models.TextChoices):
        APPLICANT = "applicant", _("Foreign professional")
        EMPLOYER = "employer", _("Employer")
        STAFF = "staff", _("Ministry staff")

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    kind = models.CharField(
        _("account type"), max_length=20, choices=Kind.choices, default=Kind.APPLICANT
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    citizenship = CountryField(_("citizenship"), blank=True)
    employer = models.ForeignKey(
        "portal.Employer",
        verbose_name=_("employer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    # The person who registers an organisation is confirmed at sign-up; anyone joining a verified
    # organisation later waits until a confirmed colleague accepts them, so knowing a BIN is not
    # enough to see its staff. (The organisation itself waits for the ministry's verification.)
    employer_confirmed = models.BooleanField(_("confirmed by the organisation"), default=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_applicant(self) -> bool:
        return self.kind == self.Kind.APPLICANT and not self.is_staff


class LoginFailure(models.Model):
    """One wrong password: the e-mail address typed (an account or not) and the client's
    address. Read by ``portal.throttle``; rows older than the cool-off window are deleted."""

    username = models.CharField(max_length=254)
    ip = models.GenericIPAddressField()
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")
        indexes = [
            models.Index(fields=["username", "at"], name="loginfailure_account"),
            models.Index(fields=["ip", "at"], name="loginfailure_address"),
        ]

    def __str__(self) -> str:
        return f"{self.username} from {self.ip} at {self.at:%Y-%m-%d %H:%M:%S}"
