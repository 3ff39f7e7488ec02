"""Django's PostgreSQL backend with a cheaper health check (``CONN_HEALTH_CHECKS``).

Django checks a kept connection with ``SELECT 1`` before every request uses it: a round trip
that cost ~10% of a cached library page (see bench/README.md). Here a connection that ran a
query in the last ``IDLE_SECONDS`` is trusted without one. An idle connection, the one a
restarted server or a proxy's idle timeout breaks, is still checked before use; a connection
that breaks while busy fails one request, after which Django closes it (as it does without
health checks).
"""

from __future__ import annotations

import time
from typing import Any

from django.db.backends.postgresql import base

IDLE_SECONDS = 5.0


class DatabaseWrapper(base.DatabaseWrapper):
    health_check_done: bool  # set by Django; the stubs do not declare it
    last_query_at = float("-inf")  # monotonic time this connection last opened a cursor

    def close_if_health_check_failed(self) -> None:
        if (
            self.connection is not None
            and self.settings_dict["CONN_HEALTH_CHECKS"]
            and not self.health_check_done
            and time.monotonic() - self.last_query_at < IDLE_SECONDS
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def create_cursor(self, name: Any = None) -> Any:
        self.last_query_at = time.monotonic()
        return super().create_cursor(name)
