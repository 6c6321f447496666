"""The data migrations: the list in force at launch, and the staff groups' permissions."""

import datetime

import pytest
from django.contrib.auth.models import Group

from portal.accounts.roles import CATALOGUE_EDITORS, REVIEWERS
from professions.models import Profession, Sphere

pytestmark = pytest.mark.django_db


def test_it_seeds_the_list_of_order_49():
    seeded = Profession.objects.filter(added_order_number="49")
    assert seeded.count() == 21
    assert all(p.is_listed for p in seeded)
    assert {p.added_order_date for p in seeded} == {datetime.date(2023, 2, 20)}


def test_it_seeds_professions_in_science_healthcare_industry_and_it():
    spheres = set(Profession.objects.listed().values_list("sphere__slug", flat=True))
    assert {"science", "healthcare", "industry", "it"} <= spheres


def test_it_seeds_every_title_and_sphere_in_three_languages():
    for profession in Profession.objects.all():
        assert profession.title_en and profession.title_ru and profession.title_kk
        assert profession.description_en and profession.description_ru
        assert profession.description_kk
    for sphere in Sphere.objects.all():
        assert sphere.name_en and sphere.name_ru and sphere.name_kk


def test_it_seeds_codes_of_the_classifier():
    for profession in Profession.objects.all():
        profession.full_clean()


def _codenames(group_name):
    return set(Group.objects.get(name=group_name).permissions.values_list("codename", flat=True))


def test_it_lets_catalogue_editors_keep_the_catalogue_but_not_delete_it():
    codenames = _codenames(CATALOGUE_EDITORS)
    for model in ("profession", "sphere"):
        assert {f"view_{model}", f"add_{model}", f"change_{model}"} <= codenames
        assert f"delete_{model}" not in codenames


def test_it_lets_reviewers_only_read_the_catalogue():
    codenames = {c for c in _codenames(REVIEWERS) if c.endswith(("_profession", "_sphere"))}
    assert codenames == {"view_profession", "view_sphere"}
