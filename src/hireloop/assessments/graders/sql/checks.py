"""The checks of the SQL grader: reading the submission, reading plans, comparing results, and
turning each finding into a Check that counts towards one of the task's evaluation criteria."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect as SqlglotDialect
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import Token, TokenType

from ..report import Check, Result
from .dataset import SCHEMA_INDEXES, TABLES, Dialect, canonical_rows, row_key

# The evaluation criteria of the slow-query-optimisation task (content/backend/tasks.yaml),
# up to the " - " that starts their explanation.
DIAGNOSIS = "Correct diagnosis from the execution plan, not guesswork"
EFFECT = "Effectiveness of the improvement and proof that results are unchanged"
COST = "Awareness of the costs of the fix"
CLARITY = "Clarity of the explanation for a colleague who did not do the work"

POINTS: dict[str, float] = {
    "submission.accepted": 10,
    "result.unchanged": 25,
    "plan.full_scans": 20,
    "timing.speedup": 30,
    "indexes.used": 10,
    "indexes.cost": 5,
}

MAX_SUBMISSION_CHARS = 100_000

# Functions a query never needs and that act outside it: sleeping, files, sessions, sequences,
# extensions, running SQL from a string, or allocating unbounded memory.
FORBIDDEN_FUNCTIONS = frozenset(
    {
        "load_extension",
        "sleep",
        "randomblob",
        "zeroblob",
        "readfile",
        "writefile",
        "edit",
        "fts3_tokenizer",
        "set_config",
        "nextval",
        "setval",
        "currval",
        "lastval",
        "txid_current",
        "query_to_xml",
        "query_to_xmlschema",
        "query_to_xml_and_xmlschema",
        "cursor_to_xml",
        "cursor_to_xmlschema",
        "table_to_xml",
        "table_to_xmlschema",
        "table_to_xml_and_xmlschema",
        "schema_to_xml",
        "database_to_xml",
    }
)
FORBIDDEN_PREFIXES = ("pg_", "lo_", "dblink", "pragma_")
SCHEMAS = frozenset({"main", "public"})  # the default schema's name on each engine

# What a refused statement would do, by its first keyword.
_REFUSAL_REASONS = {
    "INSERT": "it changes data",
    "UPDATE": "it changes data",
    "DELETE": "it changes data",
    "REPLACE": "it changes data",
    "MERGE": "it changes data",
    "UPSERT": "it changes data",
    "TRUNCATE": "it changes data",
    "DROP": "it changes the schema",
    "ALTER": "it changes the schema",
    "CREATE": "only CREATE INDEX may change the schema",
    "REINDEX": "it rebuilds indexes the task did not ask for",
    "VACUUM": "it rewrites the database",
    "ANALYZE": "the grader refreshes statistics itself after your indexes are built",
    "PRAGMA": "it changes database settings",
    "SET": "it changes database settings",
    "RESET": "it changes database settings",
    "ATTACH": "it reaches outside the data set",
    "DETACH": "it reaches outside the data set",
    "COPY": "it reads or writes files",
    "GRANT": "it changes permissions",
    "REVOKE": "it changes permissions",
    "BEGIN": "the grader manages transactions",
    "COMMIT": "the grader manages transactions",
    "ROLLBACK": "the grader manages transactions",
    "EXPLAIN": "the grader runs EXPLAIN itself",
}
_MODIFYING_NODES: tuple[type[exp.Expr], ...] = (
    exp.Insert,
    exp.Update,
    exp.Delete,
    exp.Merge,
    exp.Create,
    exp.Drop,
    exp.Alter,
    exp.Command,
    exp.Copy,
    exp.Set,
    exp.Pragma,
    exp.Attach,
    exp.Detach,
    exp.TruncateTable,
)
_TARGET_COMMENT = re.compile(r"^\s*--\s*query\s*:\s*([A-Za-z0-9_-]+)", re.IGNORECASE)


# --- reading the submission ------------------------------------------------------------------


@dataclass(frozen=True)
class IndexSpec:
    line: int
    sql: str  # as the candidate wrote it
    name: str | None  # PostgreSQL may name it itself
    table: str
    columns: tuple[str, ...]  # key columns or expressions, normalised to lower case
    include: tuple[str, ...]  # PostgreSQL INCLUDE columns


@dataclass(frozen=True)
class Submission:
    query: str | None  # the SELECT as written, without its final semicolon
    query_line: int
    aliases: Mapping[str, str]  # alias (or name) -> table, to read SQLite plans
    indexes: tuple[IndexSpec, ...]
    target: str | None  # the slug named by a "-- query: <slug>" comment
    problems: tuple[str, ...]  # why (part of) the submission is refused, one line each

    @property
    def accepted(self) -> bool:
        return self.query is not None and not self.problems


@dataclass
class _Chunk:
    line: int
    text: str


def read_target(text: str) -> str | None:
    """The slug in a ``-- query: <slug>`` comment among the lines before the first statement."""
    for line in text.splitlines():
        if not line.strip():
            continue
        if not line.lstrip().startswith("--"):
            return None
        if match := _TARGET_COMMENT.match(line):
            return match.group(1).lower()
    return None


def _split(text: str, dialect: Dialect) -> list[_Chunk]:
    """The statements of the text, cut at semicolons the tokenizer sees (not those in strings)."""
    tokens = SqlglotDialect.get_or_raise(dialect).tokenize(text)
    chunks: list[_Chunk] = []
    current: list[Token] = []
    for token in [*tokens, None]:
        if token is None or token.token_type == TokenType.SEMICOLON:
            if current:
                start, end = current[0].start, current[-1].end
                line = text.count("\n", 0, start) + 1
                chunks.append(_Chunk(line=line, text=text[start : end + 1]))
            current = []
        else:
            current.append(token)
    return chunks


def _leading_words(text: str) -> str:
    words = re.findall(r"[A-Za-z_]+", text[:200])
    if not words:
        return text.strip()[:20]
    count = 2 if words[0].upper() in {"CREATE", "DROP", "ALTER"} and len(words) > 1 else 1
    return " ".join(w.upper() for w in words[:count])


def _function_name(node: exp.Func) -> str:
    if isinstance(node, exp.Anonymous):
        return str(node.name).lower()
    return node.sql_name().lower()


def is_forbidden_function(name: str) -> bool:
    """Whether a function (lower-case name) is refused wherever it appears."""
    return name in FORBIDDEN_FUNCTIONS or name.startswith(FORBIDDEN_PREFIXES)


def _expression_problems(tree: exp.Expr, where: str) -> list[str]:
    """What a SELECT (or an index definition) must not contain, wherever it is nested."""
    problems: list[str] = []
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    for node in tree.walk():
        if isinstance(node, _MODIFYING_NODES) and node is not tree:
            problems.append(f"{where}: a nested {_leading_words(node.sql())} statement is refused")
        elif isinstance(node, exp.Select) and node.args.get("into"):
            problems.append(f"{where}: SELECT ... INTO creates a table; return the rows instead")
        elif isinstance(node, exp.Select) and node.args.get("locks"):
            problems.append(f"{where}: FOR UPDATE/FOR SHARE locks rows; a report must not")
        elif isinstance(node, exp.Func) and is_forbidden_function(name := _function_name(node)):
            problems.append(f"{where}: {name}() is refused: it acts outside the query")
        elif isinstance(node, exp.Table) and isinstance(node.this, exp.Identifier):
            name = node.name.lower()
            schema = node.db.lower() if node.db else None
            if node.catalog or (schema and schema not in SCHEMAS):
                problems.append(f"{where}: {node.sql()} is outside the data set")
            elif name not in TABLES and name not in ctes:
                known = ", ".join(TABLES)
                problems.append(f"{where}: reads {name}, not a table of the data set ({known})")
    return problems


def table_aliases(tree: exp.Expr) -> dict[str, str]:
    """Alias (or bare name) -> table for every data set table the query reads."""
    aliases: dict[str, str] = {}
    for node in tree.find_all(exp.Table):
        if isinstance(node.this, exp.Identifier) and node.name.lower() in TABLES:
            aliases[node.alias_or_name.lower()] = node.name.lower()
    return aliases


def parse_query(sql: str, dialect: Dialect) -> exp.Expr:
    """The syntax tree of one of the library's own queries."""
    return sqlglot.parse_one(sql, read=dialect)


def _normalise(node: exp.Expr, dialect: Dialect) -> str:
    if isinstance(node, exp.Ordered):
        node = node.this
    if isinstance(node, exp.Column):
        return node.name.lower()
    if isinstance(node, exp.Identifier):
        return str(node.this).lower()
    return node.sql(dialect=dialect).lower()


def _index_spec(tree: exp.Create, chunk: _Chunk, dialect: Dialect) -> IndexSpec | str:
    index = tree.this
    table = index.args.get("table") if isinstance(index, exp.Index) else None
    if not isinstance(index, exp.Index) or not isinstance(table, exp.Table):
        return f"line {chunk.line}: CREATE INDEX without a table is refused"
    name = table.name.lower()
    schema = table.db.lower() if table.db else None
    if name not in TABLES or (schema and schema not in SCHEMAS):
        return f"line {chunk.line}: an index on {table.sql()}, not a table of the data set"
    params = index.args.get("params")
    columns = (params.args.get("columns") or []) if params else []
    include = (params.args.get("include") or []) if params else []
    if not columns:
        return f"line {chunk.line}: CREATE INDEX names no columns"
    return IndexSpec(
        line=chunk.line,
        sql=chunk.text,
        name=index.name or None,
        table=name,
        columns=tuple(_normalise(c, dialect) for c in columns),
        include=tuple(_normalise(c, dialect) for c in include),
    )


def parse_submission(text: str, dialect: Dialect) -> Submission:
    """Split the submission into statements with a real SQL parser and keep only the allowed ones.

    Allowed: exactly one query (SELECT, WITH ... SELECT, or set operations of them) and any
    number of CREATE INDEX statements. Everything else is refused with its line and the reason.
    """
    target = read_target(text)
    problems: list[str] = []
    if len(text) > MAX_SUBMISSION_CHARS:
        problems.append(f"the submission is longer than {MAX_SUBMISSION_CHARS} characters")
        return Submission(None, 0, {}, (), target, tuple(problems))
    try:
        chunks = _split(text, dialect)
    except TokenError as exc:
        problems.append(f"the text cannot be read as SQL: {exc}")
        return Submission(None, 0, {}, (), target, tuple(problems))
    query: str | None = None
    query_line = 0
    aliases: dict[str, str] = {}
    indexes: list[IndexSpec] = []
    for chunk in chunks:
        where = f"line {chunk.line}"
        try:
            trees = [t for t in sqlglot.parse(chunk.text, read=dialect) if t is not None]
        except ParseError as exc:
            problems.append(_parse_error(exc, chunk))
            continue
        except TokenError as exc:
            problems.append(f"{where}: cannot be read as SQL: {exc}")
            continue
        if len(trees) != 1:
            problems.append(f"{where}: expected one statement, found {len(trees)}")
            continue
        tree = trees[0]
        if isinstance(tree, exp.Query):
            if query is not None:
                problems.append(
                    f"{where}: a second query; submit exactly one SELECT (the first is on "
                    f"line {query_line})"
                )
                continue
            problems += _expression_problems(tree, where)
            query, query_line, aliases = chunk.text, chunk.line, table_aliases(tree)
        elif isinstance(tree, exp.Create) and str(tree.args.get("kind", "")).upper() == "INDEX":
            # The indexed table is vetted by _index_spec; its columns and WHERE clause here.
            params = tree.this.args.get("params") if isinstance(tree.this, exp.Index) else None
            if params is not None:
                problems += _expression_problems(params, where)
            spec = _index_spec(tree, chunk, dialect)
            if isinstance(spec, str):
                problems.append(spec)
            else:
                indexes.append(spec)
        else:
            words = _leading_words(chunk.text)
            reason = _REFUSAL_REASONS.get(words.split()[0], "it is not a query")
            problems.append(
                f"{where}: {words} is refused ({reason}); only one SELECT/WITH query and "
                "CREATE INDEX statements are accepted"
            )
    if query is None and not any("does not parse" in p for p in problems):
        problems.append("no SELECT query found: submit the rewritten query")
    return Submission(query, query_line, aliases, tuple(indexes), target, tuple(problems))


def _parse_error(exc: ParseError, chunk: _Chunk) -> str:
    if not exc.errors:
        return f"line {chunk.line}: does not parse: {exc}"
    first = exc.errors[0]
    line = chunk.line + int(first.get("line") or 1) - 1
    near = (first.get("highlight") or "").strip()
    near_text = f" near {near!r}" if near else ""
    # sqlglot names its own classes in some messages; their short name reads better.
    description = re.sub(r"<class '[\w.]+\.(\w+)'>", r"\1", first.get("description") or "")
    return f"line {line}: does not parse: {description or 'syntax error'}{near_text}"


# --- reading plans ---------------------------------------------------------------------------

AccessKind = Literal["table scan", "index scan", "index search"]
# How much of the table an access reads: all rows, all index entries, or a range.
SEVERITY: dict[AccessKind, int] = {"table scan": 2, "index scan": 1, "index search": 0}


@dataclass(frozen=True)
class Access:
    table: str
    kind: AccessKind
    index: str | None = None
    note: str = ""  # how the plan words it when that is not obvious from the kind


@dataclass(frozen=True)
class Plan:
    text: str
    accesses: tuple[Access, ...] = ()
    indexes: frozenset[str] = field(default_factory=frozenset)  # every index the plan reads

    def severity(self, table: str) -> int:
        """The worst access to ``table``; 0 when the plan does not read it at all."""
        return max((SEVERITY[a.kind] for a in self.accesses if a.table == table), default=0)

    def describe(self, table: str) -> str:
        worst = max(
            (a for a in self.accesses if a.table == table),
            key=lambda a: SEVERITY[a.kind],
            default=None,
        )
        if worst is None:
            return "not read"
        detail = worst.index or worst.note
        return worst.kind + (f" ({detail})" if detail else "")


_SQLITE_INDEX = re.compile(r"USING (?:COVERING )?INDEX (\S+)")


def sqlite_plan(rows: Sequence[Sequence[Any]], aliases: Mapping[str, str]) -> Plan:
    """Read ``EXPLAIN QUERY PLAN`` rows (id, parent, notused, detail)."""
    depth: dict[int, int] = {0: -1}
    lines: list[str] = []
    accesses: list[Access] = []
    indexes: set[str] = set()
    for node_id, parent, _, detail in rows:
        depth[node_id] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node_id] + str(detail))
        words = str(detail).split()
        if len(words) < 2:
            continue
        if match := _SQLITE_INDEX.search(detail):
            indexes.add(match.group(1).lower())
        if words[0] == "BLOOM" and len(words) >= 4:
            # The filter is filled by a full pass over the table before the join starts.
            table = aliases.get(words[3].lower(), words[3].lower())
            if table in TABLES:
                accesses.append(Access(table, "table scan", note="to fill a Bloom filter"))
            continue
        if words[0] not in {"SCAN", "SEARCH"}:
            continue
        table = aliases.get(words[1].lower(), words[1].lower())
        if table not in TABLES:
            continue
        accesses.append(_sqlite_access(table, words[0], detail))
    return Plan("\n".join(lines), tuple(accesses), frozenset(indexes))


def _sqlite_access(table: str, verb: str, detail: str) -> Access:
    match = _SQLITE_INDEX.search(detail)
    index = match.group(1).lower() if match else None
    if "AUTOMATIC" in detail:
        # Built from a full scan of the table at every execution.
        return Access(table, "table scan", note="to build an automatic index")
    if verb == "SEARCH" and (index or "PRIMARY KEY" in detail):
        return Access(table, "index search", index)
    if verb == "SCAN" and index:
        return Access(table, "index scan", index)
    # A bare SCAN, or a SEARCH without any index, visits every row.
    return Access(table, "table scan")


def postgres_plan(plan_json: Any, text: str) -> Plan:
    """Read ``EXPLAIN (FORMAT JSON)`` output; ``text`` is the same plan in text form."""
    accesses: list[Access] = []
    indexes: set[str] = set()

    def visit(node: Mapping[str, Any]) -> None:
        kind = node.get("Node Type", "")
        relation = str(node.get("Relation Name", "")).lower()
        index = node.get("Index Name")
        if index:
            indexes.add(str(index).lower())
        if relation in TABLES:
            if kind == "Seq Scan":
                accesses.append(Access(relation, "table scan"))
            elif kind in {"Index Scan", "Index Only Scan"}:
                found: AccessKind = "index search" if node.get("Index Cond") else "index scan"
                accesses.append(Access(relation, found, str(index).lower()))
            elif kind == "Bitmap Heap Scan":
                # Its Bitmap Index Scan children name the indexes; they carry no relation.
                accesses.append(Access(relation, "index search"))
            else:
                # TID, sample or other scans: none of them is led by an index.
                accesses.append(Access(relation, "table scan", note=kind))
        for child in node.get("Plans", ()):
            visit(child)

    # Subqueries (SubPlan, InitPlan) are ordinary children in "Plans".
    root = plan_json[0] if isinstance(plan_json, list) else plan_json
    visit(root["Plan"])
    return Plan(text, tuple(accesses), frozenset(indexes))


# --- comparing results -----------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    equal: bool
    evidence: str


def _same_value(a: Any, b: Any) -> bool:
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)
    return bool(a == b)


def _same_row(a: Sequence[Any], b: Sequence[Any]) -> bool:
    return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b, strict=True))


def _show(row: Sequence[Any]) -> str:
    text = "(" + ", ".join(repr(v) for v in row) + ")"
    return text if len(text) <= 160 else text[:157] + "..."


def compare_results(
    expected: Sequence[Sequence[Any]], actual: Sequence[Sequence[Any]], *, ordered: bool
) -> Comparison:
    """Equal as a multiset of rows, and in the same order when the reference orders its rows.

    Numbers match within a small tolerance, so 12 and 12.0, or a float rounded differently,
    count as the same value. Column names do not matter, their number and order do.
    """
    want, got = canonical_rows(expected), canonical_rows(actual)
    if want and got and len(want[0]) != len(got[0]):
        return Comparison(
            False, f"{len(got[0])} columns instead of {len(want[0])}; keep the original columns"
        )
    if len(want) != len(got):
        evidence = f"{len(got)} rows instead of {len(want)}.\n" + _multiset_diff(want, got)
        return Comparison(False, evidence.strip())
    if not ordered:
        want, got = sorted(want, key=row_key), sorted(got, key=row_key)
    for position, (a, b) in enumerate(zip(want, got, strict=True), start=1):
        if not _same_row(a, b):
            if ordered and Counter(map(row_key, want)) == Counter(map(row_key, got)):
                return Comparison(
                    False,
                    f"Same rows, different order: row {position} should be {_show(a)} but is "
                    f"{_show(b)}. The original query orders its rows; keep its ORDER BY.",
                )
            return Comparison(False, _multiset_diff(want, got) or f"row {position} differs")
    order = " in the same order" if ordered else " (compared as a multiset)"
    return Comparison(True, f"{len(want)} rows, identical to the reference{order}.")


def _multiset_diff(want: list[tuple[Any, ...]], got: list[tuple[Any, ...]]) -> str:
    missing = Counter(map(row_key, want)) - Counter(map(row_key, got))
    extra = Counter(map(row_key, got)) - Counter(map(row_key, want))
    lines = []
    if missing:
        lines.append(f"{sum(missing.values())} expected rows missing, e.g.:")
        lines += [f"  - {key}" for key in list(missing)[:3]]
    if extra:
        lines.append(f"{sum(extra.values())} unexpected rows, e.g.:")
        lines += [f"  + {key}" for key in list(extra)[:3]]
    return "\n".join(lines)


# --- building the checks ---------------------------------------------------------------------


def _check(check_id: str, result: Result, points: float, evidence: str) -> Check:
    return Check(
        id=check_id,
        criterion=CRITERIA[check_id],
        title=TITLES[check_id],
        result=result,
        points=round(points, 2),
        max_points=POINTS[check_id],
        evidence=evidence,
    )


TITLES = {
    "submission.accepted": "The submission is one SELECT query plus CREATE INDEX statements, "
    "and every statement runs",
    "result.unchanged": "The new query returns exactly the original result",
    "plan.full_scans": "Full scans of the big tables are replaced by index access",
    "timing.speedup": "The new query is faster (median of repeated, equally warmed runs)",
    "indexes.used": "Every new index is used by the new plan",
    "indexes.cost": "The new indexes are few, narrow and not redundant",
}
CRITERIA = {
    "submission.accepted": EFFECT,
    "result.unchanged": EFFECT,
    "plan.full_scans": DIAGNOSIS,
    "timing.speedup": EFFECT,
    "indexes.used": COST,
    "indexes.cost": COST,
}


def not_counted(check_id: str, reason: str, evidence: str = "") -> Check:
    """A check that could not earn points because an earlier one failed; evidence is kept."""
    text = f"Not counted: {reason}" + (f"\n\n{evidence}" if evidence else "")
    return _check(check_id, "fail", 0, text)


def accepted_check(submission: Submission, failed_indexes: Mapping[IndexSpec, str]) -> Check:
    """Refused statements fail the check; an index that could not be built halves it."""
    check_id = "submission.accepted"
    if not submission.accepted:
        evidence = "Refused:\n" + "\n".join(f"- {p}" for p in submission.problems)
        return _check(check_id, "fail", 0, evidence)
    count = len(submission.indexes)
    summary = f"Query on line {submission.query_line}; {count} CREATE INDEX statement(s)."
    if failed_indexes:
        lines = [f"- line {spec.line}: {error}" for spec, error in failed_indexes.items()]
        evidence = summary + "\nThese statements failed and were skipped:\n" + "\n".join(lines)
        return _check(
            check_id,
            "partial",
            POINTS[check_id] / 2,
            evidence,
        )
    return _check(check_id, "pass", POINTS[check_id], summary)


def result_check(comparison: Comparison, reference_note: str) -> Check:
    check_id = "result.unchanged"
    evidence = f"{comparison.evidence}\n{reference_note}"
    if comparison.equal:
        return _check(check_id, "pass", POINTS[check_id], evidence)
    return _check(check_id, "fail", 0, evidence)


def result_failure(message: str, reference_note: str) -> Check:
    """The new query did not produce a result at all: an error or the statement timeout."""
    return result_check(Comparison(False, message), reference_note)


def plan_evidence(before: Plan, after: Plan, big_tables: Iterable[str]) -> str:
    lines = [
        f"- {table}: {before.describe(table)} -> {after.describe(table)}" for table in big_tables
    ]
    return (
        "\n".join(lines)
        + "\n\nPlan of the original query, before your indexes:\n"
        + before.text
        + "\n\nPlan of your query, with your indexes:\n"
        + after.text
    )


def plan_check(before: Plan, after: Plan, big_tables: Sequence[str]) -> Check:
    """Pass when no big table is read in full any more; partial credit for each one fixed."""
    check_id = "plan.full_scans"
    was = sum(before.severity(t) for t in big_tables)
    now = sum(after.severity(t) for t in big_tables)
    evidence = plan_evidence(before, after, big_tables)
    if now == 0:
        return _check(check_id, "pass", POINTS[check_id], evidence)
    if now < was:
        points = POINTS[check_id] * (was - now) / was
        return _check(check_id, "partial", points, evidence)
    return _check(check_id, "fail", 0, evidence)


def speedup_check(
    baseline_s: Sequence[float],
    candidate_s: Sequence[float],
    *,
    pass_at: float,
    partial_at: float,
) -> Check:
    """Median against median. Partial credit grows with the logarithm of the speed-up."""
    check_id = "timing.speedup"
    baseline, candidate = median(baseline_s), median(candidate_s)
    speedup = speedup_of(baseline, candidate)
    evidence = (
        f"Original query: median {baseline * 1000:.1f} ms over {len(baseline_s)} runs "
        f"({_runs(baseline_s)}).\n"
        f"Your query: median {candidate * 1000:.1f} ms over {len(candidate_s)} runs "
        f"({_runs(candidate_s)}).\n"
        f"Speed-up {speedup:.1f}x (full points from {pass_at:g}x, partial from {partial_at:g}x). "
        "Each query was run once to warm up, then the runs alternated between the two."
    )
    if speedup >= pass_at:
        return _check(check_id, "pass", POINTS[check_id], evidence)
    if speedup >= partial_at:
        points = POINTS[check_id] * math.log(speedup) / math.log(pass_at)
        return _check(check_id, "partial", points, evidence)
    return _check(check_id, "fail", 0, evidence)


def _runs(seconds: Sequence[float]) -> str:
    return ", ".join(f"{s * 1000:.1f}" for s in seconds) + " ms"


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def speedup_of(baseline: float, candidate: float) -> float:
    # A query too fast for the clock still counts as a finite, large speed-up.
    return baseline / max(candidate, 1e-6)


@dataclass(frozen=True)
class BuiltIndex:
    spec: IndexSpec
    name: str  # as the database knows it
    seconds: float
    size_bytes: int | None


def indexes_used_check(built: Sequence[BuiltIndex], after: Plan) -> Check:
    """An index the plan never reads costs writes and space for nothing."""
    check_id = "indexes.used"
    if not built:
        return _check(
            check_id,
            "pass",
            POINTS[check_id],
            "No index added: no write overhead.",
        )
    used = [b for b in built if b.name.lower() in after.indexes]
    lines = [f"- {b.name}: {'used' if b in used else 'NOT used'} by the new plan" for b in built]
    evidence = "\n".join(lines)
    if len(used) == len(built):
        return _check(check_id, "pass", POINTS[check_id], evidence)
    if used:
        points = POINTS[check_id] * len(used) / len(built)
        return _check(check_id, "partial", points, evidence)
    return _check(check_id, "fail", 0, evidence)


def index_cost_check(
    built: Sequence[BuiltIndex],
    *,
    max_indexes: int,
    max_columns: int,
    dialect: Dialect,
) -> Check:
    """Few indexes, none wider than needed, none another index already serves."""
    check_id = "indexes.cost"
    issues: list[str] = []
    if len(built) > max_indexes:
        issues.append(
            f"{len(built)} new indexes (more than {max_indexes}): every write to the table "
            "maintains each of them"
        )
    for b in built:
        width = len(b.spec.columns) + len(b.spec.include)
        if width > max_columns:
            issues.append(
                f"{b.name} has {width} columns (more than {max_columns}): a wide index is big"
            )
        if other := _covering_index(b, built):
            issues.append(
                f"{b.name} ({', '.join(b.spec.columns)}) is a leading part of {other}, which "
                "already serves its lookups"
            )
    details = [_describe_index(b) for b in built]
    note = (
        "Building an index locks the table against writes unless it is built with "
        "CREATE INDEX CONCURRENTLY (PostgreSQL)."
        if dialect == "postgres"
        else "SQLite locks the whole database while it builds an index."
    )
    evidence = "\n".join(details) if details else "No index added."
    if issues:
        evidence = "\n".join(f"- {issue}" for issue in issues) + "\n\n" + evidence
    evidence += "\n" + note
    if issues:
        return _check(
            check_id,
            "partial",
            POINTS[check_id] / 2,
            evidence,
        )
    return _check(check_id, "pass", POINTS[check_id], evidence)


def _covering_index(index: BuiltIndex, built: Sequence[BuiltIndex]) -> str | None:
    """Another index whose key starts with this index's whole key, if any.

    Of two identical keys, the one built later is the redundant one; the schema's own indexes
    count as built first.
    """
    mine, rank = index.spec.columns, built.index(index)
    candidates = [
        (f"the {'primary key' if n == 0 else 'unique constraint'} ({', '.join(cols)})", cols, -1)
        for n, cols in enumerate(SCHEMA_INDEXES.get(index.spec.table, ()))
    ]
    candidates += [
        (other.name, other.spec.columns, position)
        for position, other in enumerate(built)
        if other is not index and other.spec.table == index.spec.table
    ]
    for label, columns, other_rank in candidates:
        if columns[: len(mine)] == mine and (len(columns) > len(mine) or other_rank < rank):
            return label
    return None


def _describe_index(b: BuiltIndex) -> str:
    size = f", {b.size_bytes / 1_048_576:.1f} MiB" if b.size_bytes is not None else ""
    include = f" INCLUDE ({', '.join(b.spec.include)})" if b.spec.include else ""
    return (
        f"- {b.name} on {b.spec.table} ({', '.join(b.spec.columns)}){include}: "
        f"built in {b.seconds * 1000:.0f} ms{size}"
    )
