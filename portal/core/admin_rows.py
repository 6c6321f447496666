"""The rows of an admin change list, as Django's ``items_for_result`` writes them, with what is
the same for every row worked out once per page.

Django decides, for every cell of every row, which kind of column it is (a model field, a
method of the admin, a property), which empty value and classes it takes, and reverses the
row's change URL with the list's filters. On the reviewer's queue (50 rows of 11 columns) that
was about half of the page's CPU time. Here each column is looked at once (``columns``) and a
row is then a few attribute reads and string joins (``rows``): labels, formats and the time zone
are read once per page, and a row is handed to the template as one piece of markup (the
template's loop over 600 cells cost more than writing them). The markup is Django's own, cell
for cell: ``tests/portal/test_admin_rows.py`` renders pages both ways and compares them.

An admin method may give its per-page form with ``@per_page(factory)``: ``factory()``, called
once per page (in the page's language, on its day), returns a function of the row that gives
what the method gives, with the translations and dates it needs read once.

Only the plain change list is written here; a list with editable fields, a pop-up or a
``to_field`` goes through Django's own ``items_for_result``.
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    _coerce_field_name,
    results,
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
from django.utils.dateformat import DateFormat, re_escaped, re_formatchars
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

_MARKER = "987654321"  # stands for a row's key in the change URL reversed once

F = TypeVar("F", bound=Callable[..., Any])


def per_page(factory: Callable[[], Callable[[Any], Any]]) -> Callable[[F], F]:
    """Give an admin display method a per-page form for ``rows`` (see the module's notes)."""

    def mark(method: F) -> F:
        method.per_page = factory  # type: ignore[attr-defined]
        return method

    return mark


def escaped(shown: Any) -> str:
    """``conditional_escape(shown)``, without its lazy wrappers for a plain ``str``."""
    if type(shown) is str:
        return html.escape(shown)
    if hasattr(shown, "__html__"):  # a SafeString, or what says how it is written in HTML
        return str(shown.__html__())
    return str(conditional_escape(shown))


@dataclass
class Column:
    value: Callable[[Any], Any]  # the row's value (may raise ObjectDoesNotExist)
    markup: Callable[[Any], str]  # the value as Django's admin shows it, escaped
    classes: str  # "field-<name>" or "action-checkbox", and "nowrap" for dates and keys
    nowrap_dates: bool  # whether a date or time value adds "nowrap" (computed columns)
    link: bool
    empty_on_error: str = "-"  # what a related row that is gone shows (Django's default)
    classes_on_error: str = ""  # the classes of such a cell: "field-<name>" only


class _Moments:
    """``formats.localize(timezone.template_localtime(v))`` for the moments of one page.

    The format and the time zone are read once; what depends on the day alone (the month's
    name, the day, the year) is written once per day by Django's own ``DateFormat``, and the
    hours and minutes for each moment.
    """

    DAY = frozenset("bdDEFjlLmMnNoStwWyYz")  # DateFormat's letters that read only the date
    CLOCK: dict[str, Callable[[datetime.datetime], str]] = {
        "H": lambda m: "%02d" % m.hour,
        "i": lambda m: "%02d" % m.minute,
        "s": lambda m: "%02d" % m.second,
        "G": lambda m: str(m.hour),
    }

    def __init__(self, format: str | None = None) -> None:
        self.tz = timezone.get_current_timezone() if settings.USE_TZ else None
        self.parts: list[tuple[str, Any]] = []  # (kind, text or letter or clock)
        pieces = re_formatchars.split(str(format or formats.get_format("DATETIME_FORMAT")))
        for i, piece in enumerate(pieces):
            if i % 2 == 0:
                if piece:
                    self.parts.append(("text", re_escaped.sub(r"\1", piece)))
            elif piece in self.DAY:
                self.parts.append(("day", piece))
            elif piece in self.CLOCK:
                self.parts.append(("clock", self.CLOCK[piece]))
            else:
                self.parts.append(("other", piece))
        self.days: dict[datetime.date, list[Any]] = {}

    def _day(self, moment: datetime.datetime) -> list[Any]:
        """The parts for ``moment``'s day: its text where only the date counts."""
        whole = DateFormat(moment)
        return [
            ("text", str(getattr(whole, x)())) if kind == "day" else (kind, x)
            for kind, x in self.parts
        ]

    def __call__(self, moment: datetime.datetime) -> str:
        if (
            self.tz is not None
            and not timezone.is_naive(moment)
            and getattr(moment, "convert_to_local_time", True)
        ):
            moment = moment.astimezone(self.tz)
        day = moment.date()
        parts = self.days.get(day)
        if parts is None:
            parts = self.days[day] = self._day(moment)
        whole = None
        out = []
        for kind, x in parts:
            if kind == "text":
                out.append(x)
            elif kind == "clock":
                out.append(x(moment))
            else:
                whole = whole or DateFormat(moment)
                out.append(str(getattr(whole, x)()))
        return "".join(out)


def _number(empty: str) -> Callable[[Any], Any]:
    """``display_for_value`` of a number, each integer formatted once per page."""
    seen: dict[int, Any] = {}

    def show(v: Any) -> Any:
        if type(v) is int:
            text = seen.get(v)
            if text is None:
                text = seen[v] = display_for_value(v, empty)
            return text
        return display_for_value(v, empty)

    return show


def _field_column(name: str, field: Any, empty: str, link: bool) -> Column:
    classes = f"field-{name}"
    if isinstance(field, models.DateField | models.TimeField | models.ForeignKey):
        classes += " nowrap"
    empty_markup = escaped(empty)
    if isinstance(field.remote_field, models.ManyToOneRel):
        # The related row's name, written once per page for each key (a page's rows come from
        # one query, so two rows with the same key read the same related row).
        key = field.attname
        names: dict[Any, str] = {}

        def related(obj: Any) -> str | None:
            pk = getattr(obj, key)
            text = names.get(pk)
            if text is None:
                v = getattr(obj, name)
                if v is None:
                    return None
                text = names[pk] = escaped(v)
            return text

        return Column(
            value=related,
            markup=lambda text: empty_markup if text is None else text,
            classes=classes,
            nowrap_dates=False,
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
        moment = _Moments()

        def show(v: Any) -> Any:
            if v in field.empty_values:
                return empty
            return moment(v)

    elif isinstance(field, models.CharField | models.TextField) and not isinstance(
        field, models.URLField
    ):

        def show(v: Any) -> Any:
            if type(v) is str:  # display_for_value's str(v), or the empty value for ""
                return v or empty
            return display_for_field(v, field, empty, avoid_link=link)

    else:

        def show(v: Any) -> Any:
            return display_for_field(v, field, empty, avoid_link=link)

    def value(obj: Any) -> Any:
        v = getattr(obj, name)
        return "" if isinstance(v, str) and v.strip() == "" else v

    return Column(
        value=value,
        markup=lambda v: escaped(show(v)),
        classes=classes,
        nowrap_dates=False,
        link=link,
    )


def _computed_column(
    cl: ChangeList, index: int, name: Any, first: Any, default_empty: str, link: bool
) -> Column:
    model_admin = cl.model_admin
    value: Callable[[Any], Any]
    if callable(name):

        def value(obj: Any) -> Any:
            return name(obj)

        attr: Any = name
    elif hasattr(model_admin, name) and name != "__str__":
        attr = getattr(model_admin, name)
        factory = getattr(attr, "per_page", None)
        value = factory() if factory is not None else attr
    else:  # an attribute or property of the model: Django's own lookup, row by row
        attr = lookup_field(name, first, model_admin)[1] if first is not None else None

        def value(obj: Any) -> Any:
            return lookup_field(name, obj, model_admin)[2]

    empty = getattr(attr, "empty_value_display", default_empty)
    boolean = getattr(attr, "boolean", False)
    if isinstance(attr, property) and hasattr(attr, "fget"):
        boolean = getattr(attr.fget, "boolean", False)
    number = _number(empty)

    def show(v: Any) -> Any:
        if boolean:
            return display_for_value(v, empty, boolean)
        if isinstance(v, str):
            # display_for_value's str(v) (a SafeString stays safe), or the empty value
            return v if v.strip() else empty
        if type(v) is int:
            return number(v)
        return display_for_value(v, empty)

    if name == "action_checkbox":
        classes = "action-checkbox"
    else:
        classes = f"field-{_coerce_field_name(name, index)}"
    return Column(
        value=value,
        markup=lambda v: escaped(show(v)),
        classes=classes,
        nowrap_dates=True,
        link=link,
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
        column.classes_on_error = f"field-{_coerce_field_name(name, index)}"
        out.append(column)
    return out


def _change_url(cl: ChangeList) -> Callable[[Any], str] | None:
    """The change URL of a row (with the list's filters kept), escaped for an attribute, from
    one URL reversed for all."""
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
    head, tail = html.escape(head), html.escape(tail)
    return lambda obj: f"{head}{html.escape(str(quote(getattr(obj, key))))}{tail}"


class _StandIn:
    """A row for ``ChangeList.url_for_result``, which reads only its key."""


def _cell(col: Column, tag: str, url: Callable[[Any], str] | None) -> Callable[[Any], str]:
    """What writes ``col``'s cell of a row: ``<td class="...">...</td>`` (``th`` for the first
    link), as ``items_for_result`` does."""
    value, markup, nowrap_dates = col.value, col.markup, col.nowrap_dates
    plain, dated = col.classes, f"{col.classes} nowrap"
    on_error, error_markup = col.classes_on_error, escaped(col.empty_on_error)

    def cell(row: Any) -> str:
        try:
            v = value(row)
        except ObjectDoesNotExist:
            classes, text = on_error, error_markup
        else:
            text = markup(v)
            classes = (
                dated if nowrap_dates and isinstance(v, datetime.date | datetime.time) else plain
            )
        if url is not None:
            text = f'<a href="{url(row)}">{text}</a>'
        return f'<{tag} class="{classes}">{text}</{tag}>'

    return cell


def rows(cl: ChangeList) -> list[ResultList]:
    """The rows of ``cl`` as ``admin_list.results`` gives them to ``change_list_results.html``,
    each as one item: the markup of its cells, joined."""
    if getattr(cl, "formset", None) or cl.is_popup or cl.to_field:
        return list(results(cl))
    url = _change_url(cl)
    cells = []
    first = True
    for col in columns(cl):
        tag = "td"
        if col.link:
            tag = "th" if first else "td"
            first = False
        cells.append(_cell(col, tag, url if col.link else None))
    return [
        ResultList(None, [mark_safe("".join([cell(r) for cell in cells]))])  # noqa: S308
        for r in cl.result_list
    ]
