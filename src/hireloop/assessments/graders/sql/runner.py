"""Entry point of the SQL grader: run a candidate's rewritten query and indexes against the
original slow query on a scratch copy of the data set, and report what changed."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import psycopg
from psycopg import sql as pgsql

from ..report import GradingError, Progress, Report, no_progress
from .checks import (
    CLARITY,
    BuiltIndex,
    IndexSpec,
    Plan,
    Submission,
    accepted_check,
    compare_results,
    index_cost_check,
    indexes_used_check,
    is_forbidden_function,
    median,
    not_counted,
    parse_query,
    parse_submission,
    plan_check,
    plan_evidence,
    postgres_plan,
    result_check,
    result_failure,
    speedup_check,
    speedup_of,
    sqlite_plan,
    table_aliases,
)
from .dataset import (
    DEFAULT_SEED,
    DEFAULT_SIZE,
    MIN_SIZE,
    Dialect,
    SlowQuery,
    cache_path,
    digest,
    load_queries,
    scratch_postgres,
    scratch_sqlite,
    server_label,
)


@dataclass(frozen=True)
class SqlOptions:
    """How to grade. The defaults grade on SQLite at the size the library's references hold."""

    # Slug of the slow query; else a "-- query: <slug>" comment; else the first in queries.yaml.
    query: str | None = None
    # A postgres:// URL: grade in a throwaway database created on that server. None: SQLite.
    database_url: str | None = None
    size: int = DEFAULT_SIZE  # number of orders
    seed: int = DEFAULT_SEED
    # Built SQLite data sets; default $HIRELOOP_DATA_DIR/grader-cache (./var/grader-cache).
    cache_dir: Path | None = None
    repeats: int = 5  # timed runs per query, after one warm-up run each
    statement_timeout_s: float = 5.0  # every statement: index builds, queries, EXPLAIN
    speedup_pass: float = 5.0
    speedup_partial: float = 1.5
    max_indexes: int = 3
    max_index_columns: int = 4

    @property
    def dialect(self) -> Dialect:
        return "postgres" if self.database_url else "sqlite"


class QueryFailed(Exception):
    """The database refused a statement or stopped it; the message says why."""


class QueryTimeout(QueryFailed):
    pass


@dataclass(frozen=True)
class Run:
    rows: list[tuple[Any, ...]]
    seconds: float


class _Engine(Protocol):
    """One scratch data set seen two ways: as it was ("before") and with the candidate's
    indexes ("after"), so runs of the original and the new query can alternate."""

    label: str

    def run(self, sql: str, *, after: bool, max_rows: int | None = None) -> Run: ...

    def explain(self, sql: str, *, after: bool, aliases: dict[str, str]) -> Plan: ...

    def index_names(self) -> set[str]: ...

    def create_index(self, sql: str) -> float: ...

    def refresh_statistics(self, built: Sequence[str], tables: Sequence[str]) -> None: ...

    def index_size(self, name: str) -> int | None: ...


# --- SQLite ----------------------------------------------------------------------------------

_QUERY_ACTIONS = frozenset(
    {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
)
_INDEX_ACTIONS = frozenset(
    {
        sqlite3.SQLITE_CREATE_INDEX,
        sqlite3.SQLITE_REINDEX,
        sqlite3.SQLITE_SELECT,
        sqlite3.SQLITE_READ,
        sqlite3.SQLITE_FUNCTION,
    }
)
_SCHEMA_TABLES = frozenset({"sqlite_master", "sqlite_schema"})
MAX_VALUE_BYTES = 1_000_000


def _authorizer(allowed: frozenset[int]) -> Callable[..., int]:
    """Second line of defence behind the parser: SQLite itself refuses anything else."""

    def authorize(action: int, arg1: str | None, arg2: str | None, *_: object) -> int:
        if action == sqlite3.SQLITE_FUNCTION and arg2 and is_forbidden_function(arg2.lower()):
            return sqlite3.SQLITE_DENY
        if action in allowed:
            return sqlite3.SQLITE_OK
        # Creating an index records it in the schema table; nothing else may be written.
        index_phase = sqlite3.SQLITE_CREATE_INDEX in allowed
        if index_phase and action == sqlite3.SQLITE_INSERT and arg1 in _SCHEMA_TABLES:
            return sqlite3.SQLITE_OK
        return sqlite3.SQLITE_DENY

    return authorize


class _SqliteEngine:
    def __init__(self, before: Path, after: Path, timeout_s: float) -> None:
        self.label = f"SQLite {sqlite3.sqlite_version}"
        self.timeout_s = timeout_s
        self.before = sqlite3.connect(before.as_uri() + "?mode=ro", uri=True, isolation_level=None)
        self.after = sqlite3.connect(after, isolation_level=None)
        for conn in (self.before, self.after):
            # No value in the data set comes near this; printf('%.*c', 10**9, 'x') would
            # otherwise build a gigabyte string in the grader's memory.
            conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)

    def close(self) -> None:
        self.before.close()
        self.after.close()

    @contextmanager
    def _guarded(self, conn: sqlite3.Connection, allowed: frozenset[int]) -> Iterator[None]:
        deadline = time.monotonic() + self.timeout_s
        # Checked every 10k virtual machine steps: a few microseconds apart, cheap enough.
        conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        conn.set_authorizer(_authorizer(allowed))
        try:
            yield
        except sqlite3.Error as exc:
            if "interrupted" in str(exc):
                raise QueryTimeout(f"stopped after {self.timeout_s:g} s") from exc
            raise QueryFailed(str(exc)) from exc
        finally:
            conn.set_progress_handler(None, 0)
            conn.set_authorizer(None)

    def run(self, sql: str, *, after: bool, max_rows: int | None = None) -> Run:
        conn = self.after if after else self.before
        rows: list[tuple[Any, ...]] = []
        with self._guarded(conn, _QUERY_ACTIONS):
            start = time.perf_counter()
            cursor = conn.execute(sql)
            while batch := cursor.fetchmany(5_000):
                rows.extend(batch)
                if max_rows is not None and len(rows) > max_rows:
                    raise QueryFailed(f"returned more than {max_rows} rows")
            seconds = time.perf_counter() - start
        return Run(rows, seconds)

    def explain(self, sql: str, *, after: bool, aliases: dict[str, str]) -> Plan:
        conn = self.after if after else self.before
        with self._guarded(conn, _QUERY_ACTIONS):
            rows = conn.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
        return sqlite_plan(rows, aliases)

    def index_names(self) -> set[str]:
        rows = self.after.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        return {str(name) for (name,) in rows}

    def create_index(self, sql: str) -> float:
        with self._guarded(self.after, _INDEX_ACTIONS):
            start = time.perf_counter()
            self.after.execute(sql)
            return time.perf_counter() - start

    def refresh_statistics(self, built: Sequence[str], tables: Sequence[str]) -> None:
        # Only the new indexes: the tables' statistics are fresh from the build.
        for name in built:
            self.after.execute(f'ANALYZE "{name.replace(chr(34), chr(34) * 2)}"')
        # From here on the copy is read-only, whatever gets past the parser and the authorizer.
        self.after.execute("PRAGMA query_only = ON")

    def index_size(self, name: str) -> int | None:
        try:
            row = self.after.execute("SELECT SUM(pgsize) FROM dbstat WHERE name = ?", (name,))
            size = row.fetchone()[0]
        except sqlite3.Error:
            return None  # dbstat is an optional part of SQLite
        return int(size) if size is not None else None


# --- PostgreSQL ------------------------------------------------------------------------------


class _PostgresEngine:
    def __init__(self, conninfo: str, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        try:
            self.conn = psycopg.connect(conninfo, autocommit=True)
            version = self.conn.execute("SHOW server_version").fetchone()
            self.conn.execute(f"SET statement_timeout = {int(timeout_s * 1000)}")
        except psycopg.Error as exc:
            raise GradingError(f"cannot use the scratch database: {exc}") from exc
        self.label = f"PostgreSQL {str(version[0]).split()[0] if version else '?'}"
        # The candidate's indexes, dropped (and restored by rollback) around baseline runs.
        self.hidden: list[str] = []

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def _side(self, after: bool) -> Iterator[None]:
        """A transaction that sees the data set before or after the candidate's indexes."""
        try:
            with self.conn.transaction(force_rollback=True):
                if after:
                    self.conn.execute("SET TRANSACTION READ ONLY")
                else:
                    for name in self.hidden:
                        self.conn.execute(pgsql.SQL("DROP INDEX {}").format(pgsql.Identifier(name)))
                yield
        except psycopg.errors.QueryCanceled as exc:
            raise QueryTimeout(f"stopped after {self.timeout_s:g} s") from exc
        except psycopg.OperationalError as exc:
            raise GradingError(f"lost the PostgreSQL connection: {exc}") from exc
        except psycopg.Error as exc:
            raise QueryFailed(str(exc).strip()) from exc

    def run(self, sql: str, *, after: bool, max_rows: int | None = None) -> Run:
        # The client would hold a runaway result in memory, so the first run is capped. Running
        # the candidate's own SQL is the point; the parser has already vetted it.
        text = sql
        if max_rows is not None:
            text = f"SELECT * FROM (\n{sql}\n) AS q LIMIT {max_rows + 1}"  # noqa: S608
        with self._side(after):
            start = time.perf_counter()
            rows = self.conn.execute(text).fetchall()
            seconds = time.perf_counter() - start
        if max_rows is not None and len(rows) > max_rows:
            raise QueryFailed(f"returned more than {max_rows} rows")
        return Run(rows, seconds)

    def explain(self, sql: str, *, after: bool, aliases: dict[str, str]) -> Plan:
        with self._side(after):
            row = self.conn.execute("EXPLAIN (FORMAT JSON) " + sql).fetchone()
            text = "\n".join(r[0] for r in self.conn.execute("EXPLAIN " + sql).fetchall())
        if row is None:
            raise QueryFailed("EXPLAIN returned no plan")
        return postgres_plan(row[0], text)

    def index_names(self) -> set[str]:
        rows = self.conn.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
        ).fetchall()
        return {str(name) for (name,) in rows}

    def create_index(self, sql: str) -> float:
        # Autocommit, so CREATE INDEX CONCURRENTLY works as it would in production.
        try:
            start = time.perf_counter()
            self.conn.execute(sql)
            return time.perf_counter() - start
        except psycopg.errors.QueryCanceled as exc:
            raise QueryTimeout(f"stopped after {self.timeout_s:g} s") from exc
        except psycopg.Error as exc:
            raise QueryFailed(str(exc).strip()) from exc

    def refresh_statistics(self, built: Sequence[str], tables: Sequence[str]) -> None:
        # As autovacuum would; expression indexes have no statistics until then.
        for table in sorted(set(tables)):
            self.conn.execute(pgsql.SQL("ANALYZE {}").format(pgsql.Identifier(table)))
        self.hidden = list(built)

    def index_size(self, name: str) -> int | None:
        row = self.conn.execute(
            "SELECT pg_relation_size(quote_ident(%s)::regclass)", (name,)
        ).fetchone()
        return int(row[0]) if row else None


@contextmanager
def _open_engine(options: SqlOptions) -> Iterator[_Engine]:
    engine: _SqliteEngine | _PostgresEngine
    if options.database_url:
        with scratch_postgres(options.database_url, size=options.size, seed=options.seed) as info:
            engine = _PostgresEngine(info, options.statement_timeout_s)
            try:
                yield engine
            finally:
                engine.close()
    else:
        with scratch_sqlite(
            options.cache_dir, size=options.size, seed=options.seed, copies=2
        ) as paths:
            engine = _SqliteEngine(paths[0], paths[1], options.statement_timeout_s)
            try:
                yield engine
            finally:
                engine.close()


# --- grading ---------------------------------------------------------------------------------

_LATER_CHECKS = (
    "result.unchanged",
    "plan.full_scans",
    "timing.speedup",
    "indexes.used",
    "indexes.cost",
)


@dataclass
class _Measurements:
    reference: Run
    reference_note: str
    plan_before: Plan
    built: list[BuiltIndex] = field(default_factory=list)
    failed: dict[IndexSpec, str] = field(default_factory=dict)
    plan_after: Plan | None = None
    candidate: Run | None = None
    candidate_error: str | None = None
    baseline_times: list[float] = field(default_factory=list)
    candidate_times: list[float] = field(default_factory=list)


def grade(
    source: str | Path,
    *,
    options: SqlOptions | None = None,
    progress: Progress = no_progress,
) -> Report:
    """Grade a submission: the text itself, or the path of a .sql file holding it.

    The submission is zero or more CREATE INDEX statements and exactly one SELECT (or WITH)
    query, the rewrite of one of the slow queries in queries.yaml.
    """
    options = options or SqlOptions()
    _validate(options)
    text = _read(source)
    queries = load_queries()
    if options.query and options.query not in queries:
        raise GradingError(f"unknown query {options.query!r}; known: {', '.join(queries)}")

    progress(0.0, "reading the submission")
    submission = parse_submission(text, options.dialect)
    slug = options.query or submission.target or next(iter(queries))
    if slug not in queries:
        problem = f"'-- query: {slug}' names no known query (known: {', '.join(queries)})"
        submission = replace(submission, problems=(*submission.problems, problem))
        slug = next(iter(queries))
    query = queries[slug]
    report = Report(kind="sql")
    if not submission.accepted:
        report.add(accepted_check(submission, {}))
        for check_id in _LATER_CHECKS:
            report.add(not_counted(check_id, "the submission was refused, so nothing was run"))
        label = "PostgreSQL" if options.database_url else "SQLite"
        report.summary = _summary(report, query, options, "the submission was refused", label)
        progress(1.0, "done")
        return report

    fresh = (
        options.dialect == "sqlite"
        and not cache_path(options.cache_dir, size=options.size, seed=options.seed).exists()
    )
    progress(
        0.05, "building the data set (first use of this size)" if fresh else "copying the data set"
    )
    with _open_engine(options) as engine:
        measured = _measure(engine, submission, query, options, progress)
        label = engine.label
    _add_checks(report, submission, query, measured, options)
    _add_metrics(report, measured)
    report.summary = _summary(report, query, options, _verdict(report, measured), label)
    progress(1.0, "done")
    return report


def _validate(options: SqlOptions) -> None:
    if options.database_url and not options.database_url.startswith(
        ("postgres://", "postgresql://")
    ):
        raise GradingError("database_url must be a postgres:// URL (or None for SQLite)")
    if options.size < MIN_SIZE:
        raise GradingError(f"size must be at least {MIN_SIZE}")
    if options.repeats < 1 or options.statement_timeout_s <= 0:
        raise GradingError("repeats must be at least 1 and the statement timeout positive")


def _read(source: str | Path) -> str:
    # A one-line string ending in .sql is a file name; a submission is never written like that.
    is_path = isinstance(source, Path) or (
        "\n" not in source and source.strip().lower().endswith(".sql")
    )
    if not is_path:
        return str(source)
    path = Path(source)
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise GradingError(f"cannot read the submission {path}: {exc}") from exc


def _measure(
    engine: _Engine,
    submission: Submission,
    query: SlowQuery,
    options: SqlOptions,
    progress: Progress,
) -> _Measurements:
    original = query.sql[options.dialect]
    original_aliases = table_aliases(parse_query(original, options.dialect))
    progress(0.15, "running the original query")
    try:
        reference = engine.run(original, after=False)
        plan_before = engine.explain(original, after=False, aliases=original_aliases)
    except QueryFailed as exc:
        raise GradingError(f"the original query {query.slug} could not run: {exc}") from exc
    measured = _Measurements(reference, _check_reference(reference, query, options), plan_before)

    progress(0.3, f"building {len(submission.indexes)} index(es)")
    existing = engine.index_names()
    for spec in submission.indexes:
        known = engine.index_names()
        try:
            seconds = engine.create_index(spec.sql)
        except QueryFailed as exc:
            measured.failed[spec] = str(exc)
            continue
        new = sorted(engine.index_names() - known)
        if not new:
            measured.failed[spec] = "created no index (one of that name already exists)"
            continue
        measured.built.append(BuiltIndex(spec, new[0], seconds, engine.index_size(new[0])))
    engine.refresh_statistics(
        sorted(engine.index_names() - existing), [b.spec.table for b in measured.built]
    )

    progress(0.45, "running your query")
    assert submission.query is not None
    try:
        measured.plan_after = engine.explain(
            submission.query, after=True, aliases=dict(submission.aliases)
        )
        measured.candidate = engine.run(submission.query, after=True, max_rows=len(reference.rows))
    except QueryTimeout as exc:
        measured.candidate_error = f"Your query was {exc} by the statement timeout."
        return measured
    except QueryFailed as exc:
        measured.candidate_error = f"Your query failed: {exc}"
        return measured

    for round_number in range(options.repeats):
        progress(
            0.5 + 0.45 * round_number / options.repeats,
            f"timing, round {round_number + 1} of {options.repeats}",
        )
        try:
            measured.baseline_times.append(engine.run(original, after=False).seconds)
        except QueryFailed as exc:
            raise GradingError(f"the original query stopped while being timed: {exc}") from exc
        # No row cap here: the first run proved the result is small, and PostgreSQL would
        # need a LIMIT wrapper for the cap, which could change the plan being timed.
        try:
            run = engine.run(submission.query, after=True)
        except QueryFailed as exc:
            measured.candidate_error = f"A timed run of your query failed: {exc}"
            break
        measured.candidate_times.append(run.seconds)
    return measured


def _check_reference(reference: Run, query: SlowQuery, options: SqlOptions) -> str:
    """Prove the scratch data is the library's: its reference result must match the stored one."""
    found = digest(reference.rows, ordered=query.ordered)
    if (options.size, options.seed) != (DEFAULT_SIZE, DEFAULT_SEED):
        return (
            f"Reference: the original query's {len(reference.rows)} rows on this data set "
            f"(the library's digest is for size {DEFAULT_SIZE}, seed {DEFAULT_SEED})."
        )
    expected = query.reference
    if (len(reference.rows), found) != (expected.rows, expected.digest):
        raise GradingError(
            f"the data set does not reproduce the library's reference for {query.slug} "
            f"({len(reference.rows)} rows, digest {found[:12]}; expected {expected.rows} rows, "
            f"{expected.digest[:12]}): delete the cached data set and grade again"
        )
    return f"Reference: {expected.rows} rows, matching the library's digest {expected.digest[:12]}."


def _add_checks(
    report: Report,
    submission: Submission,
    query: SlowQuery,
    measured: _Measurements,
    options: SqlOptions,
) -> None:
    report.add(accepted_check(submission, measured.failed))
    plans = ""
    if measured.plan_after is not None:
        plans = plan_evidence(measured.plan_before, measured.plan_after, query.big_tables)
    timings = ""
    if measured.candidate_times:
        timings = speedup_check(
            measured.baseline_times,
            measured.candidate_times,
            pass_at=options.speedup_pass,
            partial_at=options.speedup_partial,
        ).evidence
    if measured.candidate is None:
        error = measured.candidate_error or "Your query did not run."
        report.add(result_failure(error, measured.reference_note))
        reason = "your query produced no result to compare"
        _add_not_counted(report, reason, plans, timings)
        return
    comparison = compare_results(
        measured.reference.rows, measured.candidate.rows, ordered=query.ordered
    )
    report.add(result_check(comparison, measured.reference_note))
    if not comparison.equal:
        reason = "the result differs from the original, so speed and plan prove nothing"
        _add_not_counted(report, reason, plans, timings)
        return
    assert measured.plan_after is not None
    report.add(plan_check(measured.plan_before, measured.plan_after, query.big_tables))
    if measured.candidate_error:
        report.add(not_counted("timing.speedup", measured.candidate_error))
    else:
        report.add(
            speedup_check(
                measured.baseline_times,
                measured.candidate_times,
                pass_at=options.speedup_pass,
                partial_at=options.speedup_partial,
            )
        )
    report.add(indexes_used_check(measured.built, measured.plan_after))
    report.add(
        index_cost_check(
            measured.built,
            max_indexes=options.max_indexes,
            max_columns=options.max_index_columns,
            dialect=options.dialect,
        )
    )


def _add_not_counted(report: Report, reason: str, plans: str, timings: str) -> None:
    evidence = {"plan.full_scans": plans, "timing.speedup": timings}
    for check_id in _LATER_CHECKS[1:]:
        report.add(not_counted(check_id, reason, evidence.get(check_id, "")))


def _add_metrics(report: Report, measured: _Measurements) -> None:
    baseline = (
        median(measured.baseline_times) if measured.baseline_times else measured.reference.seconds
    )
    report.metrics["baseline_ms"] = round(baseline * 1000, 2)
    report.metrics["reference_rows"] = len(measured.reference.rows)
    if measured.candidate_times:
        candidate = median(measured.candidate_times)
        report.metrics["candidate_ms"] = round(candidate * 1000, 2)
        report.metrics["speedup"] = round(speedup_of(baseline, candidate), 2)
    report.artifacts["plan-before.txt"] = measured.plan_before.text
    if measured.plan_after is not None:
        report.artifacts["plan-after.txt"] = measured.plan_after.text


def _verdict(report: Report, measured: _Measurements) -> str:
    if measured.candidate is None:
        return (measured.candidate_error or "your query did not run").rstrip(".")
    result = next(c for c in report.checks if c.id == "result.unchanged")
    if result.result != "pass":
        return "the result differs from the original query's"
    if "speedup" not in report.metrics:
        return "result unchanged, but timing failed"
    return (
        f"result unchanged, {report.metrics['speedup']:.1f}x faster "
        f"({report.metrics['baseline_ms']:.1f} ms -> {report.metrics['candidate_ms']:.1f} ms)"
    )


def _summary(
    report: Report, query: SlowQuery, options: SqlOptions, verdict: str, engine: str
) -> str:
    if options.database_url:
        engine += f" at {server_label(options.database_url)}"
    lines = [
        f"{query.title} ({query.slug}), {options.size} orders, seed {options.seed}, on {engine}:"
        f" {verdict}.",
        f"Score {report.score:g} of {report.max_score:g} ({report.percent:g}%).",
        f"Not graded automatically: {CLARITY}. The reviewer reads the candidate's explanation.",
    ]
    return "\n".join(lines)
