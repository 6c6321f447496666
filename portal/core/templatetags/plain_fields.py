"""``{{ form.field|plain_field }}``: a form field in the markup of crispy-forms' Bootstrap 5 pack
(``|as_crispy_field``), written in Python.

crispy-forms renders each field through a large template with nested includes and a template
per widget: on the catalogue pages, a search form of three fields cost about a quarter of the
page. This filter writes the same elements and attributes (label, widget with crispy's classes,
help text, errors) for the common widgets: inputs of every type but files, selects, check
boxes and text areas. Any other widget is handed to crispy-forms as before.
"""

from __future__ import annotations

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.forms.widgets import Input
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Every <input> (text, e-mail, password, number, date...), selects, check boxes and text areas.
_SIMPLE = (Input, forms.Select, forms.CheckboxInput, forms.Textarea)


@register.filter
def plain_field(field: forms.BoundField) -> SafeString:
    widget = field.field.widget
    if (
        field.is_hidden
        or not isinstance(widget, _SIMPLE)
        or isinstance(widget, forms.SelectMultiple | forms.RadioSelect | forms.FileInput)
        or widget.attrs.get("class")
    ):
        return as_crispy_field(field)
    checkbox = isinstance(widget, forms.CheckboxInput)
    kind = (
        "form-check-input"
        if checkbox
        else "form-select"
        if isinstance(widget, forms.Select)
        else "form-control"
    )
    css = f"{widget.__class__.__name__.lower()} {kind}" + (" is-invalid" if field.errors else "")
    control = field.as_widget(attrs={"class": css})
    required = field.field.required
    marker = mark_safe('<span class="asteriskField">*</span>') if required else ""
    label = format_html(
        '<label for="{}" class="{}{}">\n{}{}\n</label>',
        field.id_for_label,
        "form-check-label" if checkbox else "form-label",
        " requiredField" if required else "",
        field.label,
        marker,
    )
    extra = _errors(field) + _help_text(field)
    if checkbox:
        return format_html(
            '<div class="mb-3">\n<div id="div_{}" class="form-check">\n{}\n{}\n{}</div>\n</div>',
            field.auto_id,
            control,
            label,
            extra,
        )
    return format_html(
        '<div id="div_{}" class="mb-3">\n{}\n{}\n{}</div>',
        field.auto_id,
        label if field.label else "",
        control,
        extra,
    )


def _errors(field: forms.BoundField) -> SafeString:
    if not field.errors:
        return mark_safe("")
    items = format_html_join(
        "\n",
        '<p id="error_{}_{}"><strong>{}</strong></p>',
        ((n, field.auto_id, error) for n, error in enumerate(field.errors, start=1)),
    )
    return format_html(
        '<div id="{}_error" class="invalid-feedback">\n{}\n</div>\n', field.auto_id, items
    )


def _help_text(field: forms.BoundField) -> SafeString:
    if not field.help_text:
        return mark_safe("")
    return format_html(
        '<div id="{}_helptext" class="form-text">{}</div>\n',
        field.auto_id,
        mark_safe(field.help_text),  # noqa: S308 - help texts are the developers' own, as in crispy
    )


@register.filter
def plain_form(form: forms.Form) -> SafeString:
    """``{{ form|plain_form }}``: each field of the form as ``|crispy`` writes it, through
    ``plain_field``. The errors that belong to no field are not repeated here: every form page
    lists all its errors once, in the summary of ``_form_errors.html``."""
    return format_html_join("\n", "{}", ((plain_field(f),) for f in form))
