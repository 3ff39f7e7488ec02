"""YAML parsing that remembers where every value came from, so errors can name a line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]


@dataclass
class SourceProblem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class LocatedDocument:
    """A parsed YAML document plus the line of every value in it."""

    file: str
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int:
        """Line of the deepest known value along ``path`` (1 when nothing matches)."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return 1


class _Loader(yaml.SafeLoader):
    pass


def _walk(node: yaml.Node, path: Path, doc: LocatedDocument, problems: list[SourceProblem]) -> None:
    doc.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(
                    SourceProblem(
                        doc.file, line, f"duplicate key '{key}' (first at line {seen[key]})"
                    )
                )
            seen[key] = line
            _walk(value_node, (*path, key), doc, problems)
            doc.lines[(*path, key)] = line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), doc, problems)


def parse(text: str, file: str) -> tuple[LocatedDocument | None, list[SourceProblem]]:
    """Parse one YAML document; on a syntax error return the problem instead of raising."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, [SourceProblem(file, 1, "the file is empty")]
        doc = LocatedDocument(file=file, data=None)
        problems: list[SourceProblem] = []
        _walk(node, (), doc, problems)
        doc.data = loader.construct_document(node)
        return doc, problems
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        return None, [SourceProblem(file, line, f"YAML syntax error: {exc.problem or exc}")]
    except yaml.YAMLError as exc:
        return None, [SourceProblem(file, 1, f"YAML error: {exc}")]
    finally:
        loader.dispose()
