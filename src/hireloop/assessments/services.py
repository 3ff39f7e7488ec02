"""Writes for practical tasks: assigning, submitting, grading runs and the reviewer's verdict."""

from __future__ import annotations

import math
import shutil
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO, cast

from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from hireloop.accounts.errors import Conflict, InvalidInput
from hireloop.accounts.models import AuditVerb, Membership
from hireloop.accounts.permissions import Capability
from hireloop.accounts.selectors import require
from hireloop.accounts.services import audit_record, audit_record_system
from hireloop.accounts.validation import validated_save
from hireloop.hiring.selectors import access_application
from hireloop.lib.archive import ArchiveRejected, safe_extract
from hireloop.library.models import PracticalTask

from .graders.report import GradingError, Report
from .grading import RunReporter, grader_for, grader_options
from .models import (
    Assignment,
    CheckOutcome,
    CheckResult,
    GradingRun,
    RunStatus,
    Submission,
    SubmissionKind,
)
from .selectors import access_assignment, access_check

PORTAL_SALT = "hireloop.task-portal"
# The portal still opens this long after the deadline, to say the deadline has passed.
PORTAL_GRACE = timedelta(days=14)
MAX_DEADLINE = timedelta(days=30)
EVIDENCE_LIMIT = 8000


class PortalLinkError(Exception):
    """The portal link is altered or expired; the message is shown to the candidate as is."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status  # 404 for a link that never was, 410 for one that ran out


def submission_kind(task: PracticalTask) -> SubmissionKind:
    """SQL and schema tasks are answered with text; everything else with a project archive."""
    return SubmissionKind.TEXT if task.grader in ("sql", "schema") else SubmissionKind.ARCHIVE


def default_deadline(task: PracticalTask, *, now: datetime | None = None) -> datetime:
    """One calendar day per two hours of work, at least two days: candidates have day jobs."""
    days = max(2, math.ceil(task.max_hours / 2))
    return (now or timezone.now()) + timedelta(days=days)


def assignment_create(
    *,
    membership: Membership,
    application_id: int,
    task_id: int,
    deadline: datetime | None = None,
) -> Assignment:
    require(membership, Capability.TASK_ASSIGN)
    application = access_application(membership, application_id)
    if not application.is_open:
        raise Conflict("This application is closed; reopen it before assigning a task.")
    task = PracticalTask.objects.filter(pk=task_id).first()
    if task is None:
        raise InvalidInput(
            "Choose a task from the library.", field_errors={"task": ["No such task."]}
        )
    now = timezone.now()
    deadline = deadline or default_deadline(task, now=now)
    if timezone.is_naive(deadline):
        deadline = timezone.make_aware(deadline)
    if not now < deadline <= now + MAX_DEADLINE:
        raise InvalidInput(
            "The deadline must be in the future and at most 30 days away.",
            field_errors={"deadline": ["Choose a moment in the next 30 days."]},
        )
    with transaction.atomic(durable=True):
        assignment = Assignment(
            workspace_id=membership.workspace_id,
            application=application,
            task=task,
            deadline=deadline,
            created_by=membership.user,
        )
        validated_save(assignment)
        audit_record(
            membership=membership,
            verb=AuditVerb.ASSIGNMENT_CREATE,
            obj=assignment,
            after={"task": task.slug, "deadline": deadline.isoformat()},
        )
    return assignment


def _portal_signer() -> signing.Signer:
    return signing.Signer(salt=PORTAL_SALT)


def portal_token(assignment: Assignment) -> str:
    """The same link every time: it names the assignment, whose deadline bounds its life."""
    return _portal_signer().sign_object({"t": assignment.pk}, compress=False)


def portal_assignment(token: str, *, now: datetime | None = None) -> Assignment:
    try:
        assignment_id = int(_portal_signer().unsign_object(token)["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise PortalLinkError(
            "This link is not valid. Please ask your recruiter for a new one.", status=404
        ) from None
    assignment = (
        Assignment.objects.select_related("task", "application__role__workspace")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None or (now or timezone.now()) > assignment.deadline + PORTAL_GRACE:
        raise PortalLinkError(
            "This link has expired. Please ask your recruiter for a new one.", status=410
        )
    return assignment


def _archive_checked(upload: UploadedFile) -> None:
    """Unpack into a scratch folder once, so a hostile archive is refused at the door."""
    scratch = Path(tempfile.mkdtemp(prefix="hireloop-upload-"))
    try:
        upload.seek(0)
        safe_extract(
            cast(BinaryIO, upload),  # a Django upload is a binary file object
            scratch / "tree",
            max_bytes=settings.TASK_MAX_UNPACKED_BYTES,
            max_files=settings.TASK_MAX_FILES,
        )
    except ArchiveRejected as exc:
        raise InvalidInput(str(exc), field_errors={"archive": [str(exc)]}) from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        upload.seek(0)


def submission_create(
    *,
    assignment: Assignment,
    upload: UploadedFile | None = None,
    text: str = "",
    now: datetime | None = None,
) -> Submission:
    """Store the candidate's work, keep the earlier one in history, and queue its grading."""
    if (now or timezone.now()) > assignment.deadline:
        raise Conflict("The deadline has passed, so this task no longer accepts submissions.")
    if not assignment.application.is_open:
        raise Conflict("This application is closed, so the task no longer accepts submissions.")
    kind = submission_kind(assignment.task)
    submission = Submission(assignment=assignment, kind=kind)
    if kind == SubmissionKind.ARCHIVE:
        if upload is None:
            raise InvalidInput(
                "Attach your project as a .zip or .tar.gz archive.",
                field_errors={"archive": ["Attach a .zip or .tar.gz file."]},
            )
        if upload.size is None or upload.size > settings.TASK_MAX_UPLOAD_BYTES:
            limit = settings.TASK_MAX_UPLOAD_BYTES // (1024 * 1024)
            raise InvalidInput(
                f"The archive is larger than {limit} MB. Leave out dependencies and build output.",
                field_errors={"archive": [f"At most {limit} MB."]},
            )
        _archive_checked(upload)
        submission.filename = Path(upload.name or "submission").name[:200]
        submission.size = upload.size
    else:
        if upload is not None:
            if upload.size is None or upload.size > settings.TASK_MAX_TEXT_BYTES:
                raise InvalidInput(
                    "The SQL file is too large.", field_errors={"text": ["At most 200 KB."]}
                )
            try:
                text = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise InvalidInput(
                    "The SQL file must be UTF-8 text.",
                    field_errors={"text": ["Save the file as UTF-8 text."]},
                ) from None
        text = text.strip()
        if not text:
            raise InvalidInput(
                "Paste your SQL first.", field_errors={"text": ["Paste SQL or choose a file."]}
            )
        if len(text.encode()) > settings.TASK_MAX_TEXT_BYTES:
            raise InvalidInput("The SQL is too long.", field_errors={"text": ["At most 200 KB."]})
        submission.text = text
        submission.size = len(text.encode())
    with transaction.atomic(durable=True):
        earlier = list(
            Submission.objects.select_for_update().filter(
                assignment=assignment, replaced_by__isnull=True
            )
        )
        if upload is not None and kind == SubmissionKind.ARCHIVE:
            submission.archive.save(f"{assignment.pk}-{submission.filename}", upload, save=False)
        submission.save()
        Submission.objects.filter(pk__in=[s.pk for s in earlier]).update(replaced_by=submission)
        audit_record_system(
            workspace=assignment.workspace,
            actor=None,
            verb=AuditVerb.SUBMISSION_CREATE,
            obj=submission,
            after={"assignment": assignment.pk, "kind": kind, "size": submission.size},
        )
        if assignment.task.grader:
            _run_queue(submission)
    return submission


def _run_queue(submission: Submission) -> GradingRun:
    run = GradingRun.objects.create(
        submission=submission, message="Waiting for a worker", heartbeat_at=timezone.now()
    )
    transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from .tasks import grade_run  # tasks call services, so import it only when needed

    grade_run(run_id)


def grading_run_retry(*, membership: Membership, assignment_id: int) -> GradingRun:
    """Grade the current submission again, e.g. after the grader itself was fixed."""
    assignment = access_assignment(membership, assignment_id, review=True)
    submission = assignment.submissions.filter(replaced_by__isnull=True).first()
    if submission is None or not assignment.task.grader:
        raise Conflict("There is no submission to grade.")
    if submission.runs.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).exists():
        raise Conflict("This submission is being graded already.")
    with transaction.atomic(durable=True):
        run = _run_queue(submission)
        audit_record(
            membership=membership,
            verb=AuditVerb.GRADING_RUN_RETRY,
            obj=run,
        )
    return run


def grading_run_claim(*, run_id: int, worker: str) -> bool:
    """Take a queued run for one worker. The conditional update means only one can win."""
    now = timezone.now()
    return (
        GradingRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
            status=RunStatus.RUNNING,
            claimed_by=worker,
            attempts=F("attempts") + 1,
            heartbeat_at=now,
            started_at=now,
            progress=0,
            message="Starting",
        )
        == 1
    )


def grading_runs_reconcile(*, now: datetime | None = None, startup: bool = False) -> list[int]:
    """Queue again the runs whose worker went silent, and those whose queue message was lost.

    Huey delivers at most once, so a worker killed mid-grade would otherwise leave its run
    "running" for ever. A second delivery of a healthy run is harmless: the claim refuses it.
    """
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.GRADING_STALE_SECONDS)
    requeue: list[int] = []
    silent = GradingRun.objects.filter(status=RunStatus.RUNNING, heartbeat_at__lt=stale)
    for run in silent.only("pk", "attempts"):
        gave_up = run.attempts >= settings.GRADING_MAX_ATTEMPTS
        changed = GradingRun.objects.filter(
            pk=run.pk, status=RunStatus.RUNNING, heartbeat_at__lt=stale
        ).update(
            status=RunStatus.FAILED if gave_up else RunStatus.QUEUED,
            claimed_by="",
            heartbeat_at=now,
            finished_at=now if gave_up else None,
            message=(
                "The worker stopped answering too many times; grading gave up."
                if gave_up
                else "The worker stopped answering; queued again."
            ),
        )
        if changed and not gave_up:
            requeue.append(run.pk)
    lost = GradingRun.objects.filter(status=RunStatus.QUEUED)
    if not startup:
        lost = lost.filter(heartbeat_at__lt=stale)
    for run_id in lost.values_list("pk", flat=True):
        GradingRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(heartbeat_at=now)
        if run_id not in requeue:
            requeue.append(run_id)
    for run_id in requeue:
        _enqueue(run_id)
    return requeue


def check_override(
    *,
    membership: Membership,
    check_id: int,
    result: str,
    points: float,
    reason: str,
) -> CheckResult:
    check = access_check(membership, check_id)
    reason = reason.strip()
    errors: dict[str, list[str]] = {}
    if result not in CheckOutcome.values:
        errors["result"] = ["choose pass, partial or fail"]
    if not 0 <= points <= check.max_points:
        errors["points"] = [f"between 0 and {check.max_points:g}"]
    if not reason:
        errors["reason"] = ["say why the automatic result is wrong"]
    if errors:
        raise InvalidInput("The override is incomplete.", field_errors=errors)
    before = {"result": check.final_result, "points": check.final_points}
    with transaction.atomic(durable=True):
        check.override_result = result
        check.override_points = points
        check.override_reason = reason[:2000]
        check.overridden_by = membership.user
        check.overridden_at = timezone.now()
        check.save()
        audit_record(
            membership=membership,
            verb=AuditVerb.CHECK_OVERRIDE,
            obj=check,
            before=before,
            after={"result": result, "points": points, "reason": check.override_reason},
        )
    return check


def assignment_review(
    *, membership: Membership, assignment_id: int, score: int, notes: str = ""
) -> Assignment:
    """The reviewer's own 1-5 score; recording it lifts the blind review."""
    assignment = access_assignment(membership, assignment_id, review=True)
    if not assignment.submissions.exists():
        raise Conflict("Nothing has been submitted yet.")
    if score not in range(1, 6):
        raise InvalidInput(
            "Score the work from 1 to 5.", field_errors={"score": ["A whole number from 1 to 5."]}
        )
    before = {"score": assignment.review_score}
    with transaction.atomic(durable=True):
        assignment.review_score = score
        assignment.review_notes = notes.strip()[:5000]
        assignment.reviewed_by = membership.user
        assignment.reviewed_at = timezone.now()
        validated_save(assignment)
        audit_record(
            membership=membership,
            verb=AuditVerb.ASSIGNMENT_REVIEW,
            obj=assignment,
            before=before,
            after={"score": score},
        )
    return assignment


def grading_run_execute(*, run_id: int, worker: str) -> bool:
    """Claim and grade one run; False when another worker has it or it is finished already.

    A grader that raises is a bug on our side (graders report bad submissions as failed
    checks), so the run goes back to the queue until it has had GRADING_MAX_ATTEMPTS tries.
    """
    if not grading_run_claim(run_id=run_id, worker=worker):
        return False
    run = GradingRun.objects.select_related("submission__assignment__task").get(pk=run_id)
    submission = run.submission
    kind = submission.assignment.task.grader
    reporter = RunReporter(run_id, worker, earlier_log=run.log)
    reporter.log(f"Attempt {run.attempts} on {worker}")
    try:
        with reporter:
            grade = grader_for(kind)
            source: str | Path = (
                Path(submission.archive.path)
                if submission.kind == SubmissionKind.ARCHIVE
                else submission.text
            )
            report = grade(source, options=grader_options(kind), progress=reporter.progress)
    except GradingError as exc:
        _finish_failed(run, reporter, worker, str(exc))
        return True
    except Exception as exc:
        reporter.log(f"Grader error: {type(exc).__name__}: {exc}")
        if run.attempts >= settings.GRADING_MAX_ATTEMPTS:
            _finish_failed(run, reporter, worker, "The grader failed repeatedly; see the log.")
        elif GradingRun.objects.filter(pk=run_id, claimed_by=worker).update(
            status=RunStatus.QUEUED, claimed_by="", log=reporter.text, message="Queued again"
        ):
            _enqueue(run_id)
        return True
    _finish_done(run, reporter, worker, report)
    return True


def _finish_done(run: GradingRun, reporter: RunReporter, worker: str, report: Report) -> None:
    reporter.log(f"Done: {report.score:g} of {report.max_score:g} points")
    with transaction.atomic(durable=True):
        won = GradingRun.objects.filter(
            pk=run.pk, claimed_by=worker, status=RunStatus.RUNNING
        ).update(
            status=RunStatus.DONE,
            progress=1,
            message="Done",
            log=reporter.text,
            finished_at=timezone.now(),
            summary=report.summary,
            score=report.score,
            max_score=report.max_score,
            metrics=report.metrics,
            artifacts=report.artifacts,
        )
        if not won:  # the reconciler gave the run to another worker meanwhile
            return
        CheckResult.objects.bulk_create(
            CheckResult(
                run=run,
                position=position,
                check_id=check.id[:80],
                criterion=check.criterion[:200],
                title=check.title[:300],
                result=check.result,
                points=check.points,
                max_points=check.max_points,
                evidence=check.evidence[:EVIDENCE_LIMIT],
            )
            for position, check in enumerate(report.checks)
        )
        audit_record_system(
            workspace=run.submission.assignment.workspace,
            actor=None,
            verb=AuditVerb.GRADING_RUN_DONE,
            obj=run,
            after={"score": report.score, "max_score": report.max_score},
        )


def _finish_failed(run: GradingRun, reporter: RunReporter, worker: str, message: str) -> None:
    reporter.log(message)
    GradingRun.objects.filter(pk=run.pk, claimed_by=worker, status=RunStatus.RUNNING).update(
        status=RunStatus.FAILED,
        message=message[:200],
        log=reporter.text,
        finished_at=timezone.now(),
    )
