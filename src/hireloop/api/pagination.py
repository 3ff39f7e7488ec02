"""Limit/offset paging with validated bounds and a stable page shape."""

from __future__ import annotations

from typing import Generic, TypeVar

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
