"""/api/v1/interviews and scorecards."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from hireloop.accounts.errors import NotFound
from hireloop.hiring.selectors import access_application
from hireloop.interviews import selectors, services
from hireloop.lib.ics import render

from ..auth import membership_of
from ..errors import ErrorOut
from ..schemas import interviews as s

router = Router(tags=["interviews"])
ERRORS: dict[int | tuple[int, ...], Any] = {(400, 401, 403, 404, 409, 422): ErrorOut}


@router.get("/interviews", response={200: list[s.InterviewOut], **ERRORS})
def list_interviews(request: HttpRequest, application: int | None = None) -> Any:
    """Your upcoming interviews, or every visible interview of one application."""
    membership = membership_of(request)
    if application is None:
        interviews = selectors.upcoming_for(membership)
    else:
        interviews = selectors.application_interviews(
            membership, access_application(membership, application)
        )
    return selectors.with_details(interviews)


@router.post("/interviews", response={201: s.InterviewOut, **ERRORS})
def schedule(request: HttpRequest, payload: s.InterviewIn) -> Any:
    membership = membership_of(request)
    interview = services.interview_schedule(membership=membership, **payload.dict())
    return Status(201, selectors.access_interview(membership, interview.pk))


@router.get("/interviews/{int:interview_id}", response={200: s.InterviewOut, **ERRORS})
def get_interview(request: HttpRequest, interview_id: int) -> Any:
    return selectors.access_interview(membership_of(request), interview_id)


@router.post("/interviews/{int:interview_id}/reschedule", response={200: s.InterviewOut, **ERRORS})
def reschedule(request: HttpRequest, interview_id: int, payload: s.RescheduleIn) -> Any:
    membership = membership_of(request)
    services.interview_reschedule(
        membership=membership, interview_id=interview_id, **payload.dict()
    )
    return selectors.access_interview(membership, interview_id)


@router.post("/interviews/{int:interview_id}/cancel", response={200: s.InterviewOut, **ERRORS})
def cancel(request: HttpRequest, interview_id: int, payload: s.CancelIn) -> Any:
    membership = membership_of(request)
    services.interview_cancel(
        membership=membership, interview_id=interview_id, reason=payload.reason
    )
    return selectors.access_interview(membership, interview_id)


@router.get(
    "/interviews/{int:interview_id}/invite.ics",
    response={200: None, **ERRORS},
    openapi_extra={"responses": {200: {"content": {"text/calendar": {}}}}},
)
def invite(request: HttpRequest, interview_id: int) -> Any:
    interview = selectors.access_interview(membership_of(request), interview_id)
    response = HttpResponse(render(selectors.invite_for(interview)), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="interview-{interview.pk}.ics"'
    return response


@router.get("/interviews/{int:interview_id}/scorecard", response={200: s.ScorecardOut, **ERRORS})
def get_own_scorecard(request: HttpRequest, interview_id: int) -> Any:
    membership = membership_of(request)
    interview = selectors.access_interview(membership, interview_id, take_part=True)
    feedback = selectors.own_feedback(membership, interview)
    if feedback is None:
        raise NotFound("You have not started this scorecard yet.")
    return feedback


@router.put("/interviews/{int:interview_id}/scorecard", response={200: s.ScorecardOut, **ERRORS})
def save_draft(request: HttpRequest, interview_id: int, payload: s.ScorecardIn) -> Any:
    feedback = services.feedback_save_draft(
        membership=membership_of(request), interview_id=interview_id, data=payload.model_dump()
    )
    return feedback


@router.post(
    "/interviews/{int:interview_id}/scorecard/submit", response={200: s.ScorecardOut, **ERRORS}
)
def submit(request: HttpRequest, interview_id: int) -> Any:
    feedback = services.feedback_submit(
        membership=membership_of(request), interview_id=interview_id
    )
    return feedback


@router.post(
    "/interviews/{int:interview_id}/scorecard/amend", response={200: s.ScorecardOut, **ERRORS}
)
def amend(request: HttpRequest, interview_id: int, payload: s.AmendIn) -> Any:
    data = payload.model_dump(exclude={"reason"}, exclude_unset=True)
    feedback = services.feedback_amend(
        membership=membership_of(request),
        interview_id=interview_id,
        data=data,
        reason=payload.reason,
    )
    return feedback


@router.get(
    "/applications/{int:application_id}/scorecards",
    response={200: s.VisibleScorecardsOut, **ERRORS},
)
def application_scorecards(request: HttpRequest, application_id: int) -> Any:
    membership = membership_of(request)
    application = access_application(membership, application_id)
    readable = selectors.readable_feedback(membership, application)
    return {"scorecards": readable.shown, "hidden": readable.hidden}


@router.get("/scorecards/owed", response={200: list[s.OwedOut], **ERRORS})
def owed(request: HttpRequest, everyone: bool = False) -> Any:
    """Scorecards still owed for interviews that have ended (yours, or everyone's)."""
    return selectors.owed_scorecards(membership_of(request), everyone=everyone)
