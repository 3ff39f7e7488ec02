"""/api/v1/applications/{id}/assignments, /api/v1/assignments and /api/v1/checks: practical
tasks, their grading and the reviewer's verdict. While a review is blind the candidate's name and
application are left out (``candidate`` and ``application_id`` are null) and only the stand-in
``label`` names them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Status

from hireloop.accounts.errors import InvalidInput
from hireloop.accounts.models import Membership, User
from hireloop.accounts.permissions import Capability, can
from hireloop.assessments import selectors, services
from hireloop.assessments.models import Assignment, CheckResult, GradingRun, Submission
from hireloop.assessments.selectors import TaskScore
from hireloop.hiring.selectors import access_application
from hireloop.library import selectors as library

from ..auth import membership_of
from ..errors import ErrorOut
from ..schemas import assessments as s

router = Router(tags=["assessments"])
ERRORS: dict[int | tuple[int, ...], Any] = {(400, 401, 403, 404, 409, 422): ErrorOut}


def _user(user: User | None) -> dict[str, Any] | None:
    return {"id": user.pk, "name": user.display_name} if user else None


def _score(score: TaskScore | None) -> dict[str, Any] | None:
    if score is None:
        return None
    return {"points": score.points, "max_points": score.max_points, "percent": score.percent}


def _assignment_out(
    request: HttpRequest,
    membership: Membership,
    assignment: Assignment,
    submission: Submission | None,
    run: GradingRun | None,
) -> dict[str, Any]:
    blind = selectors.is_blind(assignment)
    task = assignment.task
    return {
        "id": assignment.pk,
        # The application leads to the name in one more call: hidden with it.
        "application_id": None if blind else assignment.application_id,
        "task": {"id": task.pk, "slug": task.slug, "name": task.name, "grader": task.grader},
        "deadline": assignment.deadline,
        "created_at": assignment.created_at,
        "state": selectors.assignment_state(assignment, submission, run),
        "label": selectors.pseudonym(assignment),
        "candidate": None if blind else assignment.application.candidate.name,
        "portal_url": (
            request.build_absolute_uri(
                reverse("task-portal", args=[services.portal_token(assignment)])
            )
            if can(membership, Capability.TASK_ASSIGN)
            else None
        ),
        "score": _score(selectors.run_score(run)) if run is not None else None,
        "review": None
        if blind
        else {
            "score": assignment.review_score,
            "notes": assignment.review_notes,
            "reviewed_by": _user(assignment.reviewed_by),
            "reviewed_at": assignment.reviewed_at,
        },
    }


def _submission_out(submission: Submission) -> dict[str, Any]:
    return {
        "id": submission.pk,
        "kind": submission.kind,
        "received_at": submission.received_at,
        "filename": submission.filename,
        "size": submission.size,
        "replaced": submission.replaced_by_id is not None,
    }


def _check_out(check: CheckResult) -> dict[str, Any]:
    override = None
    if check.override_result:
        override = {
            "result": check.override_result,
            "points": check.final_points,
            "reason": check.override_reason,
            "by": _user(check.overridden_by),
            "at": check.overridden_at,
        }
    return {
        "id": check.pk,
        "position": check.position,
        "check_id": check.check_id,
        "criterion": check.criterion,
        "title": check.title,
        "result": check.result,
        "points": check.points,
        "max_points": check.max_points,
        "evidence": check.evidence,
        "override": override,
        "final_result": check.final_result,
        "final_points": check.final_points,
    }


def _run_out(run: GradingRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "status": run.status,
        "progress": run.progress,
        "message": run.message,
        "queued_at": run.queued_at,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "summary": run.summary,
        "score": _score(selectors.run_score(run)),
        "metrics": run.metrics,
        "artifacts": sorted(run.artifacts),
        "checks": [_check_out(c) for c in selectors.run_checks(run)] if run.finished else [],
    }


def _detail(request: HttpRequest, membership: Membership, assignment_id: int) -> dict[str, Any]:
    assignment = selectors.access_assignment(membership, assignment_id)
    history = selectors.assignment_submissions(assignment)
    submission = next((x for x in history if x.replaced_by_id is None), None)
    run = selectors.latest_run(submission)
    return {
        **_assignment_out(request, membership, assignment, submission, run),
        "submission": _submission_out(submission) if submission is not None else None,
        "run": _run_out(run) if run is not None else None,
        "history": [_submission_out(x) for x in history],
    }


def _task_id(value: int | str) -> int:
    if isinstance(value, int) or value.isdigit():
        task = library.task_by_pk(int(value))
    else:
        task = library.task_by_slug(value)
    if task is None:
        raise InvalidInput("Choose a task from the library.", field_errors={"task": ["unknown"]})
    return task.pk


@router.get(
    "/applications/{int:application_id}/assignments",
    response={200: list[s.AssignmentOut], **ERRORS},
)
def list_assignments(request: HttpRequest, application_id: int) -> Any:
    membership = membership_of(request)
    application = access_application(membership, application_id)
    assignments = selectors.application_assignments(membership, application, candidate=True)
    return [
        _assignment_out(request, membership, a, *selectors.assignment_current_work(a))
        for a in assignments
    ]


@router.post(
    "/applications/{int:application_id}/assignments",
    response={201: s.AssignmentDetailOut, **ERRORS},
)
def assign(request: HttpRequest, application_id: int, payload: s.AssignmentIn) -> Any:
    """Give the candidate a practical task from the library; the answer holds their link."""
    membership = membership_of(request)
    # Access first: whether the task exists is none of the business of someone who cannot
    # see the application.
    access_application(membership, application_id)
    assignment = services.assignment_create(
        membership=membership,
        application_id=application_id,
        task_id=_task_id(payload.task),
        deadline=payload.deadline,
    )
    return Status(201, _detail(request, membership, assignment.pk))


@router.get("/assignments/{int:assignment_id}", response={200: s.AssignmentDetailOut, **ERRORS})
def get_assignment(request: HttpRequest, assignment_id: int) -> Any:
    return _detail(request, membership_of(request), assignment_id)


@router.post(
    "/assignments/{int:assignment_id}/review", response={200: s.AssignmentDetailOut, **ERRORS}
)
def review(request: HttpRequest, assignment_id: int, payload: s.ReviewIn) -> Any:
    """The reviewer's own 1-5 score; it ends the blind review."""
    membership = membership_of(request)
    services.assignment_review(
        membership=membership, assignment_id=assignment_id, score=payload.score, notes=payload.notes
    )
    return _detail(request, membership, assignment_id)


@router.post("/assignments/{int:assignment_id}/regrade", response={202: s.RunOut, **ERRORS})
def regrade(request: HttpRequest, assignment_id: int) -> Any:
    """Grade the current submission again; the run is queued, poll the assignment for it."""
    run = services.grading_run_retry(membership=membership_of(request), assignment_id=assignment_id)
    return Status(202, _run_out(run))


@router.post("/checks/{int:check_id}/override", response={200: s.CheckOut, **ERRORS})
def override(request: HttpRequest, check_id: int, payload: s.OverrideIn) -> Any:
    check = services.check_override(
        membership=membership_of(request),
        check_id=check_id,
        result=payload.result,
        points=payload.points,
        reason=payload.reason,
    )
    return _check_out(check)
