"""/api/v1/applications/{id}/assignments, /api/v1/assignments and /api/v1/checks: practical
tasks, their grading and the reviewer's verdict. While a review is blind the candidate's name and
application are left out (``candidate`` and ``application_id`` are null) and only the stand-in
``label`` names them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from hireloop.accounts.errors import InvalidInput
from hireloop.assessments import selectors, services
from hireloop.hiring.selectors import access_application
from hireloop.library import selectors as library

from ..auth import membership_of
from ..errors import ErrorOut
from ..schemas import assessments as s

router = Router(tags=["assessments"])
ERRORS: dict[int | tuple[int, ...], Any] = {(400, 401, 403, 404, 409, 422): ErrorOut}


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
    return selectors.application_work(membership, application)


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
    return Status(201, selectors.assignment_detail(membership, assignment.pk))


@router.get("/assignments/{int:assignment_id}", response={200: s.AssignmentDetailOut, **ERRORS})
def get_assignment(request: HttpRequest, assignment_id: int) -> Any:
    return selectors.assignment_detail(membership_of(request), assignment_id)


@router.post(
    "/assignments/{int:assignment_id}/review", response={200: s.AssignmentDetailOut, **ERRORS}
)
def review(request: HttpRequest, assignment_id: int, payload: s.ReviewIn) -> Any:
    """The reviewer's own 1-5 score; it ends the blind review."""
    membership = membership_of(request)
    services.assignment_review(
        membership=membership, assignment_id=assignment_id, score=payload.score, notes=payload.notes
    )
    return selectors.assignment_detail(membership, assignment_id)


@router.post("/assignments/{int:assignment_id}/regrade", response={202: s.RunOut, **ERRORS})
def regrade(request: HttpRequest, assignment_id: int) -> Any:
    """Grade the current submission again; the run is queued, poll the assignment for it."""
    run = services.grading_run_retry(membership=membership_of(request), assignment_id=assignment_id)
    return Status(202, run)


@router.post("/checks/{int:check_id}/override", response={200: s.CheckOut, **ERRORS})
def override(request: HttpRequest, check_id: int, payload: s.OverrideIn) -> Any:
    check = services.check_override(
        membership=membership_of(request),
        check_id=check_id,
        result=payload.result,
        points=payload.points,
        reason=payload.reason,
    )
    return check
