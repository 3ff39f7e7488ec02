"""Model instances from hand-written SQL, for the few queries every request runs.

Building a query through the ORM costs 150-450 us; the query itself 10-20 us on SQLite. The
session, the signed-in user, their memberships and API tokens are read on every request, so
they are read with fixed SQL instead, and turned into instances exactly as the ORM would:
the same columns, the same value converters (e.g. SQLite's datetimes become aware ones).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db import connection
from django.db.models import Field, Model, QuerySet

M = TypeVar("M", bound=Model)
Converter = Callable[[Any, Any, Any], Any]


class RowReader(Generic[M]):
    """Selects every concrete column of ``model`` and builds instances from those values."""

    def __init__(self, model: type[M]) -> None:
        self.model = model
        self.fields: list[Field[Any, Any]] = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self.width = len(self.fields)
        self._converters: list[tuple[int, list[Converter], Any]] | None = None

    def columns(self, alias: str) -> str:
        """The SELECT list for this model's table, aliased as ``alias`` in the query."""
        quote = connection.ops.quote_name
        return ", ".join(f"{alias}.{quote(f.column)}" for f in self.fields)

    def _conversions(self) -> list[tuple[int, list[Converter], Any]]:
        # The ORM's own per-column converters (see SQLCompiler.get_converters), found once.
        if self._converters is None:
            found = []
            for index, field in enumerate(self.fields):
                column = field.get_col(self.model._meta.db_table)
                converters = [
                    *connection.ops.get_db_converters(column),
                    *column.get_db_converters(connection),
                ]
                if converters:
                    found.append((index, converters, column))
            self._converters = found
        return self._converters

    def build(self, values: Sequence[Any]) -> M:
        """An instance from this model's ``width`` values, in ``columns()`` order."""
        row = list(values)
        for index, converters, column in self._conversions():
            value = row[index]
            for convert in converters:
                value = convert(value, column, connection)
            row[index] = value
        return self.model.from_db(connection.alias, self.attnames, row)


def unique_row(queryset: QuerySet[M]) -> M | None:
    """The row of a query on a unique key (a primary key), or None: ``first()`` without ordering
    the rows, whose ORDER BY costs ~0.3 ms of query building on every access check."""
    return next(iter(queryset.order_by()[:1]), None)
