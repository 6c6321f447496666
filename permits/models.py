"""Residence-permit applications, their documents, status history and issued permits."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Route(models.TextChoices):
    FACILITATED = "facilitated", _("Facilitated (in-demand profession, no proof of solvency)")
    STANDARD = "standard", _("Standard (proof of solvency required)")


class DocumentTypeQuerySet(models.QuerySet["DocumentType"]):
    def for_route(self, route: str) -> DocumentTypeQuerySet:
        """Active document types required on ``route`` ("facilitated" or "standard")."""
        field = "required_facilitated" if route == Route.FACILITATED else "required_standard"
        return self.filter(is_active=True, **{field: True}).order_by("position", "pk")


class DocumentType(models.Model):
    """A document the internal affairs bodies ask for; which route asks for it is data."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    required_facilitated = models.BooleanField(_("required on the facilitated route"))
    required_standard = models.BooleanField(_("required on the standard route"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = DocumentTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name
