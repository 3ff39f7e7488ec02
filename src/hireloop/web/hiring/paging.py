"""Reading numbers from a query string and cutting lists into pages, for the hiring pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

PAGE_SIZE = 25


def int_param(value: str | None, default: int, *, low: int, high: int) -> int:
    try:
        return min(max(int(value or default), low), high)
    except ValueError:
        return default


def page_param(request: HttpRequest) -> int:
    return int_param(request.GET.get("page"), 1, low=1, high=100_000)


def paginate(request: HttpRequest, page_number: int, rows: list[Any], total: int) -> dict[str, Any]:
    """One page of rows (read by a ``*_page`` selector) with what the pagination links need."""
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "rows": rows,
        "total": total,
        "page_number": page_number,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "query": query.urlencode(),
    }
