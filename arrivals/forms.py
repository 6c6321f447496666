"""Forms of the arrival pages. They validate input only; the rules are in ``services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class MadeForm(forms.Form):
    made_on = forms.DateField(label=_("Registered on"), widget=DateInput())
    reference = forms.CharField(
        label=_("Reference number"),
        max_length=100,
        help_text=_("The number the migration service gave the notification."),
    )


class NotNeededForm(forms.Form):
    reason = forms.CharField(
        label=_("Why no registration was needed"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
