"""``{% site_header %}``: the navigation at the top of every page, written in Python.

Through the template engine the header cost about as much as a small page's own content (some
forty tags, ifs and lookups on every request: a third of the profession page). Here it is a few
string joins; the addresses are reversed once (``fixed_url``). The markup is the one the template
wrote: ``tests/portal/test_site_header.py`` keeps that template and compares the two for each
kind of person, in kk, ru and en.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info, gettext

from portal.core.markup import csrf_input, escape
from portal.core.templatetags.links import fixed_url
from portal.notifications.outbox import unread_count

register = template.Library()


def _link(name: str, label: str) -> str:
    return (
        f'<li class="nav-item"><a class="nav-link text-white" href="{escape(fixed_url(name))}">'
        f"{escape(label)}</a></li>"
    )


@register.simple_tag(takes_context=True)
def site_header(context: Any) -> SafeString:
    """The ``<header>``: the portal's name, the menu (the public links, a professional's or a
    staff member's own, the languages, the person's links or the visitor's) and the count of
    unread notifications."""
    request = context.get("request")
    user = context.get("user")
    signed_in = bool(user is not None and user.is_authenticated)
    unread = unread_count(user) if signed_in else 0
    badge = ""
    if unread:
        badge = (
            f' <span class="badge text-bg-light">{escape(unread)}<span class="visually-hidden"> '
            f"{escape(gettext('unread'))}</span></span>"
        )
    csrf = csrf_input(context) if signed_in else ""
    links = [
        _link("portal:home", gettext("Home")),
        _link("professions:list", gettext("Professions")),
        _link("professions:eligibility", gettext("Eligibility check")),
    ]
    if signed_in and user.kind == "applicant" and not user.is_staff:
        links.append(_link("stays:history", gettext("My stays")))
        links.append(_link("verification:documents", gettext("My documents")))
    if signed_in and user.is_staff:
        links.append(_link("admin:index", gettext("Administration")))
    current = get_language()
    buttons = []
    for code, _name in settings.LANGUAGES:
        chosen = code == current
        style = "btn-light" if chosen else "btn-outline-light"
        marked = ' aria-current="true"' if chosen else ""
        buttons.append(
            f'<button type="submit" name="language" value="{escape(code)}" lang="{escape(code)}" '
            f'class="btn btn-sm {style}"{marked}>'
            f"{escape(capfirst(get_language_info(code)['name_local']))}</button>"
        )
    if signed_in:
        own = [
            _link("portal:dashboard", gettext("My dashboard")),
            f'<li class="nav-item"><a class="nav-link text-white" '
            f'href="{escape(fixed_url("portal:inbox"))}">{escape(gettext("Inbox"))}{badge}</a></li>',
            _link("portal:profile", user.get_short_name()),
            f'<li class="nav-item"><form action="{escape(fixed_url("logout"))}" '
            f'method="post">{csrf}'
            f'<button type="submit" class="btn btn-link nav-link text-white">'
            f"{escape(gettext('Log out'))}</button></form></li>",
        ]
    else:
        own = [_link("login", gettext("Log in")), _link("portal:signup", gettext("Sign up"))]
    path = request.get_full_path() if request is not None else ""
    return mark_safe(  # noqa: S308 (every value escaped above)
        "<header>"
        '<nav class="navbar navbar-dark bg-primary" '
        f'aria-label="{escape(gettext("Main navigation"))}">'
        '<div class="container">'
        f'<a class="navbar-brand" href="{escape(fixed_url("portal:home"))}">'
        f"{escape(gettext('Foreign specialist portal'))}</a>"
        '<details class="nav-menu">'
        f'<summary class="btn btn-outline-light">{escape(gettext("Menu"))}{badge}</summary>'
        '<div class="nav-menu-body">'
        f'<ul class="navbar-nav me-lg-auto">{"".join(links)}</ul>'
        f'<form class="nav-languages" action="{escape(fixed_url("portal:set_language"))}" '
        f'method="{"post" if signed_in else "get"}">{csrf}'
        f'<input type="hidden" name="next" value="{escape(path)}">{"".join(buttons)}</form>'
        f'<ul class="navbar-nav">{"".join(own)}</ul>'
        "</div></details></div></nav></header>"
    )
