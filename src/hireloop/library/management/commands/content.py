"""``content validate PATH`` / ``content load [PATH]`` / ``content export --format json|yaml``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hireloop.accounts.models import Workspace
from hireloop.library.export import export_pack, export_workspace
from hireloop.library.packs.validate import PackError, read_pack
from hireloop.library.services import pack_load

DEFAULT_PACK = "backend"


class Command(BaseCommand):
    help = "Validate, load and export interview content packs."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        validate = sub.add_parser("validate", help="report every problem in a pack folder")
        validate.add_argument("path")
        load = sub.add_parser("load", help="load a pack (default: the built-in one)")
        load.add_argument("path", nargs="?")
        load.add_argument("--force", action="store_true", help="reload even if unchanged")
        export = sub.add_parser("export", help="print the library as one document")
        export.add_argument("--format", choices=["json", "yaml"], default="json")
        export.add_argument("--workspace", help="print this workspace's view, own copies included")
        export.add_argument("--path", help="pack folder to export (default: the built-in one)")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, f"_{opts['action']}")(**opts)

    def _default_path(self) -> Path:
        return Path(settings.CONTENT_DIR) / DEFAULT_PACK

    def _validate(self, path: str, **_: Any) -> None:
        pack = read_pack(path)
        for problem in pack.problems:
            self.stdout.write(str(problem))
        if pack.problems:
            raise CommandError(f"{len(pack.problems)} problem(s) found in {path}")
        self.stdout.write(
            f"{path}: valid - {len(pack.competencies)} competencies, {len(pack.questions)} "
            f"questions, {len(pack.scorecards)} scorecards, {len(pack.stages)} stages, "
            f"{len(pack.tasks)} tasks (content hash {pack.content_hash[:12]})"
        )

    def _load(self, path: str | None, force: bool, **_: Any) -> None:
        try:
            report = pack_load(path=path or self._default_path(), force=force)
        except PackError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"nothing loaded: {len(exc.problems)} problem(s)") from None
        counts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in report.counts.items())
        state = "loaded" if report.changed else "already up to date"
        self.stdout.write(f"pack '{report.pack}' {state} ({report.content_hash[:12]}): {counts}")

    def _export(self, format: str, workspace: str | None, path: str | None, **_: Any) -> None:
        if workspace:
            ws = Workspace.objects.filter(slug=workspace).first()
            if ws is None:
                raise CommandError(f"no workspace with slug '{workspace}'")
            document = export_workspace(ws)
        else:
            pack = read_pack(path or self._default_path())
            if pack.problems:
                for problem in pack.problems:
                    self.stderr.write(str(problem))
                raise CommandError("the pack is not valid; fix it before exporting")
            document = export_pack(pack)
        if format == "json":
            self.stdout.write(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode())
        else:
            self.stdout.write(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
