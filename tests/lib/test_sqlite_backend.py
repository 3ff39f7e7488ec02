"""The SQLite backend queues write transactions on a lock file: a waiter gets in as soon as the
holder commits, and gives up with "database is locked" after the busy timeout."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import OperationalError, connections, transaction
from django.utils.connection import ConnectionDoesNotExist

from hireloop.lib.sqlite.base import DatabaseWrapper, WriteLock, lock_path

BUSY_MS = 300


@pytest.fixture(autouse=True)
def _connections_allowed(django_db_blocker) -> Iterator[None]:
    """These tests open their own databases, never the test database."""
    with django_db_blocker.unblock():
        yield


def _connect(path: str | Path, alias: str, busy_ms: int = BUSY_MS) -> DatabaseWrapper:
    """A connection of this backend, configured as settings.py does, usable as ``using=alias``
    in the calling thread (connections are per thread)."""
    settings = connections.configure_settings(  # fills in Django's defaults
        {
            "default": {
                "ENGINE": "hireloop.lib.sqlite",
                "NAME": str(path),
                "OPTIONS": {
                    "init_command": f"PRAGMA journal_mode=WAL; PRAGMA busy_timeout={busy_ms};",
                    "transaction_mode": "IMMEDIATE",
                },
            }
        }
    )["default"]
    db = DatabaseWrapper(settings, alias=alias)
    connections[alias] = db
    return db


def _helpers_done() -> None:
    """Wait for the threads of lock waits that gave up to return."""
    deadline = time.monotonic() + 5
    while any(t.name == "sqlite-write-lock" for t in threading.enumerate()):
        assert time.monotonic() < deadline, "a lock waiter's helper thread never returned"
        time.sleep(0.01)


@pytest.fixture
def database(tmp_path) -> Iterator[Path]:
    path = tmp_path / "db.sqlite3"
    setup = sqlite3.connect(path)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE t (n INTEGER)")
    setup.close()
    yield path
    _helpers_done()
    for alias in ("first", "second"):  # those the test opened in this thread
        try:
            db = connections[alias]
        except ConnectionDoesNotExist:
            continue
        db.close()
        del connections[alias]


def _rows(db: DatabaseWrapper) -> int:
    with db.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM t")
        return int(cursor.fetchone()[0])


def _lock_is_free(path: Path) -> bool:
    # A plain try: a WriteLock that gave up would leave a helper to grab the lock later on.
    fd = os.open(f"{path}-lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def test_the_lock_file_sits_next_to_the_database(tmp_path):
    assert lock_path(tmp_path / "a.sqlite3") == f"{tmp_path}/a.sqlite3-lock"
    assert lock_path(f"file:{tmp_path}/a.sqlite3?mode=rw") == f"{tmp_path}/a.sqlite3-lock"
    assert lock_path(":memory:") is None
    assert lock_path("file:memorydb_default?mode=memory&cache=shared") is None


def test_a_second_writer_waits_for_the_commit_and_then_goes_on(database):
    first = _connect(database, "first", busy_ms=5000)
    entered = threading.Event()
    seen: list[int] = []
    waited_in_flock: list[bool] = []
    timings: dict[str, float] = {}

    def second_writer() -> None:
        second = _connect(database, "second", busy_ms=5000)
        try:
            with transaction.atomic(using="second"):
                timings["entered"] = time.monotonic()
                entered.set()
                seen.append(_rows(second))
                with second.cursor() as cursor:
                    cursor.execute("INSERT INTO t VALUES (2)")
        finally:
            second.close()

    with transaction.atomic(using="first"):
        with first.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (1)")
        thread = threading.Thread(target=second_writer)
        thread.start()
        deadline = time.monotonic() + 5
        while not waited_in_flock and time.monotonic() < deadline:
            if any(t.name == "sqlite-write-lock" for t in threading.enumerate()):
                waited_in_flock.append(True)
            time.sleep(0.01)
        time.sleep(0.2)
        assert not entered.is_set()  # still waiting: the first transaction is open
        timings["committing"] = time.monotonic()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert waited_in_flock, "the second writer should wait on the lock file, not in SQLite"
    assert seen == [1]  # began after the commit, so it saw the first row
    assert timings["entered"] >= timings["committing"]
    # Woken by the release, not by running out of its 5 s.
    assert timings["entered"] - timings["committing"] < 0.5
    assert _rows(first) == 2
    assert _lock_is_free(database)


def test_a_wait_is_bounded_even_for_a_connection_of_the_same_thread(database):
    first = _connect(database, "first")
    second = _connect(database, "second")
    with transaction.atomic(using="first"):
        with first.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (1)")
        started = time.monotonic()
        with (
            pytest.raises(OperationalError, match="database is locked"),
            transaction.atomic(using="second"),
        ):
            pytest.fail("the second connection must not get in")
        waited = time.monotonic() - started
    assert BUSY_MS / 1000 <= waited < BUSY_MS / 1000 + 2
    # The connection that gave up works again once the lock is free.
    with transaction.atomic(using="second"), second.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (2)")
    assert _rows(first) == 2
    assert _lock_is_free(database)


def test_a_waiter_that_gave_up_does_not_keep_the_lock_it_gets_later(database):
    holder = WriteLock(f"{database}-lock")
    waiter = WriteLock(f"{database}-lock")
    try:
        assert holder.acquire(timeout=0)
        assert not waiter.acquire(timeout=0.05)
        assert waiter.fd is None  # left to the helper thread still blocked in flock
        holder.release()
        _helpers_done()  # it got the lock, and must have dropped it at once
        assert _lock_is_free(database)
    finally:
        holder.close()
        waiter.close()


def test_rollback_close_and_savepoints(database):
    first = _connect(database, "first")
    with pytest.raises(ZeroDivisionError), transaction.atomic(using="first"):
        with transaction.atomic(using="first"):  # a savepoint: the lock is already held
            assert first.write_lock is not None and first.write_lock.held
        assert first.write_lock.held
        raise ZeroDivisionError
    assert not first.write_lock.held and _lock_is_free(database)

    first.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)  # as atomic
    assert not _lock_is_free(database)
    first.close()
    assert _lock_is_free(database)


def test_a_failed_begin_releases_the_lock(database):
    other = sqlite3.connect(database, timeout=0)  # a writer outside this backend
    other.execute("BEGIN IMMEDIATE")
    try:
        first = _connect(database, "first")
        with (
            pytest.raises(OperationalError, match="database is locked"),
            transaction.atomic(using="first"),
        ):
            pass
        assert first.write_lock is not None and not first.write_lock.held
        assert _lock_is_free(database)
    finally:
        other.rollback()
        other.close()


def test_deferred_transactions_and_memory_databases_take_no_lock(database):
    db = _connect(database, "first")
    db.settings_dict["OPTIONS"] = {"transaction_mode": "DEFERRED"}
    with transaction.atomic(using="first"):
        assert db.write_lock is not None and not db.write_lock.held
    memory = _connect(":memory:", "second")
    with transaction.atomic(using="second"), memory.cursor() as cursor:
        cursor.execute("CREATE TABLE m (n INTEGER)")
    assert memory.write_lock is None


def test_destroying_a_test_database_removes_its_lock_file(database):
    db = _connect(database, "first")
    with transaction.atomic(using="first"):
        pass
    db.close()
    assert Path(f"{database}-lock").exists()
    db.creation._destroy_test_db(str(database), verbosity=0)
    assert not database.exists() and not Path(f"{database}-lock").exists()
