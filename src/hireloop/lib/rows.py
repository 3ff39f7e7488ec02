"""Model instances from hand-written SQL, for the few queries every request runs.

Building a query through the ORM costs 150-450 us; the query itself 10-20 us on SQLite. The
session, the signed-in user, their memberships and API tokens are read on every request, so
they are read with fixed SQL instead, and turned into instances exactly as the ORM would:
the same columns, the same value converters (e.g. SQLite's datetimes become aware ones).
The access checks, which run a query with joins on every page, keep the SQL the ORM built once
(``PreparedQuery``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Field, Model, QuerySet
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]

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


# Stand-ins for the values of a prepared query: integers within every backend's integer range
# (Django turns an out-of-range lookup into "no rows" before any SQL exists), unlikely to be a
# constant the query itself compares with.
_PLACEHOLDER_BASE = 1_999_990_000


@dataclass(frozen=True)
class _Plan:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str], ...]  # (position in params, value name)
    model: Any  # the queryset's model: the type parameter of the PreparedQuery holding it
    init_list: list[str]
    columns: slice
    converters: list[tuple[int, list[Converter], Any]]
    populators: list[Any]
    annotations: dict[str, int]


class PreparedQuery(Generic[M]):
    """A queryset built and compiled once per shape, then run again with other values.

    The ORM spends 1-5 ms building and compiling a query with joins (select_related) and
    visibility subqueries; running it takes a tenth of that. The access checks run such a query
    on every page, always with the same shape and only different ids, so the SQL is kept.

    ``build(**placeholders)`` must return the queryset for a shape; ``shape`` names everything
    that changes its SQL besides the values (a member's kind, the relations loaded...). The
    values are integers used only in comparisons, so they reach the SQL unchanged (``_plan``
    refuses a shape where one did not); a shape may leave some of them unused.
    """

    def __init__(self, build: Callable[..., QuerySet[M]]) -> None:
        self.build = build
        self._plans: dict[tuple[Any, ...], _Plan] = {}

    def first(self, shape: tuple[Any, ...], **values: int) -> M | None:
        """The first row (the query is expected to return at most one), or None."""
        alias = DEFAULT_DB_ALIAS
        key = (connections[alias].vendor, shape, tuple(sorted(values)))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._plan(shape, sorted(values), alias)
        params = list(plan.params)
        for position, name in plan.slots:
            params[position] = values[name]
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            found = cursor.fetchone()
        if found is None:
            return None
        row = list(found)
        for position, converters, expression in plan.converters:
            value = row[position]
            for convert in converters:
                value = convert(value, expression, connection)
            row[position] = value
        obj = plan.model.from_db(alias, plan.init_list, row[plan.columns])
        for populator in plan.populators:
            populator.populate(row, obj)
        for name, position in plan.annotations.items():
            setattr(obj, name, row[position])
        return obj

    def _plan(self, shape: tuple[Any, ...], names: list[str], alias: str) -> _Plan:
        placeholders = {name: _PLACEHOLDER_BASE + n for n, name in enumerate(names)}
        queryset = self.build(*shape, **placeholders).order_by()[:1]
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        by_value = {value: name for name, value in placeholders.items()}
        slots = tuple((i, by_value[p]) for i, p in enumerate(params) if p in by_value)
        # A value the shape does not use is fine; one the ORM transformed (wrapped in a LIKE
        # pattern, cast to text...) would be left out of every later run, so it must fail here.
        slotted = {i for i, _ in slots}
        for i, param in enumerate(params):
            if i in slotted and type(param) is int:
                continue
            if any(str(value) in str(param) for value in placeholders.values()):
                raise ValueError(f"a value does not reach the SQL unchanged: {param!r}")
        klass_info = compiler.klass_info
        select = compiler.select
        fields = klass_info["select_fields"]
        converters = compiler.get_converters([s[0] for s in select[: compiler.col_count]])
        return _Plan(
            sql=sql,
            params=tuple(params),
            slots=slots,
            model=klass_info["model"],
            init_list=[s[0].target.attname for s in select[fields[0] : fields[-1] + 1]],
            columns=slice(fields[0], fields[-1] + 1),
            converters=[(pos, convs, expr) for pos, (convs, expr) in converters.items()],
            populators=get_related_populators(klass_info, select, alias),
            annotations=dict(compiler.annotation_col_map or {}),
        )
