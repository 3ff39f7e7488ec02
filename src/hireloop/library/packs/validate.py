"""Read a content pack folder, validate every file and every cross-reference, report all problems.

Nothing here touches the database: a pack is either fully valid (and then loadable) or it comes
back with the complete list of problems, each naming file, line and what is wrong.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from hireloop.lib.yamlsrc import LocatedDocument, SourceProblem, parse

from . import schema


@dataclass
class Pack:
    root: Path
    info: schema.PackInfo | None = None
    competencies: list[schema.Competency] = field(default_factory=list)
    questions: list[schema.Question] = field(default_factory=list)
    scorecards: list[schema.Scorecard] = field(default_factory=list)
    stages: list[schema.Stage] = field(default_factory=list)
    process: schema.Process | None = None
    tasks: list[schema.Task] = field(default_factory=list)
    skills: list[schema.SkillRequirement] = field(default_factory=list)
    industries: list[schema.IndustryProfile] = field(default_factory=list)
    red_flags: list[schema.CandidateRedFlag] = field(default_factory=list)
    prep_tips: list[schema.PrepTopic] = field(default_factory=list)
    content_hash: str = ""
    problems: list[SourceProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class Locator:
    """Finds the line of a path inside one entry of one file (e.g. ``"criteria", 2, "anchors"``)."""

    def __init__(self, doc: LocatedDocument, base: tuple[str | int, ...]) -> None:
        self.doc = doc
        self.base = base

    def __call__(self, *path: str | int) -> int:
        return self.doc.line_of((*self.base, *path))


class PackError(Exception):
    """Raised when a pack that must be valid is not; carries every problem found."""

    def __init__(self, problems: list[SourceProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


_ATTR = {
    "pack.yaml": "info",
    "competencies.yaml": "competencies",
    "scorecards.yaml": "scorecards",
    "stages.yaml": "stages",
    "process.yaml": "process",
    "tasks.yaml": "tasks",
    "skills.yaml": "skills",
    "industries.yaml": "industries",
    "red_flags.yaml": "red_flags",
    "prep_tips.yaml": "prep_tips",
}


def _error_text(err: Any) -> str:
    msg = str(err["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    where = ".".join(str(p) for p in err["loc"] if not isinstance(p, int))
    if err["type"] == "missing":
        return f"'{err['loc'][-1]}' is required"
    if err["type"] == "extra_forbidden":
        return f"unknown field '{err['loc'][-1]}'"
    return f"{where}: {msg}" if where else msg


def _validate_item(
    model: type[BaseModel], data: Any, doc: LocatedDocument, base: tuple[str | int, ...]
) -> tuple[BaseModel | None, list[SourceProblem]]:
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        problems = [
            SourceProblem(doc.file, doc.line_of((*base, *err["loc"])), _error_text(err))
            for err in exc.errors()
        ]
        return None, problems


def _validate_file(
    path: Path, rel: str, model: type[BaseModel], is_list: bool
) -> tuple[list[tuple[BaseModel, Locator]], list[SourceProblem]]:
    """Return (item, locator) pairs and problems for one file."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return [], [SourceProblem(rel, 1, "the file is not valid UTF-8")]
    doc, problems = parse(text, rel)
    if doc is None:
        return [], problems
    items: list[tuple[BaseModel, Locator]] = []
    if is_list:
        if not isinstance(doc.data, list):
            return [], [*problems, SourceProblem(rel, 1, "expected a list of entries at top level")]
        for index, data in enumerate(doc.data):
            item, errs = _validate_item(model, data, doc, (index,))
            problems += errs
            if item is not None:
                items.append((item, Locator(doc, (index,))))
    else:
        item, errs = _validate_item(model, doc.data, doc, ())
        problems += errs
        if item is not None:
            items.append((item, Locator(doc, ())))
    return items, problems


class _Refs:
    """Collects slugs and their lines so cross-references can point at the offending line."""

    def __init__(self) -> None:
        self.lines: dict[tuple[str, str], tuple[str, int]] = {}
        self.problems: list[SourceProblem] = []

    def define(self, kind: str, slug: str, file: str, line: int) -> None:
        key = (kind, slug)
        if key in self.lines:
            first_file, first_line = self.lines[key]
            self.problems.append(
                SourceProblem(
                    file,
                    line,
                    f"duplicate {kind} slug '{slug}' (first in {first_file}:{first_line})",
                )
            )
        else:
            self.lines[key] = (file, line)

    def require(self, kind: str, slugs: Iterable[str], file: str, line: int, what: str) -> None:
        for slug in slugs:
            if (kind, slug) not in self.lines:
                self.problems.append(
                    SourceProblem(file, line, f"{what} names unknown {kind} '{slug}'")
                )


def read_pack(root: Path | str) -> Pack:
    """Validate the pack at ``root`` and return it; ``pack.problems`` lists everything wrong."""
    root = Path(root)
    pack = Pack(root=root)
    if not root.is_dir():
        pack.problems.append(SourceProblem(str(root), 1, "no such pack folder"))
        return pack

    located: dict[str, list[tuple[BaseModel, Locator]]] = {}
    digest = hashlib.sha256()
    files = [(rel, *schema.FILES[rel]) for rel in schema.FILES if (root / rel).is_file()]
    if not (root / "pack.yaml").is_file():
        pack.problems.append(SourceProblem("pack.yaml", 1, "the pack has no pack.yaml"))
    question_files = sorted((root / schema.QUESTIONS_DIR).glob("*.yaml"))
    files += [(f"{schema.QUESTIONS_DIR}/{p.name}", schema.Question, True) for p in question_files]
    known = {rel for rel, _, _ in files}
    for extra in sorted(root.rglob("*.y*ml")):
        rel = extra.relative_to(root).as_posix()
        if rel not in known:
            pack.problems.append(SourceProblem(rel, 1, "file is not part of the pack format"))

    for rel, model, is_list in files:
        path = root / rel
        digest.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
        items, problems = _validate_file(path, rel, model, is_list)
        located[rel] = items
        pack.problems += problems
        attr = "questions" if rel.startswith(schema.QUESTIONS_DIR + "/") else _ATTR[rel]
        values = [item for item, _ in items]
        if is_list:
            getattr(pack, attr).extend(values)
        elif values:
            setattr(pack, attr, values[0])
    pack.content_hash = digest.hexdigest()
    pack.problems += _check_references(located)
    pack.problems.sort(key=lambda p: (p.file, p.line))
    return pack


def _check_references(
    located: dict[str, list[tuple[BaseModel, Locator]]],
) -> list[SourceProblem]:
    refs = _Refs()
    kinds = {
        schema.Competency: "competency",
        schema.Question: "question",
        schema.Scorecard: "scorecard",
        schema.Stage: "stage",
        schema.Task: "task",
        schema.SkillRequirement: "skill",
        schema.IndustryProfile: "industry",
        schema.CandidateRedFlag: "red flag",
        schema.PrepTopic: "prep topic",
    }
    for rel, items in located.items():
        for item, at in items:
            kind = kinds.get(type(item))
            if kind:
                refs.define(kind, item.slug, rel, at())  # type: ignore[attr-defined]

    for rel, items in located.items():
        for item, at in items:
            if isinstance(item, schema.Question):
                what = f"question '{item.slug}'"
                refs.require("competency", item.competencies, rel, at("competencies"), what)
            elif isinstance(item, schema.Scorecard):
                refs.require("stage", [item.stage], rel, at("stage"), f"scorecard '{item.slug}'")
                seen: set[str] = set()
                for i, crit in enumerate(item.criteria):
                    what = f"criterion '{crit.slug}' of scorecard '{item.slug}'"
                    if crit.slug in seen:
                        refs.problems.append(
                            SourceProblem(rel, at("criteria", i, "slug"), f"{what} appears twice")
                        )
                    seen.add(crit.slug)
                    line = at("criteria", i, "competency")
                    refs.require("competency", [crit.competency], rel, line, what)
                    line = at("criteria", i, "sample_questions")
                    refs.require("question", crit.sample_questions, rel, line, what)
            elif isinstance(item, schema.Stage):
                refs.require(
                    "scorecard", [item.scorecard], rel, at("scorecard"), f"stage '{item.slug}'"
                )
            elif isinstance(item, schema.Process):
                refs.require("stage", item.stages, rel, at("stages"), f"process '{item.slug}'")
            elif isinstance(item, schema.Task):
                refs.require(
                    "competency", item.competencies, rel, at("competencies"), f"task '{item.slug}'"
                )
            elif isinstance(item, schema.SkillRequirement):
                refs.require(
                    "competency", [item.competency], rel, at("competency"), f"skill '{item.slug}'"
                )
            elif isinstance(item, schema.IndustryProfile):
                refs.require(
                    "competency", item.weights, rel, at("weights"), f"industry '{item.slug}'"
                )
    return refs.problems


def load_valid_pack(root: Path | str) -> Pack:
    """Read the pack and raise :class:`PackError` unless it is entirely valid."""
    pack = read_pack(root)
    if not pack.ok:
        raise PackError(pack.problems)
    return pack
