"""Django's SQLite backend, with write transactions handed from one to the next at once.

With ``transaction_mode`` IMMEDIATE every transaction takes SQLite's write lock at BEGIN. A
connection that finds it taken waits in SQLite's busy handler, which sleeps in growing steps
(up to 100 ms) between looks, so it often sleeps on long after the lock was freed: with two
server processes writing, those sleeps made most of the scorecard submit's p99. Here BEGIN is
preceded by an exclusive ``flock`` on ``<database>-lock``, which the kernel hands to the next
waiter the moment the holder commits, rolls back, closes or dies; SQLite's busy handler then
only covers writes made outside transactions (single autocommit statements, other tools).

Each connection opens the lock file itself, because flock locks belong to an open file
description: two connections of one process (two threads) wait for each other exactly as two
processes do. A wait is bounded by the connection's busy timeout and then fails the way SQLite
does, with OperationalError "database is locked", so a thread holding the lock while it waits
for another connection of its own process gets an error instead of hanging.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.db.backends.sqlite3 import base, creation

# The stubs declare none of the private hooks overridden below.
_Creation: Any = creation.DatabaseCreation
_Wrapper: Any = base.DatabaseWrapper
# The modes whose BEGIN takes SQLite's write lock; deferred transactions may all read at once.
WRITE_MODES = frozenset({"IMMEDIATE", "EXCLUSIVE"})


def lock_path(name: str | Path) -> str | None:
    """The lock file of database ``name``; None for an in-memory one, private to its process."""
    if creation.DatabaseCreation.is_in_memory_db(name):
        return None
    name = str(name)
    if name.startswith("file:"):  # Django opens every name as a URI
        name = unquote(urlsplit(name).path)
    return f"{name}-lock"


def _wait_for_lock(fd: int, timeout: float) -> bool:
    """Take the exclusive lock on ``fd`` within ``timeout`` seconds; False when that failed.

    A blocked flock can be neither timed out nor interrupted, so it runs in a helper thread.
    A caller that gives up leaves ``fd`` to the helper, which closes it (dropping the lock) when
    its flock returns: the caller must not use ``fd`` again.
    """
    done = threading.Event()
    mutex = threading.Lock()
    outcome: list[OSError | None] = []  # [error or None] once flock returned
    abandoned = False

    def wait() -> None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            outcome.append(None)
        except OSError as exc:
            outcome.append(exc)
        with mutex:
            if abandoned:
                os.close(fd)
            done.set()

    threading.Thread(target=wait, name="sqlite-write-lock", daemon=True).start()
    if not done.wait(timeout):
        with mutex:
            if not done.is_set():
                abandoned = True
                return False
    if outcome[0] is not None:
        raise outcome[0]
    return True


class WriteLock:
    """One connection's exclusive flock on its database's lock file."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.fd: int | None = None
        self.held = False

    def acquire(self, timeout: float) -> bool:
        """Take the lock, waiting at most ``timeout`` seconds; False when that failed."""
        if self.fd is None:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not _wait_for_lock(self.fd, timeout):
                self.fd = None  # now the helper thread's to close
                return False
        self.held = True
        return True

    def release(self) -> None:
        if self.held and self.fd is not None:
            self.held = False
            fcntl.flock(self.fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self.fd is not None:
            fd, self.fd, self.held = self.fd, None, False
            os.close(fd)


class DatabaseCreation(_Creation):  # type: ignore[misc]  # Django backends are untyped
    def _destroy_test_db(self, test_database_name: str, verbosity: int) -> None:
        super()._destroy_test_db(test_database_name, verbosity)
        path = lock_path(test_database_name)
        if path is not None:
            Path(path).unlink(missing_ok=True)


class DatabaseWrapper(_Wrapper):  # type: ignore[misc]
    creation_class = DatabaseCreation
    transaction_mode: str | None  # set by Django in get_connection_params
    write_lock: WriteLock | None = None  # None: in memory, or not connected yet
    write_lock_timeout = 0.0  # seconds; the connection's busy timeout

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        conn = super().get_new_connection(conn_params)
        path = lock_path(conn_params["database"])
        self.write_lock = WriteLock(path) if path is not None else None
        # Read back rather than parsed from the options: init_command may have changed it.
        (busy_ms,) = conn.execute("PRAGMA busy_timeout").fetchone()
        self.write_lock_timeout = busy_ms / 1000
        return conn

    def _start_transaction_under_autocommit(self) -> None:
        lock = self.write_lock if self.transaction_mode in WRITE_MODES else None
        if lock is None or lock.held:  # held: a failed BEGIN must not drop a lock it did not take
            super()._start_transaction_under_autocommit()
            return
        if not lock.acquire(self.write_lock_timeout):
            with self.wrap_database_errors:
                raise sqlite3.OperationalError(
                    f"database is locked: {lock.path} stayed locked by another connection "
                    f"for over {self.write_lock_timeout:g} s"
                )
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            lock.release()
            raise

    def _release_write_lock(self) -> None:
        if self.write_lock is not None:
            self.write_lock.release()

    # Released only after SQLite's own lock is: the next holder's BEGIN must not have to wait.
    def _commit(self) -> None:
        try:
            super()._commit()
        finally:
            self._release_write_lock()

    def _rollback(self) -> None:
        try:
            super()._rollback()
        finally:
            self._release_write_lock()

    def _close(self) -> None:
        try:
            super()._close()
        finally:
            if self.write_lock is not None:
                self.write_lock.close()
