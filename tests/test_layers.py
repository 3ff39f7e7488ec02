"""The layers are enforced by tools (docs/architecture.md): the import-linter contracts in
pyproject.toml and tools/delivery_orm.py. Each must pass on the real tree and fail on a
deliberately bad one, or it enforces nothing."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

from django.conf import settings as django_settings

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ORM_CHECK = ROOT / "tools" / "delivery_orm.py"

BAD_DELIVERY = """\
from hireloop.hiring.models import Candidate


def view(qs, interview, d):
    found = Candidate.objects.filter(x=1)
    first = qs.first()
    people = interview.interviewers.all()
    total = qs.count()
    names = qs.values("name")
    one = Candidate.objects.get(pk=1)
    qs.update(name="x")
    interview.save()
    prefetch_related_objects([interview], "interviewers")
    return found, first, people, total, names, one
"""

INNOCENT = """\
def view(request, d, text, router, cache):
    a = {}.get("a")
    d.update({"x": 1})
    d.update(x)
    rows = list(d.values())
    n = text.count("a")
    cache.delete("key")

    @router.delete("/things/{pk}")
    def remove(pk):
        return pk

    return a, rows, n, request.GET.get("page", "1")
"""


def _orm_check(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ORM_CHECK), *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_orm_check_reports_each_orm_use_with_its_line(tmp_path):
    bad = tmp_path / "views.py"
    bad.write_text(BAD_DELIVERY)
    result = _orm_check(bad)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    expected = [
        (5, "model manager .objects"),
        (5, "ORM call .filter()"),
        (6, "ORM call .first()"),
        (7, "ORM call .all()"),
        (8, "ORM call .count()"),
        (9, "ORM call .values(...)"),
        (10, "ORM call .get(keyword=...)"),
        (11, "ORM call .update(keyword=...)"),
        (12, "ORM call .save()"),
        (13, "ORM call prefetch_related_objects()"),
    ]
    for line, what in expected:
        assert any(f"views.py:{line}: {what}" in found for found in lines), (line, what, lines)
    assert len(lines) == 11  # the ten above plus the .objects of line 10


def test_orm_check_passes_innocent_code(tmp_path):
    fine = tmp_path / "views.py"
    fine.write_text(INNOCENT)
    result = _orm_check(fine)
    assert result.returncode == 0, result.stdout
    assert result.stdout == ""


def test_delivery_code_uses_no_orm():
    result = _orm_check()  # src/hireloop/api and src/hireloop/web
    assert result.returncode == 0, result.stdout


def _lint_imports(pythonpath: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run(
        [str(BIN / "lint-imports"), "--no-logo", "--no-cache", str(ROOT / "pyproject.toml")],
        capture_output=True,
        text=True,
        env=env,
        cwd=pythonpath,
        check=False,
        timeout=120,
    )


def _python_only(directory: str, names: list[str]) -> set[str]:
    """Templates, static files and fixtures play no part in imports: copy the code only."""
    return {n for n in names if not n.endswith(".py") and not (Path(directory) / n).is_dir()}


def test_import_contracts_hold_on_the_real_tree():
    result = _lint_imports(ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_import_contracts_catch_imports_against_the_layers(tmp_path):
    shutil.copytree(
        ROOT / "src" / "hireloop",
        tmp_path / "hireloop",
        ignore=lambda d, names: _python_only(d, names) | {"__pycache__"},
    )
    bad = {
        "accounts/bad.py": "import hireloop.web.render\n",
        "library/bad.py": "from hireloop.decisions import models\n",
        "lib/bad.py": "import hireloop.hiring\n",
        "web/bad.py": "from hireloop.api import errors\n",
    }
    for name, source in bad.items():
        (tmp_path / "hireloop" / name).write_text(source)
    result = _lint_imports(tmp_path)
    out = result.stdout
    assert result.returncode != 0
    assert "Contracts: 0 kept, 4 broken." in out, out
    assert "Domain apps never import the delivery layers (api, web) BROKEN" in out
    assert "hireloop.accounts.bad -> hireloop.web.render" in out
    assert "import only the apps below them BROKEN" in out
    assert "hireloop.library.bad -> hireloop.decisions" in out
    assert "lib is plain helpers: it imports no domain app and no delivery layer BROKEN" in out
    assert "hireloop.lib.bad -> hireloop.hiring" in out
    assert "api and web do not import each other BROKEN" in out
    assert "hireloop.web.bad -> hireloop.api" in out


# Template tags format what the view gave them: a permission check or a read there would be a
# rule or a query the view and its tests cannot see (docs/architecture.md).
TAG_FORBIDDEN_MODULES = frozenset({"services", "permissions", "panels"})


def _tag_offences(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ImportFrom) or not node.module:
            continue
        module = node.module.rsplit(".", 1)[-1]
        for alias in node.names:
            callable_name = not alias.name[:1].isupper()  # types and choices are fine
            if module in TAG_FORBIDDEN_MODULES or (module == "selectors" and callable_name):
                found.append(f"{node.module}.{alias.name}")
    return found


def test_template_tags_neither_query_nor_check():
    bad = (
        "from hireloop.decisions.selectors import debrief_status, Debrief\n"
        "from hireloop.accounts.permissions import can\n"
    )
    assert _tag_offences(bad) == [
        "hireloop.decisions.selectors.debrief_status",
        "hireloop.accounts.permissions.can",
    ]
    tags = _tag_modules()
    assert len(tags) >= 5
    for path in tags:
        assert _tag_offences(path.read_text(encoding="utf-8")) == [], path.name


def _tag_modules() -> list[Path]:
    """Every tag library templates can use: those registered in TEMPLATES (settings.py), which
    must be every module of web/ that makes a ``template.Library()``, so none escapes the test."""
    options = django_settings.TEMPLATES[0]["OPTIONS"]
    names = {*options["libraries"].values(), *options["builtins"]}
    registered = set()
    for name in names:
        spec = find_spec(name)
        assert spec is not None and spec.origin is not None, name
        registered.add(Path(spec.origin).resolve())
    web = ROOT / "src/hireloop/web"
    libraries = {
        path.resolve()
        for path in web.rglob("*.py")
        if "template.Library()" in path.read_text(encoding="utf-8")
    }
    assert libraries == registered, (libraries, registered)
    return sorted(registered)
