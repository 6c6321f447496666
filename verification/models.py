"""Documents the portal issues with codes that anyone can check, and the count of checks.

A permit's document reads the permit itself when checked: its state (valid, expired, revoked) is
that of the day of the check. A stay statement is a snapshot: ``data`` holds the figures as they
were issued, and the check shows those, however the history of stays changes afterwards.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import codes


class IssuedDocument(models.Model):
    class Kind(models.TextChoices):
        PERMIT = "permit", _("Residence permit")
        STATEMENT = "statement", _("Statement of stays")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="issued_documents",
        verbose_name=_("holder"),
    )
    permit = models.OneToOneField(
        "permits.Permit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="verification",
        verbose_name=_("permit"),
    )
    # Behind the QR code: 256 random bits.
    token = models.CharField(max_length=64, unique=True, default=codes.new_token, editable=False)
    # Printed beside it, to type at /verify/ (stored without separators).
    short_code = models.CharField(
        max_length=codes.LENGTH, unique=True, default=codes.new_short_code, editable=False
    )
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    # A statement's figures as issued (see services.statement_figures); empty for a permit.
    data = models.JSONField(default=dict, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="permit") & models.Q(permit__isnull=False))
                | (models.Q(kind="statement") & models.Q(permit__isnull=True)),
                name="issueddocument_permit_iff_kind_permit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {codes.display(self.short_code)}"

    @property
    def short_code_display(self) -> str:
        return codes.display(self.short_code)

    @property
    def as_of(self) -> date | None:
        """A statement's date."""
        value = self.data.get("as_of") if isinstance(self.data, dict) else None
        return date.fromisoformat(value) if value else None


class FailedCheck(models.Model):
    """One short code typed at /verify/ that led to no document, and the client's address
    (``portal.clientip``). Read by ``services.check_lock``; rows older than the window are
    deleted. In the database, so the limit holds with Redis down."""

    ip = models.GenericIPAddressField()
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("failed check")
        verbose_name_plural = _("failed checks")
        indexes = [models.Index(fields=["ip", "at"], name="failedcheck_address")]

    def __str__(self) -> str:
        return f"{self.ip} at {self.at:%Y-%m-%d %H:%M:%S}"
