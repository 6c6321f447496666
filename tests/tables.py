"""Every row of every table, to show that something changed nothing."""

from __future__ import annotations

from typing import Any

from django.apps import apps


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of every installed model (many-to-many tables included), every
    column, in primary-key order."""
    state: dict[str, list[tuple[Any, ...]]] = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy:
            continue  # the same table as its concrete model
        state[model._meta.db_table] = list(model._base_manager.order_by("pk").values_list())
    return state


def changed_tables(before: dict[str, list], after: dict[str, list]) -> list[str]:
    return sorted(table for table in before if before[table] != after[table])
