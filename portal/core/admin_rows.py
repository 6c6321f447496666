"""The rows of an admin change list, as Django's ``items_for_result`` writes them, with what is
the same for every row worked out once per page.

Django decides, for every cell of every row, which kind of column it is (a model field, a
method of the admin, a property), which empty value and classes it takes, and reverses the
row's change URL with the list's filters. On the reviewer's queue (50 rows of 11 columns) that
was about half of the page's CPU time. Here each column is looked at once (``columns``) and a row
is then a few attribute reads and string joins (``rows``). The markup is Django's own, cell for
cell: ``tests/portal/test_admin_rows.py`` renders pages both ways and compares them.

Only the plain change list is written here; a list with editable fields, a pop-up or a
``to_field`` goes through Django's own ``items_for_result``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    _coerce_field_name,
    items_for_result,
)
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    lookup_field,
    quote,
)
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.urls import NoReverseMatch
from django.utils import formats, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

_MARKER = "987654321"  # stands for a row's key in the change URL reversed once


@dataclass
class Column:
    value: Callable[[Any], Any]  # the row's value (may raise ObjectDoesNotExist)
    show: Callable[[Any], Any]  # the value as Django's admin shows it
    classes: str  # "field-<name>" or "action-checkbox", and "nowrap" for dates and keys
    nowrap_dates: bool  # whether a date or time value adds "nowrap" (computed columns)
    empty: str
    link: bool
    empty_on_error: str = "-"  # what a related row that is gone shows (Django's default)


def _field_column(name: str, field: Any, empty: str, link: bool) -> Column:
    classes = f"field-{name}"
    if isinstance(field, models.DateField | models.TimeField | models.ForeignKey):
        classes += " nowrap"
    if isinstance(field.remote_field, models.ManyToOneRel):
        return Column(
            value=lambda obj: getattr(obj, name),
            show=lambda v: empty if v is None else v,
            classes=classes,
            nowrap_dates=False,
            empty=empty,
            link=link,
        )
    show: Callable[[Any], Any]
    if getattr(field, "flatchoices", None):
        try:  # labels translated once per page, not once per row
            choices = {k: str(v) for k, v in field.flatchoices}
        except TypeError:  # list-like choices: Django's own way
            choices = None
        if choices is not None:

            def show(v: Any) -> Any:
                return choices.get(v, empty)

        else:

            def show(v: Any) -> Any:
                return display_for_field(v, field, empty, avoid_link=link)

    elif isinstance(field, models.DateTimeField):

        def show(v: Any) -> Any:
            if v in field.empty_values:
                return empty
            return formats.localize(timezone.template_localtime(v))

    else:

        def show(v: Any) -> Any:
            return display_for_field(v, field, empty, avoid_link=link)

    def value(obj: Any) -> Any:
        v = getattr(obj, name)
        return "" if isinstance(v, str) and v.strip() == "" else v

    return Column(
        value=value, show=show, classes=classes, nowrap_dates=False, empty=empty, link=link
    )


def _computed_column(
    cl: ChangeList, index: int, name: Any, first: Any, default_empty: str, link: bool
) -> Column:
    model_admin = cl.model_admin
    if callable(name):

        def value(obj: Any) -> Any:
            return name(obj)

        attr: Any = name
    elif hasattr(model_admin, name) and name != "__str__":
        attr = getattr(model_admin, name)
        value = attr
    else:  # an attribute or property of the model: Django's own lookup, row by row
        attr = lookup_field(name, first, model_admin)[1] if first is not None else None

        def value(obj: Any) -> Any:
            return lookup_field(name, obj, model_admin)[2]

    empty = getattr(attr, "empty_value_display", default_empty)
    boolean = getattr(attr, "boolean", False)
    if isinstance(attr, property) and hasattr(attr, "fget"):
        boolean = getattr(attr.fget, "boolean", False)

    def show(v: Any) -> Any:
        if isinstance(v, str) and v.strip() == "":
            v = ""
        return display_for_value(v, empty, boolean)

    if name == "action_checkbox":
        classes = "action-checkbox"
    else:
        classes = f"field-{_coerce_field_name(name, index)}"
    return Column(
        value=value, show=show, classes=classes, nowrap_dates=True, empty=empty, link=link
    )


def columns(cl: ChangeList) -> list[Column]:
    """How each column of ``cl`` reads and shows a row, decided once."""
    opts = cl.lookup_opts
    default_empty = cl.model_admin.get_empty_value_display()
    first = cl.result_list[0] if len(cl.result_list) else None
    linked = False
    out = []
    for index, name in enumerate(cl.list_display):
        if cl.list_display_links is None:
            link = False
        elif not linked and not cl.list_display_links:
            link = True
        else:
            link = name in cl.list_display_links
        linked = linked or link
        try:
            field = _get_non_gfk_field(opts, name)
        except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
            column = _computed_column(cl, index, name, first, default_empty, link)
        else:
            column = _field_column(name, field, default_empty, link)
        column.empty_on_error = default_empty
        out.append(column)
    return out


def _change_url(cl: ChangeList) -> Callable[[Any], str] | None:
    """The change URL of a row (with the list's filters kept), from one URL reversed for all."""
    key = cl.pk_attname
    stand_in = _StandIn()
    setattr(stand_in, key, _MARKER)
    try:
        template = cl.url_for_result(stand_in)
    except NoReverseMatch:
        return None
    template = add_preserved_filters(
        {"preserved_filters": cl.preserved_filters, "opts": cl.opts}, template
    )
    head, _, tail = template.partition(_MARKER)
    return lambda obj: f"{head}{quote(getattr(obj, key))}{tail}"


class _StandIn:
    """A row for ``ChangeList.url_for_result``, which reads only its key."""


def _cells(row: Any, cols: list[Column], url: Callable[[Any], str] | None) -> Iterator[str]:
    first = True
    for col in cols:
        try:
            value = col.value(row)
        except ObjectDoesNotExist:
            shown: Any = col.empty_on_error
            value = None
        else:
            shown = col.show(value)
        classes = col.classes
        if col.nowrap_dates and isinstance(value, datetime.date | datetime.time):
            classes += " nowrap"
        text = conditional_escape(shown)
        if col.link:
            tag = "th" if first else "td"
            first = False
            if url is not None:
                text = f'<a href="{conditional_escape(url(row))}">{text}</a>'
            yield mark_safe(f'<{tag} class="{classes}">{text}</{tag}>')  # noqa: S308
        else:
            yield mark_safe(f'<td class="{classes}">{text}</td>')  # noqa: S308


def rows(cl: ChangeList) -> list[ResultList]:
    """The rows of ``cl`` as ``admin_list.results`` gives them to ``change_list_results.html``."""
    if getattr(cl, "formset", None) or cl.is_popup or cl.to_field:
        return [ResultList(None, items_for_result(cl, r, None)) for r in cl.result_list]
    cols = columns(cl)
    url = _change_url(cl)
    return [ResultList(None, _cells(r, cols, url)) for r in cl.result_list]
