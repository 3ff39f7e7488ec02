"""Limit/offset paging with validated bounds and a stable page shape."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from ninja import Field, Schema

T = TypeVar("T")
MAX_LIMIT = 200


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=1_000_000)


class Page(Schema, Generic[T]):
    items: list[T]
    count: int
    limit: int
    offset: int


def page_body(items: Sequence[Any], count: int, params: PageParams) -> dict[str, Any]:
    """A ``Page`` of the selector's rows: the item schema shapes each row. A dict rather than a
    ``Page`` instance so that the question list, which skips validation, can render it too."""
    return {"items": items, "count": count, "limit": params.limit, "offset": params.offset}
