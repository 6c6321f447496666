"""The seeded document types name the residence permit with the portal's term (migration
0010): the seeded text is corrected, a description staff have edited is left as it is, and the
reverse puts back the seeded text."""

import importlib

import pytest
from django.apps import apps

from permits.models import DocumentType

pytestmark = pytest.mark.django_db

migration = importlib.import_module("permits.migrations.0010_document_type_permit_term")


def test_a_fresh_install_reads_the_portal_term():
    form = DocumentType.objects.get(code="application-form")
    assert form.description_kk == "Тұруға ықтиярхат алуға қол қойылған өтініш-сауалнама."
    assert form.description_ru == "Подписанное заявление на разрешение на проживание."
    qualification = DocumentType.objects.get(code="qualification")
    assert qualification.description_kk.startswith("Өтінімде көрсетілген")


def test_the_reverse_restores_the_seeded_text_and_an_edited_text_stays():
    DocumentType.objects.filter(code="qualification").update(description_kk="Staff wrote this.")
    migration.restore(apps, None)
    form = DocumentType.objects.get(code="application-form")
    assert form.description_kk == "Тұрақты тұруға рұқсат алуға қол қойылған өтініш."
    assert form.description_ru == "Подписанное заявление на разрешение на постоянное проживание."
    migration.correct(apps, None)
    form.refresh_from_db()
    assert form.description_kk == "Тұруға ықтиярхат алуға қол қойылған өтініш-сауалнама."
    qualification = DocumentType.objects.get(code="qualification")
    assert qualification.description_kk == "Staff wrote this."
