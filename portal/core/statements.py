"""Fixed statements for the few reads that every signed-in request makes, and for the reads of
the busiest pages that the ORM cost more to build than to run.

Building a query through the ORM (the lookups, the joins, the compiler) costs several times
running a small query on an index: measured in one process on the benchmark's database,
about 0.5 ms against 0.12 ms for reading one user. For the reads made on every request (the
session, the person with an employer's organisation, the unread count, a staff member's
permissions) that difference is a tenth of a page, so these few are written once as SQL; so are
the employer dashboard's (its staff table, the open arrival registrations, the invitations,
requests and colleagues waiting) and the permit rules. Each has a test that holds it to the ORM
query it replaces. ``loaded`` makes model instances of a statement's rows as the ORM would.
The names in them come from the models' own metadata, quoted by the database's backend, so a
renamed column or table follows; the values are always parameters. Everything else goes through
the ORM.

    UNREAD = Statement(
        "SELECT COUNT(*) FROM {n} WHERE {n.recipient} = %s AND {n.read_at} IS NULL",
        n=Notification,
    )
    UNREAD.one([user.pk])  # -> (3,)

``{n}`` is the model's table, ``{n.recipient}`` the column of its field ``recipient`` (with the
table's name, so that a statement can join tables). A table joined twice is named by an alias:
with ``latest=Alias(Application, "latest")``, ``{latest}`` is the table with its alias (for
``FROM`` and ``JOIN``) and ``{latest.status}`` the column with the alias.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from django.db import connections, models, router
from django.db.models.sql import Query

M = TypeVar("M", bound=models.Model)


class Alias:
    """A model's table under another name in a statement (a table joined twice)."""

    def __init__(self, model: type[models.Model], name: str) -> None:
        self.model = model
        self.name = name


class _Names:
    """A model's table (``str``) and its fields' columns (attributes, with the table), quoted."""

    def __init__(self, model: type[models.Model] | Alias, quote: Any) -> None:
        if isinstance(model, Alias):
            prefix = quote(model.name)
            self._table = f"{quote(model.model._meta.db_table)} {prefix}"
            model = model.model
        else:
            prefix = self._table = quote(model._meta.db_table)
        self.__dict__.update(
            {f.name: f"{prefix}.{quote(f.column)}" for f in model._meta.concrete_fields}
        )

    def __str__(self) -> str:
        return self._table

    def __getattr__(self, name: str) -> str:  # only for names that are not fields
        raise AttributeError(f"{self._table} has no field {name!r}")


class Statement:
    """``sql`` with the tables and columns of ``models`` (named as in ``sql``) filled in for the
    database the first of them is read from, once per kind of database."""

    def __init__(self, sql: str, **models: type[models.Model] | Alias) -> None:
        self.sql = sql
        self.models = models
        first = next(iter(models.values()))
        self._routed = first.model if isinstance(first, Alias) else first
        self._compiled: dict[str, str] = {}

    def text(self, connection: Any) -> str:
        text = self._compiled.get(connection.vendor)
        if text is None:
            quote = connection.ops.quote_name
            names = {key: _Names(model, quote) for key, model in self.models.items()}
            text = self._compiled[connection.vendor] = self.sql.format(**names)
        return text

    def connection(self) -> Any:
        return connections[router.db_for_read(self._routed)]

    def one(self, params: Sequence[Any]) -> tuple[Any, ...] | None:
        """The first row (None without one)."""
        connection = self.connection()
        with connection.cursor() as cursor:
            cursor.execute(self.text(connection), params)
            return cursor.fetchone()

    def all(self, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        connection = self.connection()
        with connection.cursor() as cursor:
            cursor.execute(self.text(connection), params)
            return cursor.fetchall()


# Per connection, model and fields, the ORM's converters of the columns (SQLite's moments and
# booleans, for instance).
_CONVERTERS: WeakKeyDictionary[Any, dict[tuple[Any, ...], list[tuple[int, Any]]]] = (
    WeakKeyDictionary()
)


def loaded(
    connection: Any, model: type[M], row: Sequence[Any], fields: Sequence[str] | None = None
) -> M:
    """``row`` (the values of ``fields``, ``model``'s concrete fields' attnames in their order,
    all of them by default) made into an instance as the ORM makes one from a query, the other
    fields deferred: the same conversions, without a raw query set's machinery."""
    names = tuple(fields or (f.attname for f in model._meta.concrete_fields))
    by_key = _CONVERTERS.get(connection)
    if by_key is None:
        by_key = _CONVERTERS[connection] = {}
    converters = by_key.get((model, names))
    if converters is None:
        order = [f.attname for f in model._meta.concrete_fields]
        if [n for n in order if n in names] != list(names):
            raise ValueError(f"{names} are not fields of {model.__name__} in their order")
        compiler = Query(model).get_compiler(connection=connection)
        columns = [
            model._meta.get_field(_field_name(model, n)).get_col(model._meta.db_table)
            for n in names
        ]
        converters = by_key[(model, names)] = list(compiler.get_converters(columns).items())
    values = list(row)
    for position, (functions, expression) in converters:
        value = values[position]
        for convert in functions:
            value = convert(value, expression, connection)
        values[position] = value
    return model.from_db(connection.alias, names, values)


def _field_name(model: type[models.Model], attname: str) -> str:
    return next(f.name for f in model._meta.concrete_fields if f.attname == attname)
