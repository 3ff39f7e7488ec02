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
from typing import Any, Generic, TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Field, Model, QuerySet
from django.db.models.query import (  # type: ignore[attr-defined]
    ModelIterable,
    get_related_populators,
)

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
    converters: list[tuple[int, list[Converter], Any]]
    # For a queryset of instances; None for one of values_list() tuples.
    model: Any  # the queryset's model: the type parameter of the PreparedQuery holding it
    init_list: list[str]
    columns: slice
    populators: list[Any]
    annotations: dict[str, int]


class PreparedQuery(Generic[M]):
    """A queryset built and compiled once per shape, then run again with other values.

    The ORM spends 1-5 ms building and compiling a query with joins (select_related) and
    visibility subqueries; running it takes a tenth of that. The access checks and the board
    run such queries on every page, always with the same shape and only different ids, so the
    SQL is kept.

    ``build(*shape, **placeholders)`` must return the queryset for a shape; ``shape`` names
    everything that changes its SQL besides the values (a member's kind, the relations
    loaded...). The values are integers used only in comparisons, so they reach the SQL
    unchanged (``_plan`` refuses a shape where one did not); a shape may leave some unused.
    """

    def __init__(self, build: Callable[..., QuerySet[Any]]) -> None:
        self.build = build
        self._plans: dict[tuple[Any, ...], _Plan] = {}

    def first(self, shape: tuple[Any, ...], **values: int) -> M | None:
        """The instance of the first row (the query is expected to return at most one)."""
        plan = self._plan_for("first", shape, values)
        found = self._execute(plan, values, many=False)
        if not found:
            return None
        row = found[0]
        obj = plan.model.from_db(DEFAULT_DB_ALIAS, plan.init_list, row[plan.columns])
        for populator in plan.populators:
            populator.populate(row, obj)
        for name, position in plan.annotations.items():
            setattr(obj, name, row[position])
        return cast(M, obj)

    def rows(self, shape: tuple[Any, ...], **values: int) -> list[list[Any]]:
        """Every row of a ``values_list()`` queryset, its values converted as by the ORM."""
        return self._execute(self._plan_for("rows", shape, values), values, many=True)

    def _plan_for(self, kind: str, shape: tuple[Any, ...], values: dict[str, int]) -> _Plan:
        key = (connections[DEFAULT_DB_ALIAS].vendor, kind, shape, tuple(sorted(values)))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._plan(kind, shape, sorted(values))
        return plan

    def _execute(self, plan: _Plan, values: dict[str, int], *, many: bool) -> list[list[Any]]:
        params = list(plan.params)
        for position, name in plan.slots:
            params[position] = values[name]
        connection = connections[DEFAULT_DB_ALIAS]
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            if many:
                found = [list(row) for row in cursor.fetchall()]
            else:
                one = cursor.fetchone()
                found = [list(one)] if one is not None else []
        for row in found:
            for position, converters, expression in plan.converters:
                value = row[position]
                for convert in converters:
                    value = convert(value, expression, connection)
                row[position] = value
        return found

    def _plan(self, kind: str, shape: tuple[Any, ...], names: list[str]) -> _Plan:
        placeholders = {name: _PLACEHOLDER_BASE + n for n, name in enumerate(names)}
        queryset = self.build(*shape, **placeholders)
        if kind == "first":
            queryset = queryset.order_by()[:1]
        compiler = queryset.query.get_compiler(using=DEFAULT_DB_ALIAS)
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
        select = compiler.select
        converters = compiler.get_converters([s[0] for s in select[: compiler.col_count]])
        klass_info = compiler.klass_info if kind == "first" else None
        if (kind == "first") != (queryset._iterable_class is ModelIterable):
            raise ValueError("first() reads instances, rows() a values_list() queryset")
        instance = _instance_parts(klass_info, select) if klass_info else (None, [], slice(0), [])
        return _Plan(
            sql=sql,
            params=tuple(params),
            slots=slots,
            converters=[(pos, convs, expr) for pos, (convs, expr) in converters.items()],
            model=instance[0],
            init_list=instance[1],
            columns=instance[2],
            populators=instance[3],
            annotations=dict(compiler.annotation_col_map or {}),
        )


def _instance_parts(klass_info: dict[str, Any], select: list[Any]) -> tuple[Any, ...]:
    """What turns a row into the instance and its select_related ones, as the ORM does."""
    fields = klass_info["select_fields"]
    columns = slice(fields[0], fields[-1] + 1)
    init_list = [s[0].target.attname for s in select[columns]]
    populators = get_related_populators(klass_info, select, DEFAULT_DB_ALIAS)
    return klass_info["model"], init_list, columns, populators
