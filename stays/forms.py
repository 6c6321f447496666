"""Forms of the stay pages. They validate input only; the history is checked by services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Crossing

MAX_IMPORT_BYTES = 1024 * 1024


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class CrossingForm(forms.ModelForm):
    class Meta:
        model = Crossing
        fields = ["entry", "exit", "note"]
        widgets = {"entry": DateInput(), "exit": DateInput()}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        entry, exit = data.get("entry"), data.get("exit")
        if entry and exit and exit < entry:
            self.add_error("exit", _("The exit date is before the entry date."))
        return data

    def _post_clean(self) -> None:
        # The model's own checks (unique together, constraints) would name the record in
        # database terms; services check the whole history with clear words instead.
        pass


class LongestStayForm(forms.Form):
    entry = forms.DateField(label=_("Planned entry date"), widget=DateInput())

    def __init__(self, *args: Any, on: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.on = on

    def clean_entry(self) -> Any:
        entry = self.cleaned_data["entry"]
        if entry < self.on:
            raise forms.ValidationError(_("Enter today's date or a later one."))
        if (entry - self.on).days > 2 * 366:
            raise forms.ValidationError(_("Enter a date within the next two years."))
        return entry


class EarliestEntryForm(forms.Form):
    length = forms.IntegerField(
        label=_("Length of the stay (days)"),
        min_value=1,
        max_value=3650,
        help_text=_("Entry and exit days included."),
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB: split it in parts."))
        return bytes(upload.read())
