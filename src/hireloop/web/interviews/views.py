"""Interview pages: the home dashboard, scheduling, the interview page with its calendar invite,
live interview mode and the scorecard with its autosave. Every write goes through
``hireloop.interviews.services``; every read and access check through the selectors."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import dateformat, timezone
from django.views.decorators.http import require_GET, require_POST

from hireloop.accounts.errors import Conflict, DomainError, InvalidInput
from hireloop.accounts.models import Membership
from hireloop.accounts.permissions import Capability
from hireloop.accounts.selectors import require
from hireloop.decisions.selectors import focus_areas_for
from hireloop.hiring import selectors as hiring
from hireloop.interviews import selectors, services
from hireloop.interviews.models import FeedbackStatus, Interview, InterviewStatus
from hireloop.lib.ics import render
from hireloop.library import selectors as library
from hireloop.library.models import Seniority

from ..access import member_view
from ..panels import interview_task_result
from ..render import page
from .display import (
    DEFAULT_AGENDA,
    feedback_card,
    scaled_agenda,
    schedule_form,
    sheet,
    values_of,
)
from .forms import (
    BadScorecard,
    CancelForm,
    RescheduleForm,
    scorecard_from_post,
    scorecard_from_request,
)

RESUME_SUMMARY_CHARS = 800


def _local(moment: datetime) -> str:
    return dateformat.format(timezone.localtime(moment), "D j M, H:i")


# Home ---------------------------------------------------------------------------------------


@require_GET
@member_view
def home(request: HttpRequest, membership: Membership) -> HttpResponse:
    now = timezone.now()
    owed = selectors.owed_scorecards(membership, now=now)
    owed_ids = {o.interview.pk for o in owed}
    upcoming = [
        {
            "interview": i,
            "ends_at": i.starts_at + timedelta(minutes=i.minutes),
            "state": (
                "upcoming"
                if i.starts_at > now
                else "now"
                if i.starts_at + timedelta(minutes=i.minutes) > now
                else "ended"
            ),
            "owed": i.pk in owed_ids,
        }
        for i in selectors.upcoming_for(membership, now=now)
    ]
    sees_workspace = selectors.may_read_workspace_owed(membership)
    return page(
        request,
        "interviews/home.html",
        {
            "upcoming": upcoming,
            "owed": owed,
            "sees_workspace": sees_workspace,
            "workspace_owed": (
                selectors.owed_scorecards(membership, everyone=True, now=now)
                if sees_workspace
                else []
            ),
            "now": now,
        },
    )


# Scheduling ---------------------------------------------------------------------------------


@member_view
def interview_schedule(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """The scheduling form of an application (also shown on its page) and its submission."""
    application = hiring.access_application(membership, pk)
    require(membership, Capability.CANDIDATE_MANAGE)
    form = schedule_form(
        membership, application, request.POST if request.method == "POST" else None
    )
    problem = ""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            cd = form.cleaned_data
            try:
                interview = services.interview_schedule(
                    membership=membership,
                    application_id=application.pk,
                    starts_at=cd["starts_at"],
                    interviewer_ids=cd["interviewers"],
                    minutes=cd["minutes"],
                    location=cd["location"],
                    stage_id=cd["stage"],
                )
            except InvalidInput as exc:
                form.add_domain_errors(exc.field_errors, exc.message)
            except Conflict as exc:
                problem, status = exc.message, 409
            else:
                messages.success(
                    request,
                    f"Scheduled “{interview.stage.name}” with {application.candidate.name} "
                    f"for {_local(interview.starts_at)}.",
                )
                return HttpResponseRedirect(
                    reverse("application-detail", args=[application.pk]) + "#interviews"
                )
    return page(
        request,
        "interviews/schedule.html",
        {
            "application": application,
            "form": form,
            "problem": problem,
            "tz_name": timezone.get_current_timezone_name(),
        },
        status=status,
    )


def _interview_page(
    request: HttpRequest,
    membership: Membership,
    pk: int,
    *,
    reschedule_form: RescheduleForm | None = None,
    cancel_form: CancelForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    interview = selectors.access_interview(membership, pk)
    interviewers = selectors.interview_interviewers(interview)
    takes_part = any(u.pk == membership.user_id for u in interviewers)
    can_schedule = selectors.may_change_schedule(membership, interview)
    own = selectors.own_feedback(membership, interview) if takes_part else None
    context: dict[str, Any] = {
        "interview": interview,
        "application": interview.application,
        "interviewers": interviewers,
        "changes": selectors.interview_changes(interview),
        "takes_part": takes_part,
        "own": own,
        "ends_at": interview.starts_at + timedelta(minutes=interview.minutes),
        "can_schedule": can_schedule,
        "problem": problem,
        "tz_name": timezone.get_current_timezone_name(),
    }
    if can_schedule:
        context["reschedule_form"] = reschedule_form or RescheduleForm(
            initial={
                "starts_at": interview.starts_at,
                "minutes": interview.minutes,
                "location": interview.location,
            }
        )
        context["cancel_form"] = cancel_form or CancelForm()
    return page(request, "interviews/detail.html", context, status=status)


@require_GET
@member_view
def interview_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _interview_page(request, membership, pk)


@require_POST
@member_view
def interview_reschedule(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    form = RescheduleForm(request.POST)
    if form.is_valid():
        cd = form.cleaned_data
        try:
            interview = services.interview_reschedule(
                membership=membership,
                interview_id=pk,
                starts_at=cd["starts_at"],
                reason=cd["reason"],
                minutes=cd["minutes"],
                location=cd["location"],
            )
        except InvalidInput as exc:
            form.add_domain_errors(exc.field_errors, exc.message)
        except Conflict as exc:
            return _interview_page(request, membership, pk, problem=exc.message, status=409)
        else:
            messages.success(
                request,
                "Moved the interview to "
                f"{_local(interview.starts_at)}. "
                "Interviewers should download the updated invite.",
            )
            return HttpResponseRedirect(reverse("interview-detail", args=[pk]))
    else:  # refused before being told what is wrong with the form (the service checks otherwise)
        selectors.access_interview(membership, pk, schedule=True)
    return _interview_page(request, membership, pk, reschedule_form=form, status=400)


@require_POST
@member_view
def interview_cancel(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.interview_cancel(
                membership=membership, interview_id=pk, reason=form.cleaned_data["reason"]
            )
        except InvalidInput as exc:
            form.add_domain_errors(exc.field_errors, exc.message)
        except Conflict as exc:
            return _interview_page(request, membership, pk, problem=exc.message, status=409)
        else:
            messages.success(request, "Cancelled the interview. The history keeps the reason.")
            return HttpResponseRedirect(reverse("interview-detail", args=[pk]))
    else:  # refused before being told what is wrong with the form (the service checks otherwise)
        selectors.access_interview(membership, pk, schedule=True)
    return _interview_page(request, membership, pk, cancel_form=form, status=400)


@require_GET
@member_view
def interview_invite(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    interview = selectors.access_interview(membership, pk)
    response = HttpResponse(
        render(selectors.invite_for(interview)), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="interview-{interview.pk}.ics"'
    return response


# Live mode and the scorecard ----------------------------------------------------------------


def _draft_state(membership: Membership, interview: Interview, feedback: Any) -> dict[str, Any]:
    """What the page's script needs to autosave and to keep a copy on the device."""
    return {
        "url": reverse("interview-scorecard-draft", args=[interview.pk]),
        "key": f"hireloop:scorecard:{membership.workspace_id}:{interview.pk}:{membership.user_id}",
        "saved_at": feedback.updated_at.isoformat() if feedback is not None else None,
    }


def _missing_links(interview: Interview, missing: list[str]) -> list[tuple[str, str]]:
    """What a submit lacks, each with the id of the part of the form that supplies it."""
    links = []
    for item in missing:
        anchor = "sc-recommendation" if "recommendation" in item else ""
        for c in _criteria(interview):
            if f"'{c['name']}'" in item:
                anchor = f"criterion-{c['slug']}"
        links.append((item, anchor))
    return links


def _scorecard_page(
    request: HttpRequest,
    membership: Membership,
    interview: Interview,
    *,
    live: bool,
    missing: list[str] | None = None,
    problem: str = "",
    amend_values: dict[str, Any] | None = None,
    amend_error: str = "",
    amend_reason: str = "",
    status: int = 200,
) -> HttpResponse:
    feedback = selectors.own_feedback(membership, interview)
    submitted = feedback is not None and feedback.status == FeedbackStatus.SUBMITTED
    cancelled = interview.status == InterviewStatus.CANCELLED
    application = interview.application
    context: dict[str, Any] = {
        "interview": interview,
        "application": application,
        "candidate": application.candidate,
        "role": application.role,
        "feedback": feedback,
        "submitted": submitted,
        "editable": not submitted and not cancelled,
        "cancelled": cancelled,
        "live": live,
        "missing": _missing_links(interview, missing or []),
        "problem": problem,
        "asked": selectors.feedback_questions(feedback) if feedback is not None else [],
        "draft_state": _draft_state(membership, interview, feedback),
        "ends_at": interview.starts_at + timedelta(minutes=interview.minutes),
        "task_result": interview_task_result(request, membership, interview),
    }
    if submitted:
        assert feedback is not None
        context["card"] = feedback_card(feedback)
        context["amend_sheet"] = sheet(membership, interview, amend_values or values_of(feedback))
        context["amend_error"] = amend_error
        context["amend_reason"] = amend_reason
        context["amend_open"] = amend_values is not None
    if not submitted or live:
        context["sheet"] = sheet(membership, interview, values_of(feedback), with_questions=live)
    if live:
        process = library.process()
        candidate = application.candidate
        context.update(
            {
                "agenda": scaled_agenda(
                    process.agenda if process else DEFAULT_AGENDA, interview.minutes
                ),
                "resume_summary": candidate.resume_text[:RESUME_SUMMARY_CHARS].strip(),
                "resume_cut": len(candidate.resume_text) > RESUME_SUMMARY_CHARS,
                "level_label": dict(Seniority.choices).get(candidate.level, ""),
                "seniority_label": dict(Seniority.choices).get(application.role.seniority, ""),
                "focus_areas": focus_areas_for(application),
            }
        )
    return page(
        request,
        "interviews/live.html" if live else "interviews/scorecard.html",
        context,
        status=status,
    )


@require_GET
@member_view
def interview_live(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    interview = selectors.access_interview(membership, pk, take_part=True)
    return _scorecard_page(request, membership, interview, live=True)


def _criteria(interview: Interview) -> list[dict[str, Any]]:
    return list(interview.scorecard_version.snapshot["criteria"])


@member_view
def interview_scorecard(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """The scorecard: GET shows it; POST saves the draft and, with ``action=submit``, submits."""
    if request.method != "POST":
        interview = selectors.access_interview(membership, pk, take_part=True)
        return _scorecard_page(request, membership, interview, live=False)
    # A save needs only the criteria; a page shown again after a problem loads the rest.
    interview = selectors.access_interview(
        membership, pk, take_part=True, related=selectors.SCORECARD_RELATIONS
    )
    live = request.POST.get("from") == "live"
    try:
        data = scorecard_from_post(request.POST, _criteria(interview))
    except BadScorecard as exc:
        return _scorecard_page(
            request, membership, interview, live=live, problem=str(exc), status=400
        )
    submit = request.POST.get("action") == "submit"
    try:
        if submit:
            try:
                services.feedback_submit(
                    membership=membership, interview_id=pk, data=data, interview=interview
                )
            except InvalidInput as exc:
                if "missing" in exc.field_errors:  # not complete yet: keep what was typed
                    services.feedback_save_draft(membership=membership, interview_id=pk, data=data)
                raise
        else:
            services.feedback_save_draft(membership=membership, interview_id=pk, data=data)
    except InvalidInput as exc:
        problem = exc.message
        if exc.field_errors and "missing" not in exc.field_errors:
            problem += " " + "; ".join(m for ms in exc.field_errors.values() for m in ms)
        return _scorecard_page(
            request,
            membership,
            interview,
            live=False,
            missing=exc.field_errors.get("missing", []),
            problem=problem,
            status=400,
        )
    except Conflict as exc:
        return _scorecard_page(
            request, membership, interview, live=False, problem=exc.message, status=409
        )
    if submit:
        messages.success(
            request,
            "Scorecard submitted. You can now read the other interviewers' scorecards "
            "for this application where the workspace allows it.",
        )
        return HttpResponseRedirect(reverse("interview-scorecard", args=[pk]))
    messages.success(request, "Draft saved.")
    return HttpResponseRedirect(
        reverse("interview-live" if live else "interview-scorecard", args=[pk])
    )


@require_POST
@member_view
def scorecard_draft(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """Autosave: the whole draft as JSON (or form fields); answers ``{"saved_at": ...}``."""
    try:
        interview = selectors.access_interview(
            membership, pk, take_part=True, related=selectors.SCORECARD_RELATIONS
        )
        data = scorecard_from_request(request, _criteria(interview))
        feedback = services.feedback_save_draft(membership=membership, interview_id=pk, data=data)
    except BadScorecard as exc:
        return JsonResponse(
            {"error": {"code": "invalid", "message": f"Not saved: {exc}.", "fields": {}}},
            status=400,
        )
    except DomainError as exc:
        return JsonResponse(
            {
                "error": {
                    "code": type(exc).__name__,
                    "message": exc.message,
                    "fields": exc.field_errors,
                }
            },
            status=exc.status,
        )
    return JsonResponse({"saved_at": feedback.updated_at.isoformat(), "status": feedback.status})


@require_POST
@member_view
def scorecard_amend(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    interview = selectors.access_interview(membership, pk, take_part=True)
    try:
        data = scorecard_from_post(request.POST, _criteria(interview))
    except BadScorecard as exc:
        return _scorecard_page(
            request, membership, interview, live=False, amend_error=str(exc), status=400
        )
    try:
        services.feedback_amend(
            membership=membership,
            interview_id=pk,
            data=data,
            reason=request.POST.get("reason", "")[:500],
        )
    except InvalidInput as exc:
        return _scorecard_page(
            request,
            membership,
            interview,
            live=False,
            amend_values=data,
            amend_error=exc.message,
            amend_reason=request.POST.get("reason", "")[:500],
            status=400,
        )
    except Conflict as exc:
        return _scorecard_page(
            request, membership, interview, live=False, problem=exc.message, status=409
        )
    messages.success(request, "Scorecard amended. The earlier version is kept with your reason.")
    return HttpResponseRedirect(reverse("interview-scorecard", args=[pk]))
