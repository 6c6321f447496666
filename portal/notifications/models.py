"""The notification outbox's rows (delivered by ``portal.notifications.outbox``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message to one person: an inbox entry, and an e-mail delivered by a Celery task; or
    (channel "webhook") one event POSTed to an organisation's webhook URL.

    The row is written in the same transaction as the event it tells of (an outbox), so nothing
    is lost when the broker is down; ``email_sent_at`` and ``email_claimed_at`` make delivery
    idempotent. For a webhook the ``email_*`` fields are the delivery's (sent, claimed,
    attempts, error) and ``body`` is the JSON sent, the same bytes on every attempt.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        WEBHOOK = "webhook", _("Webhook")

    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    # The organisation a webhook event goes to (None for e-mails).
    employer = models.ForeignKey(
        "portal.Employer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhook_deliveries",
        verbose_name=_("employer"),
    )

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
    # A webhook's last HTTP answer (None: none yet, or no answer at all).
    response_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    # After a failure: the sweeper leaves the row to the task's back-off until then.
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        db_table = "portal_notification"  # the table it had when it lived in the ``portal`` app
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
