"""Entry point of the schema design grader: read the DDL, refuse anything that is not schema
DDL, load it into a scratch database, check the model it builds and draw it."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError, SqlglotError, TokenError
from sqlglot.tokens import Token, TokenType

from ..report import Check, GradingError, Progress, Report, no_progress
from . import checks
from .diagram import draw
from .model import (
    Action,
    Loaded,
    SqlDialect,
    Statement,
    declared_from,
    enum_labels,
    load_postgres,
    load_sqlite,
    quiet_sqlglot,
)

logger = logging.getLogger(__name__)

DIAGRAM = "er-diagram.svg"


@dataclass(frozen=True)
class SchemaOptions:
    # "auto" reads the DDL for dialect markers (SERIAL, TIMESTAMPTZ, AUTOINCREMENT...).
    dialect: Literal["auto", "postgres", "sqlite"] = "auto"
    # A PostgreSQL URL: PostgreSQL DDL is then loaded into a throwaway schema on that server
    # instead of being translated to SQLite. Nothing is kept on the server.
    database_url: str | None = None
    max_bytes: int = 200_000
    max_statements: int = 400
    # Per load: PostgreSQL's statement_timeout, and SQLite's overall budget.
    timeout_seconds: float = 5.0


def grade(
    source: str | Path,
    *,
    options: SchemaOptions | None = None,
    progress: Progress = no_progress,
) -> Report:
    """Grades a schema submission: DDL text, or the path of a .sql file.

    Raises GradingError only when grading cannot run (missing file, unreachable server);
    every problem with the submission itself becomes a failed check.
    """
    options = options or SchemaOptions()
    started = time.perf_counter()
    progress(0.0, "reading the DDL")
    text, problem = _read(source, options.max_bytes)
    dialect: SqlDialect = detect_dialect(text) if options.dialect == "auto" else options.dialect
    report = Report(kind="schema")

    progress(0.1, "parsing the statements")
    if problem is None:
        statements, problem = split_statements(text, dialect, options.max_statements)
    else:
        statements = []
    refused = [s for s in statements if s.action == "refuse"]
    report.metrics["statements"] = float(len(statements))
    if problem is not None or refused or not any(s.action == "load" for s in statements):
        report.checks.extend(checks.gate_checks(statements, problem, None))
        report.checks.extend(checks.not_run("nothing was loaded: the DDL was refused"))
        report.summary = _refused_summary(statements, problem)
        report.metrics["seconds"] = round(time.perf_counter() - started, 4)
        progress(1.0, "refused")
        return report

    try:
        loaded = _load(statements, text, dialect, options, progress)
    except GradingError:
        raise
    except Exception as exc:  # a grader bug on odd DDL must still end in a report
        logger.exception("loading the schema failed")
        report.checks.append(checks.gate_checks(statements, None, None)[0])
        report.checks.append(
            checks.make(
                "schema.loads",
                0,
                f"The grader failed while loading the DDL ({type(exc).__name__}); "
                "a reviewer should look at it by hand.",
            )
        )
        report.checks.extend(checks.not_run("the grader could not load the DDL"))
        report.summary = "The grader could not load this DDL; see the second check."
        progress(1.0, "failed")
        return report

    progress(0.6, "checking the schema")
    report.checks.extend(checks.gate_checks(statements, None, loaded))
    report.checks.extend(checks.schema_checks(loaded.schema))

    progress(0.85, "drawing the diagram")
    try:
        report.artifacts[DIAGRAM] = draw(loaded.schema)
    except Exception:  # a drawing bug must not cost the candidate the report
        logger.exception("the ER diagram could not be drawn")

    schema = loaded.schema
    report.metrics.update(
        tables=float(len(schema.tables)),
        foreign_keys=float(sum(len(t.foreign_keys) for t in schema.tables)),
        indexes=float(sum(len(t.indexes) for t in schema.tables)),
        load_seconds=round(loaded.seconds, 4),
        seconds=round(time.perf_counter() - started, 4),
    )
    report.summary = _summary(report, loaded, dialect)
    progress(1.0, "done")
    return report


def _load(
    statements: list[Statement],
    text: str,
    dialect: SqlDialect,
    options: SchemaOptions,
    progress: Progress,
) -> Loaded:
    declared = declared_from(statements, text)
    if dialect == "postgres" and options.database_url:
        progress(0.3, "loading into a scratch PostgreSQL schema")
        return load_postgres(
            statements,
            declared,
            database_url=options.database_url,
            timeout=options.timeout_seconds,
        )
    progress(0.3, "loading into an in-memory SQLite database")
    return load_sqlite(statements, dialect, declared, timeout=options.timeout_seconds)


# ---------------------------------------------------------------------------- reading


def _read(source: str | Path, max_bytes: int) -> tuple[str, str | None]:
    """The DDL text and, when the submission itself is unusable, why."""
    if isinstance(source, str) and not _looks_like_path(source):
        data = source.encode("utf-8", errors="surrogatepass")
    else:
        path = Path(source)
        try:
            size = path.stat().st_size
            if size > max_bytes:
                return "", f"the file has {size} bytes; the limit is {max_bytes}"
            data = path.read_bytes()
        except OSError as exc:
            raise GradingError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        return "", f"the DDL has {len(data)} bytes; the limit is {max_bytes}"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return "", f"the file is not UTF-8 text (byte {exc.start})"
    if "\x00" in text:
        return "", "the file contains NUL bytes: it is not a text file"
    return text, None


def _looks_like_path(source: str) -> bool:
    return "\n" not in source and ";" not in source and source.strip().lower().endswith(".sql")


# Weighted markers of each dialect; comments are removed first.
_POSTGRES_MARKERS = (
    (r"\b(?:big|small)?serial\b", 3),
    (r"\btimestamptz\b|\bwith(?:out)?\s+time\s+zone\b", 3),
    (r"\bgenerated\s+(?:always|by\s+default)\s+as\s+identity\b", 3),
    (r"\bcreate\s+(?:type|domain|sequence|extension|schema)\b", 2),
    (r"\b(?:jsonb|bytea|citext|inet|uuid|tsvector)\b", 2),
    (r"::\s*\w", 2),
    (r"\$\$", 2),
    (r"\busing\s+(?:btree|gin|gist|hash|brin)\b", 2),
    (r"\bnow\s*\(\s*\)", 1),
    (r"\bcomment\s+on\b", 1),
    (r"\w\[\]", 2),
)
_SQLITE_MARKERS = (
    (r"\bautoincrement\b", 3),
    (r"\bwithout\s+rowid\b", 3),
    (r"\)\s*strict\s*;", 3),
    (r"\bpragma\b", 2),
    (r"\battach\s+(?:database\s+)?'", 2),
    (r"\bdatetime\s*\(\s*'now'|\bstrftime\s*\(|\bunixepoch\s*\(", 2),
    (r"\bdatetime\b", 1),
    (r"\binteger\s+primary\s+key\b", 1),
    (r"\bblob\b", 1),
)
_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)


def detect_dialect(text: str) -> SqlDialect:
    """PostgreSQL unless the DDL reads more like SQLite: a neutral script is parsed with the
    stricter grammar."""
    bare = _COMMENTS.sub(" ", text).lower()

    def score(markers: tuple[tuple[str, int], ...]) -> int:
        return sum(weight for pattern, weight in markers if re.search(pattern, bare))

    return "sqlite" if score(_SQLITE_MARKERS) > score(_POSTGRES_MARKERS) else "postgres"


# ---------------------------------------------------------------------------- parsing


def split_statements(
    text: str, dialect: SqlDialect, max_statements: int
) -> tuple[list[Statement], str | None]:
    """Every statement with what to do with it, and a problem with the text as a whole."""
    reader = Dialect.get_or_raise(dialect)
    tokenizer = reader.tokenizer()
    try:
        tokens = tokenizer.tokenize(text)
    except TokenError:
        return [], _token_problem(text, tokenizer.tokens)
    except Exception as exc:  # sqlglot bugs on odd input count as "cannot be read"
        return [], f"the SQL cannot be read: {type(exc).__name__}"
    chunks: list[list[Token]] = [[]]
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            chunks.append([])
        else:
            chunks[-1].append(token)
    chunks = [c for c in chunks if c]
    if len(chunks) > max_statements:
        return [], f"the DDL has {len(chunks)} statements; the limit is {max_statements}"
    if not chunks:
        return [], "the submission has no SQL statements"
    statements = [
        _classify(chunk, text, reader, number) for number, chunk in enumerate(chunks, start=1)
    ]
    return statements, None


def _token_problem(text: str, read: list[Token]) -> str:
    """Where tokenizing stopped: just after the last token it could read, which is where an
    unterminated string, quoted name or comment starts."""
    position = read[-1].end + 1 if read else 0
    while position < len(text) and text[position].isspace():
        position += 1
    line = text.count("\n", 0, position) + 1
    return (
        f"the SQL cannot be split into statements at line {line}: "
        "an unterminated string, quoted name or comment?"
    )


_CODE = {"FUNCTION", "PROCEDURE", "TRIGGER", "RULE", "EVENT", "MACRO", "AGGREGATE", "OPERATOR"}
_REFUSALS: tuple[tuple[type[exp.Expr], str], ...] = (
    (exp.Insert, "changes data"),
    (exp.Update, "changes data"),
    (exp.Delete, "changes data"),
    (exp.Merge, "changes data"),
    (exp.Drop, "drops objects"),
    (exp.TruncateTable, "deletes data"),
    (exp.Attach, "opens another database file"),
    (exp.Detach, "detaches a database file"),
    (exp.Pragma, "changes database settings"),
    (exp.Copy, "reads or writes files"),
    (exp.Grant, "changes privileges"),
    (exp.Revoke, "changes privileges"),
    (exp.Query, "runs a query"),
)


@dataclass(frozen=True)
class _Verdict:
    kind: str
    action: Action
    reason: str = ""
    tree: exp.Expression | None = None


# The one pragma SQLite scripts need in order to mean what they say; any other is refused.
_FOREIGN_KEYS_ON = re.compile(r"^PRAGMA FOREIGN_KEYS = (?:ON|1|TRUE)\b")
_ALTER_RULE = "ALTER TABLE may only ADD columns or constraints, or SET NOT NULL / SET DEFAULT"


def _classify(tokens: list[Token], text: str, reader: Dialect, number: int) -> Statement:
    source = text[tokens[0].start : tokens[-1].end + 1]
    verdict = _judge(tokens, text, reader)
    return Statement(
        number, tokens[0].line, source, verdict.tree, verdict.kind, verdict.action, verdict.reason
    )


def _judge(tokens: list[Token], text: str, reader: Dialect) -> _Verdict:
    words = [t.text.upper() for t in tokens[:4]] + [""] * 3
    if words[0] in ("BEGIN", "COMMIT", "END") or words[:2] == ["START", "TRANSACTION"]:
        return _Verdict("transaction", "skip", "the grader runs the load in its own transaction")
    tree = _parse(tokens, text, reader)
    if isinstance(tree, _Verdict):
        return tree
    return _judge_tree(tree, tokens, text, reader, words)


def _parse(tokens: list[Token], text: str, reader: Dialect) -> exp.Expression | _Verdict:
    """The statement's tree, or the verdict on a statement that does not parse."""
    try:
        with quiet_sqlglot():
            trees = reader.parser().parse(tokens, text)
    except ParseError as exc:
        return _Verdict("unparseable", "refuse", _parse_problem(exc))
    except Exception as exc:  # RecursionError on deep nesting, sqlglot bugs on odd input
        return _Verdict("unparseable", "refuse", f"does not parse ({type(exc).__name__})")
    tree = trees[0] if trees else None
    if not isinstance(tree, exp.Expression):
        return _Verdict("unparseable", "refuse", "does not parse")
    return tree


def _judge_tree(
    tree: exp.Expression, tokens: list[Token], text: str, reader: Dialect, words: list[str]
) -> _Verdict:
    if isinstance(tree, exp.Create):
        return _judge_create(tree)
    if isinstance(tree, exp.Command):
        return _judge_command(tokens, text, reader, words)
    if isinstance(tree, exp.Alter):
        if str(tree.args.get("kind") or "").upper() == "TABLE" and all(
            _additive(action) for action in tree.args.get("actions") or []
        ):
            return _Verdict("alter", "load", tree=tree)
        return _Verdict("alter", "refuse", _ALTER_RULE)
    if isinstance(tree, exp.Comment):
        if str(tree.args.get("kind") or "").upper() in ("TABLE", "COLUMN"):
            return _Verdict("comment", "load", tree=tree)
        return _Verdict("comment", "skip", "only comments on tables and columns are kept")
    if isinstance(tree, exp.Transaction | exp.Commit):
        return _Verdict("transaction", "skip", "the grader runs the load in its own transaction")
    if isinstance(tree, exp.Set):
        return _Verdict("setting", "skip", "session settings are not part of the schema")
    if isinstance(tree, exp.Pragma) and _FOREIGN_KEYS_ON.match(" ".join(words[:4])):
        return _Verdict("pragma", "skip", "the grader turns foreign keys on itself")
    for kind, reason in _REFUSALS:
        if isinstance(tree, kind):
            return _Verdict(kind.__name__.lower(), "refuse", reason)
    return _Verdict("other", "refuse", "is not a schema statement")


def _parse_problem(exc: ParseError) -> str:
    detail = exc.errors[0] if exc.errors else {}
    where = f" at line {detail.get('line')}, column {detail.get('col')}" if detail else ""
    description = detail.get("description") or str(exc).splitlines()[0]
    highlight = detail.get("highlight")
    near = f" near `{highlight}`" if highlight else ""
    return f"does not parse{where}: {description}{near}"


def _additive(action: exp.Expression) -> bool:
    if isinstance(action, exp.ColumnDef | exp.AddConstraint):
        return True
    if isinstance(action, exp.AlterColumn):
        used = {k for k, v in action.args.items() if v not in (None, False, [])} - {"this"}
        return used <= {"allow_null", "default"} and action.args.get("allow_null") is not True
    return False


def _judge_create(tree: exp.Create) -> _Verdict:
    kind = str(tree.args.get("kind") or "").upper()
    properties = tree.args.get("properties")
    temporary = properties is not None and properties.find(exp.TemporaryProperty) is not None
    if kind == "TABLE":
        if tree.expression is not None:
            return _Verdict("table", "refuse", "CREATE TABLE ... AS runs a query")
        if temporary:
            return _Verdict("table", "skip", "a temporary table is not part of the schema")
        return _Verdict("table", "load", tree=tree)
    if kind == "INDEX":
        return _Verdict("index", "load", tree=tree)
    if kind == "TYPE":
        if isinstance(tree.expression, exp.DataType | exp.Schema):
            return _Verdict("type", "load", tree=tree)
        return _Verdict("type", "refuse", "only enum and composite types are accepted")
    if kind == "SEQUENCE":
        return _Verdict("sequence", "load", tree=tree)
    if kind == "VIEW":
        return _Verdict("view", "skip", "views are not graded")
    if kind == "SCHEMA":
        return _Verdict("schema", "skip", "the grader loads everything into its own schema")
    if kind in _CODE:
        return _Verdict(kind.lower(), "refuse", "defines code that runs inside the database")
    return _Verdict(kind.lower() or "create", "refuse", f"CREATE {kind} is not part of a schema")


def _judge_command(tokens: list[Token], text: str, reader: Dialect, words: list[str]) -> _Verdict:
    """sqlglot keeps what it cannot model as raw text; only a few such statements are DDL.
    Those keep no tree: they run as written."""
    source = text[tokens[0].start : tokens[-1].end + 1]
    head = words[:2]
    if head == ["CREATE", "DOMAIN"]:
        return _Verdict("domain", "load")
    if head == ["CREATE", "TYPE"] and enum_labels(source) is not None:
        return _Verdict("type", "load")
    if head == ["CREATE", "TABLE"] or words[:3] == ["CREATE", "UNLOGGED", "TABLE"]:
        return _Verdict("table", "load", tree=_without_table_options(tokens, text, reader))
    if head == ["CREATE", "EXTENSION"]:
        return _Verdict("extension", "refuse", "installs an extension")
    if words[0] == "DO":
        return _Verdict("do", "refuse", "runs a procedural block")
    if words[0] == "CREATE" and (set(words[1:4]) & _CODE):
        return _Verdict("code", "refuse", "defines code that runs inside the database")
    if words[0] == "ALTER":
        return _Verdict("alter", "refuse", _ALTER_RULE)
    return _Verdict(words[0].lower(), "refuse", "is not a schema statement")


def _without_table_options(
    tokens: list[Token], text: str, reader: Dialect
) -> exp.Expression | None:
    """SQLite's WITHOUT ROWID and STRICT defeat sqlglot; the table still runs as written, but
    its columns are read from the statement without them."""
    closing = max((i for i, t in enumerate(tokens) if t.text == ")"), default=-1)
    trailing = {t.text.upper() for t in tokens[closing + 1 :]}
    if closing < 0 or not trailing or not trailing <= {"WITHOUT", "ROWID", "STRICT", ","}:
        return None
    try:
        with quiet_sqlglot():
            trees = reader.parser().parse(tokens[: closing + 1], text)
    except (SqlglotError, RecursionError, ValueError):
        return None
    tree = trees[0] if trees else None
    return tree if isinstance(tree, exp.Create) else None


# ---------------------------------------------------------------------------- summary


def _refused_summary(statements: list[Statement], problem: str | None) -> str:
    refused = [s for s in statements if s.action == "refuse"]
    if problem is not None:
        reason = problem
    elif refused:
        reason = f"{len(refused)} of {len(statements)} statements are not schema DDL"
    else:
        reason = "it contains no statement that builds a schema"
    return (
        f"The submission was refused: {reason}. Nothing was loaded, so no other check could "
        "run; the first check lists what to fix. " + checks.CLARITY_NOTE
    )


def _summary(report: Report, loaded: Loaded, dialect: SqlDialect) -> str:
    schema = loaded.schema
    written = "PostgreSQL" if dialect == "postgres" else "SQLite"
    if schema.backend == "postgres":
        where = "loaded into a scratch PostgreSQL schema"
    elif dialect == "postgres":
        where = "translated to SQLite and loaded in memory (a PostgreSQL server loads it exactly)"
    else:
        where = "loaded into an in-memory SQLite database"
    weakest = sorted(
        (c for c in report.checks if c.result != "pass"),
        key=lambda c: c.points - c.max_points,
    )[:3]
    parts = [
        f"{written} DDL, {where}: {len(schema.tables)} tables. "
        f"Score {report.score:g} of {report.max_score:g} ({report.percent:g}%)."
    ]
    if loaded.errors:
        parts.append(f"{len(loaded.errors)} statements failed to load.")
    if weakest:
        parts.append("Biggest gaps: " + "; ".join(_gap(c) for c in weakest) + ".")
    parts.append(checks.CLARITY_NOTE)
    return " ".join(parts)


def _gap(check: Check) -> str:
    return f"{check.title.rstrip('.')} ({check.points:g}/{check.max_points:g})"
