"""professions/access.py: the one place where the catalogue decides who may change it."""

import pytest
from django.contrib.auth.models import AnonymousUser

from professions import access

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "change_listing", "import_", "export"),
    [
        ("catalogue_editor", True, True, True),
        ("reviewer", False, False, True),
        ("applicant", False, False, False),
        ("employer_user", False, False, False),
    ],
)
def test_it_decides_per_role(request, who, change_listing, import_, export):
    user = request.getfixturevalue(who)
    assert access.can_change_listing(user) is change_listing
    assert access.can_import(user) is import_
    assert access.can_export(user) is export


def test_it_gives_anonymous_visitors_nothing():
    user = AnonymousUser()
    assert not access.can_change_listing(user)
    assert not access.can_import(user)
    assert not access.can_export(user)


def test_it_gives_a_deactivated_editor_nothing(catalogue_editor):
    catalogue_editor.is_active = False
    assert not access.can_change_listing(catalogue_editor)
    assert not access.can_import(catalogue_editor)
