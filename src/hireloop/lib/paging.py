"""Limit/offset pages of a query for selectors: the rows and the total, in two queries at most."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import QuerySet

Row = TypeVar("Row")


def page_of(qs: QuerySet[Any, Row], *, offset: int, limit: int) -> tuple[list[Row], int]:
    """Rows ``offset`` to ``offset + limit`` of ``qs`` and how many rows it has in all. The total
    is counted first, so a page past the end costs no second query."""
    total = qs.count()
    rows = list(qs[offset : offset + limit]) if offset < total else []
    return rows, total
