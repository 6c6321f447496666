"""A form renderer that writes ``<input>`` and ``<select>`` widgets in Python, as Django's
templates write them.

Django renders every widget through its templates: an ``<input>`` is ``text.html`` (or
``date.html``…), which includes ``input.html``, which includes ``attrs.html`` with a loop over
the attributes; three templates and a dozen nodes per field, about 0.1 ms each on the stays
page. A ``<select>`` includes ``select_option.html`` and ``attrs.html`` once per option: the
admin's action list, its filters and the catalogue's spheres on every visit. ``InputsInPython``
writes the same markup from the same context (the widget's own ``get_context``, so values,
choices, formats and attributes are Django's) and hands every other template to Django.
``tests/portal/test_form_renderer.py`` compares both for each kind of input and of select.

Every form uses it: it is the project's ``FORM_RENDERER``.
"""

from __future__ import annotations

from html import escape
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.safestring import SafeData

# Django's widget templates that are ``input.html`` and nothing else.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    )
)


def _text(value: Any) -> str:
    """``{{ value|stringformat:'s' }}`` with autoescaping: escaped unless already safe."""
    text = "%s" % (value,)  # noqa: UP031 (stringformat's own formatting)
    return text if isinstance(value, SafeData) else escape(text)


SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict[str, Any]) -> str:
    """``attrs.html``."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"')
    return "".join(out)


def input_html(widget: dict[str, Any]) -> str:
    """``input.html`` (with ``attrs.html``) for a widget's template context, as the renderer
    returns it (stripped of the line end the widget's own template adds)."""
    out = [f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"']
    if widget["value"] is not None:
        out.append(f' value="{_text(widget["value"])}"')
    out.append(_attrs(widget["attrs"]))
    out.append(">")
    return "".join(out)


def _label(value: Any) -> str | None:
    """``{{ value }}`` for a text (None for anything else, which the template writes with the
    active language's number formats)."""
    if isinstance(value, Promise):
        value = str(value)
    if not isinstance(value, str):
        return None
    return value if isinstance(value, SafeData) else escape(value)


def select_html(widget: dict[str, Any]) -> str | None:
    """``select.html`` with its options (``select_option.html``), as the renderer returns it;
    None if an option has another template or a label that is not text."""
    out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            group = _label(group_name)
            if group is None:
                return None
            out.append(f'\n  <optgroup label="{group}">')
        for option in options:
            label = _label(option["label"])
            if option["template_name"] != OPTION_TEMPLATE or label is None:
                return None
            out.append(
                f'\n  <option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
                f"{label}</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


class InputsInPython(DjangoTemplates):
    """Django's template renderer, with the input and select widgets written in Python."""

    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> str:
        if template_name in INPUT_TEMPLATES:
            return input_html(context["widget"])
        if template_name == SELECT_TEMPLATE:
            written = select_html(context["widget"])
            if written is not None:
                return written
        return super().render(template_name, context, request)
