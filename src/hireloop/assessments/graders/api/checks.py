"""The checks of the todo-rest-api task: real requests against the running service.

Every probe returns a share of its points (1 = pass, 0 = fail, anything between = partial)
and the evidence behind it: the requests sent and the answers received. Probes run in the
order of ``PROBES``, and later ones build on the items earlier ones created; when an earlier
step failed, a probe says so instead of guessing. The points add up to 100 for a submission
graded from its source; docs/grading-api.md lists them.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import yaml

from ..report import Check, Result
from .client import Exchange, HttpClient

# The evaluation criteria of the todo-rest-api task, by their short names.
FUNCTIONALITY = "Functionality"
REST = "Adherence to REST principles"
CODE = "Clarity and organisation of the code"
ROBUSTNESS = "Robustness"
DOCS_TESTS = "Quality of documentation and tests"

WRAPPERS = ("data", "item", "todo", "result")
LIST_WRAPPERS = ("items", "data", "results", "todos", "content", "records")
ID_KEYS = ("id", "_id", "uuid")
LIMIT_PARAMS = ("limit", "page_size", "per_page", "size", "pageSize")
DOC_PATHS = (
    "/openapi.json",
    "/openapi.yaml",
    "/swagger.json",
    "/api-docs",
    "/v3/api-docs",
    "/docs/openapi.json",
    "/docs",
)
INJECTIONS = (
    "Robert'); DROP TABLE todos;--",
    "<script>alert('x')</script>",
    "{{7*7}} ${7*7} %s %n",
    "Zoë's café ✓ 🚀",
    'line one\nline two\ttab \\ backslash "quoted"',
)
_VOLATILE = re.compile(r"updated|modified|etag|version", re.IGNORECASE)
_README_ENDPOINT = re.compile(r"\b(GET|POST|PUT|PATCH|DELETE)\b[\s`*|:]*(/[^\s`|)*\"']*)")
_PY_TEST = re.compile(r"^\s*(?:async\s+)?def test_\w+", re.MULTILINE)
_JS_TEST = re.compile(r"\b(?:it|test)\s*\(\s*[\"'`]")
_VERBS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}
_SKIPPED_FOLDERS = {".git", "node_modules", ".venv", "venv", "__pycache__"}

Verdict = tuple[float, str]


@dataclass(frozen=True)
class Spec:
    id: str
    criterion: str
    title: str
    points: float


SUBMISSION = Spec(
    "setup.submission", FUNCTIONALITY, "The submission unpacks and its hireloop.yaml is valid", 2
)
INSTALL = Spec(
    "setup.install", FUNCTIONALITY, "Declared dependencies install from the package registry", 2
)
START = Spec("setup.start", FUNCTIONALITY, "The service starts and answers HTTP requests", 4)


class Skip(Exception):
    """The probe cannot run because an earlier step failed; the message says which."""


def check(spec: Spec, share: float, evidence: str) -> Check:
    share = min(1.0, max(0.0, share))
    result: Result = "pass" if share >= 1 else "fail" if share <= 0 else "partial"
    return Check(
        spec.id,
        spec.criterion,
        spec.title,
        result,
        round(spec.points * share, 2),
        spec.points,
        evidence,
    )


@dataclass
class Context:
    client: HttpClient | None  # None when the service never answered: only static checks run
    resource: str
    source: Path | None  # the submission's files, when graded from them
    docs_path: str | None = None
    parallel: int = 20
    tag: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    ids: dict[str, str] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    exchanges: dict[str, Exchange] = field(default_factory=dict)
    created: int = 0  # items created and not deleted, for the pagination rule

    @property
    def http(self) -> HttpClient:
        if self.client is None:
            raise Skip("not run: the service did not answer")
        return self.client

    def need(self, name: str) -> str:
        if name not in self.ids:
            raise Skip(f"not run: item {name.upper()} could not be created earlier")
        return self.ids[name]

    def path(self, item_id: str) -> str:
        return f"{self.resource}/{quote(item_id, safe='')}"

    def post(self, payload: Any) -> Exchange:
        exchange = self.http.request("POST", self.resource, payload)
        if exchange.ok:
            self.created += 1
        return exchange

    def create(self, name: str, title: str) -> Exchange:
        exchange = self.post({"title": title})
        item_id = identifier(item(exchange), exchange) if exchange.ok else None
        if item_id is not None:
            self.ids[name] = item_id
            self.titles[name] = title
        return exchange

    def fetch(self, item_id: str) -> tuple[Exchange, dict[str, Any] | None]:
        exchange = self.http.request("GET", self.path(item_id))
        return exchange, item(exchange) if exchange.ok else None


def item(exchange: Exchange) -> dict[str, Any] | None:
    """The todo item in a response body, bare or wrapped in {"data": {...}} and the like."""
    data = exchange.data
    if not isinstance(data, dict):
        return None
    if any(key in data for key in (*ID_KEYS, "title")):
        return data
    for key in WRAPPERS:
        if isinstance(data.get(key), dict):
            return data[key]  # type: ignore[no-any-return]
    return None


def items(exchange: Exchange) -> list[dict[str, Any]] | None:
    """The items of a list response: a JSON array, or an object holding one."""
    data = exchange.data
    if isinstance(data, dict):
        data = next((data[key] for key in LIST_WRAPPERS if isinstance(data.get(key), list)), None)
    if not isinstance(data, list):
        return None
    return [entry for entry in data if isinstance(entry, dict)]


def identifier(found: dict[str, Any] | None, exchange: Exchange) -> str | None:
    """The item's id from the body, else from the last segment of the Location header."""
    for key in ID_KEYS:
        value = (found or {}).get(key)
        if isinstance(value, int | str) and not isinstance(value, bool) and str(value):
            return str(value)
    location = exchange.headers.get("location", "")
    segment = urlsplit(location).path.rstrip("/").rsplit("/", 1)[-1]
    return segment or None


def _ids(listed: list[dict[str, Any]]) -> list[str | None]:
    return [identifier(entry, Exchange("", "", None)) for entry in listed]


def _rejection(exchange: Exchange) -> float:
    """400 or 422 with a JSON body explaining the problem; any other 4xx gets half."""
    if exchange.status in (400, 422) and exchange.data:
        return 1.0
    return 0.5 if exchange.client_error else 0.0


def _lines(*exchanges: Exchange) -> str:
    return "\n".join(exchange.evidence() for exchange in exchanges)


def _stable(found: dict[str, Any] | None) -> dict[str, Any]:
    return {key: value for key, value in (found or {}).items() if not _VOLATILE.search(key)}


# The probes, in the order they run.


def probe_create(ctx: Context) -> Verdict:
    title = f"Write the grading guide {ctx.tag}"
    exchange = ctx.post({"title": title, "description": "First item", "due_date": "2030-01-15"})
    ctx.exchanges["create"] = exchange
    if not exchange.ok:
        return 0, _lines(exchange) + "\nExpected 201 Created for a valid item."
    found = item(exchange)
    item_id = identifier(found, exchange)
    if item_id is None:
        return 0.25, _lines(
            exchange
        ) + "\nNeither an id field nor a Location header names the item."
    ctx.ids["a"] = item_id
    ctx.titles["a"] = title
    if found and found.get("title") == title and found.get("status", "open") == "open":
        return 1, _lines(exchange)
    return 0.5, _lines(exchange) + "\nThe response does not echo the new item with status open."


def probe_create_status(ctx: Context) -> Verdict:
    exchange = ctx.exchanges.get("create")
    if exchange is None or not exchange.ok:
        raise Skip("not run: creating an item failed")
    share, notes = 0.0, []
    if exchange.status == 201:
        share += 0.5
    else:
        notes.append(f"Answered {exchange.status}; a create should answer 201 Created.")
    location = exchange.headers.get("location")
    shown = [exchange]
    if not location:
        notes.append("No Location header points to the new item.")
    else:
        path = urlsplit(location).path
        prefix = ctx.http.prefix
        got = ctx.http.request("GET", path[len(prefix) :] if path.startswith(prefix) else path)
        shown.append(got)
        if got.ok and identifier(item(got), got) == ctx.ids.get("a"):
            share += 0.5
        else:
            notes.append("The Location header does not lead to the new item.")
    return share, _lines(*shown) + "".join(f"\n{note}" for note in notes)


def probe_read(ctx: Context) -> Verdict:
    exchange, found = ctx.fetch(ctx.need("a"))
    if found is None:
        return 0, _lines(exchange) + "\nExpected 200 with the item."
    if identifier(found, exchange) == ctx.ids["a"] and found.get("title") == ctx.titles["a"]:
        return 1, _lines(exchange)
    return 0.5, _lines(exchange) + "\nThe item read back differs from the one created."


def probe_list(ctx: Context) -> Verdict:
    item_id = ctx.need("a")
    exchange = ctx.http.request("GET", ctx.resource)
    listed = items(exchange) if exchange.ok else None
    if listed is None:
        return 0, _lines(exchange) + '\nExpected 200 with a JSON array (or {"items": [...]}).'
    if item_id in _ids(listed):
        return 1, _lines(exchange)
    return 0, _lines(exchange) + "\nThe item just created is not in the list."


REPLACEMENT = {"description": "Replaced", "due_date": "2031-02-03", "status": "done"}


def _replacement(ctx: Context) -> dict[str, Any]:
    return {"title": f"Write the grading guide, second draft {ctx.tag}", **REPLACEMENT}


def _matches(found: dict[str, Any] | None, expected: dict[str, Any]) -> bool:
    if found is None:
        return False
    for key, value in expected.items():
        got = found.get(key)
        if key == "due_date" and isinstance(got, str) and got.startswith(value):
            continue
        if got != value:
            return False
    return True


def probe_replace(ctx: Context) -> Verdict:
    item_id = ctx.need("a")
    replacement = _replacement(ctx)
    exchange = ctx.http.request("PUT", ctx.path(item_id), replacement)
    ctx.exchanges["put"] = exchange
    if not exchange.ok:
        return 0, _lines(exchange) + "\nExpected 200 (or 204) for a full replacement."
    got, found = ctx.fetch(item_id)
    ctx.titles["a"] = replacement["title"]
    if _matches(found, replacement):
        return 1, _lines(exchange, got)
    return 0.5, _lines(exchange, got) + "\nThe item read back does not hold the new values."


def probe_idempotent_put(ctx: Context) -> Verdict:
    first = ctx.exchanges.get("put")
    if first is None or not first.ok:
        raise Skip("not run: the first PUT failed")
    item_id = ctx.ids["a"]
    _, before = ctx.fetch(item_id)
    again = ctx.http.request("PUT", ctx.path(item_id), _replacement(ctx))
    got, after = ctx.fetch(item_id)
    if not again.ok:
        return 0, _lines(again, got) + "\nRepeating the same PUT must succeed as well."
    if _stable(before) == _stable(after) and again.status == first.status:
        return 1, _lines(again, got) + "\nSame answer, same item: PUT is idempotent."
    return 0.5, _lines(again, got) + "\nRepeating the same PUT changed the answer or the item."


def probe_patch(ctx: Context) -> Verdict:
    item_id = ctx.need("a")
    _, before = ctx.fetch(item_id)
    description = f"Patched {ctx.tag}"
    exchange = ctx.http.request("PATCH", ctx.path(item_id), {"description": description})
    if not exchange.ok:
        return 0, _lines(exchange) + "\nExpected 200 (or 204) for a partial update."
    got, after = ctx.fetch(item_id)
    if after is None or after.get("description") != description:
        return 0, _lines(exchange, got) + "\nThe description did not change."
    kept = all(after.get(key) == (before or {}).get(key) for key in ("title", "status"))
    if kept:
        return 1, _lines(exchange, got)
    return 0.5, _lines(exchange, got) + "\nFields left out of the PATCH body were changed."


def probe_filter(ctx: Context) -> Verdict:
    ctx.need("a")
    created = ctx.create("b", f"Item B {ctx.tag}")
    _, a_item = ctx.fetch(ctx.ids["a"])
    a_status = (a_item or {}).get("status")
    shown, consistent, complete = [created], True, True
    for status in ("done", "open"):
        exchange = ctx.http.request("GET", f"{ctx.resource}?status={status}")
        shown.append(exchange)
        listed = items(exchange) if exchange.ok else None
        if listed is None or any(entry.get("status") != status for entry in listed):
            consistent = False
            continue
        present = _ids(listed)
        expected = [ctx.ids["a"]] if a_status == status else []
        if status == "open" and "b" in ctx.ids:
            expected.append(ctx.ids["b"])
        complete = complete and all(item_id in present for item_id in expected)
    if not consistent:
        return 0, _lines(*shown) + "\n?status= does not filter the list by status."
    if complete:
        return 1, _lines(*shown)
    return 0.5, _lines(*shown) + "\nThe filtered lists miss items that have that status."


def probe_order(ctx: Context) -> Verdict:
    shown = [ctx.create("c", f"Item C {ctx.tag}"), ctx.create("d", f"Item D {ctx.tag}")]
    exchange = ctx.http.request("GET", ctx.resource)
    shown.append(exchange)
    listed = items(exchange) if exchange.ok else None
    if listed is None:
        return 0, _lines(*shown) + "\nThe list cannot be read."
    present = _ids(listed)
    # B, C and D were created one after the other and never changed since.
    order = [present.index(ctx.ids[name]) for name in "dcb" if ctx.ids.get(name) in present]
    if len(order) == 3 and order == sorted(order):
        return 1, _lines(exchange) + "\nItems D, C and B come newest first."
    if len(order) >= 2 and order[0] < order[-1]:
        return 0.5, _lines(exchange) + "\nOnly partly newest first."
    return 0, _lines(*shown) + "\nThe list is not ordered newest first."


def probe_delete(ctx: Context) -> Verdict:
    item_id = ctx.need("c")
    exchange = ctx.http.request("DELETE", ctx.path(item_id))
    ctx.exchanges["delete"] = exchange
    if not exchange.ok:
        return 0, _lines(exchange) + "\nExpected 204 (or 200) for a delete."
    ctx.created -= 1
    got = ctx.http.request("GET", ctx.path(item_id))
    if got.status in (404, 410):
        return 1, _lines(exchange, got)
    return 0, _lines(exchange, got) + "\nThe deleted item can still be read."


def probe_idempotent_delete(ctx: Context) -> Verdict:
    first = ctx.exchanges.get("delete")
    if first is None or not first.ok:
        raise Skip("not run: the first DELETE failed")
    item_id = ctx.ids["c"]
    again = ctx.http.request("DELETE", ctx.path(item_id))
    got = ctx.http.request("GET", ctx.path(item_id))
    if again.status in (200, 204, 404, 410) and got.status in (404, 410):
        return 1, _lines(again, got) + "\nDeleting again changes nothing and does not fail."
    if again.answered and again.status is not None and again.status < 500:
        return 0.5, _lines(again, got) + "\nExpected 404 (or 204) for a repeated delete."
    return 0, _lines(again, got) + "\nA repeated delete must not fail."


def _unknown_id(ctx: Context) -> str:
    known = ctx.ids.get("a", "1")
    if known.isdigit():
        return "987654321"
    try:
        uuid.UUID(known)
    except ValueError:
        return f"no-such-item-{ctx.tag}"
    return str(uuid.uuid4())


def probe_not_found(ctx: Context) -> Verdict:
    path = ctx.path(_unknown_id(ctx))
    exchanges = [
        ctx.http.request("GET", path),
        ctx.http.request("PATCH", path, {"status": "done"}),
        ctx.http.request("DELETE", path),
        ctx.http.request("PUT", path, _replacement(ctx)),
    ]
    # PUT to an unknown id may legitimately create it (client-chosen ids).
    right = [ex.status == 404 or (ex.method == "PUT" and ex.status == 201) for ex in exchanges]
    share = sum(right) / len(right)
    return share, _lines(*exchanges) + ("" if share == 1 else "\nExpected 404 for an unknown id.")


def _validation(ctx: Context, payloads: list[Any]) -> Verdict:
    exchanges = [ctx.post(payload) for payload in payloads]
    share = sum(_rejection(ex) for ex in exchanges) / len(exchanges)
    advice = "" if share == 1 else "\nExpected 400 or 422 with a JSON body saying what is wrong."
    return share, _lines(*exchanges) + advice


def probe_missing_title(ctx: Context) -> Verdict:
    return _validation(ctx, [{"description": "An item without a title"}])


def probe_empty_title(ctx: Context) -> Verdict:
    return _validation(ctx, [{"title": ""}, {"title": "   "}])


def probe_oversized(ctx: Context) -> Verdict:
    exchange = ctx.post({"title": "x" * 10_000})
    share = 1.0 if exchange.status == 413 else _rejection(exchange)
    advice = "" if share == 1 else "\nA 10,000-character title must be refused (400, 422 or 413)."
    return share, _lines(exchange) + advice


def probe_wrong_type(ctx: Context) -> Verdict:
    return _validation(
        ctx,
        [{"title": 12345}, {"title": ["a", "list"]}, {"title": f"Typed {ctx.tag}", "status": True}],
    )


def probe_bad_values(ctx: Context) -> Verdict:
    title = f"Bad values {ctx.tag}"
    return _validation(
        ctx,
        [
            {"title": title, "status": "maybe"},
            {"title": title, "due_date": "2024-02-30"},
            {"title": title, "due_date": "next tuesday"},
        ],
    )


def probe_unknown_fields(ctx: Context) -> Verdict:
    client_id = f"client-chosen-{ctx.tag}"
    exchange = ctx.post({"title": f"Unknown fields {ctx.tag}", "colour": "red", "id": client_id})
    if exchange.client_error:
        return 1, _lines(exchange) + "\nUnknown fields are refused."
    if not exchange.ok:
        return 0, _lines(exchange) + "\nExpected 400/422, or 201 ignoring the unknown fields."
    item_id = identifier(item(exchange), exchange)
    shown, stored = [exchange], item(exchange) or {}
    if item_id is not None:
        got, found = ctx.fetch(item_id)
        shown.append(got)
        stored = {**stored, **(found or {})}
    notes = []
    if "colour" in stored:
        notes.append("An unknown field was stored and returned.")
    if item_id == client_id:
        notes.append("The client chose the id.")
    return 1 - 0.5 * len(notes), _lines(*shown) + "".join(f"\n{note}" for note in notes)


def probe_malformed_json(ctx: Context) -> Verdict:
    bodies = [b'{"title": "unterminated', b'{"title": "x",}', b"[1, 2, 3]", b'"just a string"']
    exchanges = [ctx.http.request("POST", ctx.resource, raw=body) for body in bodies]
    if "a" in ctx.ids:
        exchanges.append(ctx.http.request("PUT", ctx.path(ctx.ids["a"]), raw=b"{not json}"))
    share = sum(ex.client_error for ex in exchanges) / len(exchanges)
    advice = "" if share == 1 else "\nMalformed or non-object JSON must get a 4xx, never a 5xx."
    return share, _lines(*exchanges) + advice


def probe_injection(ctx: Context) -> Verdict:
    shown, verbatim = [], 0
    for title in INJECTIONS:
        exchange = ctx.post({"title": title})
        item_id = identifier(item(exchange), exchange) if exchange.ok else None
        if item_id is None:
            shown.append(exchange)
            continue
        got, found = ctx.fetch(item_id)
        echoed = (item(exchange) or {}).get("title", title)
        if echoed == title and (found or {}).get("title") == title:
            verbatim += 1
        else:
            shown.extend([exchange, got])
    summary = (
        f"{verbatim} of {len(INJECTIONS)} tricky titles (SQL, HTML, template syntax, Unicode, "
        "escapes) came back verbatim."
    )
    return verbatim / len(INJECTIONS), summary + ("\n" + _lines(*shown) if shown else "")


def probe_concurrent(ctx: Context) -> Verdict:
    titles = [f"Parallel {number} {ctx.tag}" for number in range(ctx.parallel)]

    def send(title: str) -> Exchange:
        return ctx.http.request("POST", ctx.resource, {"title": title})

    with ThreadPoolExecutor(max_workers=ctx.parallel) as pool:
        exchanges = list(pool.map(send, titles))
    ctx.created += sum(ex.ok for ex in exchanges)
    created = {
        item_id: title
        for ex, title in zip(exchanges, titles, strict=True)
        if ex.ok and (item_id := identifier(item(ex), ex)) is not None
    }
    failures = [ex for ex in exchanges if not ex.ok]
    read_back = 0
    for item_id, title in created.items():
        got, found = ctx.fetch(item_id)
        if found is not None and found.get("title") == title:
            read_back += 1
        elif len(failures) < 3:
            failures.append(got)
    summary = (
        f"{ctx.parallel} creates sent at once: {sum(ex.ok for ex in exchanges)} succeeded, "
        f"{len(created)} distinct ids, {read_back} read back with the right title."
    )
    share = 1.0 if read_back == ctx.parallel else 0.5 if read_back >= 0.75 * ctx.parallel else 0.0
    return share, summary + ("\n" + _lines(*failures[:3]) if failures else "")


def probe_pagination(ctx: Context) -> Verdict:
    shown = []
    for name in LIMIT_PARAMS:
        exchange = ctx.http.request("GET", f"{ctx.resource}?{name}=5")
        listed = items(exchange) if exchange.ok else None
        if listed is not None and 1 <= len(listed) <= 5:
            return 1, _lines(exchange) + f"\n?{name}=5 returned {len(listed)} items."
        shown.append(exchange)
    default = ctx.http.request("GET", ctx.resource)
    listed = items(default) or []
    data = default.data
    marked = "link" in default.headers or (
        isinstance(data, dict) and any(key in data for key in ("next", "total", "page", "count"))
    )
    rule = (
        f"\nAbout {ctx.created} items exist; none of ?limit=, ?page_size=, ?per_page= was honoured."
    )
    if 0 < len(listed) < ctx.created or marked:
        return 0.5, _lines(default) + rule + " The list is bounded by default."
    return 0, _lines(shown[0], default) + rule + " The whole list came back."


def probe_method_not_allowed(ctx: Context) -> Verdict:
    exchanges = [
        ctx.http.request("PUT", ctx.resource, _replacement(ctx)),
        ctx.http.request("DELETE", ctx.resource),
    ]
    if "a" in ctx.ids:
        exchanges.append(ctx.http.request("POST", ctx.path(ctx.ids["a"]), {"title": "x"}))
    share = sum(1.0 if ex.status == 405 else 0.5 if ex.status == 404 else 0 for ex in exchanges)
    share /= len(exchanges)
    advice = (
        "" if share == 1 else "\nA method the URL does not support should get 405 (404 earns half)."
    )
    return share, _lines(*exchanges) + advice


def probe_content_type(ctx: Context) -> Verdict:
    answered = [ex for ex in ctx.http.history if ex.answered and ex.body.strip()]
    if not answered:
        raise Skip("not run: no response had a body")
    wrong = [ex for ex in answered if not ex.json_type]
    summary = (
        f"{len(answered) - len(wrong)} of {len(answered)} responses with a body were declared "
        "application/json."
    )
    examples = "".join(
        f"\n{ex.method} {ex.path} -> {ex.status}, "
        f"Content-Type: {ex.headers.get('content-type', '(none)')}"
        for ex in wrong[:4]
    )
    share = 1.0 if not wrong else 0.5 if len(wrong) <= 0.2 * len(answered) else 0.0
    return share, summary + examples


def _coverage(paths: dict[str, set[str]], resource: str) -> tuple[float, str]:
    """How much of the resource's endpoints a documented {path: methods} map covers."""
    methods: set[str] = set()
    collection = item_path = False
    for path, verbs in paths.items():
        trimmed = path.rstrip("/")
        if trimmed.endswith(resource):
            collection = True
            methods |= verbs
        elif re.search(re.escape(resource) + r"/[{:<]?\w+[}>]?$", trimmed):
            item_path = True
            methods |= verbs
    complete = {"GET", "POST", "DELETE"} <= methods and bool({"PUT", "PATCH"} & methods)
    listed = ", ".join(sorted(methods)) or "none"
    if collection and item_path and complete:
        return 1.0, f"documents {resource} and {resource}/{{id}} with {listed}"
    if collection or item_path:
        return 0.5, f"documents only part of the endpoints ({listed})"
    return 0.0, f"does not document {resource}"


def _openapi_paths(text: bytes) -> dict[str, set[str]] | None:
    """The documented {path: methods} of an OpenAPI or Swagger document, None if it is not one."""
    try:
        data = json.loads(text)
    except ValueError:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            return None
    if not isinstance(data, dict) or not ({"openapi", "swagger"} & set(data)):
        return None
    paths = data.get("paths")
    if not isinstance(paths, dict):
        return {}
    return {
        str(path): {str(key).upper() for key in (spec if isinstance(spec, dict) else {})} & _VERBS
        for path, spec in paths.items()
    }


def _source_files(root: Path, limit: int = 3000) -> Iterator[Path]:
    """The submission's own files, leaving out dependencies and version control."""
    count = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(name for name in dirs if name not in _SKIPPED_FOLDERS)
        for name in sorted(files):
            path = Path(folder, name)
            if path.is_symlink():
                continue
            count += 1
            if count > limit:
                return
            yield path


def probe_documentation(ctx: Context) -> Verdict:
    best: Verdict = (
        0.0,
        "No OpenAPI document served or included, and no endpoint list in the README.",
    )
    if ctx.client is not None:
        for path in dict.fromkeys([*([ctx.docs_path] if ctx.docs_path else []), *DOC_PATHS]):
            exchange = ctx.client.request("GET", path, record=False)
            if not exchange.ok:
                continue
            paths = _openapi_paths(exchange.body)
            if paths is not None:
                share, note = _coverage(paths, ctx.resource)
                best = max(best, (share, f"OpenAPI document served at {path} {note}."))
            elif re.search(rb"swagger-ui|redoc", exchange.body, re.IGNORECASE):
                best = max(best, (0.5, f"A documentation page is served at {path}."))
            if best[0] >= 1:
                return best
    if ctx.source is None:
        return best
    for file in _source_files(ctx.source):
        name = file.name.lower()
        relative = file.relative_to(ctx.source)
        if (
            re.match(r"(openapi|swagger)[\w.-]*\.(json|ya?ml)$", name)
            and file.stat().st_size < 1024 * 1024
        ):
            paths = _openapi_paths(file.read_bytes())
            if paths is not None:
                share, note = _coverage(paths, ctx.resource)
                best = max(best, (share, f"The OpenAPI file {relative} {note}."))
        elif name.startswith("readme") and file.stat().st_size < 1024 * 1024:
            found: dict[str, set[str]] = {}
            for method, url in _README_ENDPOINT.findall(file.read_text(errors="replace")):
                found.setdefault(url.split("?")[0], set()).add(method)
            share, note = _coverage(found, ctx.resource)
            best = max(best, (share, f"{relative} {note}."))
    return best


def probe_tests(ctx: Context) -> Verdict:
    if ctx.source is None:
        raise Skip("not run: no source to look at")
    counts: dict[str, int] = {}
    for path in _source_files(ctx.source):
        relative = path.relative_to(ctx.source)
        folders = {part.lower() for part in relative.parts[:-1]}
        in_tests = bool(folders & {"test", "tests", "__tests__", "spec"})
        name = path.name
        if name.endswith(".py") and (
            in_tests or name.startswith("test_") or name.endswith("_test.py")
        ):
            pattern = _PY_TEST
        elif re.search(r"\.(test|spec)\.[cm]?[jt]s$", name) or (
            in_tests and re.search(r"\.[cm]?[jt]s$", name)
        ):
            pattern = _JS_TEST
        else:
            continue
        found = len(pattern.findall(path.read_text(errors="replace")))
        if found:
            counts[str(relative)] = found
    total = sum(counts.values())
    where = ", ".join(f"{name} ({count})" for name, count in sorted(counts.items())[:8])
    note = "\nHireloop only counts them; the reviewer judges whether they pass and what they cover."
    if total >= 5:
        return 1, f"{total} test cases: {where}." + note
    if total:
        return 0.5, f"Only {total} test case(s): {where}." + note
    return 0, "No automated tests found (test_*.py, *.test.js, tests/...)." + note


Probe = Callable[[Context], Verdict]

# (spec, probe, needs the running service)
PROBES: list[tuple[Spec, Probe, bool]] = [
    (
        Spec("crud.create", FUNCTIONALITY, "POST creates an item and returns it", 5),
        probe_create,
        True,
    ),
    (
        Spec("rest.create_status", REST, "A create answers 201 with a Location header", 5),
        probe_create_status,
        True,
    ),
    (Spec("crud.read", FUNCTIONALITY, "GET /todos/{id} returns the item", 4), probe_read, True),
    (Spec("crud.list", FUNCTIONALITY, "GET /todos lists the items", 4), probe_list, True),
    (Spec("crud.replace", FUNCTIONALITY, "PUT replaces an item", 4), probe_replace, True),
    (
        Spec("rest.idempotent_put", REST, "Repeating a PUT changes nothing more", 3),
        probe_idempotent_put,
        True,
    ),
    (Spec("crud.patch", FUNCTIONALITY, "PATCH updates only the fields sent", 3), probe_patch, True),
    (
        Spec("crud.filter", FUNCTIONALITY, "The list can be filtered by status", 2),
        probe_filter,
        True,
    ),
    (
        Spec("crud.order", FUNCTIONALITY, "The list shows the newest items first", 2),
        probe_order,
        True,
    ),
    (Spec("crud.delete", FUNCTIONALITY, "DELETE removes an item", 4), probe_delete, True),
    (
        Spec("rest.idempotent_delete", REST, "Repeating a DELETE does no harm", 3),
        probe_idempotent_delete,
        True,
    ),
    (Spec("rest.not_found", REST, "An unknown id gets 404", 4), probe_not_found, True),
    (
        Spec(
            "valid.missing_title", ROBUSTNESS, "A missing title is refused with a helpful error", 4
        ),
        probe_missing_title,
        True,
    ),
    (
        Spec("valid.empty_title", ROBUSTNESS, "An empty or blank title is refused", 3),
        probe_empty_title,
        True,
    ),
    (
        Spec("valid.oversized", ROBUSTNESS, "An oversized title is refused", 3),
        probe_oversized,
        True,
    ),
    (
        Spec("valid.wrong_type", ROBUSTNESS, "Fields of the wrong type are refused", 3),
        probe_wrong_type,
        True,
    ),
    (
        Spec("valid.bad_values", ROBUSTNESS, "An unknown status or invalid date is refused", 3),
        probe_bad_values,
        True,
    ),
    (
        Spec(
            "valid.unknown_fields",
            ROBUSTNESS,
            "Unknown fields and client ids are refused or ignored",
            2,
        ),
        probe_unknown_fields,
        True,
    ),
    (
        Spec("robust.malformed_json", ROBUSTNESS, "Malformed JSON gets a 4xx, not a 5xx", 4),
        probe_malformed_json,
        True,
    ),
    (
        Spec("robust.injection", ROBUSTNESS, "Tricky strings are stored and returned verbatim", 3),
        probe_injection,
        True,
    ),
    (
        Spec("robust.concurrent", ROBUSTNESS, "Parallel creates lose nothing", 5),
        probe_concurrent,
        True,
    ),
    (Spec("rest.pagination", REST, "The list is paginated or limited", 3), probe_pagination, True),
    (
        Spec("rest.method_not_allowed", REST, "An unsupported method gets 405", 4),
        probe_method_not_allowed,
        True,
    ),
    (
        Spec("rest.content_type", REST, "Responses are declared application/json", 3),
        probe_content_type,
        True,
    ),
    (
        Spec("docs.endpoints", DOCS_TESTS, "Every endpoint is documented (OpenAPI or README)", 6),
        probe_documentation,
        False,
    ),
    (Spec("docs.tests", DOCS_TESTS, "The submission has automated tests", 3), probe_tests, False),
]
