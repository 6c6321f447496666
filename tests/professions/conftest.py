"""Fixtures for the catalogue tests."""

from __future__ import annotations

import pytest

from permits.models import DocumentType

from .factories import ProfessionFactory, SphereFactory


@pytest.fixture
def sphere(db):
    return SphereFactory(slug="testing", name_en="Testing", name_ru="Испытания", name_kk="Сынақ")


@pytest.fixture
def profession(sphere):
    return ProfessionFactory(
        code="9999-1-001",
        title_en="Quantum cartographer",
        title_ru="Квантовый картограф",
        title_kk="Кванттық картограф",
        sphere=sphere,
    )


@pytest.fixture
def withdrawn_profession(sphere):
    return ProfessionFactory(
        code="9999-1-002",
        title_en="Telegraph operator",
        title_ru="Телеграфист",
        title_kk="Телеграфшы",
        sphere=sphere,
        withdrawn=True,
    )


@pytest.fixture
def document_types(db):
    """One document for both routes, one only for the standard route (solvency)."""
    both = DocumentType.objects.create(
        code="test-zebra-passport",
        name_en="Zebra passport",
        required_facilitated=True,
        required_standard=True,
        position=0,
    )
    standard_only = DocumentType.objects.create(
        code="test-zebra-solvency",
        name_en="Zebra solvency statement",
        required_facilitated=False,
        required_standard=True,
        position=1,
    )
    return both, standard_only
