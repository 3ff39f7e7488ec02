"""The SQL optimisation grader. Most tests grade on SQLite at a smaller size than the default;
one grades at the default size, and the PostgreSQL tests are collected only when
DATABASE_URL points at a PostgreSQL server."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from contextlib import closing
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from hireloop.assessments.graders.report import GradingError, Report
from hireloop.assessments.graders.sql import SqlOptions, dataset, grade
from hireloop.assessments.graders.sql.checks import (
    CLARITY,
    compare_results,
    parse_query,
    parse_submission,
    postgres_plan,
    sqlite_plan,
    table_aliases,
)
from hireloop.assessments.graders.sql.runner import QueryFailed, _SqliteEngine

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "src/hireloop/assessments/graders/sql/fixtures"
TASKS = ROOT / "content/backend/tasks.yaml"
BANDS = yaml.safe_load((FIXTURES / "bands.yaml").read_text())
DATABASE_URL = os.environ.get("DATABASE_URL", "")
SMALL = 50_000  # orders: the default data set's shape at a twelfth of its cost
TINY = 2_000

STRONG = (FIXTURES / "strong.sql").read_text()
STRONG_QUERY = STRONG[STRONG.index("SELECT") :]
STRONG_INDEXES = """
CREATE INDEX orders_created_status_customer ON orders (created_at, status, customer_id);
CREATE INDEX order_lines_order_amounts ON order_lines (order_id, quantity, unit_price_cents);
"""


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Shared by pytest-xdist workers (their base folders have a common parent), so the data
    # sets are built once per run; the cache's atomic rename makes concurrent builds safe.
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    path = root / "sql-grader-cache"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def small(cache_dir: Path) -> SqlOptions:
    return SqlOptions(size=SMALL, cache_dir=cache_dir, repeats=3, statement_timeout_s=2)


def check(report: Report, check_id: str):
    return next(c for c in report.checks if c.id == check_id)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- bands -----------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", BANDS, ids=[b["name"] for b in BANDS])
def test_each_fixture_lands_in_its_band(sample, small):
    report = grade(FIXTURES / sample["file"], options=small)
    low, high = sample["band"]
    assert low <= report.percent <= high, (report.percent, report.to_dict())


def test_strong_fixture_at_the_default_size_matches_the_library_reference(cache_dir):
    report = grade(FIXTURES / "strong.sql", options=SqlOptions(cache_dir=cache_dir))
    assert report.percent >= BANDS[0]["band"][0], report.to_dict()
    reference = dataset.load_queries()["revenue-per-customer"].reference
    assert (
        f"matching the library's digest {reference.digest[:12]}"
        in check(report, "result.unchanged").evidence
    )
    assert report.metrics["reference_rows"] == reference.rows
    assert report.metrics["baseline_ms"] > 100  # slow enough that the fix is worth measuring


def test_the_strong_fixture_passes_every_check(small):
    report = grade(FIXTURES / "strong.sql", options=small)
    assert [c.result for c in report.checks] == ["pass"] * 6
    assert report.metrics["speedup"] >= 5
    assert {"baseline_ms", "candidate_ms", "speedup"} <= set(report.metrics)
    assert (
        "index search (orders_created_status_customer)" in check(report, "plan.full_scans").evidence
    )
    assert set(report.artifacts) == {"plan-before.txt", "plan-after.txt"}
    json.dumps(report.to_dict())


def test_checks_count_towards_the_tasks_own_criteria(small):
    tasks = yaml.safe_load(TASKS.read_text())
    task = next(t for t in tasks if t["slug"] == "slow-query-optimisation")
    criteria = [c.split(" - ")[0] for c in task["evaluation_criteria"]]
    report = grade(FIXTURES / "mediocre.sql", options=small)
    for c in report.checks:
        assert any(criterion.startswith(c.criterion) for criterion in criteria), c.criterion
    assert CLARITY in criteria
    assert CLARITY in report.summary  # what the reviewer still has to judge


def test_refused_and_graded_submissions_are_scored_out_of_the_same_total(small):
    refused = grade(FIXTURES / "broken-syntax.sql", options=small)
    graded = grade(FIXTURES / "mediocre.sql", options=small)
    assert [c.id for c in refused.checks] == [c.id for c in graded.checks]
    assert refused.max_score == graded.max_score == 100


def test_a_wrong_result_earns_nothing_for_speed(small):
    report = grade(FIXTURES / "broken-wrong-result.sql", options=small)
    assert check(report, "result.unchanged").result == "fail"
    assert "expected rows missing" in check(report, "result.unchanged").evidence
    speed = check(report, "timing.speedup")
    assert speed.points == 0 and speed.evidence.startswith("Not counted")
    assert report.metrics["speedup"] > 1  # it is fast, which is exactly the trap


# --- refusals --------------------------------------------------------------------------------

REFUSALS = [
    ("sqlite", "INSERT INTO orders VALUES (1, 1, 'paid', '2024-01-01', 'x')", "INSERT is refused"),
    ("sqlite", "UPDATE orders SET status = 'paid'", "UPDATE is refused (it changes data)"),
    ("sqlite", "DELETE FROM orders", "DELETE is refused (it changes data)"),
    ("sqlite", "DROP TABLE orders", "DROP TABLE is refused (it changes the schema)"),
    ("sqlite", "ALTER TABLE orders ADD COLUMN note TEXT", "ALTER TABLE is refused"),
    ("sqlite", "ATTACH DATABASE '/tmp/other.db' AS other", "ATTACH is refused"),
    ("sqlite", "PRAGMA writable_schema = 1", "PRAGMA is refused (it changes database settings)"),
    ("sqlite", "CREATE TABLE copy (id INTEGER)", "only CREATE INDEX may change the schema"),
    ("sqlite", "VACUUM", "VACUUM is refused"),
    ("sqlite", "SELECT * INTO copy FROM orders", "SELECT ... INTO creates a table"),
    ("sqlite", "SELECT load_extension('/tmp/evil.so')", "load_extension() is refused"),
    ("sqlite", "SELECT randomblob(1000000000)", "randomblob() is refused"),
    ("sqlite", "SELECT * FROM sqlite_master", "reads sqlite_master, not a table of the data set"),
    ("sqlite", "CREATE INDEX ix ON sqlite_master (name)", "not a table of the data set"),
    ("postgres", "SELECT pg_sleep(60)", "pg_sleep() is refused"),
    ("postgres", "SELECT * FROM orders FOR UPDATE", "locks rows"),
    ("postgres", "SELECT * FROM pg_catalog.pg_authid", "outside the data set"),
    ("postgres", "SET statement_timeout = 0", "SET is refused"),
    ("postgres", "COPY orders TO '/tmp/orders.csv'", "COPY is refused (it reads or writes files)"),
    (
        "postgres",
        "WITH gone AS (DELETE FROM orders RETURNING id) SELECT * FROM gone",
        "a nested DELETE statement is refused",
    ),
]


@pytest.mark.parametrize(("dialect", "statement", "reason"), REFUSALS)
def test_statements_other_than_one_query_and_indexes_are_refused(dialect, statement, reason):
    text = f"-- query: revenue-per-customer\n-- my change\n{statement};\n{STRONG_QUERY}"
    submission = parse_submission(text, dialect)
    assert not submission.accepted
    assert any(p.startswith("line 3:") and reason in p for p in submission.problems), (
        submission.problems
    )


def test_exactly_one_query_is_accepted():
    two = parse_submission("SELECT 1 FROM orders;\nSELECT 2 FROM orders;", "sqlite")
    assert any("line 2: a second query" in p for p in two.problems)
    none = parse_submission(STRONG_INDEXES, "sqlite")
    assert "no SELECT query found: submit the rewritten query" in none.problems


def test_syntax_errors_name_their_line():
    submission = parse_submission((FIXTURES / "broken-syntax.sql").read_text(), "sqlite")
    assert submission.problems == ("line 7: does not parse: Expecting ) near 'AS'",)


def test_semicolons_in_strings_and_comments_do_not_split_statements():
    text = "-- a; b\nSELECT id FROM customers WHERE name = 'a;b'; -- trailing; comment\n"
    submission = parse_submission(text, "sqlite")
    assert submission.accepted, submission.problems
    assert submission.query == "SELECT id FROM customers WHERE name = 'a;b'"


def test_accepted_submissions_keep_their_indexes_with_normalised_columns():
    text = "CREATE INDEX ix ON main.customers (LOWER(email));\n" + STRONG_INDEXES + STRONG_QUERY
    submission = parse_submission(text, "sqlite")
    assert submission.accepted, submission.problems
    assert [(i.line, i.table, i.columns) for i in submission.indexes] == [
        (1, "customers", ("lower(email)",)),
        (3, "orders", ("created_at", "status", "customer_id")),
        (4, "order_lines", ("order_id", "quantity", "unit_price_cents")),
    ]
    assert submission.aliases == {"c": "customers", "o": "orders", "ol": "order_lines"}


def test_hostile_submission_is_refused_and_the_data_set_is_untouched(small):
    cache = dataset.cached_sqlite(small.cache_dir, size=small.size, seed=small.seed)
    before = file_digest(cache)
    report = grade(FIXTURES / "hostile-destructive.sql", options=small)
    assert report.percent == 0
    evidence = check(report, "submission.accepted").evidence
    assert "line 4: DELETE is refused" in evidence
    assert "line 5: DROP TABLE is refused" in evidence
    assert report.metrics == {}  # nothing ran
    assert file_digest(cache) == before
    with closing(sqlite3.connect(cache)) as conn:
        assert conn.execute("SELECT count(*) FROM orders").fetchone() == (SMALL,)
        assert conn.execute("SELECT count(*) FROM products").fetchone()[0] > 0


def test_sqlite_refuses_writes_even_when_a_statement_gets_past_the_parser(small):
    with dataset.scratch_sqlite(
        small.cache_dir, size=small.size, seed=small.seed, copies=2
    ) as paths:
        engine = _SqliteEngine(paths[0], paths[1], timeout_s=2)
        try:
            for sql in ("DELETE FROM orders", "DROP TABLE orders", "PRAGMA query_only = OFF"):
                with pytest.raises(QueryFailed, match="not authorized"):
                    engine.run(sql, after=True)
            with pytest.raises(QueryFailed, match="not authorized"):
                engine.create_index("DROP TABLE orders")
            # Past the authorizer too: the baseline copy is opened read-only, and the candidate's
            # copy becomes read-only once the indexes are built.
            with pytest.raises(sqlite3.OperationalError, match="readonly"):
                engine.before.execute("DELETE FROM orders")
            engine.refresh_statistics([], [])
            with pytest.raises(sqlite3.OperationalError, match="readonly"):
                engine.after.execute("DELETE FROM orders")
            assert engine.run("SELECT count(*) FROM orders", after=True).rows == [(SMALL,)]
            # Values are capped at 1 MB, so no query can build a huge string in memory.
            huge = "SELECT length(printf('%.*c', 2000000, 'x'))"
            assert engine.run(huge, after=True).rows == [(None,)]
        finally:
            engine.close()


# --- failures of the submission are checks, not crashes --------------------------------------


def test_a_runaway_query_is_stopped_by_the_statement_timeout(small):
    options = SqlOptions(size=SMALL, cache_dir=small.cache_dir, statement_timeout_s=1)
    report = grade(FIXTURES / "hostile-forever.sql", options=options)
    result = check(report, "result.unchanged")
    assert result.result == "fail"
    assert "stopped after 1 s by the statement timeout" in result.evidence
    assert "statement timeout" in report.summary


def test_a_query_the_database_rejects_is_a_failed_check(small):
    report = grade("SELECT c.id, c.nickname FROM customers c;\n", options=small)
    result = check(report, "result.unchanged")
    assert result.result == "fail"
    assert "Your query failed: no such column: c.nickname" in result.evidence


def test_a_query_returning_far_too_many_rows_is_cut_short(small):
    report = grade("SELECT * FROM order_lines;\n", options=small)
    reference_rows = int(report.metrics["reference_rows"])
    assert f"returned more than {reference_rows} rows" in check(report, "result.unchanged").evidence


def test_an_index_that_cannot_be_built_halves_the_acceptance_check(small):
    text = "CREATE INDEX bad ON orders (no_such_column);\n" + STRONG_INDEXES + STRONG_QUERY
    report = grade(text, options=small)
    accepted = check(report, "submission.accepted")
    assert (accepted.result, accepted.points) == ("partial", 5)
    assert "line 1: no such column: no_such_column" in accepted.evidence
    assert check(report, "result.unchanged").result == "pass"


def test_unused_redundant_and_too_many_indexes_cost_points(small):
    text = (
        "CREATE INDEX orders_created ON orders (created_at);\n"
        "CREATE INDEX orders_id ON orders (id);\n" + STRONG_INDEXES + STRONG_QUERY
    )
    report = grade(text, options=small)
    used = check(report, "indexes.used")
    assert used.result == "partial"
    assert "orders_created: NOT used" in used.evidence
    assert "orders_id: NOT used" in used.evidence
    cost = check(report, "indexes.cost")
    assert cost.result == "partial"
    assert "4 new indexes (more than 3)" in cost.evidence
    assert "orders_created (created_at) is a leading part of orders_created_status_customer" in (
        cost.evidence
    )
    assert "orders_id (id) is a leading part of the primary key (id)" in cost.evidence


def test_a_rewrite_without_indexes_is_graded_on_its_own_merits(small):
    report = grade(STRONG_QUERY, options=small)
    assert check(report, "result.unchanged").result == "pass"
    assert check(report, "indexes.used").evidence == "No index added: no write overhead."
    assert check(report, "plan.full_scans").result == "fail"


# --- choosing the query ----------------------------------------------------------------------


def test_the_comment_picks_the_query_and_an_expression_index_fixes_a_wrapped_column(small):
    text = """-- query: orders-by-email
CREATE INDEX customers_email_lower ON customers (lower(email));
CREATE INDEX orders_customer_created ON orders (customer_id, created_at);
SELECT o.id, o.created_at, o.status
FROM orders o JOIN customers c ON c.id = o.customer_id
WHERE lower(c.email) = 'hugo.okafor42@mail.test'
ORDER BY o.created_at DESC, o.id;
"""
    report = grade(text, options=small)
    assert report.summary.startswith("Order history of a customer found by e-mail")
    assert check(report, "result.unchanged").result == "pass"
    assert report.metrics["reference_rows"] > 0
    plan = check(report, "plan.full_scans")
    assert plan.result == "pass", plan.evidence
    assert (
        "customers: table scan (to fill a Bloom filter) -> index search (customers_email_lower)"
        in (plan.evidence)
    )


def test_options_choose_the_query_over_the_comment(small):
    options = SqlOptions(
        query="best-sellers-last-month", size=SMALL, cache_dir=small.cache_dir, repeats=1
    )
    report = grade(FIXTURES / "strong.sql", options=options)
    assert report.summary.startswith("Best sellers of November 2024")
    result = check(report, "result.unchanged")
    assert result.result == "fail"
    assert "returned more than 20 rows" in result.evidence


def test_an_unknown_query_is_refused_in_a_comment_and_an_error_in_options(small):
    report = grade("-- query: fastest-query\nSELECT 1 FROM orders;", options=small)
    assert (
        "'-- query: fastest-query' names no known query"
        in check(report, "submission.accepted").evidence
    )
    with pytest.raises(GradingError, match="unknown query 'nope'"):
        grade("SELECT 1 FROM orders;", options=SqlOptions(query="nope"))


def test_a_missing_submission_file_is_a_grading_error(tmp_path):
    with pytest.raises(GradingError, match="cannot read the submission"):
        grade(tmp_path / "answer.sql")
    with pytest.raises(GradingError, match="cannot read the submission"):
        grade(str(tmp_path / "answer.sql"))


def test_progress_is_reported_phase_by_phase(small):
    seen: list[tuple[float, str]] = []
    grade(FIXTURES / "strong.sql", options=small, progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    messages = " | ".join(m for _, m in seen)
    for phase in ("running the original query", "building 2 index(es)", "running your query"):
        assert phase in messages
    assert "timing, round 3 of 3" in messages


# --- comparing results and reading plans -----------------------------------------------------


def test_results_compare_as_multisets_unless_the_query_orders():
    rows = [(1, "a"), (2, "b"), (2, "b")]
    assert compare_results(rows, list(reversed(rows)), ordered=False).equal
    reordered = compare_results(rows, list(reversed(rows)), ordered=True)
    assert not reordered.equal and "Same rows, different order" in reordered.evidence
    duplicates = compare_results(rows, [(1, "a"), (1, "a"), (2, "b")], ordered=False)
    assert not duplicates.equal and "1 expected rows missing" in duplicates.evidence


def test_numbers_match_within_a_tolerance_and_engines_agree_on_values():
    expected = [(0.3, 12, "2024-03-04 10:00:00")]
    actual = [(0.1 + 0.2, Decimal("12.0"), datetime(2024, 3, 4, 10, 0, 0))]
    assert compare_results(expected, actual, ordered=True).equal
    assert not compare_results(expected, [(0.31, 12, "2024-03-04 10:00:00")], ordered=True).equal
    columns = compare_results(expected, [(0.3, 12)], ordered=True)
    assert not columns.equal and "2 columns instead of 3" in columns.evidence


def test_sqlite_plans_count_bloom_filters_and_automatic_indexes_as_full_scans():
    aliases = {"c": "customers", "o": "orders", "ol": "order_lines"}
    before = sqlite_plan(
        [
            (9, 0, 0, "SCAN ol"),
            (12, 0, 0, "BLOOM FILTER ON o (id=?)"),
            (24, 0, 0, "SEARCH o USING INTEGER PRIMARY KEY (rowid=?)"),
            (35, 0, 0, "SEARCH c USING INTEGER PRIMARY KEY (rowid=?)"),
        ],
        aliases,
    )
    assert (before.severity("orders"), before.severity("order_lines")) == (2, 2)
    assert before.severity("customers") == 0
    after = sqlite_plan(
        [
            (3, 0, 0, "SCAN o USING COVERING INDEX ix_o"),
            (5, 0, 0, "SEARCH ol USING AUTOMATIC COVERING INDEX (order_id=?)"),
            (7, 0, 0, "SEARCH c USING INDEX ix_c (id=?)"),
        ],
        aliases,
    )
    assert after.describe("orders") == "index scan (ix_o)"
    assert after.describe("order_lines") == "table scan (to build an automatic index)"
    assert after.describe("customers") == "index search (ix_c)"
    assert after.indexes == {"ix_o", "ix_c"}


def test_postgres_plans_are_read_from_their_json_form():
    plan = [
        {
            "Plan": {
                "Node Type": "Hash Join",
                "Plans": [
                    {"Node Type": "Seq Scan", "Relation Name": "order_lines"},
                    {
                        "Node Type": "Bitmap Heap Scan",
                        "Relation Name": "orders",
                        "Plans": [
                            {
                                "Node Type": "Bitmap Index Scan",
                                "Index Name": "orders_created",
                                "Index Cond": "(created_at >= x)",
                            }
                        ],
                    },
                    {
                        "Node Type": "Index Only Scan",
                        "Relation Name": "customers",
                        "Index Name": "customers_pkey",
                    },
                ],
            }
        }
    ]
    read = postgres_plan(plan, "text")
    assert read.describe("order_lines") == "table scan"
    assert read.describe("orders") == "index search"
    assert read.describe("customers") == "index scan (customers_pkey)"
    assert read.indexes == {"orders_created", "customers_pkey"}


# --- the data set and the library's references -----------------------------------------------


def table_digests(path: Path) -> dict[str, str]:
    with closing(sqlite3.connect(path)) as conn:
        return {
            table: dataset.digest(
                conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall(),  # noqa: S608
                ordered=True,
            )
            for table in dataset.TABLES
        }


def test_the_data_set_is_deterministic(tmp_path):
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        dataset.build(tmp_path / f"{name}.db", size=TINY, seed=seed)
    first, again, other = (table_digests(tmp_path / f"{n}.db") for n in "abc")
    assert first == again
    assert all(first[t] != other[t] for t in ("customers", "orders", "order_lines"))
    with closing(sqlite3.connect(tmp_path / "a.db")) as conn:
        counts = {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608
            for t in dataset.TABLES
        }
    sizes = dataset.table_sizes(TINY)
    assert {t: counts[t] for t in sizes} == sizes
    assert TINY <= counts["order_lines"] <= 5 * TINY


def test_the_cache_is_keyed_on_size_seed_and_schema_version(tmp_path):
    path = dataset.cached_sqlite(tmp_path, size=TINY, seed=3)
    assert path.name == f"shop-v{dataset.SCHEMA_VERSION}-n{TINY}-s3.sqlite3"
    built = path.stat().st_mtime_ns
    assert dataset.cached_sqlite(tmp_path, size=TINY, seed=3) == path
    assert path.stat().st_mtime_ns == built  # reused, not rebuilt
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no partial file left


def test_the_library_references_are_reproduced_by_the_generator(cache_dir):
    computed = dataset.compute_references(cache_dir=cache_dir)
    assert computed == {slug: q.reference for slug, q in dataset.load_queries().items()}


def test_every_slow_query_is_slow_because_it_reads_big_tables_in_full(small):
    with (
        dataset.scratch_sqlite(small.cache_dir, size=small.size, seed=small.seed) as (path,),
        closing(sqlite3.connect(path)) as conn,
    ):
        for query in dataset.load_queries().values():
            sql = query.sql["sqlite"]
            aliases = table_aliases(parse_query(sql, "sqlite"))
            plan = sqlite_plan(conn.execute("EXPLAIN QUERY PLAN " + sql).fetchall(), aliases)
            assert sum(plan.severity(t) for t in query.big_tables) > 0, (query.slug, plan.text)
            assert conn.execute(sql).fetchall(), query.slug  # every query returns something


# --- PostgreSQL ------------------------------------------------------------------------------

if DATABASE_URL.startswith("postgres"):

    @pytest.fixture
    def on_postgres(monkeypatch) -> SqlOptions:
        # A prefix of our own, so the test can prove its scratch databases are gone.
        monkeypatch.setattr(dataset, "PG_DATABASE_PREFIX", f"hireloop_sqlgrade_t{os.getpid()}_")
        return SqlOptions(database_url=DATABASE_URL, size=SMALL, repeats=3, statement_timeout_s=1)

    def scratch_databases() -> list[str]:
        # The URL's own database may not exist yet; the grader then uses "postgres" too.
        with dataset.admin_connection(DATABASE_URL) as conn:
            rows = conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s",
                (f"hireloop_sqlgrade_t{os.getpid()}_%",),
            ).fetchall()
        return [name for (name,) in rows]

    def test_postgres_grades_the_strong_fixture_and_drops_its_database(on_postgres):
        report = grade(FIXTURES / "strong.sql", options=on_postgres)
        results = {c.id: c.result for c in report.checks}
        assert results["result.unchanged"] == "pass"
        assert results["plan.full_scans"] == "pass", check(report, "plan.full_scans").evidence
        assert results["indexes.used"] == "pass", check(report, "indexes.used").evidence
        assert report.metrics["speedup"] > 1
        assert "on PostgreSQL" in report.summary
        assert "Index" in report.artifacts["plan-after.txt"]
        assert scratch_databases() == []

    @pytest.mark.parametrize(
        ("name", "failing", "evidence"),
        [
            ("broken-wrong-result", "result.unchanged", "expected rows missing"),
            ("hostile-destructive", "submission.accepted", "DROP TABLE is refused"),
            ("hostile-forever", "result.unchanged", "by the statement timeout"),
        ],
    )
    def test_postgres_reports_bad_submissions_as_failed_checks(
        on_postgres, name, failing, evidence
    ):
        report = grade(FIXTURES / f"{name}.sql", options=on_postgres)
        sample = next(b for b in BANDS if b["name"] == name)
        assert sample["band"][0] <= report.percent <= sample["band"][1]
        failed = check(report, failing)
        assert failed.result == "fail" and evidence in failed.evidence
        assert scratch_databases() == []

    def test_postgres_builds_indexes_concurrently_as_on_a_live_system(on_postgres):
        concurrent = STRONG_INDEXES.replace("CREATE INDEX", "CREATE INDEX CONCURRENTLY")
        report = grade(concurrent + STRONG_QUERY, options=on_postgres)
        assert check(report, "submission.accepted").result == "pass"
        assert check(report, "indexes.used").result == "pass", check(report, "indexes.used")
        assert "CREATE INDEX CONCURRENTLY" in check(report, "indexes.cost").evidence

    def test_postgres_holds_exactly_the_rows_sqlite_holds(cache_dir, monkeypatch):
        monkeypatch.setattr(dataset, "PG_DATABASE_PREFIX", f"hireloop_sqlgrade_t{os.getpid()}_")
        on_sqlite = dataset.compute_references(size=SMALL, cache_dir=cache_dir)
        on_pg = dataset.compute_references(
            size=SMALL, dialect="postgres", database_url=DATABASE_URL
        )
        assert on_pg == on_sqlite
        assert scratch_databases() == []
