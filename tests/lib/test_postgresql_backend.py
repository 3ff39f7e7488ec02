"""The PostgreSQL backend checks a kept connection only when it has been idle."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from django.db import connection

from hireloop.lib.postgresql.base import IDLE_SECONDS, DatabaseWrapper


class FakeConnection:
    closed = False

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def wrapper(monkeypatch):
    settings = {**connection.settings_dict, "CONN_HEALTH_CHECKS": True}
    db = DatabaseWrapper(settings, alias="health-check-test")
    db.connection = FakeConnection()
    db.health_check_enabled = True  # as connect() sets it from CONN_HEALTH_CHECKS
    db.health_check_done = False
    db.checks = 0
    db.usable = True

    def is_usable() -> bool:
        db.checks += 1
        return db.usable

    monkeypatch.setattr(db, "is_usable", is_usable)
    return db


def test_a_connection_used_moments_ago_is_not_checked(wrapper):
    wrapper.last_query_at = time.monotonic()
    wrapper.close_if_health_check_failed()
    assert wrapper.checks == 0 and wrapper.health_check_done
    assert not wrapper.connection.closed


def test_an_idle_connection_is_checked_and_closed_when_broken(wrapper):
    wrapper.last_query_at = time.monotonic() - IDLE_SECONDS - 1
    wrapper.usable = False
    fake = wrapper.connection
    wrapper.close_if_health_check_failed()
    assert wrapper.checks == 1 and wrapper.health_check_done
    assert fake.closed and wrapper.connection is None


def test_a_new_connection_is_checked_like_django_does(wrapper):
    wrapper.close_if_health_check_failed()  # never ran a query: idle since forever
    assert wrapper.checks == 1
    wrapper.health_check_done = False
    wrapper.settings_dict["CONN_HEALTH_CHECKS"] = False
    wrapper.health_check_enabled = False
    wrapper.close_if_health_check_failed()
    assert wrapper.checks == 1  # checks off: never checked


def _database_options(**env: str) -> dict:
    """The OPTIONS of the database that settings.py builds from ``env`` (in a fresh process)."""
    environment = {**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/x", **env}
    code = (
        "import json; from hireloop import settings; "
        "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True
    )
    return json.loads(result.stdout)


def test_statements_are_prepared_unless_turned_off():
    assert _database_options() == {"server_side_binding": True, "prepare_threshold": 5}
    assert _database_options(DATABASE_PREPARED_STATEMENTS="false") == {}


@pytest.mark.django_db
def test_a_repeated_query_is_prepared_on_the_server():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    marker = "SELECT %s::int + 41 AS prepared_marker"
    with connection.cursor() as cursor:
        for _ in range(6):
            cursor.execute(marker, [1])
            assert cursor.fetchone() == (42,)
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%prepared_marker%"],
        )
        assert cursor.fetchone() == (1,)
