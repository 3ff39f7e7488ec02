"""Which grader grades which kind of task, and the progress reporter a running grade writes to."""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .graders.report import Report
from .models import GradingRun, RunStatus

Grader = Callable[..., Report]

BUILTIN_GRADERS = {
    "api": "hireloop.assessments.graders.api:grade",
    "sql": "hireloop.assessments.graders.sql:grade",
    "schema": "hireloop.assessments.graders.schema:grade",
}
LOG_LIMIT = 20_000


def grader_for(kind: str) -> Grader:
    """Graders are plug-ins: settings.GRADERS may point a kind at another ``module:function``."""
    target = {**BUILTIN_GRADERS, **settings.GRADERS}.get(kind)
    if target is None:
        raise LookupError(f"No grader for tasks of kind {kind!r}.")
    module, _, name = target.partition(":")
    grader: Grader = getattr(importlib.import_module(module), name)
    return grader


def grader_options(kind: str) -> Any:
    """Options from the settings, in the shape each built-in grader expects."""
    if kind not in BUILTIN_GRADERS or kind in settings.GRADERS:
        return None
    module = importlib.import_module(BUILTIN_GRADERS[kind].partition(":")[0])
    cache_dir = settings.DATA_DIR / "grader-cache"
    database_url = settings.GRADER_DATABASE_URL or None
    if kind == "api":
        return module.ApiOptions(cache_dir=cache_dir)
    if kind == "sql":
        return module.SqlOptions(cache_dir=cache_dir, database_url=database_url)
    return module.SchemaOptions(database_url=database_url)


class RunReporter:
    """Writes progress, log lines and a heartbeat for one claimed run.

    Every write names the worker that claimed the run, so a worker that lost its claim (the
    reconciler re-queued the run while it was stalled) can no longer change it. The heartbeat
    ticks from its own thread because one grading step - waiting for a service to start, a
    slow query - can be longer than the stale limit.
    """

    def __init__(self, run_id: int, worker: str, *, earlier_log: str = "") -> None:
        self.run_id = run_id
        self.worker = worker
        # Earlier attempts stay in the log: they explain why this one exists.
        self.lines: list[str] = earlier_log.splitlines()
        self._last_write = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True, name=f"heartbeat-{run_id}")

    def __enter__(self) -> RunReporter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _mine(self) -> Any:
        return GradingRun.objects.filter(
            pk=self.run_id, claimed_by=self.worker, status=RunStatus.RUNNING
        )

    def _beat(self) -> None:
        try:
            while not self._stop.wait(settings.GRADING_HEARTBEAT_SECONDS):
                self._mine().update(heartbeat_at=timezone.now())
        finally:
            connection.close()

    def log(self, line: str, *, at: datetime | None = None) -> None:
        stamp = (at or timezone.now()).strftime("%H:%M:%S")
        self.lines.append(f"{stamp} {line}")

    @property
    def text(self) -> str:
        return "\n".join(self.lines)[-LOG_LIMIT:]

    def progress(self, fraction: float, message: str) -> None:
        message = message.strip()[:200]
        if not self.lines or not self.lines[-1].endswith(message):
            self.log(message)
        now = time.monotonic()
        # Graders may report many small steps; the page polls every second or two.
        if now - self._last_write < 0.5 and fraction < 1:
            return
        self._last_write = now
        self._mine().update(
            progress=max(0.0, min(1.0, fraction)),
            message=message,
            log=self.text,
            heartbeat_at=timezone.now(),
        )
