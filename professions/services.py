"""Changes to the list (withdraw, reinstate) and the facts public pages need about a route."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from permits.models import DocumentType

from .models import Profession


@transaction.atomic
def professions_withdraw(
    *, professions: Iterable[Profession], order_number: str, order_date: datetime.date
) -> list[Profession]:
    """Take the listed ones among ``professions`` off the list by the given order.

    Nothing is deleted: applications filed with a withdrawn profession keep it. Professions
    already withdrawn are left as they are. Returns the professions that changed.
    """
    changed = []
    pks = [p.pk for p in professions]
    for profession in Profession.objects.select_for_update().filter(pk__in=pks, is_listed=True):
        profession.is_listed = False
        profession.withdrawn_order_number = order_number
        profession.withdrawn_order_date = order_date
        profession.save(
            update_fields=[
                "is_listed",
                "withdrawn_order_number",
                "withdrawn_order_date",
                "updated_at",
            ]
        )
        changed.append(profession)
    return changed


@transaction.atomic
def professions_reinstate(
    *, professions: Iterable[Profession], order_number: str, order_date: datetime.date
) -> list[Profession]:
    """Put the withdrawn ones among ``professions`` back on the list by the given order.

    The reinstating order becomes the order that added the profession, and the withdrawal is
    cleared (the admin's history keeps the earlier orders). Returns the professions that changed.
    """
    changed = []
    pks = [p.pk for p in professions]
    for profession in Profession.objects.select_for_update().filter(pk__in=pks, is_listed=False):
        profession.is_listed = True
        profession.added_order_number = order_number
        profession.added_order_date = order_date
        profession.withdrawn_order_number = ""
        profession.withdrawn_order_date = None
        profession.save(
            update_fields=[
                "is_listed",
                "added_order_number",
                "added_order_date",
                "withdrawn_order_number",
                "withdrawn_order_date",
                "updated_at",
            ]
        )
        changed.append(profession)
    return changed


def route_documents(route: str) -> list[DocumentType]:
    """The active document types the route ("facilitated" or "standard") asks for, in order."""
    return list(DocumentType.objects.for_route(route))


def routes_documents(routes: list[str]) -> dict[str, list[DocumentType]]:
    """``route_documents`` of each of ``routes``, in one query."""
    return DocumentType.objects.by_route(routes)


OPEN_DATA_FIELDS = [
    "code",
    "title_kk",
    "title_ru",
    "title_en",
    "sphere",
    "min_education",
    "min_experience_years",
    "added_order_number",
    "added_order_date",
]


def open_data_rows() -> list[dict[str, Any]]:
    """The current list as plain rows for the CSV and JSON open-data files."""
    rows = []
    for p in Profession.objects.listed().select_related("sphere").order_by("code"):
        rows.append(
            {
                "code": p.code,
                "title_kk": p.title_kk or "",
                "title_ru": p.title_ru or "",
                "title_en": p.title_en or "",
                "sphere": p.sphere.slug,
                "min_education": p.min_education,
                "min_experience_years": p.min_experience_years,
                "added_order_number": p.added_order_number,
                "added_order_date": p.added_order_date.isoformat() if p.added_order_date else "",
            }
        )
    return rows
