"""The schema design grader. Everything runs on the in-memory SQLite path; the PostgreSQL
tests are collected only when DATABASE_URL points at a PostgreSQL server."""

from __future__ import annotations

import os
import secrets
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import yaml

from hireloop.assessments.graders.report import Check, GradingError, Report
from hireloop.assessments.graders.schema import SchemaOptions, grade
from hireloop.assessments.graders.schema.model import Statement, declared_from, load_postgres
from hireloop.assessments.graders.schema.runner import detect_dialect

FIXTURES = Path(__file__).resolve().parents[3] / "src/hireloop/assessments/graders/schema/fixtures"
TASKS = Path(__file__).resolve().parents[3] / "content/backend/tasks.yaml"
BANDS = yaml.safe_load((FIXTURES / "bands.yaml").read_text())
# The server of the suite's database, through its maintenance database: the suite's own
# database may not exist under that name (the test runner creates "test_<name>").
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL.startswith("postgres"):
    DATABASE_URL = urlunsplit(urlsplit(DATABASE_URL)._replace(path="/postgres"))
SVG = "{http://www.w3.org/2000/svg}"

# A compact schema that passes most checks; tests change one thing at a time.
BASE = """\
CREATE TABLE users (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE categories (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parent_id BIGINT REFERENCES categories (id),
    name TEXT NOT NULL
);
CREATE INDEX ON categories (parent_id);
CREATE TABLE products (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    price {price_type} NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE product_categories (
    product_id BIGINT NOT NULL REFERENCES products (id),
    category_id BIGINT NOT NULL REFERENCES categories (id),
    PRIMARY KEY (product_id, category_id)
);
CREATE INDEX ON product_categories (category_id);
CREATE TABLE orders (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    status {status},
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX ON orders (user_id, created_at);
CREATE TABLE order_items (
    order_id BIGINT NOT NULL REFERENCES orders (id),
    product_id BIGINT NOT NULL REFERENCES products (id),
    quantity INTEGER NOT NULL {quantity_check},
    unit_price NUMERIC(12, 2) NOT NULL,
    PRIMARY KEY (order_id, product_id)
);
CREATE INDEX ON order_items (product_id);
"""


def base(
    price_type: str = "NUMERIC(12, 2)",
    status: str = "TEXT NOT NULL CHECK (status IN ('placed', 'paid', 'shipped'))",
    quantity_check: str = "CHECK (quantity > 0)",
) -> str:
    return BASE.format(price_type=price_type, status=status, quantity_check=quantity_check)


def line_of(source: str, fragment: str) -> int:
    return source[: source.index(fragment)].count("\n") + 1


def checks(report: Report) -> dict[str, Check]:
    return {c.id: c for c in report.checks}


def svg_root(report: Report) -> ET.Element:
    # The grader's own output, and malformed output is exactly what the tests should catch.
    return ET.fromstring(report.artifacts["er-diagram.svg"])  # noqa: S314


# ---------------------------------------------------------------------------- bands


@pytest.mark.parametrize("sample", BANDS, ids=[b["name"] for b in BANDS])
def test_each_fixture_lands_in_its_band(sample):
    report = grade(FIXTURES / sample["file"])
    low, high = sample["band"]
    assert low <= report.percent <= high, report.summary


def test_a_path_may_be_given_as_text():
    as_text = grade(str(FIXTURES / "mediocre.sql"))
    assert as_text.percent == grade(FIXTURES / "mediocre.sql").percent
    assert as_text.metrics["tables"] == 5


def test_strong_fixtures_pass_every_check():
    for name in ("strong-postgres.sql", "strong-sqlite.sql"):
        failing = [c.id for c in grade(FIXTURES / name).checks if c.result != "pass"]
        assert failing == [], name


def test_checks_count_towards_the_tasks_own_criteria():
    task = next(
        t for t in yaml.safe_load(TASKS.read_text()) if t["slug"] == "ecommerce-schema-design"
    )
    criteria = {c.split(" - ")[0] for c in task["evaluation_criteria"]}
    report = grade(FIXTURES / "strong-postgres.sql")
    used = {c.criterion for c in report.checks}
    assert used == criteria - {"Clarity of the diagram and the explanation"}
    assert "Clarity of the diagram and the explanation" in report.summary
    assert "reviewer" in report.summary


def test_refused_and_loaded_submissions_are_scored_out_of_the_same_total():
    refused = grade(FIXTURES / "hostile.sql")
    loaded = grade(FIXTURES / "mediocre.sql")
    assert refused.max_score == loaded.max_score == 100
    assert [c.id for c in refused.checks] == [c.id for c in loaded.checks]


# ------------------------------------------------------------------------- refusals


def test_hostile_script_is_refused_statement_by_statement_and_nothing_loads():
    report = grade(FIXTURES / "hostile.sql")
    found = checks(report)
    evidence = found["schema.ddl_only"].evidence
    assert found["schema.ddl_only"].result == "fail"
    for start, line, reason in [
        ("ATTACH DATABASE '/etc/passwd'", 7, "opens another database file"),
        ("PRAGMA writable_schema", 8, "changes database settings"),
        ("DROP TABLE IF EXISTS users", 9, "drops objects"),
        ("INSERT INTO users", 10, "changes data"),
        ("DELETE FROM sqlite_master", 15, "changes data"),
    ]:
        assert f"(line {line}) `{start}" in evidence
        assert reason in evidence
    assert found["schema.loads"].evidence == "Not loaded: the DDL was refused."
    assert report.score == 0
    assert "er-diagram.svg" not in report.artifacts
    assert "refused" in report.summary


@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        ("SELECT * FROM users", "runs a query"),
        ("UPDATE users SET email = ''", "changes data"),
        ("TRUNCATE users", "deletes data"),
        ("COPY users FROM '/etc/passwd'", "reads or writes files"),
        ("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql", "defines code"),
        ("CREATE TRIGGER t AFTER INSERT ON users EXECUTE FUNCTION f()", "defines code"),
        ("CREATE EXTENSION pgcrypto", "installs an extension"),
        ("DO $$ BEGIN PERFORM 1; END $$", "runs a procedural block"),
        ("GRANT ALL ON users TO PUBLIC", "changes privileges"),
        ("CREATE TABLE copy AS SELECT * FROM users", "AS runs a query"),
        ("ALTER TABLE users DROP COLUMN email", "ALTER TABLE may only ADD"),
        ("ALTER TABLE users ALTER COLUMN email TYPE varchar(10)", "ALTER TABLE may only ADD"),
    ],
)
def test_statements_that_do_not_build_a_schema_are_refused(statement, reason):
    source = f"CREATE TABLE users (id int PRIMARY KEY, email text);\n\n{statement};\n"
    found = checks(grade(source, options=SchemaOptions(dialect="postgres")))
    assert found["schema.ddl_only"].result == "fail"
    assert "Refused statement 2 (line 3)" in found["schema.ddl_only"].evidence
    assert reason in found["schema.ddl_only"].evidence
    assert found["schema.loads"].result == "fail"


def test_syntax_errors_are_refused_with_their_position():
    evidence = checks(grade(FIXTURES / "broken-syntax.sql"))["schema.ddl_only"].evidence
    assert "Refused statement 2 (line 7) `CREATE TABLE orders" in evidence
    assert "does not parse at line 10" in evidence
    assert "Refused statement 3 (line 14) `CREATE TABLE order_items" in evidence
    assert "statement 1 " not in evidence


def test_an_unterminated_string_is_refused_near_its_line():
    source = "CREATE TABLE a (id int PRIMARY KEY);\n\n\nCREATE TABLE b (name text DEFAULT 'oops);\n"
    evidence = checks(grade(source))["schema.ddl_only"].evidence
    assert "at line 4" in evidence
    assert "unterminated" in evidence


def test_housekeeping_statements_are_ignored_rather_than_refused():
    source = (
        "BEGIN;\nCREATE SCHEMA shop;\nSET search_path = shop;\n"
        "CREATE TABLE shop.users (id int PRIMARY KEY, email text NOT NULL UNIQUE);\n"
        "CREATE VIEW shop.v AS SELECT * FROM shop.users;\nCOMMIT;\n"
    )
    found = checks(grade(source))
    assert found["schema.ddl_only"].result == "pass"
    assert found["schema.ddl_only"].evidence.count("Ignored statement") == 5
    assert found["schema.loads"].result == "pass"
    sqlite = "PRAGMA foreign_keys = ON;\nCREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT);\n"
    assert checks(grade(sqlite))["schema.ddl_only"].result == "pass"


def test_size_limits_refuse_oversized_submissions():
    many = "CREATE TABLE a (id int PRIMARY KEY);\n" * 6
    found = checks(grade(many, options=SchemaOptions(max_statements=5)))
    assert "6 statements; the limit is 5" in found["schema.ddl_only"].evidence
    found = checks(grade(many, options=SchemaOptions(max_bytes=100)))
    assert "the limit is 100" in found["schema.ddl_only"].evidence
    assert found["schema.ddl_only"].result == "fail"


def test_a_missing_file_is_a_grading_error(tmp_path):
    with pytest.raises(GradingError):
        grade(tmp_path / "absent.sql")


def test_a_binary_file_is_refused_not_crashed_on(tmp_path):
    path = tmp_path / "schema.sql"
    path.write_bytes(b"\xff\xfe\x00CREATE")
    report = grade(path)
    assert checks(report)["schema.ddl_only"].result == "fail"
    assert "UTF-8" in checks(report)["schema.ddl_only"].evidence


@pytest.mark.parametrize(
    "source",
    [
        "",
        ";;;",
        "-- only a comment",
        "CREATE TABLE",
        "CREATE TABLE a (x int CHECK (" + "(" * 2000 + "x" + ")" * 2000 + " > 0))",
        'CREATE TABLE "\U0001f600" ("\u00e9t\u00e9" int PRIMARY KEY)',
        "CREATE TABLE t (" + ", ".join(f"c{i} int" for i in range(300)) + ")",
        "CREATE TABLE `users` (`id` INT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB",
        "CREATE TABLE a (id int PRIMARY KEY); CREATE INDEX ON nowhere (x);",
    ],
)
def test_odd_submissions_still_get_a_full_report(source):
    report = grade(source)
    assert report.max_score == 100
    assert len(report.checks) == 22
    assert report.summary


# ---------------------------------------------------------------------------- dialects


@pytest.mark.parametrize(
    ("source", "dialect"),
    [
        ("CREATE TABLE a (id SERIAL PRIMARY KEY, at TIMESTAMPTZ)", "postgres"),
        ("CREATE TABLE a (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY)", "postgres"),
        ("CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT, at DATETIME)", "sqlite"),
        ("CREATE TABLE a (id INTEGER PRIMARY KEY, price NUMERIC(10, 2))", "sqlite"),
        ("CREATE TABLE a (id int PRIMARY KEY, price NUMERIC(10, 2))", "postgres"),
        ("-- AUTOINCREMENT in a comment\nCREATE TABLE a (id SERIAL PRIMARY KEY)", "postgres"),
    ],
)
def test_dialect_is_detected_from_its_markers(source, dialect):
    assert detect_dialect(source) == dialect


def test_postgres_ddl_is_translated_for_sqlite_with_its_declared_types():
    found = checks(grade(FIXTURES / "strong-postgres.sql"))
    assert found["schema.loads"].result == "pass"
    assert "products.price (line 43) DECIMAL(12, 2)" in found["schema.money_types"].evidence


def test_sqlite_accepts_a_reference_to_a_missing_table_but_the_grader_does_not():
    source = (
        "CREATE TABLE orders (id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
        "  user_id INTEGER REFERENCES nobody (id),\n"
        "  other_id INTEGER REFERENCES orders (missing));\n"
    )
    evidence = checks(grade(source))["schema.loads"].evidence
    assert "orders.user_id (line 2): references nobody, which does not exist" in evidence
    assert "orders.other_id (line 3): references a column orders does not have" in evidence


def test_sqlite_ddl_runs_as_written():
    source = (
        "CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT);\n"
        "CREATE TABLE b (id INTEGER PRIMARY KEY AUTOINCREMENT, a_id INTEGER);\n"
        "ALTER TABLE b ADD CONSTRAINT b_a FOREIGN KEY (a_id) REFERENCES a (id);\n"
    )
    evidence = checks(grade(source))["schema.loads"].evidence
    assert "statement 3 (line 3)" in evidence
    assert "syntax error" in evidence


# ------------------------------------------------------------------------------ checks


@pytest.mark.parametrize(
    ("price_type", "result"),
    [
        ("NUMERIC(12, 2)", "pass"),
        ("DECIMAL", "pass"),
        ("INTEGER", "partial"),
        ("REAL", "fail"),
        ("DOUBLE PRECISION", "fail"),
        ("FLOAT", "fail"),
        ("MONEY", "fail"),
        ("TEXT", "fail"),
    ],
)
def test_money_must_be_an_exact_type(price_type, result):
    source = base(price_type=price_type)
    money = checks(grade(source))["schema.money_types"]
    assert money.result == result
    if result != "pass":
        assert f"products.price (line {line_of(source, 'price ')})" in money.evidence


def test_integer_cents_count_as_exact():
    source = base().replace("price NUMERIC(12, 2)", "price_cents BIGINT")
    assert checks(grade(source))["schema.money_types"].result == "pass"


def test_floats_for_money_are_named_with_their_lines():
    money = checks(grade(FIXTURES / "mediocre.sql"))["schema.money_types"]
    assert money.result == "fail"
    assert "products.price (line 21) DOUBLE PRECISION: a floating-point type" in money.evidence
    assert "orders.total (line 29)" in money.evidence
    assert "order_items.price (line 39)" in money.evidence


def test_unindexed_foreign_keys_are_listed():
    source = base().replace("CREATE INDEX ON orders (user_id, created_at);\n", "")
    source = source.replace("CREATE INDEX ON product_categories (category_id);\n", "")
    fk = checks(grade(source))["schema.fk_indexes"]
    assert fk.result == "partial"
    user_id = line_of(source, "user_id BIGINT")
    category_id = line_of(source, "category_id BIGINT")
    assert f"orders.user_id (line {user_id})" in fk.evidence
    assert f"product_categories.category_id (line {category_id})" in fk.evidence
    # The composite primary key starts with product_id, so that one is covered.
    assert "product_categories.product_id" not in fk.evidence


def test_a_comma_separated_list_is_a_normalisation_smell():
    found = checks(grade(FIXTURES / "broken-missing.sql"))
    assert found["schema.list_columns"].result == "fail"
    assert "product.category_ids (line 6)" in found["schema.list_columns"].evidence
    assert found["schema.list_columns"].criterion == "Normalisation"


def test_repeating_groups_are_judged_by_what_repeats():
    source = base().replace(
        "name TEXT NOT NULL,\n    price",
        "name TEXT NOT NULL, image1 TEXT, image2 TEXT, image3 TEXT,\n"
        "    address_line_1 TEXT, address_line_2 TEXT, address_line_3 TEXT,\n"
        "    phone1 TEXT, phone2 TEXT, phone3 TEXT,\n    price",
    )
    groups = checks(grade(source))["schema.repeating_groups"]
    assert groups.result == "fail"
    assert "image1, image2, image3" in groups.evidence
    assert "address_line" not in groups.evidence
    assert "phone" not in groups.evidence


@pytest.mark.parametrize(
    ("quantity_check", "result"),
    [
        ("CHECK (quantity > 0)", "pass"),
        ("CHECK (quantity >= 1)", "pass"),
        ("CHECK (0 < quantity)", "pass"),
        ("CHECK (quantity BETWEEN 1 AND 100)", "pass"),
        ("CHECK (quantity > 0 AND quantity < 1000)", "pass"),
        ("CHECK (quantity >= 0)", "fail"),
        ("CHECK (quantity > 0 OR quantity IS NULL)", "fail"),
        ("", "fail"),
    ],
)
def test_quantities_must_be_kept_positive(quantity_check, result):
    found = checks(grade(base(quantity_check=quantity_check)))
    assert found["schema.quantity_check"].result == result


@pytest.mark.parametrize(
    ("status", "result"),
    [
        ("TEXT NOT NULL CHECK (status IN ('placed', 'paid'))", "pass"),
        ("order_status NOT NULL", "pass"),
        ("TEXT NOT NULL", "partial"),
    ],
)
def test_order_status_is_limited_to_known_values(status, result):
    enum = "CREATE TYPE order_status AS ENUM ('placed', 'paid', 'cancelled');\n"
    found = checks(grade(enum + base(status=status)))
    assert found["schema.order_status"].result == result


def test_a_status_lookup_table_counts():
    source = base(status="TEXT NOT NULL").replace(
        "status TEXT NOT NULL", "status_id INT NOT NULL REFERENCES order_statuses (id)"
    )
    source = "CREATE TABLE order_statuses (id INT PRIMARY KEY, name TEXT NOT NULL);\n" + source
    assert checks(grade(source))["schema.order_status"].result == "pass"


def test_one_category_per_product_is_only_partial():
    found = checks(grade(FIXTURES / "mediocre.sql"))
    assert found["schema.product_categories"].result == "partial"
    assert "products.category_id (line 18)" in found["schema.product_categories"].evidence


def test_entities_are_matched_by_role_not_by_exact_name():
    source = (
        base()
        .replace("users", "customers")
        .replace("user_id", "customer_id")
        .replace("order_items", "line_items")
        .replace("products", "items")
    )
    found = checks(grade(source))
    assert found["schema.entities"].result == "pass"
    assert "users: customers" in found["schema.entities"].evidence
    assert "order lines: line_items" in found["schema.entities"].evidence
    assert found["schema.foreign_keys"].result == "pass"


def test_copying_product_details_into_order_lines_needs_a_reason():
    plain = base().replace("quantity INTEGER", "product_name TEXT NOT NULL,\n    quantity INTEGER")
    assert checks(grade(plain))["schema.line_copies"].result == "partial"
    explained = plain.replace(
        "product_name TEXT NOT NULL,", "product_name TEXT NOT NULL, -- snapshot for invoices"
    )
    found = checks(grade(explained))["schema.line_copies"]
    assert found.result == "pass"
    assert "snapshot for invoices" in found.evidence


def test_missing_core_tables_fail_the_checks_that_need_them():
    found = checks(grade("CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL);"))
    assert found["schema.entities"].points == 0
    assert found["schema.quantity_check"].result == "fail"
    assert found["schema.primary_keys"].result == "pass"


# ----------------------------------------------------------------------------- diagram


def test_diagram_is_well_formed_and_escapes_hostile_names():
    source = (
        'CREATE TABLE "<script>alert(1)</script>" (id int PRIMARY KEY, "a&b" text, "x""y" int);\n'
        'CREATE TABLE "o]]><img src=x onerror=alert(1)>" (\n'
        '  id int PRIMARY KEY, s int REFERENCES "<script>alert(1)</script>" (id));\n'
    )
    report = grade(source)
    svg = report.artifacts["er-diagram.svg"]
    root = svg_root(report)
    assert root.tag == f"{SVG}svg"
    assert "<script" not in svg
    assert "<img" not in svg
    assert {e.tag.removeprefix(SVG) for e in root.iter()} <= {
        "svg",
        "title",
        "rect",
        "g",
        "path",
        "text",
    }
    texts = {"".join(e.itertext()) for e in root.iter(f"{SVG}text")}
    assert "<script>alert(1)</script>" in texts
    assert 'x"y' in texts
    assert "a&b" in texts


def test_diagram_shows_every_table_and_relationship():
    report = grade(FIXTURES / "strong-sqlite.sql")
    root = svg_root(report)
    texts = {"".join(e.itertext()) for e in root.iter(f"{SVG}text")}
    for table in ("customers", "orders", "order_lines", "product_categories", "categories"):
        assert table in texts
    titles = ["".join(e.itertext()) for e in root.iter(f"{SVG}title")]
    links = [t for t in titles if " -> " in t]
    assert len(links) == report.metrics["foreign_keys"] == 8
    assert "order_lines.order_id -> orders.id" in links
    assert root.get("font-family") == "sans-serif"


def test_diagram_is_deterministic():
    first = grade(FIXTURES / "strong-postgres.sql").artifacts["er-diagram.svg"]
    assert grade(FIXTURES / "strong-postgres.sql").artifacts["er-diagram.svg"] == first


def test_progress_moves_forward_to_the_end():
    seen: list[float] = []
    grade(FIXTURES / "mediocre.sql", progress=lambda fraction, message: seen.append(fraction))
    assert seen == sorted(seen)
    assert seen[0] == 0.0
    assert seen[-1] == 1.0


def test_an_unreachable_server_is_a_grading_error():
    options = SchemaOptions(database_url="postgresql://postgres@127.0.0.1:1/none")
    with pytest.raises(GradingError):
        grade(FIXTURES / "strong-postgres.sql", options=options)


# -------------------------------------------------------------------------- PostgreSQL

if DATABASE_URL.startswith("postgres"):

    def leftovers() -> list[str]:
        with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
            rows = connection.execute(
                "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'hireloop_schemagrade_%'"
            ).fetchall()
        return [name for (name,) in rows]

    def on_postgres(source: str | Path) -> Report:
        return grade(source, options=SchemaOptions(database_url=DATABASE_URL))

    @pytest.mark.parametrize("sample", BANDS, ids=[b["name"] for b in BANDS])
    def test_each_fixture_lands_in_its_band_on_postgres(sample):
        report = on_postgres(FIXTURES / sample["file"])
        low, high = sample["band"]
        assert low <= report.percent <= high, report.summary

    @pytest.mark.parametrize("name", ["strong-postgres.sql", "mediocre.sql", "broken-missing.sql"])
    def test_postgres_and_sqlite_give_the_same_verdicts(name):
        server = on_postgres(FIXTURES / name)
        assert "scratch PostgreSQL schema" in server.summary
        memory = grade(FIXTURES / name)
        assert [(c.id, c.result, c.points) for c in server.checks] == [
            (c.id, c.result, c.points) for c in memory.checks
        ]

    def test_postgres_reports_what_it_rejects():
        source = (
            base()
            + "ALTER TABLE orders ADD CONSTRAINT bad FOREIGN KEY (id) REFERENCES nope (id);\n"
        )
        loads = checks(on_postgres(source))["schema.loads"]
        assert loads.result == "partial"
        line = line_of(source, "ALTER TABLE orders")
        assert f"statement 11 (line {line}) `ALTER TABLE orders" in loads.evidence
        assert 'relation "nope" does not exist' in loads.evidence

    def test_nothing_remains_on_the_server():
        probe = f"hireloop_probe_{secrets.token_hex(4)}"
        before = leftovers()
        on_postgres(FIXTURES / "strong-postgres.sql")
        on_postgres(f"CREATE TABLE public.{probe} (id int PRIMARY KEY);\nCREATE TABLE broken (;")
        on_postgres(f"CREATE TABLE public.{probe} (id int PRIMARY KEY, x nosuchtype);")
        assert leftovers() == before == []
        with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
            found = connection.execute("SELECT to_regclass(%s)", (f"public.{probe}",)).fetchone()
        assert found == (None,)

    def test_each_statement_runs_on_its_own():
        # Should sqlglot and PostgreSQL ever disagree about where a statement ends, the server
        # still runs one statement per call and refuses the rest.
        probe = f"hireloop_probe_{secrets.token_hex(4)}"
        text = f"CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE {probe} (id int)"
        statement = Statement(1, 1, text, None, "table", "load")
        loaded = load_postgres(
            [statement], declared_from([statement], text), database_url=DATABASE_URL, timeout=5
        )
        assert loaded.executed == 0
        assert "multiple commands" in loaded.errors[0]
        assert loaded.schema.tables == []
        assert leftovers() == []
