"""Background jobs: thin wrappers that take ids and call a service."""

from __future__ import annotations

import os
import socket
import threading
import uuid

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import services


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:8]}"


@db_task()  # type: ignore[untyped-decorator]  # huey's decorators are untyped
def grade_run(run_id: int) -> bool:
    return services.grading_run_execute(run_id=run_id, worker=_worker_name())


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def reconcile_runs() -> list[int]:
    return services.grading_runs_reconcile()
