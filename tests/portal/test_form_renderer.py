"""``InputsInPython`` writes each kind of ``<input>`` exactly as Django's widget templates do,
and leaves every other widget to them."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from portal.core.form_renderer import InputsInPython, select_html
from portal.core.templatetags.plain_fields import plain_form
from professions.models import Profession
from stays.forms import CrossingForm
from tests.professions.factories import ProfessionFactory


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


class Selects(forms.Form):
    plain = forms.ChoiceField(choices=[("a", "A <&>"), ("b", mark_safe("<b>B</b>"))])
    grouped = forms.ChoiceField(
        choices=[
            ("", "—"),
            ("Europe & <Asia>", [("de", "Germany"), ("kz", "Kazakhstan")]),
            ("Other", [("x", "X")]),
        ],
        required=False,
    )
    many = forms.MultipleChoiceField(choices=[("1", "One"), ("2", "Two"), ("3", "Three")])
    lazy = forms.ChoiceField(choices=[("y", gettext_lazy("Yes")), ("n", gettext_lazy("No"))])
    maybe = forms.NullBooleanField(required=False)
    numbers = forms.TypedChoiceField(choices=[(1, 1000), (2, 2000)], coerce=int, required=False)
    flagged = forms.ChoiceField(
        choices=[("a", "A")], widget=forms.Select(attrs={"class": "form-select", "disabled": True})
    )
    profession = forms.ModelChoiceField(queryset=Profession.objects.all(), required=False)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "plain": "b",
            "grouped": "kz",
            "many": ["1", "3"],
            "lazy": "n",
            "maybe": "true",
            "numbers": "2",
            "flagged": "a",
        },
        {"plain": "<zz>", "many": ["9"], "maybe": "unknown"},
    ],
)
def test_each_select_is_written_as_djangos_templates_write_it(language, data):
    ProfessionFactory(title_ru="Инженер <химик> & Co", title_en="Engineer & <b>")
    with translation.override(language):
        django_form = Selects(data, renderer=DjangoTemplates())
        python_form = Selects(data, renderer=InputsInPython())
        for ours, theirs in zip(python_form, django_form, strict=True):
            assert ours.as_widget() == theirs.as_widget()


def test_a_select_it_cannot_write_goes_to_django():
    class Odd(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    field = forms.ChoiceField(choices=[("a", "A")], widget=Odd)
    form_class = type("OddForm", (forms.Form,), {"odd": field})
    ours = form_class(renderer=InputsInPython())["odd"].as_widget()
    assert ours == form_class(renderer=DjangoTemplates())["odd"].as_widget()
    widget = form_class()["odd"].field.widget.get_context("odd", "a", {})["widget"]
    assert select_html(widget) is None
