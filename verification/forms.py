from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core.clock import today
from stays.rules import FIRST_RECORD_DATE

from . import codes


class StatementForm(forms.Form):
    as_of = forms.DateField(
        label=_("Statement as of"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Today or an earlier day."),
    )

    def clean_as_of(self) -> date:
        value = self.cleaned_data["as_of"]
        if value > today():
            raise forms.ValidationError(_("Choose a date that is not in the future."))
        if value < FIRST_RECORD_DATE:
            raise forms.ValidationError(_("Choose a date from 16 December 1991 on."))
        return value


PROBLEMS = {
    "empty": _("Type the code printed beside the QR code."),
    "length": _(
        "A code has 12 characters (for example 7KQM-4TXE-92HB). Check that none is missing."
    ),
    "characters": _(
        "This is not a code of this portal: it has characters that codes never use. Codes use "
        "the digits 2–9 and the letters A–Z except I, L, O and U."
    ),
    "check": _(
        "This code is not valid: one of its characters is wrong. Check it against the document."
    ),
}


class ShortCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text=_("The 12 characters printed beside the QR code; dashes and spaces are ignored."),
        error_messages={"max_length": PROBLEMS["length"], "required": PROBLEMS["empty"]},
    )

    def clean_code(self) -> str:
        code, problem = codes.parse(self.cleaned_data["code"])
        if problem is not None:
            raise forms.ValidationError(PROBLEMS[problem], code=problem)
        assert code is not None
        return code
