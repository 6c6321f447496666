"""Employer organisations: their verification, the professionals they sponsor, colleague
invitations.

``Employer`` and ``EmployerStatusChange`` keep the historical app label ``portal`` (and so their
migrations, in ``portal/accounts/migrations``): the admin's URLs, the Reviewers' permissions and
their content types are named after it. ``Sponsorship`` and ``ColleagueInvitation``, which nothing
names by label, belong to this app and keep their tables.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.core.identifiers import is_valid_bin
from portal.core.uploads import suffix_for


def validate_bin(value: str) -> None:
    """One message per mistake: the length first (a short BIN is not also "the last digit does
    not match"), then the check digit."""
    typed = value.strip()
    if len(typed) != 12 or not typed.isdigit():
        raise ValidationError(
            ngettext(
                "A BIN is 12 digits; you entered %(count)d character.",
                "A BIN is 12 digits; you entered %(count)d characters.",
                len(typed),
            ),
            code="bin_length",
            params={"count": len(typed)},
        )
    if not is_valid_bin(typed):
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
    # Optional: the organisation's HR system is told of its staff's news by a signed POST
    # (``portal.organisations.webhooks``). The secret signs them; it is shown once when made.
    webhook_url = models.URLField(_("webhook URL"), max_length=500, blank=True)
    webhook_secret = models.CharField(max_length=100, blank=True, editable=False)

    class Meta:
        app_label = "portal"
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
        app_label = "portal"
        verbose_name = _("verification step")
        verbose_name_plural = _("verification history")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        before = self.get_from_status_display() if self.from_status else "—"
        return f"{self.employer}: {before} → {self.get_to_status_display()}"


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
        db_table = "portal_sponsorship"  # the table it had when it lived in the ``portal`` app
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
        db_table = "portal_colleagueinvitation"  # its table from the ``portal`` app
        verbose_name = _("colleague invitation")
        verbose_name_plural = _("colleague invitations")

    def __str__(self) -> str:
        return f"{self.employer} → {self.email}"
