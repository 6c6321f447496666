"""Forms of the API settings page. They validate input only; the rules are in ``services``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the token"),
        max_length=100,
        help_text=_("Which system uses it, e.g. “HR system, production”."),
    )


class WebhookForm(forms.Form):
    url = forms.URLField(
        label=_("Webhook address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("An https address on the public internet, where your HR system listens."),
    )
