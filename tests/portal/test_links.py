"""``portal.core.links.url_pattern`` gives the address ``reverse`` gives, for any key."""

import pytest
from django.urls import reverse

from portal.core.links import url_pattern


@pytest.mark.parametrize("name", ["stays:person", "stays:edit", "portal:sponsorship_end"])
def test_it_gives_what_reverse_gives(name):
    address = url_pattern(name)
    for pk in (1, 7, 98765432, 987654321, 9876543210):
        assert address(pk) == reverse(name, args=[pk])


def test_the_row_url_tag_gives_what_the_url_tag_gives():
    from django.template import Context, Template

    rows = [1, 7, 98765432]
    ours = Template(
        "{% load links %}{% for pk in rows %}{% row_url 'professions:detail' pk %} "
        "{% row_url 'stays:edit' pk %};{% endfor %}"
    ).render(Context({"rows": rows}))
    django = Template(
        "{% for pk in rows %}{% url 'professions:detail' pk %} "
        "{% url 'stays:edit' pk %};{% endfor %}"
    ).render(Context({"rows": rows}))
    assert ours == django
    assert ours.count("/professions/") == 3


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_fixed_url_tag_gives_what_the_url_tag_gives(language):
    from django.template import Context, Template
    from django.urls import set_script_prefix
    from django.utils import translation

    names = ["portal:home", "portal:inbox", "login", "professions:eligibility", "admin:index"]
    ours = Template("{% load links %}" + "".join(f"{{% fixed_url '{n}' %}} " for n in names))
    django = Template("".join(f"{{% url '{n}' %}} " for n in names))
    with translation.override(language):
        for prefix in ("/", "/portal/", "/"):  # a site served under a prefix, and back
            set_script_prefix(prefix)
            try:
                assert ours.render(Context()) == django.render(Context())
            finally:
                set_script_prefix("/")
    set_script_prefix("/portal/")
    try:
        assert "/portal/" in ours.render(Context())
    finally:
        set_script_prefix("/")


def test_the_fixed_url_tag_follows_a_changed_url_configuration(settings):
    from django.template import Context, Template

    page = Template("{% load links %}{% fixed_url 'portal:inbox' %}")
    before = page.render(Context())
    assert before == reverse("portal:inbox")
    settings.ROOT_URLCONF = "tests.portal.moved_urls"
    assert page.render(Context()) == "/moved" + before == reverse("portal:inbox")
