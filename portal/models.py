"""The people in the portal: users (login by e-mail), employer organisations."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .identifiers import is_valid_bin
from .uploads import suffix_for


def validate_bin(value: str) -> None:

    if not is_valid_bin(value):
        raise ValidationError(
            _("Enter a valid 12-digit BIN; check the number, the last digit does not match."),
            code="invalid_bin",
        )


def _registration_path(instance: Employer, filename: str) -> str:
    # The stored name is random and its extension is that of the sniffed content: the
    # uploader's file name never reaches the disk. Outside any served URL (no MEDIA_URL is
    # routed): only ``portal:employer_registration`` serves it.
    return f"registrations/{uuid.uuid4().hex}{suffix_for(instance.document_content_type)}"


class Employer(models.Model):
    """An organisation that sponsors foreign professionals, identified by its BIN.

    It is a *claim* on the BIN until ministry staff verify it against its state registration
    certificate: only a verified organisation sees anyone's data or can be named by a
    professional. Several claims may name the same BIN (a company is never locked out by
    someone who registered its BIN first); at most one of them is verified.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for verification")
        VERIFIED = "verified", _("Verified")
        REFUSED = "refused", _("Refused")

    bin = models.CharField(
        _("BIN"),
        max_length=12,
        db_index=True,
        validators=[validate_bin],
        help_text=_("Business identification number: 12 digits."),
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("verification"),
        max_length=20,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
    )
    registration_document = models.FileField(
        _("state registration certificate"),
        upload_to=_registration_path,
        max_length=300,
        blank=True,
    )
    document_name = models.CharField(_("file name"), max_length=200, blank=True)
    document_content_type = models.CharField(_("type"), max_length=50, blank=True)
    document_uploaded_at = models.DateTimeField(_("uploaded"), null=True, blank=True)

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["bin"],
                condition=models.Q(status="verified"),
                name="one_verified_employer_per_bin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.bin})"

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED

    def last_refusal(self) -> EmployerStatusChange | None:
        """The refusal in force (with its reason), if the organisation is refused."""
        if self.status != self.Status.REFUSED:
            return None
        return self.status_changes.filter(to_status=self.Status.REFUSED).last()


class EmployerStatusChange(models.Model):
    """One step of an organisation's verification: who, when, from, to, and why (refusals)."""

    employer = models.ForeignKey(
        Employer,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("employer"),
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=Employer.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=Employer.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("verification step")
        verbose_name_plural = _("verification history")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        before = self.get_from_status_display() if self.from_status else "—"
        return f"{self.employer}: {before} → {self.get_to_status_display()}"


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
        Employer,
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


class Heartbeat(models.Model):
    """Last time a background process proved it was alive (used by the health check)."""

    name = models.CharField(max_length=50, unique=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.at:%Y-%m-%d %H:%M:%S}"


class Notification(models.Model):
    """One message to one person: an inbox entry, and an e-mail delivered by a Celery task.

    The row is written in the same transaction as the event it tells of (an outbox), so nothing
    is lost when the broker is down; ``email_sent_at`` and ``email_claimed_at`` make delivery
    idempotent.
    """

    # A person with an account (inbox and e-mail), or, for invitations, only an address.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    to_email = models.EmailField(_("e-mail address"), blank=True)
    kind = models.CharField(_("kind"), max_length=50)
    # Unique per event, so that a scan that runs again never tells the same thing twice.
    event_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("message"))
    body_html = models.TextField(blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(_("e-mail sent"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # Used by the sweeper that re-enqueues undelivered e-mails.
            models.Index(fields=["email_sent_at", "created_at"], name="notification_undelivered"),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def address(self) -> str:
        return self.recipient.email if self.recipient_id else self.to_email


class Sponsorship(models.Model):
    """An employer sponsors a foreign professional: invited by the employer (active once the
    professional accepts), or requested by the professional (active once the employer accepts)."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        # The professional named the organisation's BIN in an application: it waits for the
        # organisation to accept; until then the organisation sees nothing of the person.
        REQUESTED = "requested", _("Requested by the professional")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Declined")
        ENDED = "ended", _("Ended")

    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="sponsorships", verbose_name=_("employer")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sponsorships",
        verbose_name=_("professional"),
    )
    email = models.EmailField(_("invited e-mail address"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.INVITED, db_index=True
    )
    token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)
    expires_at = models.DateTimeField(_("invitation expires"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("sponsorship")
        verbose_name_plural = _("sponsorships")
        ordering = ["-created_at"]
        constraints = [
            # A person has at most one sponsoring employer at a time.
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="active"),
                name="one_active_sponsorship_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer} → {self.person or self.email}"


class ColleagueInvitation(models.Model):
    """An employer's user invites a colleague by e-mail to join the organisation."""

    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("employer")
    )
    email = models.EmailField(_("e-mail address"))
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("colleague invitation")
        verbose_name_plural = _("colleague invitations")

    def __str__(self) -> str:
        return f"{self.employer} → {self.email}"


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
