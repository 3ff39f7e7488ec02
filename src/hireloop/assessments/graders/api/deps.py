"""Dependency environments for graded services, built once and cached by content.

Python: a virtual environment on the system interpreter, keyed by the interpreter and the
requirements. Node.js: a ``node_modules`` folder keyed by the Node.js version, package.json
and its lock file. A cache entry is built in place under an exclusive lock and marked complete
only at the very end, so a concurrent grader either waits or reuses a finished one, and never
sees half an environment. (Building elsewhere and renaming is not an option for a virtual
environment: pip writes its absolute path into every script it installs.)

Nothing a candidate wrote runs at install time: pip only accepts wheels (no setup.py), npm
runs with --ignore-scripts, and both may only fetch named packages from the registry, never a
URL, a path or a Git repository.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

COMPLETE = ".hireloop-complete"
LOG_TAIL = 3000
NPM_REGISTRY = "https://registry.npmjs.org/"

_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_REQUIREMENT = re.compile(
    rf"^{_NAME}\s*(\[\s*{_NAME}(\s*,\s*{_NAME})*\s*\])?"
    r"\s*((===?|~=|!=|<=?|>=?)\s*[A-Za-z0-9.*+!_-]+\s*(,\s*(===?|~=|!=|<=?|>=?)\s*[A-Za-z0-9.*+!_-]+\s*)*)?"
    r"(;[^@]*)?$"
)
_HASH_OPTION = re.compile(r"\s--hash[=\s]\s*[a-z0-9]+:[0-9a-f]+")
_NPM_NAME = re.compile(r"^(@[a-z0-9][\w.-]*/)?[a-z0-9][\w.-]*$", re.IGNORECASE)
_NPM_RANGE = re.compile(r"^[\w.^~<>=|*+ -]*$")


class InstallFailed(Exception):
    """Installing the submission's dependencies failed; the message says why."""


@dataclass(frozen=True)
class Environment:
    path: Path  # the cache entry, exposed read-only to the service
    bin_dir: Path | None  # put first on PATH (a virtual environment's bin)
    node_modules: Path | None  # linked into the service's folder
    reused: bool
    note: str  # what happened, for the report


def python_environment(
    interpreter: Path, requirements: str, cache: Path, *, timeout: float
) -> Environment:
    """A virtual environment on ``interpreter`` with ``requirements`` installed."""
    problems = requirement_problems(requirements)
    if problems:
        raise InstallFailed("requirements not accepted:\n" + "\n".join(problems))
    version = subprocess.run(
        [str(interpreter), "-c", "import sys; print(sys.version)"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    key = _digest(str(interpreter.resolve()), version, requirements)
    target = cache / f"python-{key}"
    count = len(requirement_lines(requirements))

    def build() -> None:
        # The grader's own pip installs into the new environment when it has one, which
        # saves bootstrapping pip in every environment.
        host_pip = importlib.util.find_spec("pip") is not None
        venv = [str(interpreter), "-m", "venv"]
        _run([*venv, "--without-pip", str(target)] if host_pip else [*venv, str(target)], timeout)
        if not count:
            return
        listed = target / "hireloop-requirements.txt"
        listed.write_text(requirements)
        python = str(target / "bin/python")
        installer = (
            [sys.executable, "-m", "pip", "--python", python] if host_pip else [python, "-m", "pip"]
        )
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
        flags = ["--no-input", "--disable-pip-version-check", "--progress-bar=off", "--timeout=30"]
        _run(
            [*installer, "install", *flags, "--only-binary=:all:", "-r", str(listed)],
            timeout,
            env=env,
        )

    reused, seconds = _cached(target, build)
    what = _plural(count, "requirement", "requirements") if count else "no requirements"
    note = (
        f"reused the cached environment {target.name} ({what})"
        if reused
        else f"built the environment {target.name} with {what} in {seconds:.1f} s"
    )
    return Environment(target, target / "bin", None, reused, note)


def node_environment(
    package_json: Path, node: Path, npm: Path, cache: Path, *, timeout: float
) -> Environment | None:
    """``node_modules`` for the dependencies in ``package_json``; None when it declares none."""
    try:
        package = json.loads(package_json.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InstallFailed(f"package.json cannot be read: {exc}") from None
    lock_path = package_json.parent / "package-lock.json"
    lock: Any = None
    if lock_path.is_file():
        try:
            lock = json.loads(lock_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InstallFailed(f"package-lock.json cannot be read: {exc}") from None
    problems = package_problems(package, lock)
    if problems:
        raise InstallFailed("package.json not accepted:\n" + "\n".join(problems))
    dependencies = package.get("dependencies") or {}
    if not dependencies:
        return None
    version = subprocess.run(
        [str(node), "--version"], capture_output=True, text=True, timeout=30, check=True
    ).stdout
    lock_text = json.dumps(lock, sort_keys=True) if lock is not None else ""
    key = _digest(version, json.dumps(dependencies, sort_keys=True), lock_text)
    target = cache / f"node-{key}"

    def build() -> None:
        target.mkdir(parents=True)
        # Only the dependencies travel: no scripts, workspaces or .npmrc of the candidate.
        manifest = {"name": "graded-service", "private": True, "dependencies": dependencies}
        (target / "package.json").write_text(json.dumps(manifest, indent=2))
        command = "install"
        if lock is not None:
            (target / "package-lock.json").write_text(lock_path.read_text(encoding="utf-8"))
            command = "ci"
        flags = ["--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"]
        env = {**os.environ, "npm_config_update_notifier": "false"}
        _run([str(npm), command, *flags], timeout, cwd=target, env=env)

    reused, seconds = _cached(target, build)
    what = _plural(len(dependencies), "dependency", "dependencies")
    note = (
        f"reused the cached node_modules {target.name} ({what})"
        if reused
        else f"installed {what} into {target.name} in {seconds:.1f} s"
    )
    return Environment(target, None, target / "node_modules", reused, note)


def requirement_lines(text: str) -> list[tuple[int, str]]:
    """Logical lines of a requirements file with their line numbers, comments removed."""
    lines: list[tuple[int, str]] = []
    pending = ""
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if not pending:
            start = number
        line = raw.split(" #", 1)[0] if not raw.lstrip().startswith("#") else ""
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        line = (pending + line).strip()
        pending = ""
        if line:
            lines.append((start, line))
    return lines


def requirement_problems(text: str) -> list[str]:
    """Lines that are not plain ``name[extras] version ; marker`` requirements."""
    problems = []
    for number, line in requirement_lines(text):
        bare = _HASH_OPTION.sub("", f" {line}").strip()
        if "://" in bare or "@" in bare or not _REQUIREMENT.match(bare):
            problems.append(
                f"line {number}: {line[:120]!r} - only package names with optional versions "
                "from PyPI are allowed (no options, URLs, paths or -r includes)"
            )
    return problems


def package_problems(package: Any, lock: Any) -> list[str]:
    """Dependencies that npm would fetch from anywhere but the registry."""
    if not isinstance(package, dict):
        return ["package.json must be a JSON object"]
    dependencies = package.get("dependencies") or {}
    if not isinstance(dependencies, dict):
        return ["dependencies must be an object of package names to versions"]
    problems = [
        f"dependency {name!r}: {spec!r} - only registry packages with a version range are allowed"
        for name, spec in dependencies.items()
        if not isinstance(spec, str) or not _NPM_NAME.match(name) or not _NPM_RANGE.match(spec)
    ]
    for where, value in _walk(lock):
        if where.endswith("resolved") and not (
            isinstance(value, str) and value.startswith(NPM_REGISTRY)
        ):
            problems.append(
                f"package-lock.json {where}: {str(value)[:120]!r} is not on the registry"
            )
        if where.endswith("link") and value is True:
            problems.append(f"package-lock.json {where}: linked local packages are not allowed")
    return problems


def _walk(value: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{where}[{index}]")
    else:
        yield where, value


def _cached(target: Path, build: Callable[[], None]) -> tuple[bool, float]:
    """Reuse ``target`` if complete, else build it under the lock; (reused, seconds)."""
    if (target / COMPLETE).exists():
        return True, 0.0
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target.with_name(target.name + ".lock")):
        if (target / COMPLETE).exists():
            return True, 0.0
        if target.exists():
            shutil.rmtree(target)  # a build that died half-way
        started = time.monotonic()
        try:
            build()
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        _open_up(target)
        (target / COMPLETE).write_text(time.strftime("%Y-%m-%dT%H:%M:%S\n"))
        return False, time.monotonic() - started


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _open_up(root: Path) -> None:
    """Make the environment readable by the unprivileged user the service runs as.

    Graders may run with a strict umask; the service must still read what was installed.
    """
    for folder, _, files in os.walk(root):
        Path(folder).chmod(Path(folder).stat().st_mode | 0o555)
        for name in files:
            path = Path(folder, name)
            if not path.is_symlink():
                path.chmod(path.stat().st_mode | 0o444)


def _run(
    command: list[str],
    timeout: float,
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> None:
    try:
        done = subprocess.run(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise InstallFailed(f"{Path(command[0]).name} took longer than {timeout:g} s") from None
    if done.returncode != 0:
        log = (done.stdout + done.stderr).strip()
        raise InstallFailed(
            f"`{' '.join(Path(c).name if i == 0 else c for i, c in enumerate(command))}` "
            f"failed with exit code {done.returncode}:\n...{log[-LOG_TAIL:]}"
        )


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _digest(*parts: str) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode())
        hasher.update(b"\x00")
    return hasher.hexdigest()[:24]
