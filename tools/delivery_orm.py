"""No ORM in delivery code: fail when ``hireloop.api`` or ``hireloop.web`` touches the ORM.

Why: the delivery layers (ninja routers and schemas, views, forms, template tags) only call
selectors (reads) and services (writes) in the domain apps. Queries written in a view escape the
workspace and permission scoping of the ``access_<entity>()`` doors, hide N+1 queries from the
query-count tests of the selectors, and cannot be reused by the other delivery layer. Models may
still be imported there, for type hints and choices.

import-linter cannot see a method call, so this script reads the source with ``ast`` (no Django,
no import of the code) and reports, as ``file:line: what``, every:

* attribute ``.objects``, ``._default_manager`` or ``._base_manager`` (a model's manager);
* call of ``.refresh_from_db(`` ``.full_clean(`` and of the queryset methods ``.filter(``
  ``.exclude(`` ``.order_by(`` ``.annotate(`` ``.aggregate(`` ``.values_list(``
  ``.select_related(`` ``.prefetch_related(`` ``.only(`` ``.defer(`` ``.distinct(`` ``.in_bulk(``
  ``.get_or_create(`` ``.update_or_create(`` ``.bulk_create(`` ``.bulk_update(`` ``.create(``
  ``.raw(`` ``.extra(`` ``.select_for_update(`` ``.iterator(``, whatever their arguments;
* ``.save(`` and ``.delete(`` with no positional argument (``Model.save()``,
  ``form.save(commit=False)``, ``qs.delete()``); with one, as in ``@router.delete("/x")`` or
  ``cache.delete(key)``, it is not the ORM;
* ``.exists()`` ``.first()`` ``.last()`` ``.all()`` ``.count()`` with no argument (``str.count(x)``
  and ``list.count(x)`` take one);
* ``.values(`` with an argument (``dict.values()`` takes none);
* ``.get(`` and ``.update(`` with keyword arguments only (``Model.objects.get(pk=1)``,
  ``qs.update(**changes)``); ``d.get("a")`` and ``d.update(other)`` are fine;
* ``prefetch_related_objects(``.

There is no way to silence a finding: move the code into a selector or a service.

Usage: ``python tools/delivery_orm.py [PATH ...]`` (default: ``src/hireloop/api`` and
``src/hireloop/web``); exits 1 when it finds anything, listing each finding.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATHS = (ROOT / "src/hireloop/api", ROOT / "src/hireloop/web")

MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
ANY_ARGS = frozenset(
    {
        "refresh_from_db",
        "full_clean",
        "filter",
        "exclude",
        "order_by",
        "annotate",
        "aggregate",
        "values_list",
        "select_related",
        "prefetch_related",
        "only",
        "defer",
        "distinct",
        "in_bulk",
        "get_or_create",
        "update_or_create",
        "bulk_create",
        "bulk_update",
        "create",
        "raw",
        "extra",
        "select_for_update",
        "iterator",
    }
)
NO_POSITIONAL = frozenset({"save", "delete"})
NO_ARGS = frozenset({"exists", "first", "last", "all", "count"})
KEYWORDS_ONLY = frozenset({"get", "update"})
FUNCTIONS = frozenset({"prefetch_related_objects"})


def _finding(call: ast.Call) -> str | None:
    """What is wrong with this call, or None when it is not an ORM call."""
    func = call.func
    if isinstance(func, ast.Name):
        return f"{func.id}()" if func.id in FUNCTIONS else None
    if not isinstance(func, ast.Attribute):
        return None
    name = func.attr
    positional = len(call.args)
    keywords = len(call.keywords)
    if name in FUNCTIONS or name in ANY_ARGS:
        return f".{name}()"
    if name in NO_POSITIONAL and positional == 0:
        return f".{name}()"
    if name in NO_ARGS and positional == 0 and keywords == 0:
        return f".{name}()"
    if name == "values" and (positional or keywords):
        return ".values(...)"
    if name in KEYWORDS_ONLY and positional == 0 and keywords:
        return f".{name}(keyword=...)"
    return None


def check_source(source: str, filename: str = "<string>") -> list[tuple[int, str]]:
    """Every ORM use in one module's source, as (line, what), in line order."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            found.append((node.lineno, f"model manager .{node.attr}"))
        elif isinstance(node, ast.Call):
            what = _finding(node)
            if what:
                found.append((node.lineno, f"ORM call {what}"))
    return sorted(found)


def python_files(paths: Sequence[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.py") if "migrations" not in p.parts)
        else:
            yield path


def main(argv: Sequence[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    paths = [Path(a) for a in args] or list(DEFAULT_PATHS)
    problems = 0
    for path in python_files(paths):
        for line, what in check_source(path.read_text(encoding="utf-8"), str(path)):
            shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
            print(f"{shown}:{line}: {what} (delivery code calls selectors and services)")
            problems += 1
    if problems:
        print(f"{problems} ORM use(s) in delivery code.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
