"""API tokens of organisations, and the audit trail of every call made with one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.organisations.models import Employer


class ApiToken(models.Model):
    """A secret an organisation's HR system sends as ``Authorization: Bearer <token>``.

    Only its SHA-256 is stored (the token is shown once, when made); ``prefix``, its first
    characters, lets people tell their tokens apart. It reads one organisation's data, as long as
    the organisation is verified and the token is not revoked.
    """

    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("employer")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    created_at = models.DateTimeField(_("made"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ApiCall(models.Model):
    """One call made with a token: the audit trail, and what the rate limit counts (in the
    database, so that it holds with Redis down). Written before the call is judged; ``status``
    is filled in with the answer."""

    token = models.ForeignKey(
        ApiToken, on_delete=models.CASCADE, related_name="calls", verbose_name=_("token")
    )
    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="+", verbose_name=_("employer")
    )
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    status = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("API call")
        verbose_name_plural = _("API calls")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["employer", "at"], name="api_call_employer_at")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"
