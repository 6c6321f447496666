"""Border crossings, the country rules that set each person's limits, and stored statuses."""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from . import rules


class Regime(models.TextChoices):
    VISA_FREE = "visa_free", _("Visa-free")
    EAEU = "eaeu", _("Eurasian Economic Union")
    VISA_REQUIRED = "visa_required", _("Visa required")


# Regimes under which the short-stay limits apply; a visa sets the stay otherwise.
LIMITED_REGIMES = (Regime.VISA_FREE, Regime.EAEU)

# The rules published on 27 January 2023 brought the limit of days in a period; before them
# there was none (DOMAIN.md). The default of each country rule's ``rolling_from``.
ROLLING_RULE_START = date(2023, 1, 27)


class CountryRule(models.Model):
    """The short-stay regime of one country's citizens, and its limits (kept by staff).

    A country without a row has no rule yet: the portal does not say which limits apply.
    """

    country = CountryField(_("country"), unique=True)
    regime = models.CharField(_("regime"), max_length=20, choices=Regime.choices)
    single_stay_days = models.PositiveSmallIntegerField(
        _("longest single stay (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("Counted from the day of entry, entry and exit days included."),
    )
    window_days = models.PositiveSmallIntegerField(
        _("period (days)"),
        default=180,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("The rolling period checked on each day, that day included."),
    )
    max_days = models.PositiveSmallIntegerField(
        _("most days in the period"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )
    rolling_from = models.DateField(
        _("period limit applies from"),
        default=ROLLING_RULE_START,
        help_text=_(
            "The first day on which the limit of days in the period applies. Days spent in "
            "Kazakhstan before it do not count toward it."
        ),
    )
    note = models.CharField(
        _("note"), max_length=300, blank=True, help_text=_("For staff: the decree or agreement.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("country rule")
        verbose_name_plural = _("country rules")
        ordering = ["country"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_days__lte=models.F("window_days")),
                name="countryrule_max_days_within_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country.name}: {self.get_regime_display()}"

    def clean(self) -> None:
        if self.max_days and self.window_days and self.max_days > self.window_days:
            raise ValidationError(
                {"max_days": _("The days allowed cannot exceed the length of the period.")}
            )

    def is_limited(self) -> bool:
        return self.regime in LIMITED_REGIMES

    def limits(self) -> rules.Limits | None:
        """The engine's limits for this country, or None when a visa sets the stay."""
        if not self.is_limited():
            return None
        return rules.Limits(
            single_stay=self.single_stay_days,
            window=self.window_days,
            max_days=self.max_days,
            rolling_from=self.rolling_from,
        )


class Crossing(models.Model):
    """One stay in Kazakhstan: the entry crossing and, once made, the exit crossing."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="crossings",
        verbose_name=_("person"),
    )
    entry = models.DateField(_("entry date"))
    exit = models.DateField(
        _("exit date"), null=True, blank=True, help_text=_("Leave empty while you are still here.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("stay")
        verbose_name_plural = _("stays")
        ordering = ["-entry", "-pk"]
        indexes = [
            # The daily scan streams every crossing in this order.
            models.Index(fields=["person", "entry"], name="crossing_person_entry"),
        ]
        constraints = [
            # The last line of defence; services check the whole history first.
            models.CheckConstraint(
                condition=models.Q(exit__isnull=True) | models.Q(exit__gte=models.F("entry")),
                name="crossing_exit_not_before_entry",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(exit__isnull=True),
                name="crossing_one_ongoing_per_person",
            ),
            models.UniqueConstraint(
                fields=["person", "entry", "exit"], name="crossing_no_duplicate"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry} – {self.exit or '…'}"

    def as_stay(self) -> rules.Stay:
        return rules.Stay(self.entry, self.exit)

    def is_ongoing(self) -> bool:
        return self.exit is None


class StayStatus(models.Model):
    """A person's status as of the last daily scan, for lists and dashboards.

    The scan writes a row only when the status changed, so ``on`` is the day this status was
    found (it holds since); while there is a must-leave-by date, ``on`` is renewed every day.
    """

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="stay_status",
        verbose_name=_("person"),
    )
    on = models.DateField(_("status on"))
    regime = models.CharField(_("regime"), max_length=20, choices=Regime.choices)
    max_days = models.PositiveSmallIntegerField(_("most days in the period"))
    days_in_window = models.PositiveIntegerField(_("days used"))
    days_remaining = models.PositiveIntegerField(_("days left"))
    in_country = models.BooleanField(_("in the country"))
    latest_exit_date = models.DateField(_("must leave by"), null=True, blank=True)
    # Violations still in the current period (the status of today; the page shows them all).
    violation_count = models.PositiveIntegerField(_("violations in the current period"))
    first_violation_date = models.DateField(
        _("first day of a current violation"), null=True, blank=True
    )
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        verbose_name = _("stay status")
        verbose_name_plural = _("stay statuses")

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.on}"

    def days_to_leave(self) -> int | None:
        """Days from ``on`` to the must-leave-by date (negative when it has passed)."""
        if self.latest_exit_date is None:
            return None
        return (self.latest_exit_date - self.on).days


def new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The private address of a person's calendar of must-leave-by dates."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="stay_calendar",
        verbose_name=_("person"),
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.person_id}"
