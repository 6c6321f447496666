"""Residence-permit applications, their documents, status history and issued permits."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from portal.core.clock import day_of
from portal.core.statements import Statement, loaded
from portal.core.uploads import suffix_for

from .states import MOVE_LABELS, OPEN_STATUSES, Status
from .validity import last_valid_day


class Route(models.TextChoices):
    FACILITATED = "facilitated", _("Facilitated (in-demand profession, no proof of solvency)")
    STANDARD = "standard", _("Standard (proof of solvency required)")


def _required_on(route: str) -> str:
    """The field of ``DocumentType`` that says whether ``route`` asks for the document."""
    return "required_facilitated" if route == Route.FACILITATED else "required_standard"


class DocumentTypeQuerySet(models.QuerySet["DocumentType"]):
    def for_route(self, route: str) -> DocumentTypeQuerySet:
        """Active document types required on ``route`` ("facilitated" or "standard")."""
        return self.filter(is_active=True, **{_required_on(route): True}).order_by("position", "pk")

    def by_route(self, routes: list[str]) -> dict[str, list[DocumentType]]:
        """``for_route`` of each of ``routes``, in one query."""
        wanted = models.Q()
        for route in routes:
            wanted |= models.Q(**{_required_on(route): True})
        found = list(self.filter(wanted, is_active=True).order_by("position", "pk"))
        return {
            route: [kind for kind in found if getattr(kind, _required_on(route))]
            for route in routes
        }

    def offered_on(self, route: str) -> DocumentTypeQuerySet:
        """What an applicant on ``route`` may upload: its required types and optional ones."""
        field = _required_on(route)
        optional = models.Q(required_facilitated=False, required_standard=False)
        return self.filter(optional | models.Q(**{field: True}), is_active=True).order_by(
            "position", "pk"
        )


class DocumentType(models.Model):
    """A document the internal affairs bodies ask for; which route asks for it is data."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    required_facilitated = models.BooleanField(_("required on the facilitated route"))
    required_standard = models.BooleanField(_("required on the standard route"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)  # the catalogue version

    objects = DocumentTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


# --- The rules ministry staff set -----------------------------------------------------------------


class PermitRules(models.Model):
    """The permit rules that ministry staff keep in the admin: one row, read with
    ``permit_rules()``. Defaults as the internal affairs bodies are reported to apply them."""

    decision_days = models.PositiveSmallIntegerField(
        _("decision period (days)"),
        default=45,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "Calendar days from a complete application to the decision. The clock stops while "
            "information is requested. A change applies to applications submitted after it."
        ),
    )
    passport_margin_days = models.PositiveSmallIntegerField(
        _("passport margin (days)"),
        default=180,
        validators=[MinValueValidator(0), MaxValueValidator(3650)],
        help_text=_(
            "An application needs a passport valid for more than this many days after it is "
            "made. Holders and employers are warned when a passport runs out less than this "
            "many days after the permit ends."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("permit rules")
        verbose_name_plural = _("permit rules")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="permitrules_one_row"),
        ]

    def __str__(self) -> str:
        return str(_("Permit rules"))

    def save(self, *args: object, **kwargs: object) -> None:
        self.pk = 1  # the one row
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def passport_margin(self) -> timedelta:
        return timedelta(days=self.passport_margin_days)


def permit_rules() -> PermitRules:
    """The permit rules in force (one query): the row staff keep, or the defaults if it is gone."""
    row = _RULES.one([1])
    if row is None:
        return PermitRules(pk=1)
    return loaded(_RULES.connection(), PermitRules, row)


# ``PermitRules.objects.filter(pk=1).first()`` as a fixed statement: the employer's dashboard and
# the professional's pages read the rules on every visit, and the ORM cost more to build the
# query than to run it. ``tests/permits/test_permit_rules.py`` holds it to the ORM.
_RULES = Statement(
    "SELECT "
    + ", ".join(f"{{r.{f.name}}}" for f in PermitRules._meta.concrete_fields)
    + " FROM {r} WHERE {r.id} = %s",
    r=PermitRules,
)


def passport_problem(expiry: date | None, on: date, *, margin_days: int) -> str | None:
    """Why a passport expiring on ``expiry`` cannot be used for an application made ``on``: it
    must be valid for more than ``margin_days`` days after (``PermitRules``)."""
    if expiry is None:
        return str(_("Enter the passport's expiry date."))
    if expiry < on:
        return str(
            _("This passport expired on %(date)s. Apply with a valid passport.")
            % {"date": date_format(expiry, "DATE_FORMAT")}
        )
    if expiry <= on + timedelta(days=margin_days):
        return str(
            _(
                "Your passport must be valid for more than %(days)d days after you apply "
                "(after %(date)s). Renew it before applying."
            )
            % {"days": margin_days, "date": (on + timedelta(days=margin_days))}
        )
    return None


# --- Applications ---------------------------------------------------------------------------------


class ApplicationQuerySet(models.QuerySet["Application"]):
    def open(self) -> ApplicationQuerySet:
        return self.filter(case_open=True)


# Application fields only ``permits.services`` writes (``Application.save``).
_KEPT_ELSEWHERE = frozenset({"is_latest", "holds_latest_permit"})


class Application(models.Model):
    """One person's application for a residence permit."""

    class Step(models.TextChoices):
        PERSONAL = "personal", _("Personal data")
        PASSPORT = "passport", _("Passport")
        PROFESSION = "profession", _("Profession")
        EMPLOYER = "employer", _("Employer")
        DOCUMENTS = "documents", _("Documents")

    number = models.CharField(
        _("application number"), max_length=20, unique=True, null=True, blank=True, editable=False
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("applicant"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # Whether the case is open (``OPEN_STATUSES``), kept by the database from ``status``. The
    # queue filters on it as a bare column: a prepared statement's plan, made once for any
    # values, can then read the queue's partial index, which it cannot for ``status IN ($1,
    # ...)`` (values it does not know when it plans; it scanned the whole due-date index).
    case_open = models.GeneratedField(
        expression=models.Q(status__in=sorted(OPEN_STATUSES)),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name=_("open case"),
    )
    route = models.CharField(_("route"), max_length=20, choices=Route.choices, blank=True)
    # Personal data
    full_name = models.CharField(_("full name as in the passport"), max_length=200, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    citizenship = CountryField(_("citizenship"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address_in_kazakhstan = models.CharField(_("address in Kazakhstan"), max_length=300, blank=True)
    # Passport
    passport_number = models.CharField(
        _("passport number"), max_length=30, blank=True, db_index=True
    )
    passport_expiry = models.DateField(_("passport expiry date"), null=True, blank=True)
    # Profession
    profession = models.ForeignKey(
        "professions.Profession",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("profession"),
    )
    profession_not_listed = models.BooleanField(_("my profession is not listed"), default=False)
    profession_other = models.CharField(_("your profession"), max_length=200, blank=True)
    # Employer
    employer_bin = models.CharField(_("sponsoring employer's BIN"), max_length=12, blank=True)
    employer = models.ForeignKey(
        "portal.Employer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("sponsoring employer"),
    )
    completed_steps = models.JSONField(default=list, blank=True)
    # Review
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewing",
        verbose_name=_("reviewer"),
    )
    notes = models.TextField(
        _("internal notes"), blank=True, help_text=_("Seen by ministry staff only.")
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, db_index=True)
    due_date = models.DateField(_("decision due"), null=True, blank=True, db_index=True)
    clock_paused_on = models.DateField(_("clock paused since"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Which of a person's applications an employer's staff table shows: the newest (its state,
    # number, passport) and the newest with a permit (the permit). Kept by
    # ``services.application_create`` and ``services.permit_issue``, so the table joins one row
    # of each per person instead of looking for the newest among them all.
    is_latest = models.BooleanField(default=False, editable=False)
    holds_latest_permit = models.BooleanField(default=False, editable=False)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open application per applicant at a time.
            models.UniqueConstraint(
                fields=["applicant"],
                condition=models.Q(status__in=sorted(OPEN_STATUSES)),
                name="one_open_application_per_applicant",
            ),
            # These two also index the staff table's joins.
            models.UniqueConstraint(
                fields=["applicant"],
                condition=models.Q(is_latest=True),
                name="one_latest_application_per_applicant",
            ),
            models.UniqueConstraint(
                fields=["applicant"],
                condition=models.Q(holds_latest_permit=True),
                name="one_latest_permit_per_applicant",
            ),
        ]
        indexes = [
            # The reviewers' queue: open cases in the admin's order (due date, submission,
            # newest first), read 50 at a time and counted without touching closed ones.
            models.Index(
                fields=["due_date", "submitted_at", "-id"],
                condition=models.Q(case_open=True),
                # The state too (PostgreSQL), so that the count, which leaves drafts out,
                # reads this index alone.
                include=["status"],
                name="application_open_queue",
            ),
            # The queue's citizenship filter lists the countries that occur, one index entry
            # each (``permits.admin.distinct_values``).
            models.Index(fields=["citizenship"], name="application_citizenship"),
        ]

    def __str__(self) -> str:
        return self.number or str(_("Draft application"))

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save; a full save of a row already stored leaves ``is_latest`` and
        ``holds_latest_permit`` alone. Only ``services`` moves them, with queries of their own,
        and an instance read before they moved (a reviewer's change form while the applicant
        starts a new application) must not write the old values back."""
        if not self._state.adding and kwargs.get("update_fields") is None:
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                f.attname
                for f in self._meta.concrete_fields
                if not (f.primary_key or f.generated)
                and f.attname not in deferred
                and f.name not in _KEPT_ELSEWHERE
            ]
        super().save(*args, **kwargs)

    # --- facts about this application ---
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_editable_by_applicant(self) -> bool:
        return self.status in (Status.DRAFT, Status.INFO_REQUESTED)

    def route_for_profession(self) -> str:
        if (
            self.profession is not None
            and self.profession.is_listed
            and not (self.profession_not_listed)
        ):
            return Route.FACILITATED
        return Route.STANDARD

    def current_route(self) -> str:
        """The route that applies now: while the applicant may still change their answers, the
        one the profession gives (it is set again at every submission); afterwards, the route
        recorded at the last submission."""
        if self.is_editable_by_applicant() or not self.route:
            return self.route_for_profession()
        return self.route

    def required_document_types(self) -> list[DocumentType]:
        return list(DocumentType.objects.for_route(self.current_route()))

    def missing_document_types(self) -> list[DocumentType]:
        have = {d.doc_type_id for d in self.documents.all()}
        return [t for t in self.required_document_types() if t.pk not in have]

    def incomplete_steps(self) -> list[str]:
        needed = [Application.Step.PERSONAL, Application.Step.PASSPORT, Application.Step.PROFESSION]
        return [Application.Step(s).label for s in needed if s not in self.completed_steps]

    def decision_due(self, on: date) -> date | None:
        """The day the decision is due, as known on ``on``: the one computation that the
        applicant's pages and the reviewers' queue both show.

        None before the first submission and once decided. While information is requested
        the clock stands still, so the due day moves one day later for each day of the pause
        up to ``on``: answering on ``on`` gives this date.
        """
        if self.due_date is None or not self.is_open() or self.status == Status.DRAFT:
            return None
        if self.clock_paused_on is not None:
            return self.due_date + timedelta(days=max(0, (on - self.clock_paused_on).days))
        return self.due_date

    def days_left(self, on: date) -> int | None:
        """Calendar days from ``on`` to ``decision_due`` (negative when overdue); constant
        while the clock is paused."""
        due = self.decision_due(on)
        return None if due is None else (due - on).days

    def days_waiting(self, on: date) -> int | None:
        """Days in Almaty from the submission to the decision, or to ``on`` while open."""
        if self.submitted_at is None:
            return None
        end = day_of(self.decided_at) if self.decided_at is not None else on
        return (end - day_of(self.submitted_at)).days

    def update_clock(self, old: str, to: str, on: date, *, decision_days: int | None) -> list[str]:
        """Move the decision clock for a status change; return the fields changed.

        The first submission starts it with ``decision_days`` (``PermitRules``), which only
        that move needs."""
        if to == Status.SUBMITTED and old == Status.DRAFT:
            if decision_days is None:
                raise ValueError("the first submission needs the decision period")
            self.due_date = on + timedelta(days=decision_days)
            return ["due_date"]
        if to == Status.INFO_REQUESTED:
            self.clock_paused_on = on
            return ["clock_paused_on"]
        if old == Status.INFO_REQUESTED and self.clock_paused_on is not None:
            if self.due_date is not None:
                self.due_date += timedelta(days=(on - self.clock_paused_on).days)
            self.clock_paused_on = None
            return ["due_date", "clock_paused_on"]
        return []


def _document_path(instance: Document, filename: str) -> str:
    # The stored name is random: the person's file name never reaches the disk. Its extension
    # is that of the content (sniffed on upload), never the one the person's name claims.
    suffix = suffix_for(instance.content_type)
    return f"documents/{instance.application_id}/{uuid.uuid4().hex}{suffix}"


class Document(models.Model):
    """An uploaded file; stored outside every public URL, served by an access-checking view."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("application"),
    )
    doc_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, verbose_name=_("document type")
    )
    file = models.FileField(_("file"), upload_to=_document_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["doc_type__position", "uploaded_at"]

    def __str__(self) -> str:
        return f"{self.doc_type}: {self.original_name}"


class StatusChange(models.Model):
    """One move of an application: who, when, from, to, why, and what the applicant was told."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="changes", verbose_name=_("application")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), db_index=True)
    reason = models.CharField(_("reason"), max_length=40, blank=True)
    message = models.TextField(_("message to the applicant"), blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"

    def reason_label(self) -> str:

        move = MOVE_LABELS.get(self.to_status)
        choices = move.reasons.choices if move is not None and move.reasons is not None else []
        return str(dict(choices).get(self.reason, self.reason))


class Permit(models.Model):
    """The residence permit issued on approval."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="permit", verbose_name=_("application")
    )
    number = models.CharField(_("permit number"), max_length=30, unique=True)
    issue_date = models.DateField(_("issue date"))
    valid_until = models.DateField(_("valid until"), db_index=True)
    # Set by the "revoked" move of the workflow: the permit is not valid from this day on.
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("residence permit")
        verbose_name_plural = _("residence permits")
        permissions = [("revoke_permit", _("Can revoke an issued residence permit"))]

    def __str__(self) -> str:
        return self.number

    @property
    def last_valid_day(self) -> date:
        return last_valid_day(self.valid_until, self.revoked_on)

    def covers(self, day: date) -> bool:
        return self.issue_date <= day <= self.last_valid_day

    def state(self, on: date) -> str:
        """The permit's state on ``on``: revoked, expired, not yet valid, or valid."""
        if self.revoked_on is not None and self.revoked_on <= on:
            return "revoked"
        if on > self.valid_until:
            return "expired"
        if on < self.issue_date:
            return "not_yet_valid"
        return "valid"
