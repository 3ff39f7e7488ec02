"""``hireloop grade api|sql|schema``: grade a submission on this machine and print the report."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hireloop.assessments.graders.render import ProgressLine, report_table
from hireloop.assessments.graders.report import GradingError
from hireloop.assessments.grading import grader_for, grader_options


class Command(BaseCommand):
    help = "Grade a practical-task submission: exit 0 when grading ran, whatever the score."

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True, metavar="api|sql|schema")
        api = kinds.add_parser("api", help="a REST API project (folder or archive), or --url")
        api.add_argument("path", nargs="?", help="project folder, .zip or .tar.gz")
        api.add_argument("--url", help="grade a service already running on a loopback address")
        sql = kinds.add_parser("sql", help="a rewritten query with its CREATE INDEX statements")
        sql.add_argument("path", help="a .sql file")
        sql.add_argument("--query", help="slug of the slow query it answers")
        sql.add_argument("--size", type=int, help="rows in the generated data set")
        schema = kinds.add_parser("schema", help="DDL for the e-commerce schema")
        schema.add_argument("path", help="a .sql file")
        schema.add_argument("--dialect", choices=["auto", "postgres", "sqlite"], default="auto")
        schema.add_argument("--svg", help="also write the ER diagram to this file")
        for sub in (api, sql, schema):
            sub.add_argument("--json", action="store_true", help="print the report as JSON")
            sub.add_argument("--database-url", help="PostgreSQL server for scratch databases")

    def handle(self, *args: Any, **opts: Any) -> None:
        kind = opts["kind"]
        source = self._source(kind, opts)
        options = self._options(kind, opts)
        progress = ProgressLine(sys.stderr)
        try:
            report = grader_for(kind)(source, options=options, progress=progress)
        except GradingError as exc:
            raise CommandError(f"Could not grade: {exc}") from None
        finally:
            progress.close()
        if opts["json"]:
            self.stdout.write(json.dumps(report.to_dict(), indent=2))
        else:
            self.stdout.write(report_table(report))
        svg = opts.get("svg")
        if svg and "er-diagram.svg" in report.artifacts:
            Path(svg).write_text(report.artifacts["er-diagram.svg"])

    def _source(self, kind: str, opts: dict[str, Any]) -> Path | None:
        if kind == "api" and opts.get("url"):
            if opts.get("path"):
                raise CommandError("Give either a project path or --url, not both.")
            return None
        if not opts.get("path"):
            raise CommandError("Give the submission to grade (a path), or --url for api.")
        path = Path(opts["path"])
        if not path.exists():
            raise CommandError(f"{path} does not exist.")
        if kind != "api" and not path.is_file():
            raise CommandError(f"{path} is not a file.")
        return path

    def _options(self, kind: str, opts: dict[str, Any]) -> Any:
        options = grader_options(kind)
        if options is None:
            return None
        changes = {
            "url": opts.get("url"),
            "query": opts.get("query"),
            "size": opts.get("size"),
            "dialect": opts.get("dialect"),
            "database_url": opts.get("database_url"),
        }
        known = {f.name for f in dataclasses.fields(options)}
        return dataclasses.replace(
            options, **{k: v for k, v in changes.items() if v is not None and k in known}
        )
