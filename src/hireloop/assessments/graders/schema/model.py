"""One shape for the schema a submission builds, and the two ways of building it.

The DDL is loaded for real - into a throwaway PostgreSQL schema when a server is given, into
an in-memory SQLite database otherwise - and the result is read back from the database's
catalog. Both paths end in the same dataclasses, so the checks never know which one ran.
"""

from __future__ import annotations

import logging
import re
import secrets
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal, TypeVar

import psycopg
import sqlglot
from psycopg import sql as pgsql
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.expressions.datatypes import DType
from sqlglot.optimizer.normalize_identifiers import normalize_identifiers

from ..report import GradingError

SqlDialect = Literal["postgres", "sqlite"]
Action = Literal["load", "skip", "refuse"]


# --------------------------------------------------------------------------- the model


@dataclass
class Column:
    name: str
    type: str  # as the database (or, for SQLite, the DDL) spells it: "numeric(12,2)", "REAL"
    not_null: bool = False
    default: str | None = None
    unique: bool = False  # unique on its own: single-column UNIQUE, unique index or sole PK
    line: int | None = None  # where the DDL declares it
    note: str = ""  # COMMENT ON COLUMN, or a "--" comment on its line: a stated reason


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    on_delete: str = ""


@dataclass(frozen=True)
class Index:
    name: str
    columns: tuple[str, ...]  # column names; an expression keeps its SQL text
    unique: bool = False
    partial: bool = False


@dataclass
class Table:
    name: str
    columns: list[Column] = field(default_factory=list)
    primary_key: tuple[str, ...] = ()
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    # Indexes the candidate created; those behind PRIMARY KEY / UNIQUE constraints are not here.
    indexes: list[Index] = field(default_factory=list)
    uniques: list[tuple[str, ...]] = field(default_factory=list)  # UNIQUE constraints
    checks: list[str] = field(default_factory=list)  # CHECK expressions, as PostgreSQL SQL
    line: int | None = None

    def column(self, name: str) -> Column | None:
        wanted = name.lower()
        return next((c for c in self.columns if c.name.lower() == wanted), None)


@dataclass(frozen=True)
class Domain:
    name: str
    base_type: str
    not_null: bool = False
    checks: tuple[str, ...] = ()  # PostgreSQL SQL, the domain's value is the column "value"


@dataclass
class Schema:
    dialect: SqlDialect  # the dialect of the DDL, and of the type names in Column.type
    backend: SqlDialect  # the database it was loaded into
    tables: list[Table] = field(default_factory=list)
    enums: dict[str, tuple[str, ...]] = field(default_factory=dict)  # lower-case name -> labels
    domains: dict[str, Domain] = field(default_factory=dict)  # lower-case name -> domain


@dataclass
class Statement:
    """One statement of the submission and what the grader decided to do with it."""

    number: int
    line: int
    text: str
    tree: exp.Expression | None
    kind: str  # "table", "index", "type", "domain", "sequence", "alter", "comment"...
    action: Action
    reason: str = ""

    @property
    def label(self) -> str:
        words = " ".join(self.text.split())
        short = words if len(words) <= 60 else words[:57] + "..."
        return f"statement {self.number} (line {self.line}) `{short}`"


@dataclass
class Loaded:
    schema: Schema
    errors: list[str]  # statements the database rejected, each with its line and the reason
    notes: list[str]  # adjustments made on the way that the reviewer should know about
    executed: int
    seconds: float


# ------------------------------------------------------------------------- sqlglot helpers


def _above_warnings(record: logging.LogRecord) -> bool:
    return record.levelno > logging.WARNING


@contextmanager
def quiet_sqlglot() -> Iterator[None]:
    """sqlglot logs a warning for every construct it cannot represent; on a submission those
    are expected, and the grader reports them itself."""
    sqlglot_logger = logging.getLogger("sqlglot")
    sqlglot_logger.addFilter(_above_warnings)
    try:
        yield
    finally:
        sqlglot_logger.removeFilter(_above_warnings)


def parse_expression(text: str, dialect: SqlDialect = "postgres") -> exp.Expression | None:
    """Parses a CHECK or index expression; None when sqlglot cannot read it."""
    with quiet_sqlglot():
        try:
            tree = sqlglot.parse_one(text, read=dialect)
        except (SqlglotError, RecursionError):
            return None
    return tree if isinstance(tree, exp.Expression) else None


def type_sql(data_type: exp.DataType) -> str:
    """The PostgreSQL spelling of a declared type; serial types are integers with a default."""
    serials = {
        exp.DataType.Type.SERIAL: "INT",
        exp.DataType.Type.BIGSERIAL: "BIGINT",
        exp.DataType.Type.SMALLSERIAL: "SMALLINT",
    }
    if data_type.this in serials:
        return serials[data_type.this]
    return data_type.sql("postgres")


def _table_key(table: exp.Expression | None) -> str:
    return table.name.lower() if isinstance(table, exp.Table) else ""


def created_table(tree: exp.Expression | None) -> str:
    """The lower-case name a CREATE TABLE creates, or ""."""
    if isinstance(tree, exp.Create) and isinstance(tree.this, exp.Schema):
        return _table_key(tree.this.this)
    if isinstance(tree, exp.Create) and isinstance(tree.this, exp.Table):
        return _table_key(tree.this)
    return ""


def target_table(tree: exp.Expression | None) -> str:
    """The lower-case table an ALTER TABLE, CREATE INDEX or COMMENT ON works on, or ""."""
    if isinstance(tree, exp.Alter):
        return _table_key(tree.this)
    if isinstance(tree, exp.Create) and isinstance(tree.this, exp.Index):
        return _table_key(tree.this.args.get("table"))
    if isinstance(tree, exp.Comment):
        target = tree.this
        if isinstance(target, exp.Column):
            return target.table.lower()
        return _table_key(target)
    return ""


def _line_of(node: exp.Expression | None, fallback: int) -> int:
    meta = getattr(node, "meta", None) or {}
    line = meta.get("line")
    return line if isinstance(line, int) and line > 0 else fallback


# ------------------------------------------------------------------ what only the DDL knows


@dataclass
class Declared:
    """Facts taken from the DDL text rather than the database: where each table and column is
    declared, the declared types (SQLite keeps none of PostgreSQL's), defaults, comments,
    enum labels and domains (which SQLite has no equivalent of)."""

    table_lines: dict[str, int] = field(default_factory=dict)
    column_lines: dict[tuple[str, str], int] = field(default_factory=dict)
    column_types: dict[tuple[str, str], str] = field(default_factory=dict)
    column_defaults: dict[tuple[str, str], str] = field(default_factory=dict)
    notes: dict[tuple[str, str], str] = field(default_factory=dict)
    enums: dict[str, tuple[str, ...]] = field(default_factory=dict)
    domains: dict[str, Domain] = field(default_factory=dict)


def declared_from(statements: Sequence[Statement], source: str) -> Declared:
    declared = Declared()
    lines = source.splitlines()
    for statement in statements:
        if statement.action == "load":
            _declare(declared, statement, lines)
    return declared


def _declare(declared: Declared, statement: Statement, lines: list[str]) -> None:
    """Record what one loaded statement declares."""
    # Enum types and domains are read from their text: sqlglot keeps domains as raw text.
    if statement.kind == "type":
        labels = enum_labels(statement.text)
        if labels is not None:
            declared.enums[labels[0]] = labels[1]
        return
    if statement.kind == "domain":
        domain = parse_domain(statement.text)
        if domain is not None:
            declared.domains[domain.name.lower()] = domain
        return
    tree = statement.tree
    if tree is None:
        return
    if statement.kind == "table" and created_table(tree):
        _declare_table(declared, tree, statement.line, lines)
    elif statement.kind == "alter" and isinstance(tree, exp.Alter):
        for action in tree.args.get("actions") or []:
            if isinstance(action, exp.ColumnDef):
                _declare_column(declared, target_table(tree), action, statement.line, lines)
    elif statement.kind == "comment" and isinstance(tree, exp.Comment):
        target = tree.this
        if isinstance(target, exp.Column) and isinstance(tree.expression, exp.Literal):
            key = (target.table.lower(), target.name.lower())
            declared.notes[key] = tree.expression.name


def _declare_table(declared: Declared, tree: exp.Expression, line: int, lines: list[str]) -> None:
    table = created_table(tree)
    name_node = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
    declared.table_lines.setdefault(table, _line_of(name_node.this, line))
    if isinstance(tree.this, exp.Schema):
        for column in tree.this.expressions:
            if isinstance(column, exp.ColumnDef):
                _declare_column(declared, table, column, line, lines)


def _declare_column(
    declared: Declared, table: str, column: exp.ColumnDef, fallback: int, lines: list[str]
) -> None:
    key = (table, column.name.lower())
    line = _line_of(column.this, fallback)
    declared.column_lines.setdefault(key, line)
    kind = column.args.get("kind")
    if isinstance(kind, exp.DataType):
        declared.column_types[key] = type_sql(kind)
    for constraint in column.constraints:
        if isinstance(constraint.kind, exp.DefaultColumnConstraint):
            declared.column_defaults[key] = constraint.kind.this.sql("postgres")
    # A "-- kept on purpose: ..." comment on the column's own line is how candidates justify
    # a deliberate denormalisation in plain DDL.
    if 0 < line <= len(lines):
        text = lines[line - 1]
        dashes = text.find("--")
        if dashes > 0 and column.name.lower() in text[:dashes].lower():
            declared.notes.setdefault(key, text[dashes + 2 :].strip())


def enum_labels(text: str) -> tuple[str, tuple[str, ...]] | None:
    """(lower-case name, labels) of a CREATE TYPE ... AS ENUM, else None."""
    tree = parse_expression(text)
    if (
        isinstance(tree, exp.Create)
        and isinstance(tree.expression, exp.DataType)
        and tree.expression.this == exp.DataType.Type.ENUM
    ):
        labels = tuple(e.name for e in tree.expression.expressions if isinstance(e, exp.Literal))
        return _table_key(tree.this), labels
    return None


_DOMAIN = re.compile(r"^\s*CREATE\s+DOMAIN\s+(\"[^\"]+\"|[\w.$]+)\s+(?:AS\s+)?(.*)$", re.I | re.S)


def parse_domain(text: str) -> Domain | None:
    """Reads CREATE DOMAIN, which sqlglot keeps as raw text: the part after the name has the
    grammar of a column definition, so it is parsed as one."""
    match = _DOMAIN.match(text)
    if not match:
        return None
    name = match.group(1).strip('"').split(".")[-1]
    tree = parse_expression(f"CREATE TABLE domain_probe (value {match.group(2)})")
    if not isinstance(tree, exp.Create) or not isinstance(tree.this, exp.Schema):
        return Domain(name=name, base_type="")
    column = tree.this.expressions[0]
    if not isinstance(column, exp.ColumnDef):
        return Domain(name=name, base_type="")
    kind = column.args.get("kind")
    checks = tuple(
        _unwrap(c.kind.this).sql("postgres")
        for c in column.constraints
        if isinstance(c.kind, exp.CheckColumnConstraint)
    )
    not_null = any(isinstance(c.kind, exp.NotNullColumnConstraint) for c in column.constraints)
    return Domain(
        name=name,
        base_type=type_sql(kind) if isinstance(kind, exp.DataType) else "",
        not_null=not_null,
        checks=checks,
    )


# ------------------------------------------------------------------------------ SQLite


def _authorize(action: int, *_: object) -> int:
    # Defence in depth: refused statements never get here, but nothing in a scratch load ever
    # needs another database file or a pragma.
    denied = (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH, sqlite3.SQLITE_PRAGMA)
    return sqlite3.SQLITE_DENY if action in denied else sqlite3.SQLITE_OK


def _stub(*_: object) -> None:
    """Stands in for a function the DDL mentions (regexp, char_length...): nothing is ever
    inserted, so it never runs, but SQLite wants it to exist when a CHECK names it."""


def _compare(a: str, b: str) -> int:
    return (a > b) - (a < b)


_MISSING_FUNCTION = re.compile(r"no such function: ([\w$]+)")
_MISSING_COLLATION = re.compile(r"no such collation sequence: (.+)")


def _execute_sqlite(connection: sqlite3.Connection, text: str) -> None:
    for _ in range(32):
        try:
            connection.execute(text)
            return
        except sqlite3.OperationalError as exc:
            message = str(exc)
            if match := _MISSING_FUNCTION.match(message):
                connection.create_function(match.group(1), -1, _stub, deterministic=True)
            elif match := _MISSING_COLLATION.match(message):
                connection.create_collation(match.group(1).strip('"'), _compare)
            else:
                raise
    connection.execute(text)


def load_sqlite(
    statements: Sequence[Statement],
    dialect: SqlDialect,
    declared: Declared,
    *,
    timeout: float,
) -> Loaded:
    """Loads into a private in-memory SQLite database; PostgreSQL DDL is translated first."""
    started = time.perf_counter()
    deadline = started + timeout
    connection = sqlite3.connect(":memory:", isolation_level=None)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        connection.set_authorizer(_authorize)
        connection.set_progress_handler(lambda: int(time.perf_counter() > deadline), 10_000)
        loadable = [s for s in statements if s.action == "load"]
        if dialect == "sqlite":
            executed, errors, notes, kept_checks = _run_native(connection, loadable)
        else:
            executed, errors, notes, kept_checks = _run_translated(connection, loadable)
        connection.set_authorizer(None)
        connection.set_progress_handler(None, 0)
        tables = _introspect_sqlite(connection, dialect, declared, kept_checks)
    finally:
        connection.close()
    schema = _finish(
        tables,
        declared,
        dialect=dialect,
        backend="sqlite",
        enums=declared.enums,
        domains=declared.domains,
    )
    errors.extend(_dangling_references(schema.tables))
    return Loaded(schema, errors, notes, executed, time.perf_counter() - started)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


_Run = tuple[int, list[str], list[str], dict[str, list[str]]]


def _run_native(connection: sqlite3.Connection, statements: Sequence[Statement]) -> _Run:
    """SQLite DDL runs as written, so SQLite keeps the declared type names verbatim."""
    executed = 0
    errors: list[str] = []
    for statement in statements:
        try:
            _execute_sqlite(connection, statement.text)
            executed += 1
        except sqlite3.Error as exc:
            errors.append(f"{statement.label}: {_first_line(exc)}")
    return executed, errors, [], {}


@dataclass
class _Pending:
    statement: Statement
    tree: exp.Create
    alters: list[Statement] = field(default_factory=list)


def _run_translated(connection: sqlite3.Connection, statements: Sequence[Statement]) -> _Run:
    """PostgreSQL DDL, translated table by table. SQLite cannot ALTER TABLE ... ADD CONSTRAINT,
    so every ALTER is folded into its CREATE TABLE before anything runs."""
    executed = 0
    errors: list[str] = []
    notes: list[str] = []
    kept_checks: dict[str, list[str]] = {}
    pending: dict[str, _Pending] = {}
    indexes: list[Statement] = []
    for statement in statements:
        if statement.kind == "table":
            table = created_table(statement.tree)
            if not table or not isinstance(statement.tree, exp.Create):
                errors.append(
                    f"{statement.label}: sqlglot cannot translate this CREATE TABLE to SQLite; "
                    "grade with a PostgreSQL server for an exact load"
                )
            elif table in pending:
                if not statement.tree.args.get("exists"):
                    errors.append(f"{statement.label}: table {table} is already defined")
            else:
                pending[table] = _Pending(statement, statement.tree)
        elif statement.kind == "alter":
            table = target_table(statement.tree)
            if table in pending:
                pending[table].alters.append(statement)
            else:
                errors.append(f"{statement.label}: table {table} is not created by the script")
        elif statement.kind == "index":
            indexes.append(statement)
        # Types, domains, sequences and comments have no SQLite form; Declared keeps them.

    for item in pending.values():
        executed += _create_translated(connection, item, errors, notes, kept_checks)

    for statement in indexes:
        table = target_table(statement.tree)
        if table not in pending or statement.tree is None:
            errors.append(f"{statement.label}: table {table} is not created by the script")
            continue
        try:
            tree = _for_sqlite(statement.tree)
            if isinstance(tree.this, exp.Index) and not tree.this.name:
                # PostgreSQL names an unnamed index itself; SQLite insists on a name.
                tree.this.set("this", exp.to_identifier(f"{table}_index_{statement.number}"))
            _execute_sqlite(connection, tree.sql("sqlite"))
            executed += 1
        except Exception as exc:  # SQLite's refusal, or sqlglot unable to rewrite it
            errors.append(f"{statement.label}: {_first_line(exc)}")
    return executed, errors, notes, kept_checks


def _create_translated(
    connection: sqlite3.Connection,
    item: _Pending,
    errors: list[str],
    notes: list[str],
    kept_checks: dict[str, list[str]],
) -> int:
    """Creates one translated table and says how many statements that accounts for. When the
    table fails, simpler forms are tried so that one untranslatable detail does not cost the
    whole table."""
    try:
        merged = _for_sqlite(item.tree)
        for alter in item.alters:
            _merge_alter(merged, alter.tree)
        _execute_sqlite(connection, merged.sql("sqlite"))
        return 1 + len(item.alters)
    except Exception as exc:  # SQLite's refusal, or sqlglot unable to rewrite the table
        failure = exc
    if item.alters:
        # Blame the ALTER that broke the table rather than the table.
        with suppress(Exception):
            _execute_sqlite(connection, _for_sqlite(item.tree).sql("sqlite"))
            errors.extend(
                f"{a.label}: cannot be applied: {_first_line(failure)}" for a in item.alters
            )
            return 1
    with suppress(Exception):
        bare = _for_sqlite(item.tree)
        checks = list(bare.find_all(exp.CheckColumnConstraint))
        if checks:
            texts = [_unwrap(c.this).sql("postgres") for c in checks]
            for check in checks:
                _drop_constraint(check)
            _execute_sqlite(connection, bare.sql("sqlite"))
            kept_checks[created_table(item.tree)] = texts
            notes.append(
                f"{item.statement.label}: SQLite cannot express its CHECK constraints; "
                "they were read from the DDL instead"
            )
            return 1
    errors.append(f"{item.statement.label}: {_first_line(failure)}")
    return 0


def _drop_constraint(check: exp.CheckColumnConstraint) -> None:
    holder = check.parent
    if isinstance(holder, exp.ColumnConstraint | exp.Constraint):
        holder.pop()
    else:
        check.pop()


_E = TypeVar("_E", bound=exp.Expression)


def _for_sqlite(tree: _E) -> _E:
    """A copy of a PostgreSQL statement that SQLite accepts. Defaults are dropped and array
    types flattened to TEXT: the model takes both from the DDL anyway."""
    tree = normalize_identifiers(tree.copy(), dialect="postgres")
    for table in tree.find_all(exp.Table):
        table.set("db", None)
        table.set("catalog", None)
    if isinstance(tree, exp.Create):
        tree.set("properties", None)
        tree.set("concurrently", False)
    for constraint in list(tree.find_all(exp.ColumnConstraint)):
        if isinstance(constraint.kind, exp.DefaultColumnConstraint):
            constraint.pop()
    for data_type in list(tree.find_all(exp.DataType)):
        if data_type.args.get("nested") or data_type.this == exp.DataType.Type.ARRAY:
            data_type.replace(exp.DataType.build("TEXT"))
    for opclass in list(tree.find_all(exp.Opclass)):
        opclass.replace(opclass.this)
    for params in tree.find_all(exp.IndexParameters):
        for arg in ("using", "include", "with_storage", "tablespace", "partition_by", "on"):
            params.set(arg, None)
        # Sort order does not change what an index covers, and sqlglot spells PostgreSQL's
        # null ordering as NULLS FIRST/LAST, which SQLite refuses in an index.
        columns = params.args.get("columns") or []
        params.set("columns", [c.this if isinstance(c, exp.Ordered) else c for c in columns])
    return tree


def _merge_alter(create: exp.Create, alter: exp.Expression | None) -> None:
    if not isinstance(alter, exp.Alter) or not isinstance(create.this, exp.Schema):
        return
    schema = create.this
    columns = [e for e in schema.expressions if isinstance(e, exp.ColumnDef)]
    constraints = [e for e in schema.expressions if not isinstance(e, exp.ColumnDef)]
    for action in _for_sqlite(alter).args.get("actions") or []:
        if isinstance(action, exp.ColumnDef):
            columns.append(action)  # SQLite wants every column before the table constraints
        elif isinstance(action, exp.AddConstraint):
            constraints.extend(action.expressions)
        elif isinstance(action, exp.AlterColumn) and action.args.get("allow_null") is False:
            for column in columns:
                if column.name.lower() == action.name.lower():
                    column.append(
                        "constraints", exp.ColumnConstraint(kind=exp.NotNullColumnConstraint())
                    )
    schema.set("expressions", columns + constraints)


def _rows(connection: sqlite3.Connection, query: str, *params: object) -> list[tuple[Any, ...]]:
    return connection.execute(query, params).fetchall()


def _introspect_sqlite(
    connection: sqlite3.Connection,
    dialect: SqlDialect,
    declared: Declared,
    kept_checks: dict[str, list[str]],
) -> list[Table]:
    tables: list[Table] = []
    masters = _rows(
        connection,
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite%' ORDER BY rowid",
    )
    index_rows = _rows(connection, "SELECT name, sql FROM sqlite_master WHERE type = 'index'")
    index_sql = {name: text for name, text in index_rows}
    index_order = {name: position for position, (name, _) in enumerate(index_rows)}
    for name, create_sql in masters:
        key = name.lower()
        table = Table(name=name)
        pk: list[tuple[int, str]] = []
        for _cid, column, declared_type, not_null, default, pk_position in _rows(
            connection, "SELECT * FROM pragma_table_info(?)", name
        ):
            if dialect == "sqlite":
                # Run as written, so SQLite kept the declared type name verbatim.
                column_type, default_text = declared_type or "", default
            else:
                column_key = (key, column.lower())
                column_type = declared.column_types.get(column_key, declared_type or "")
                default_text = declared.column_defaults.get(column_key)
            table.columns.append(Column(column, column_type, bool(not_null), default_text))
            if pk_position:
                pk.append((pk_position, column))
        table.primary_key = tuple(c for _, c in sorted(pk))

        groups: dict[int, list[tuple[int, str, str | None, str, str]]] = {}
        for fk_id, seq, parent, source, target, _update, on_delete, _match in _rows(
            connection, "SELECT * FROM pragma_foreign_key_list(?)", name
        ):
            groups.setdefault(fk_id, []).append((seq, source, target, parent, on_delete))
        for fk_id in sorted(groups):
            parts = sorted(groups[fk_id])
            on_delete = parts[0][4]
            table.foreign_keys.append(
                ForeignKey(
                    columns=tuple(p[1] for p in parts),
                    ref_table=parts[0][3],
                    ref_columns=tuple(p[2] or "" for p in parts),
                    on_delete="" if on_delete == "NO ACTION" else on_delete,
                )
            )

        index_list = _rows(connection, "SELECT * FROM pragma_index_list(?)", name)
        index_list.sort(key=lambda row: index_order.get(row[1], 0))
        for _seq, index, unique, origin, partial in index_list:
            columns = _sqlite_index_columns(connection, index, index_sql.get(index))
            if origin == "pk":
                table.primary_key = table.primary_key or columns
            elif origin == "u":
                table.uniques.append(columns)
            else:
                table.indexes.append(Index(index, columns, bool(unique), bool(partial)))

        table.checks = kept_checks.get(key, []) + _checks_in(create_sql or "")
        tables.append(table)
    _resolve_implicit_references(tables)
    return tables


def _sqlite_index_columns(
    connection: sqlite3.Connection, index: str, create_sql: str | None
) -> tuple[str, ...]:
    parts = _rows(connection, "SELECT seqno, cid, name FROM pragma_index_info(?)", index)
    expressions: list[str] = []
    if create_sql and any(name is None for _, _, name in parts):
        tree = parse_expression(create_sql, "sqlite")
        params = tree.this.args.get("params") if tree and isinstance(tree.this, exp.Index) else None
        for column in params.args.get("columns") or [] if params else []:
            node = column.this if isinstance(column, exp.Ordered) else column
            expressions.append(node.sql("postgres"))
    columns = []
    for seqno, _cid, name in sorted(parts):
        if name is not None:
            columns.append(name)
        else:
            columns.append(expressions[seqno] if seqno < len(expressions) else "<expression>")
    return tuple(columns)


def _checks_in(create_sql: str) -> list[str]:
    if "check" not in create_sql.lower():
        return []
    tree = parse_expression(create_sql, "sqlite")
    if tree is None:
        # WITHOUT ROWID / STRICT tables are beyond sqlglot; their options do not matter here.
        bare = re.sub(
            r"\)\s*(?:(?:WITHOUT\s+ROWID|STRICT)\s*,?\s*)+$", ")", create_sql.strip(), flags=re.I
        )
        tree = parse_expression(bare, "sqlite")
    if tree is None:
        return []
    return [_unwrap(c.this).sql("postgres") for c in tree.find_all(exp.CheckColumnConstraint)]


def _unwrap(node: exp.Expression) -> exp.Expression:
    while isinstance(node, exp.Paren):
        node = node.this
    return node


def _resolve_implicit_references(tables: list[Table]) -> None:
    """REFERENCES users without columns means users' primary key; SQLite leaves it blank."""
    by_name = {t.name.lower(): t for t in tables}
    for table in tables:
        for position, fk in enumerate(table.foreign_keys):
            parent = by_name.get(fk.ref_table.lower())
            if parent is not None:
                ref_columns = fk.ref_columns
                if not all(ref_columns):
                    ref_columns = parent.primary_key
                table.foreign_keys[position] = ForeignKey(
                    fk.columns, parent.name, ref_columns, fk.on_delete
                )


def unique_keys(table: Table) -> list[tuple[str, ...]]:
    """Every column set the table keeps unique: primary key, UNIQUE, full unique indexes."""
    keys = [table.primary_key, *table.uniques]
    keys += [i.columns for i in table.indexes if i.unique and not i.partial]
    return [k for k in keys if k]


def _dangling_references(tables: list[Table]) -> list[str]:
    """SQLite accepts a REFERENCES to a missing table, a missing column or a key that is not
    unique; PostgreSQL refuses all three. Report them the way PostgreSQL would and drop the
    foreign key, so both backends build the same model."""
    errors = []
    by_name = {t.name.lower(): t for t in tables}
    for table in tables:
        kept = []
        for fk in table.foreign_keys:
            column = table.column(fk.columns[0])
            where = f"{table.name}.{fk.columns[0]} (line {column.line if column else table.line})"
            parent = by_name.get(fk.ref_table.lower())
            wanted = {c.lower() for c in fk.ref_columns}
            keys = unique_keys(parent) if parent else []
            if parent is None:
                errors.append(f"{where}: references {fk.ref_table}, which does not exist")
            elif not all(parent.column(c) for c in fk.ref_columns):
                errors.append(f"{where}: references a column {fk.ref_table} does not have")
            elif not any(wanted == {c.lower() for c in key} for key in keys):
                errors.append(
                    f"{where}: references {fk.ref_table}({', '.join(fk.ref_columns)}), "
                    "which is neither its primary key nor unique"
                )
            else:
                kept.append(fk)
        table.foreign_keys = kept
    return errors


# -------------------------------------------------------------------------- PostgreSQL


def _postgres_text(statement: Statement) -> str:
    """The statement as written, unless it names other schemas or asks for CONCURRENTLY: those
    are rewritten so that everything lands in the scratch schema and inside the transaction."""
    tree = statement.tree
    if tree is None or isinstance(tree, exp.Command):
        return statement.text
    qualified = any(t.args.get("db") or t.args.get("catalog") for t in tree.find_all(exp.Table))
    qualified = qualified or any(c.args.get("db") for c in tree.find_all(exp.Column))
    if not qualified and not tree.args.get("concurrently"):
        return statement.text
    tree = tree.copy()
    for table in tree.find_all(exp.Table):
        table.set("db", None)
        table.set("catalog", None)
    for column in tree.find_all(exp.Column):
        column.set("db", None)
        column.set("catalog", None)
    if isinstance(tree, exp.Create):
        tree.set("concurrently", False)
    return tree.sql("postgres")


_CREATE_TABLE = re.compile(
    r'^\s*CREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:[\w"]+\.)?"?([^\s"(]+)',
    re.I,
)


def _created_name(statement: Statement) -> str:
    """The table a loaded CREATE TABLE made; read from the text when sqlglot kept no tree."""
    name = created_table(statement.tree)
    if not name and (match := _CREATE_TABLE.match(statement.text)):
        name = match.group(1).lower()
    return name


def load_postgres(
    statements: Sequence[Statement],
    declared: Declared,
    *,
    database_url: str,
    timeout: float,
) -> Loaded:
    """Loads into a new schema inside one transaction that is always rolled back, so the
    server keeps nothing, whatever the DDL does."""
    started = time.perf_counter()
    scratch = f"hireloop_schemagrade_{secrets.token_hex(6)}"
    try:
        connection = psycopg.connect(
            database_url, connect_timeout=10, application_name="hireloop-schema-grader"
        )
    except psycopg.Error as exc:
        raise GradingError(f"cannot connect to PostgreSQL: {_first_line(exc)}") from exc
    executed, errors = 0, []
    try:
        with connection.cursor() as cursor:
            milliseconds = pgsql.Literal(f"{max(1, int(timeout * 1000))}ms")
            cursor.execute(pgsql.SQL("SET LOCAL statement_timeout = {}").format(milliseconds))
            cursor.execute(pgsql.SQL("SET LOCAL lock_timeout = {}").format(milliseconds))
            # The catalog queries look expensive to the planner, and compiling them with JIT
            # takes far longer than running them.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(pgsql.SQL("CREATE SCHEMA {}").format(pgsql.Identifier(scratch)))
            cursor.execute(
                pgsql.SQL("SET LOCAL search_path TO {}").format(pgsql.Identifier(scratch))
            )
            created: set[str] = set()
            for statement in statements:
                if statement.action != "load":
                    continue
                target = target_table(statement.tree)
                if statement.kind in ("alter", "index", "comment") and target not in created:
                    errors.append(f"{statement.label}: table {target} is not created by the script")
                    continue
                cursor.execute("SAVEPOINT statement")
                try:
                    # prepare=True sends it with the extended protocol, which runs exactly one
                    # statement: nothing hidden after a semicolon can ride along.
                    cursor.execute(_postgres_text(statement).encode(), prepare=True)
                    cursor.execute("RELEASE SAVEPOINT statement")
                    executed += 1
                    if statement.kind == "table":
                        created.add(_created_name(statement))
                except psycopg.Error as exc:
                    if connection.broken:
                        raise GradingError(f"lost the PostgreSQL connection: {exc}") from exc
                    cursor.execute("ROLLBACK TO SAVEPOINT statement")
                    errors.append(f"{statement.label}: {_first_line(exc)}")
            tables, enums, domains = _introspect_postgres(cursor, scratch)
    except psycopg.Error as exc:
        raise GradingError(f"PostgreSQL failed while grading: {_first_line(exc)}") from exc
    finally:
        with suppress(psycopg.Error):
            connection.rollback()
        connection.close()
    schema = _finish(
        tables, declared, dialect="postgres", backend="postgres", enums=enums, domains=domains
    )
    return Loaded(schema, errors, [], executed, time.perf_counter() - started)


_PG_TABLES = """
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %s AND c.relkind IN ('r', 'p') AND NOT c.relispartition
ORDER BY c.oid
"""

_PG_COLUMNS = """
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       CASE WHEN a.attidentity <> '' THEN 'GENERATED AS IDENTITY'
            ELSE pg_get_expr(d.adbin, d.adrelid) END
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = %s AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.oid, a.attnum
"""

_PG_INDEXES = """
SELECT t.relname, i.relname, x.indisunique, x.indisprimary, x.indpred IS NOT NULL,
       EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid
               AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u')),
       ARRAY(SELECT CASE WHEN x.indkey[k - 1] <> 0
                         THEN (SELECT attname FROM pg_attribute
                               WHERE attrelid = x.indrelid AND attnum = x.indkey[k - 1])
                         ELSE pg_get_indexdef(x.indexrelid, k, true) END
             FROM generate_series(1, x.indnkeyatts) AS k ORDER BY k)
FROM pg_index x
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = %s
ORDER BY t.oid, i.oid
"""

_PG_CONSTRAINTS = """
SELECT t.relname, k.contype,
       ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY AS u(num, pos)
             JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.num ORDER BY u.pos),
       f.relname,
       ARRAY(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY AS u(num, pos)
             JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.num ORDER BY u.pos),
       pg_get_constraintdef(k.oid), k.confdeltype
FROM pg_constraint k
JOIN pg_class t ON t.oid = k.conrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
LEFT JOIN pg_class f ON f.oid = k.confrelid
WHERE n.nspname = %s AND k.contype IN ('f', 'c')
ORDER BY t.oid, k.oid
"""

_PG_ENUMS = """
SELECT t.typname, e.enumlabel FROM pg_type t
JOIN pg_enum e ON e.enumtypid = t.oid
JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = %s ORDER BY t.oid, e.enumsortorder
"""

_PG_DOMAINS = """
SELECT t.typname, format_type(t.typbasetype, t.typtypmod), t.typnotnull,
       ARRAY(SELECT pg_get_constraintdef(k.oid) FROM pg_constraint k
             WHERE k.contypid = t.oid AND k.contype = 'c' ORDER BY k.oid)
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = %s AND t.typtype = 'd' ORDER BY t.oid
"""

_ON_DELETE = {"c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT", "r": "RESTRICT"}


def _check_body(definition: str) -> str:
    """ "CHECK ((quantity > 0)) NOT VALID" -> "quantity > 0"."""
    body = re.sub(r"^CHECK\s*", "", definition.strip(), flags=re.I)
    body = re.sub(r"\s+NOT\s+VALID$", "", body, flags=re.I)
    tree = parse_expression(body)
    return _unwrap(tree).sql("postgres") if tree is not None else body


def _introspect_postgres(
    cursor: psycopg.Cursor[Any], scratch: str
) -> tuple[list[Table], dict[str, tuple[str, ...]], dict[str, Domain]]:
    tables = {name: Table(name=name) for (name,) in cursor.execute(_PG_TABLES, (scratch,))}
    for table_name, column, column_type, not_null, default in cursor.execute(
        _PG_COLUMNS, (scratch,)
    ).fetchall():
        table = tables[table_name]
        table.columns.append(Column(column, column_type, not_null, default))
    for table_name, _index, unique, primary, partial, constraint, columns in cursor.execute(
        _PG_INDEXES, (scratch,)
    ).fetchall():
        table = tables[table_name]
        if primary:
            table.primary_key = tuple(columns)
        elif constraint:
            table.uniques.append(tuple(columns))
        else:
            table.indexes.append(Index(_index, tuple(columns), unique, partial))
    for table_name, kind, columns, ref_table, ref_columns, definition, on_delete in cursor.execute(
        _PG_CONSTRAINTS, (scratch,)
    ).fetchall():
        table = tables[table_name]
        if kind == "f":
            table.foreign_keys.append(
                ForeignKey(
                    tuple(columns), ref_table, tuple(ref_columns), _ON_DELETE.get(on_delete, "")
                )
            )
        else:
            table.checks.append(_check_body(definition))
    enums: dict[str, tuple[str, ...]] = {}
    for type_name, label in cursor.execute(_PG_ENUMS, (scratch,)).fetchall():
        enums[type_name.lower()] = (*enums.get(type_name.lower(), ()), label)
    domains = {
        name.lower(): Domain(name, base, not_null, tuple(_check_body(c) for c in checks))
        for name, base, not_null, checks in cursor.execute(_PG_DOMAINS, (scratch,)).fetchall()
    }
    return list(tables.values()), enums, domains


# ------------------------------------------------------------------------------ common


def _finish(
    tables: list[Table],
    declared: Declared,
    *,
    dialect: SqlDialect,
    backend: SqlDialect,
    enums: dict[str, tuple[str, ...]],
    domains: dict[str, Domain],
) -> Schema:
    """Fills in what both backends derive the same way, so that they agree exactly."""
    for table in tables:
        key = table.name.lower()
        table.line = declared.table_lines.get(key)
        primary = {c.lower() for c in table.primary_key}
        singles = {u[0].lower() for u in table.uniques if len(u) == 1}
        singles |= {
            i.columns[0].lower()
            for i in table.indexes
            if i.unique and not i.partial and len(i.columns) == 1
        }
        if len(primary) == 1:
            singles |= primary
        for column in table.columns:
            name = column.name.lower()
            column.line = declared.column_lines.get((key, name), table.line)
            column.note = declared.notes.get((key, name), "")
            domain = domains.get(column.type.lower())
            column.not_null = column.not_null or name in primary or bool(domain and domain.not_null)
            column.unique = name in singles
    return Schema(dialect=dialect, backend=backend, tables=tables, enums=enums, domains=domains)


def iter_columns(schema: Schema) -> Iterable[tuple[Table, Column]]:
    for table in schema.tables:
        for column in table.columns:
            yield table, column


# Families of column types the checks reason about.
TypeFamily = Literal[
    "decimal",
    "integer",
    "float",
    "money",
    "text",
    "timestamptz",
    "timestamp",
    "date",
    "boolean",
    "enum",
    "json",
    "array",
    "none",
    "other",
]

_T = DType
_FAMILIES: dict[TypeFamily, set[DType]] = {
    "decimal": {_T.DECIMAL, _T.BIGDECIMAL, _T.UDECIMAL, _T.DECIMAL32, _T.DECIMAL64, _T.DECIMAL128},
    "integer": {
        _T.INT,
        _T.BIGINT,
        _T.SMALLINT,
        _T.TINYINT,
        _T.MEDIUMINT,
        _T.UINT,
        _T.UBIGINT,
        _T.USMALLINT,
        _T.UTINYINT,
        _T.SERIAL,
        _T.BIGSERIAL,
        _T.SMALLSERIAL,
    },
    "float": {_T.FLOAT, _T.DOUBLE},
    "money": {_T.MONEY, _T.SMALLMONEY},
    "text": {_T.TEXT, _T.VARCHAR, _T.CHAR, _T.NCHAR, _T.NVARCHAR, _T.NAME, _T.BPCHAR},
    "timestamptz": {_T.TIMESTAMPTZ, _T.TIMESTAMPLTZ},
    "timestamp": {_T.TIMESTAMP, _T.DATETIME, _T.TIMESTAMPNTZ, _T.DATETIME2, _T.SMALLDATETIME},
    "date": {_T.DATE},
    "boolean": {_T.BOOLEAN},
    "enum": {_T.ENUM, _T.ENUM8, _T.ENUM16},
    "json": {_T.JSON, _T.JSONB},
    "array": {_T.ARRAY},
}


def _affinity(name: str) -> TypeFamily:
    """SQLite's own rules for a type name it does not know (section 3.1 of its datatype page)."""
    upper = name.upper()
    if not upper:
        return "none"
    if "INT" in upper:
        return "integer"
    if any(word in upper for word in ("CHAR", "CLOB", "TEXT")):
        return "text"
    if any(word in upper for word in ("REAL", "FLOA", "DOUB")):
        return "float"
    if "MONEY" in upper:
        return "money"
    return "other"


def type_family(schema: Schema, type_name: str, _depth: int = 0) -> TypeFamily:
    """What kind of value a column type holds, seeing through enums and domains."""
    name = type_name.strip()
    lowered = name.lower().strip('"')
    if lowered in schema.enums:
        return "enum"
    domain = schema.domains.get(lowered)
    if domain is not None and _depth < 5:
        return type_family(schema, domain.base_type, _depth + 1)
    return _builtin_family(name, schema.dialect)


@lru_cache(maxsize=1024)
def _builtin_family(name: str, dialect: SqlDialect) -> TypeFamily:
    # Cached: the checks ask about the same few type names for every column.
    if not name:
        return "none"
    with quiet_sqlglot():
        try:
            data_type = exp.DataType.build(name, dialect=dialect, udt=True)
        except (SqlglotError, ValueError, RecursionError):
            return _affinity(name) if dialect == "sqlite" else "other"
    for family, members in _FAMILIES.items():
        if data_type.this in members:
            return family
    if data_type.this == _T.USERDEFINED:
        if name.lower() in ("money", "smallmoney"):
            return "money"
        return _affinity(name) if dialect == "sqlite" else "other"
    return "other"
