"""A worker killed in the middle of grading: the run is taken over and completes exactly once.

Real `hireloop worker` processes (Huey consumers) run against the test database. The first is
killed with SIGKILL while it grades; its run keeps saying "running" but its heartbeat stops.
Two fresh workers then start together: their start-up reconcile finds the silent run and
queues it again (each of them), and the conditional claim lets only one of them grade it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from hireloop.assessments import services
from hireloop.assessments.models import CheckResult, GradingRun, RunStatus

from ..practical import FAKE

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _worker(tmp_path: Path, name: str) -> subprocess.Popen[bytes]:
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": _database_url(),
        "HIRELOOP_DATA_DIR": str(tmp_path / "data"),
        "HIRELOOP_GRADERS": f"schema={FAKE}",
        "HIRELOOP_FAKE_GRADER_LOG": str(tmp_path / "graded.log"),
        "GRADING_HEARTBEAT_SECONDS": "1",
        "GRADING_STALE_SECONDS": "3",
    }
    log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [sys.executable, "-m", "hireloop.cli", "worker"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait_for(condition, timeout: float, what: str, tmp_path: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    logs = "\n".join(p.read_text(errors="replace")[-2000:] for p in tmp_path.glob("w*.log"))
    raise AssertionError(f"timed out waiting for {what}\n{logs}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
# reload_library first: an earlier transactional test on this worker may have flushed the
# library that schema_assignment's role needs.
def test_killed_worker_run_completes_once(reload_library, schema_assignment, tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    # The queue message is lost (as if the web process died before sending it): the worker
    # must find the run in the database by itself.
    monkeypatch.setattr(services, "_enqueue", lambda run_id: None)
    submission = services.submission_create(assignment=schema_assignment, text="slow 4")
    run = submission.runs.get()
    workers = [_worker(tmp_path, "w1")]
    try:
        _wait_for(
            lambda: GradingRun.objects.filter(pk=run.pk, status="running", progress__gt=0).exists(),
            60,
            "the first worker to start grading",
            tmp_path,
        )
        os.killpg(workers[0].pid, signal.SIGKILL)
        workers[0].wait(timeout=10)
        run.refresh_from_db()
        assert (run.status, run.attempts) == (RunStatus.RUNNING, 1)

        time.sleep(3.5)  # the heartbeat goes stale
        workers += [_worker(tmp_path, "w2"), _worker(tmp_path, "w3")]
        _wait_for(
            lambda: GradingRun.objects.filter(pk=run.pk, status="done").exists(),
            90,
            "a replacement worker to finish the run",
            tmp_path,
        )
        time.sleep(1.5)  # give the losing worker time to (wrongly) grade as well
    finally:
        for process in workers:
            _stop(process)

    run.refresh_from_db()
    assert run.attempts == 2
    assert CheckResult.objects.filter(run=run).count() == 2
    graded = (tmp_path / "graded.log").read_text().splitlines()
    assert len(graded) == 1, graded
    assert "Attempt 2" in run.log
