"""The submission's manifest: which runtime, which command starts the service, which port.

The format is documented in docs/grading-api.md; every problem is reported in words a
candidate can act on, together with an example of a valid manifest.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import yaml

NAMES = ("hireloop.yaml", "hireloop.yml", "hireloop.json")
MAX_MANIFEST_BYTES = 64 * 1024
KEYS = ("runtime", "start", "port", "install", "resource", "docs")
Runtime = Literal["python", "node"]
DEPENDENCY_FILES: dict[Runtime, str] = {"python": "requirements.txt", "node": "package.json"}
# Folders packers add beside the real top folder; they do not count when looking for it.
_PACKING_LITTER = {"__MACOSX", ".DS_Store"}

EXAMPLE = """\
runtime: python            # or: node
start: python app.py       # runs in the foreground; never through a shell
port: 8080                 # optional: leave it out and listen on $PORT instead
"""


class ManifestError(Exception):
    """The manifest is missing or invalid; the message says what to fix."""


@dataclass(frozen=True)
class Manifest:
    root: Path  # the folder holding the manifest: the service's working directory
    file: str
    runtime: Runtime
    start: tuple[str, ...]
    port: int | None
    install: str | None  # dependency file relative to root, None when there is none
    resource: str | None
    docs: str | None


def find_root(folder: Path) -> Path:
    """The folder holding the manifest: ``folder`` itself, or its only subfolder.

    Archives often wrap everything in one top folder named after the project.
    """
    if any((folder / name).is_file() for name in NAMES):
        return folder
    entries = [entry for entry in folder.iterdir() if entry.name not in _PACKING_LITTER]
    if len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink():
        return entries[0]
    return folder


def load(folder: Path) -> Manifest:
    """Read and check the manifest of the submission in ``folder``."""
    root = find_root(folder)
    found = [name for name in NAMES if (root / name).is_file()]
    if not found:
        raise ManifestError(_with_example("No hireloop.yaml found at the top of the submission."))
    if len(found) > 1:
        raise ManifestError(f"Keep one manifest, not several: found {', '.join(found)}.")
    name = found[0]
    path = root / name
    if path.stat().st_size > MAX_MANIFEST_BYTES:
        raise ManifestError(f"{name} is larger than {MAX_MANIFEST_BYTES // 1024} kB.")
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        data = json.loads(text) if name.endswith(".json") else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ManifestError(_with_example(f"{name} cannot be parsed: {exc}")) from None
    if not isinstance(data, dict):
        raise ManifestError(_with_example(f"{name} must be a mapping of keys to values."))
    return _check(root, name, data)


def _check(root: Path, name: str, data: dict[Any, Any]) -> Manifest:
    problems: list[str] = []
    unknown = sorted(str(key) for key in data if key not in KEYS)
    if unknown:
        problems.append(f"unknown key(s) {', '.join(unknown)}; the keys are {', '.join(KEYS)}")

    runtime: Any = data.get("runtime")
    if runtime not in DEPENDENCY_FILES:
        problems.append(f"runtime must be 'python' or 'node', not {runtime!r}")

    start = _start_command(data.get("start"), problems)

    port = data.get("port")
    if port is not None and (
        isinstance(port, bool) or not isinstance(port, int) or not 1024 <= port <= 65535
    ):
        problems.append(f"port must be a whole number from 1024 to 65535, not {port!r}")

    install = data.get("install")
    if install is None and runtime in DEPENDENCY_FILES:
        default = DEPENDENCY_FILES[runtime]
        install = default if (root / default).is_file() else None
    elif install is not None:
        _check_install(root, runtime, install, problems)

    resource = _url_path(data, "resource", problems)
    docs = _url_path(data, "docs", problems)

    if problems:
        raise ManifestError(_with_example(f"{name} is invalid: " + "; ".join(problems) + "."))
    return Manifest(
        root=root,
        file=name,
        runtime=runtime,
        start=start,
        port=port,
        install=install,
        resource=resource,
        docs=docs,
    )


def _start_command(value: Any, problems: list[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        try:
            words = shlex.split(value)
        except ValueError as exc:
            problems.append(f"start cannot be split into words ({exc})")
            return ()
    elif isinstance(value, list) and all(isinstance(word, str) for word in value):
        words = value
    else:
        problems.append("start must be the command that runs the service, e.g. 'python app.py'")
        return ()
    if not words or not words[0]:
        problems.append("start is empty")
    return tuple(words)


def _check_install(root: Path, runtime: Any, install: Any, problems: list[str]) -> None:
    if not isinstance(install, str) or not _relative_inside(install):
        problems.append("install must be a path inside the submission, e.g. requirements.txt")
    elif runtime == "node" and install != "package.json":
        problems.append("for node, install can only be package.json at the top of the submission")
    elif not (root / install).is_file():
        problems.append(f"install names {install}, which is not in the submission")


def _url_path(data: dict[Any, Any], key: str, problems: list[str]) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.startswith("/") or any(c in value for c in "?# "):
        problems.append(f"{key} must be a URL path starting with '/', e.g. /todos")
        return None
    return value.rstrip("/") or "/"


def _relative_inside(path: str) -> bool:
    pure = PurePosixPath(path)
    return not pure.is_absolute() and ".." not in pure.parts and path.strip() != ""


def _with_example(message: str) -> str:
    return f"{message}\nA valid hireloop.yaml looks like this:\n{EXAMPLE}"
