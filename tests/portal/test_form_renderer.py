"""``InputsInPython`` writes each kind of ``<input>`` exactly as Django's widget templates do,
and leaves every other widget to them."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from portal.core.form_renderer import InputsInPython
from portal.core.templatetags.plain_fields import plain_form
from stays.forms import CrossingForm


class Every(forms.Form):
    text = forms.CharField(max_length=5, help_text="Help")
    number = forms.IntegerField(required=False, min_value=1)
    decimal = forms.DecimalField(required=False, localize=True)
    check = forms.BooleanField(required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    moment = forms.DateTimeField(required=False)
    time = forms.TimeField(required=False)
    email = forms.EmailField(required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    flags = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"readonly": True, "autofocus": False})
    )
    choice = forms.ChoiceField(choices=[("a", "A <&>"), ("b", "B")], required=False)
    many = forms.CharField(widget=forms.Textarea, required=False)
    upload = forms.FileField(required=False)


TYPED = {
    "text": "<\"x'&>",
    "number": "12",
    "decimal": "1,5",
    "check": "on",
    "day": "2025-01-02",
    "moment": "2025-01-02 10:30",
    "time": "10:30",
    "email": "a@b.kz",
    "url": "https://example.kz/?a=1&b=2",
    "secret": "p&w",
    "hidden": "zz",
    "flags": "f",
    "choice": "a",
    "many": "line\n<two>",
}


@pytest.mark.parametrize("data", [None, TYPED, {"text": "toolong", "number": "x"}])
@pytest.mark.parametrize("form_class", [Every, CrossingForm])
def test_each_widget_is_written_as_djangos_templates_write_it(form_class, data):
    django_form = form_class(data, renderer=DjangoTemplates())
    python_form = form_class(data, renderer=InputsInPython())
    for ours, theirs in zip(python_form, django_form, strict=True):
        assert ours.as_widget() == theirs.as_widget()
    assert plain_form(python_form) == plain_form(django_form)


def test_every_form_uses_it():
    from django import forms

    from portal.workspace.forms import EmployerSignupForm

    for form in (CrossingForm(), EmployerSignupForm(), forms.Form()):
        assert isinstance(form.renderer, InputsInPython)
