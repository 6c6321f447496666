"""The catalogue of in-demand professions, kept by ministry staff and read by everyone.

Titles, descriptions and sphere names are translated (kk, ru, en) by django-modeltranslation:
see ``translation.py``. Reading ``profession.title`` gives the reader's language, falling back
to English.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import connection, models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce, Collate, Concat, Lower, NullIf
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator

FACILITATED = "facilitated"
STANDARD = "standard"

# Searched in every language, whatever the reader's: a visitor may type a Russian title on the
# English page.
SEARCH_LANGUAGES = ("kk", "ru", "en")
SEARCH_MAX_TERMS = 10


class Sphere(models.Model):
    """A field of the economy (science, healthcare, industry, IT, ...): rows staff can add."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("short name"),
        max_length=50,
        unique=True,
        help_text=_("Latin letters, digits and hyphens; used in addresses and in import files."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)  # the catalogue version

    class Meta:
        verbose_name = _("sphere")
        verbose_name_plural = _("spheres")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name


class Education(models.TextChoices):
    VOCATIONAL = "vocational", _("Technical and vocational education")
    HIGHER = "higher", _("Higher education (bachelor's degree or equivalent)")
    POSTGRADUATE = "postgraduate", _("Postgraduate education (master's degree or residency)")
    DOCTORATE = "doctorate", _("Doctoral degree (PhD or equivalent)")


def _term_regex(term: str) -> str:
    # re.escape only puts backslashes before punctuation; a backslash before a non-alphanumeric
    # character is a literal in both Python's re (SQLite) and PostgreSQL's regular expressions.
    return re.escape(term)


def unshown(prefix: str = "") -> list[str]:
    """What a table or a page that names a profession never shows of it, the larger part of
    each row: the descriptions in every language and the search column. ``prefix``: the path
    to the profession from another model ("profession__")."""
    translated = translator.get_options_for_model(Profession).all_fields["description"]
    names = ["description", *sorted(field.name for field in translated), "search_text"]
    return [f"{prefix}{name}" for name in names]


class ProfessionQuerySet(models.QuerySet["Profession"]):
    def for_table(self) -> ProfessionQuerySet:
        """With its sphere, without what a table of professions never shows (``unshown``)."""
        return self.select_related("sphere").defer(*unshown())

    def listed(self) -> ProfessionQuerySet:
        """Professions on the list now."""
        return self.filter(is_listed=True)

    def search(self, text: str) -> ProfessionQuerySet:
        """Professions whose code or title, in any language, contains every word of ``text``.

        Case-insensitive for every alphabet on SQLite and PostgreSQL alike. PostgreSQL reads
        ``search_text``, the code and titles lower-cased by the database, with a plain
        substring test (and a trigram index). SQLite, whose ``lower()`` and ``LIKE`` fold the
        case of ASCII letters only, runs ``iregex`` on each column with Python's Unicode-aware
        ``re``.
        """
        queryset = self
        terms = text.split()[:SEARCH_MAX_TERMS]
        if connection.vendor == "postgresql":
            # The code and the titles, lower-cased once when a row is written
            # (``search_text``), then a plain substring test per row: a tenth of the cost of
            # case-insensitive patterns on four columns, and a trigram index for large lists.
            for term in terms:
                queryset = queryset.filter(search_text__contains=Lower(Value(term)))
            return queryset
        for term in terms:
            pattern = _term_regex(term)
            matches = Q(code__iregex=pattern)
            for language in SEARCH_LANGUAGES:
                matches |= Q(**{f"title_{language}__iregex": pattern})
            queryset = queryset.filter(matches)
        return queryset

    def by_title(self) -> ProfessionQuerySet:
        """Ordered by title in the reader's language (English where it has none), in that
        language's alphabetical order on PostgreSQL (its ICU collations: Kazakh letters such
        as Ғ, Қ, Ө in their places, not after Я); SQLite, the embedded default, orders by code
        point."""
        language = (get_language() or "en").split("-")[0]
        if language not in SEARCH_LANGUAGES:
            language = "en"
        title: Any = Coalesce(NullIf(f"title_{language}", Value("")), "title_en")
        if connection.vendor == "postgresql":
            title = Collate(title, f"{language}-x-icu")
        return self.order_by(title, "code")


code_validator = RegexValidator(
    r"^[0-9]{4}(-[0-9]{1,3})*$",
    _(
        "Enter the classifier code: the four-digit ISCO-08 unit group, optionally followed by "
        "national sub-codes separated by hyphens (for example 2512-1-001)."
    ),
    code="invalid_code",
)


class Profession(models.Model):
    """One profession of the national classifier of occupations: on the list, withdrawn from it,
    or never on it (kept because applications were filed with it).

    Applications point at a profession with PROTECT: withdrawing never deletes.
    """

    Education = Education

    code = models.CharField(
        _("classifier code"),
        max_length=20,
        unique=True,
        validators=[code_validator],
        help_text=_("National classifier of occupations (aligned with ISCO-08)."),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    sphere = models.ForeignKey(
        Sphere, on_delete=models.PROTECT, related_name="professions", verbose_name=_("sphere")
    )
    min_education = models.CharField(
        _("minimum education"), max_length=20, choices=Education.choices
    )
    min_experience_years = models.PositiveSmallIntegerField(
        _("minimum years of experience"), default=0
    )
    is_listed = models.BooleanField(
        _("on the list"),
        default=True,
        help_text=_("Whether the profession is on the list of in-demand professions now."),
    )
    added_order_number = models.CharField(
        _("order that added it: number"), max_length=50, blank=True
    )
    added_order_date = models.DateField(_("order that added it: date"), null=True, blank=True)
    withdrawn_order_number = models.CharField(
        _("order that withdrew it: number"), max_length=50, blank=True
    )
    withdrawn_order_date = models.DateField(
        _("order that withdrew it: date"), null=True, blank=True
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # What the search reads on PostgreSQL: the code and the titles in every language, lower-cased
    # by the database whenever the row is written.
    search_text = models.GeneratedField(
        expression=Lower(
            Concat(
                "code",
                Value("\n"),
                *(
                    item
                    for language in SEARCH_LANGUAGES
                    for item in (Coalesce(f"title_{language}", Value("")), Value("\n"))
                ),
                output_field=models.TextField(),
            )
        ),
        output_field=models.TextField(),
        db_persist=True,
        editable=False,
    )

    objects = ProfessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("profession")
        verbose_name_plural = _("professions")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    @property
    def route(self) -> str:
        """ "facilitated" (no proof of solvency) while on the list, "standard" otherwise."""
        return FACILITATED if self.is_listed else STANDARD

    @property
    def is_facilitated(self) -> bool:
        return self.route == FACILITATED

    @property
    def was_on_the_list(self) -> bool:
        """Whether an order put it on the list (it may have been withdrawn since)."""
        return bool(self.added_order_number or self.added_order_date or self.withdrawn_order_number)

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        if self.is_listed:
            if self.withdrawn_order_number or self.withdrawn_order_date:
                errors["is_listed"] = ValidationError(
                    _(
                        "A profession on the list has no withdrawal order: clear the order that "
                        "withdrew it, or untick “on the list”."
                    ),
                    code="listed_with_withdrawal",
                )
        elif self.was_on_the_list:
            # Taken off the list: by which order. (One that no order ever listed is simply
            # not on the list: the standard route.)
            if not self.withdrawn_order_number:
                errors["withdrawn_order_number"] = ValidationError(
                    _("Give the number of the order that withdrew the profession."),
                    code="withdrawal_order_missing",
                )
            if not self.withdrawn_order_date:
                errors["withdrawn_order_date"] = ValidationError(
                    _("Give the date of the order that withdrew the profession."),
                    code="withdrawal_date_missing",
                )
        if (
            self.added_order_date
            and self.withdrawn_order_date
            and self.withdrawn_order_date < self.added_order_date
        ):
            errors["withdrawn_order_date"] = ValidationError(
                _("A profession cannot be withdrawn before the order that added it."),
                code="withdrawn_before_added",
            )
        if errors:
            raise ValidationError(errors)
