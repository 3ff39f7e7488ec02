"""A tiny plug-in grader and helpers for the tests of the practical-task pages and API.

Point ``settings.GRADERS`` at ``FAKE`` (the ``fake_graders`` fixtures do) and every kind of task
is graded at once, with two checks - one passed, one failed with hostile evidence - and an SVG.
"""

from __future__ import annotations

import io
import os
import time
import zipfile
from datetime import timedelta
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hireloop.assessments.graders.report import (
    Check,
    GradingError,
    Progress,
    Report,
    no_progress,
)
from hireloop.assessments.models import Assignment, GradingRun, Submission
from hireloop.assessments.services import (
    assignment_create,
    grading_run_execute,
    submission_create,
)
from hireloop.library.models import PracticalTask

FAKE = "tests.practical:grade"
GRADERS = {"api": FAKE, "sql": FAKE, "schema": FAKE}
EVIDENCE = "<script>alert('owned')</script> no index on orders.customer_id"
SVG = "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
DDL = "CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL UNIQUE);"


def grade(
    source: str | Path, *, options: object = None, progress: Progress = no_progress
) -> Report:
    """Chosen by the submitted text: ``crash`` raises like a grader with a bug, ``cannot`` raises
    GradingError like a grader missing a tool, ``slow N`` reports progress once a second for N
    seconds; anything else is graded at once. Each finished grading appends a line to the file
    named by HIRELOOP_FAKE_GRADER_LOG, so a test can count real gradings across processes."""
    text = source if isinstance(source, str) else Path(source).name
    if text == "crash":
        raise RuntimeError("grader bug")
    if text == "cannot":
        raise GradingError("the scratch database is unreachable")
    if text.startswith("slow "):
        seconds = int(text.split()[1])
        for second in range(seconds):
            progress(second / seconds, f"step {second + 1} of {seconds}")
            time.sleep(1)
    progress(0.5, "Checking the tables")
    log = os.environ.get("HIRELOOP_FAKE_GRADER_LOG")
    if log:
        with open(log, "a") as handle:
            handle.write(f"{os.getpid()} {text[:40]}\n")
    return Report(
        kind="fake",
        checks=[
            Check("tables.present", "Completeness", "Every entity has a table", "pass", 3, 3),
            Check(
                "index.fk",
                "Optimisation",
                "Foreign keys are indexed",
                "fail",
                0,
                2,
                evidence=EVIDENCE,
            ),
        ],
        summary="Two checks ran.",
        artifacts={"er-diagram.svg": SVG, "notes.txt": "plain notes"},
        metrics={"tables": 1},
    )


def assign(team, application, slug: str, *, days: int = 3) -> Assignment:
    return assignment_create(
        membership=team.membership(team.recruiter),
        application_id=application.pk,
        task_id=PracticalTask.objects.get(slug=slug).pk,
        deadline=timezone.now() + timedelta(days=days),
    )


def project_zip(files: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, body in (
            files or {"hireloop.yaml": "runtime: python\nstart: python app.py\nport: 8080\n"}
        ).items():
            # A fixed timestamp, so two archives of the same files are the same bytes.
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), body)
    return buffer.getvalue()


def hand_in(assignment: Assignment, text: str = DDL) -> Submission:
    """Hand in work for the assignment, as the candidate would: SQL, or a project archive."""
    if assignment.task.grader in ("sql", "schema"):
        return submission_create(assignment=assignment, text=text)
    upload = SimpleUploadedFile("project.zip", project_zip(), "application/zip")
    return submission_create(assignment=assignment, upload=upload)


def graded(assignment: Assignment, text: str = DDL) -> GradingRun:
    """Hand in work and grade it on the spot with the fake grader; the finished run."""
    run = hand_in(assignment, text).runs.get()
    assert grading_run_execute(run_id=run.pk, worker="tests")
    run.refresh_from_db()
    assert run.status == "done", run.log
    return run
