"""Arrival registrations (the host's notification of a visitor) and the working-day calendar."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.organisations.models import Employer, Sponsorship
from stays.models import Crossing


class WorkingDayChange(models.Model):
    """A correction to the calendar of the ``holidays`` library, kept by ministry staff: a day
    off it does not know (a moved day off, a new holiday), or a working day (a working Saturday,
    a holiday that no longer is one)."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        WORKING = "working", _("Working day")

    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    note = models.CharField(
        _("note"), max_length=300, blank=True, help_text=_("For staff: the government decree.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("working-day correction")
        verbose_name_plural = _("working-day corrections")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day}: {self.get_kind_display()}"


class ArrivalRegistration(models.Model):
    """The sponsoring organisation's duty to notify the migration service of one arrival."""

    class State(models.TextChoices):
        OPEN = "open", _("To be made")
        MADE = "made", _("Made")
        NOT_NEEDED = "not_needed", _("Not needed")

    sponsorship = models.ForeignKey(
        Sponsorship,
        on_delete=models.CASCADE,
        related_name="arrival_registrations",
        verbose_name=_("sponsorship"),
    )
    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="+", verbose_name=_("employer")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="arrival_registrations",
        verbose_name=_("person"),
    )
    # Kept when the stay is deleted once the registration is recorded (an open one goes with it).
    crossing = models.ForeignKey(
        Crossing,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("stay"),
    )
    arrival = models.DateField(_("arrival"))
    deadline = models.DateField(_("deadline"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    made_on = models.DateField(_("registered on"), null=True, blank=True)
    reference = models.CharField(_("reference number"), max_length=100, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    # Recorded by an HR system: the API token it came through (its name and first characters),
    # as the API gave them; ``recorded_by`` is then the token's maker while still a member.
    recorded_through = models.CharField(
        _("recorded through"),
        max_length=150,
        blank=True,
        help_text=_("The API token the registration was recorded through, if any."),
    )
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("arrival registration")
        verbose_name_plural = _("arrival registrations")
        ordering = ["deadline", "pk"]
        indexes = [
            models.Index(fields=["employer", "state", "deadline"], name="arrival_employer_state"),
            models.Index(fields=["state", "deadline"], name="arrival_state_deadline"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["sponsorship", "crossing"], name="arrival_one_per_sponsorship_and_stay"
            ),
            models.CheckConstraint(
                condition=~models.Q(state="made") | models.Q(made_on__isnull=False),
                name="arrival_made_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.arrival}"

    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    def on_time(self) -> bool | None:
        """Whether it was made by the deadline; None while not made."""
        if self.state != self.State.MADE or self.made_on is None:
            return None
        return self.made_on <= self.deadline
