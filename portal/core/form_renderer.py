"""A form renderer that writes ``<input>`` widgets in Python, as Django's templates write them.

Django renders every widget through its templates: an ``<input>`` is ``text.html`` (or
``date.html``…), which includes ``input.html``, which includes ``attrs.html`` with a loop over
the attributes; three templates and a dozen nodes per field, about 0.1 ms each on the stays
page. ``InputsInPython`` writes the same markup from the same context (the widget's own
``get_context``, so values, formats and attributes are Django's) and hands every other template
to Django. ``tests/portal/test_form_renderer.py`` compares both for each kind of input.

Every form uses it: it is the project's ``FORM_RENDERER``.
"""

from __future__ import annotations

from html import escape
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
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


def input_html(widget: dict[str, Any]) -> str:
    """``input.html`` (with ``attrs.html``) for a widget's template context, as the renderer
    returns it (stripped of the line end the widget's own template adds)."""
    out = [f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"']
    if widget["value"] is not None:
        out.append(f' value="{_text(widget["value"])}"')
    for name, value in widget["attrs"].items():
        if value is False:
            continue
        out.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"')
    out.append(">")
    return "".join(out)


class InputsInPython(DjangoTemplates):
    """Django's template renderer, with the input widgets written in Python."""

    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> str:
        if template_name in INPUT_TEMPLATES:
            return input_html(context["widget"])
        return super().render(template_name, context, request)
