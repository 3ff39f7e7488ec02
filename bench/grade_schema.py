"""Times the schema design grader on the strong sample submissions against its 1 s target.

    .venv/bin/python bench/grade_schema.py [--runs N] [--json FILE] [--database-url URL]

Both samples are graded on the in-memory SQLite path. With --database-url (or
BENCH_DATABASE_URL) the PostgreSQL sample is also graded on that server, in a throwaway
schema that is rolled back. Each measurement follows one warm-up run, so imports and
sqlglot's caches are not counted. The exit code is 0 even when the target is missed, unless
--strict is given; it is 2 when grading cannot run at all.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from hireloop.assessments.graders.report import GradingError
from hireloop.assessments.graders.schema import SchemaOptions, grade

FIXTURES = (
    Path(__file__).resolve().parent.parent / "src/hireloop/assessments/graders/schema/fixtures"
)
TARGET_S = 1.0


def measure(name: str, backend: str, options: SchemaOptions, runs: int) -> dict[str, Any]:
    path = FIXTURES / name
    report = grade(path, options=options)
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        report = grade(path, options=options)
        seconds.append(time.perf_counter() - started)
    median = statistics.median(seconds)
    return {
        "sample": name,
        "backend": backend,
        "runs": runs,
        "median_s": round(median, 4),
        "max_s": round(max(seconds), 4),
        "percent": report.percent,
        "target_s": TARGET_S,
        "passed": median < TARGET_S,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="measured runs per case (20)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="PostgreSQL server for the PostgreSQL path (default: $BENCH_DATABASE_URL)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    cases = [
        ("strong-postgres.sql", "sqlite", SchemaOptions()),
        ("strong-sqlite.sql", "sqlite", SchemaOptions()),
    ]
    if args.database_url:
        cases.append(
            ("strong-postgres.sql", "postgres", SchemaOptions(database_url=args.database_url))
        )
    try:
        rows = [measure(name, backend, options, args.runs) for name, backend, options in cases]
    except GradingError as exc:
        print(f"cannot grade: {exc}", file=sys.stderr)
        return 2

    print(f"{'sample':<22}{'backend':<10}{'median s':>10}{'max s':>9}{'score %':>9}  target")
    for row in rows:
        verdict = "PASS" if row["passed"] else "FAIL"
        print(
            f"{row['sample']:<22}{row['backend']:<10}{row['median_s']:>10.4f}"
            f"{row['max_s']:>9.4f}{row['percent']:>9.1f}  {verdict} (< {TARGET_S:g} s)"
        )
    if args.json:
        args.json.write_text(json.dumps({"target_s": TARGET_S, "results": rows}, indent=2))
    missed = [row for row in rows if not row["passed"]]
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
