"""A per-process cache of library reads (question lists, searches, pages), kept correct by a
version token in the database.

Every write to the library replaces the token of the single ``LibraryVersion`` row, in the same
transaction as the write: model saves and deletes and many-to-many changes do it through signals
(connected in ``LibraryConfig.ready``); writes that bypass them (``QuerySet.update``,
``bulk_create``, raw SQL) must call ``library_changed()`` themselves, as the pack loader does.
Each read starts with one single-row query for the token, and cache keys begin with it, so any
process sees a write on its next request: nothing is ever served stale. Tokens are random, not
counters, so a rolled-back write can never make an old entry look current again.

Entries are keyed by workspace through ``for_workspace``, which also checks that the member may
read the library: one workspace's copies never reach another's pages.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.apps import apps
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save

from hireloop.accounts.models import Membership
from hireloop.accounts.permissions import Capability
from hireloop.accounts.selectors import require
from hireloop.lib.lru import LRU

from .models import LibraryVersion

T = TypeVar("T")
ROW_ID = 1
# Rendered lists and pages are 10-110 kB each; 256 of them bound a process to ~30 MB.
MAX_ENTRIES = 256
_entries = LRU(MAX_ENTRIES)
_MISSING = object()


def current_token() -> str | None:
    """The library's version token; None when its row is missing (e.g. a flushed database)."""
    # Raw SQL: the ORM would cost ten times the query itself on every cached request.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT token FROM {LibraryVersion._meta.db_table} WHERE id = %s",  # noqa: S608
            [ROW_ID],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def library_changed() -> None:
    """Give the library a new version token; call in the transaction of the write."""
    token = uuid.uuid4().hex
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {LibraryVersion._meta.db_table} SET token = %s WHERE id = %s",  # noqa: S608
            [token, ROW_ID],
        )
        updated = cursor.rowcount
    if not updated:
        LibraryVersion.objects.create(pk=ROW_ID, token=token)


def cached(key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """``compute()``'s result for ``key`` at the library's current version."""
    token = current_token()
    if token is None:
        return compute()
    full_key = (token, *key)
    value = _entries.get(full_key, _MISSING)
    if value is _MISSING:
        value = compute()
        _entries.put(full_key, value)
    return value  # type: ignore[no-any-return]


def for_workspace(membership: Membership, key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """``cached`` for what ``membership``'s workspace sees of the library (after checking it may
    read it): the key always includes the workspace."""
    require(membership, Capability.LIBRARY_READ)
    return cached(("workspace", membership.workspace_id, *key), compute)


def _on_write(sender: type[Any], **kwargs: Any) -> None:
    if kwargs.get("action", "post_").startswith("post_"):
        library_changed()


def connect_signals() -> None:
    """Replace the token whenever a library row is saved or deleted, or a link changes."""
    for model in apps.get_app_config("library").get_models():
        if model is LibraryVersion:
            continue
        post_save.connect(_on_write, sender=model, dispatch_uid=f"library-version-{model}")
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"library-version-del-{model}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _on_write,
                sender=field.remote_field.through,
                dispatch_uid=f"library-version-m2m-{model}-{field.name}",
            )
