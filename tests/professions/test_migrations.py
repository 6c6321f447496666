"""The data migrations: the list in force at launch, and the staff groups' permissions."""

import datetime
import json
import re
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse

from permits.states import Status
from portal.accounts.roles import CATALOGUE_EDITORS, REVIEWERS
from professions.models import Profession, Sphere
from tests.permits.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

# The order as reported (a copy of shared/data/order_49_professions.json, in the repository).
ORDER_49 = json.loads((Path(__file__).parent / "data" / "order_49_professions.json").read_text())
CORRECTION = import_module("professions.migrations.0006_order_49_as_reported")
SEED = import_module("professions.migrations.0002_seed_catalogue")
CYRILLIC = re.compile(r"^[^A-Za-z]*[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі][^A-Za-z]*$")


def test_it_seeds_the_list_of_order_49():
    seeded = Profession.objects.filter(added_order_number="49")
    assert seeded.count() == 21
    assert all(p.is_listed for p in seeded)
    assert {p.added_order_date for p in seeded} == {datetime.date(2023, 2, 20)}


def test_the_list_is_the_one_reported():
    seeded = Profession.objects.filter(added_order_number="49", is_listed=True)
    assert sorted(seeded.values_list("title_en", flat=True)) == sorted(ORDER_49["titles_en"])
    assert Profession.objects.listed().count() == ORDER_49["count"] == 21


def test_every_title_of_the_order_is_in_kazakh_and_russian_letters():
    for p in Profession.objects.filter(added_order_number="49"):
        for title in (p.title_kk, p.title_ru, p.description_kk, p.description_ru):
            assert CYRILLIC.match(title.replace("GMP", "")), (p.code, title)
        assert re.search("[ӘәҒғҚқҢңӨөҰұҮүҺһІі]", p.description_kk), (p.code, "not Kazakh")


def _guessed(code, title, title_ru, title_kk):
    """A profession as migration 0002 seeded it: under Order No. 49, which does not list it."""
    sphere, _ = Sphere.objects.get_or_create(
        slug="engineering",
        defaults={"name_en": "Engineering", "name_ru": "Инженерия", "name_kk": "Инженерия"},
    )
    return Profession.objects.create(
        code=code,
        title=title,
        title_en=title,
        title_ru=title_ru,
        title_kk=title_kk,
        sphere=sphere,
        min_education="higher",
        added_order_number="49",
        added_order_date=datetime.date(2023, 2, 20),
    )


def test_the_correction_keeps_the_guesses_applications_were_filed_with(client):
    """An existing database, as 0002 left it: the correction (0006) run again over it."""
    guessed_codes = set(CORRECTION.GUESSED)
    assert guessed_codes <= {row[0] for row in SEED.PROFESSIONS}
    assert len(guessed_codes) == 19
    cardiologist = _guessed("2212-1-001", "Cardiologist", "Врач-кардиолог", "Кардиолог дәрігер")
    _guessed(
        "2151-1-001", "Power engineer", "Инженер-энергетик", "Энергетик инженер"
    )  # nothing points at it
    application = ApplicationFactory(profession=cardiologist, status=Status.SUBMITTED)

    CORRECTION.correct(apps, None)

    cardiologist.refresh_from_db()
    assert not cardiologist.is_listed
    assert (cardiologist.added_order_number, cardiologist.added_order_date) == ("", None)
    cardiologist.full_clean()  # never on a list: no withdrawal order to give
    assert not Profession.objects.filter(code="2151-1-001").exists()
    assert not Sphere.objects.filter(slug="engineering", professions=None).exists()
    application.refresh_from_db()
    assert application.profession == cardiologist
    assert application.route_for_profession() == "standard"
    assert Profession.objects.listed().count() == 21
    CORRECTION.correct(apps, None)  # run twice: nothing more changes
    assert Profession.objects.listed().count() == 21
    assert Profession.objects.filter(code="2212-1-001").exists()

    # Shown as not on the list to the applicant, and on the profession's own page.
    client.force_login(application.applicant)
    page = client.get(reverse("permits:detail", args=[application.pk])).content.decode()
    assert "Cardiologist (not on the list)" in page
    detail = client.get(reverse("professions:detail", args=[cardiologist.pk])).content.decode()
    assert "is not on the list of in-demand professions" in detail
    assert "Withdrawn from the list by" not in detail


def test_the_correction_leaves_a_guess_staff_listed_by_another_order():
    relisted = _guessed("2511-1-001", "Systems analyst", "Системный аналитик", "Жүйелік талдаушы")
    relisted.added_order_number = "51"
    relisted.save()
    CORRECTION.correct(apps, None)
    relisted.refresh_from_db()
    assert relisted.is_listed and relisted.added_order_number == "51"


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
