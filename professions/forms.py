"""Forms: the public catalogue search, the eligibility check, the admin order reference."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Profession, Sphere

SEARCH_MAX_LENGTH = 200


class ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices from one plain query. Django's iterator reads a queryset through
    ``.iterator()``, a server-side cursor on PostgreSQL: three round trips (declare, fetch,
    close) for the few rows of a drop-down list, on every page that shows it."""

    def __iter__(self):  # type: ignore[no-untyped-def]
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in list(self.queryset):
            yield self.choice(obj)


class ListedChoiceField(forms.ModelChoiceField):
    iterator = ListedChoiceIterator


class CatalogueSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Title or code, in Kazakh, Russian or English"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    sphere = ListedChoiceField(
        label=_("Sphere"),
        queryset=Sphere.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All spheres"),
    )
    withdrawn = forms.BooleanField(label=_("Include withdrawn professions"), required=False)

    def filter(self, queryset: Any) -> Any:
        """Narrow ``queryset`` by the valid fields; an invalid search text finds nothing."""
        self.is_valid()
        if "q" in self.errors:
            return queryset.none()
        data = getattr(self, "cleaned_data", {})
        if not data.get("withdrawn"):
            queryset = queryset.listed()
        if data.get("sphere"):
            queryset = queryset.filter(sphere=data["sphere"])
        if data.get("q"):
            queryset = queryset.search(data["q"])
        return queryset


class EligibilityForm(forms.Form):
    profession = ListedChoiceField(
        label=_("Choose your profession from the list"),
        queryset=Profession.objects.none(),
        required=False,
        empty_label=_("— not chosen —"),
    )
    q = forms.CharField(
        label=_("Or type its title or code"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        help_text=_("Kazakh, Russian or English; part of a word is enough."),
    )

    # Beyond this many professions a drop-down list is too long to use (and to send): the
    # person types instead, and picks from the matches.
    PICK_LIST_MAX = 100

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        listed = Profession.objects.listed()
        if listed.count() > self.PICK_LIST_MAX:
            del self.fields["profession"]
            self.fields["q"].label = _("Type the title or code of your profession")
            return
        self.fields["profession"].queryset = listed.select_related("sphere").by_title()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("profession") and not data.get("q") and not self.errors:
            raise forms.ValidationError(
                _("Choose your profession from the list or type its title."), code="empty"
            )
        return data


class OrderForm(forms.Form):
    """The ministerial order behind a withdrawal or a reinstatement (admin bulk actions)."""

    order_number = forms.CharField(label=_("Order number"), max_length=50)
    order_date = forms.DateField(
        label=_("Order date"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, professions: Any = None, withdrawing: bool = False, **kw: Any):
        super().__init__(*args, **kw)
        self.professions = professions
        self.withdrawing = withdrawing

    def clean_order_number(self) -> str:
        return self.cleaned_data["order_number"].strip()

    def clean_order_date(self) -> Any:
        date = self.cleaned_data["order_date"]
        if self.withdrawing and self.professions is not None:
            earlier = [
                p.code
                for p in self.professions
                if p.is_listed and p.added_order_date and p.added_order_date > date
            ]
            if earlier:
                raise forms.ValidationError(
                    _("The order cannot precede the order that added %(codes)s."),
                    code="withdrawn_before_added",
                    params={"codes": ", ".join(earlier)},
                )
        return date
