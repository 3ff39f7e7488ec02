"""Practical tasks on the signed-in side: assigning one to an application, the review queue, and
the review page with its live grading progress, check overrides and the reviewer's own score.
Reads and access checks go through ``hireloop.assessments.selectors``, every write through its
services, so a page can never show or change more than the API does.

While a review is blind (no reviewer score yet) the review page and the queue name the
candidate only by a pseudonym, and link nowhere that would name them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from hireloop.accounts.errors import Conflict, InvalidInput, NotFound
from hireloop.accounts.models import Membership
from hireloop.accounts.permissions import Capability, can
from hireloop.accounts.selectors import require
from hireloop.assessments import selectors, services
from hireloop.assessments.models import Assignment, CheckResult, SubmissionKind
from hireloop.hiring import selectors as hiring
from hireloop.library import selectors as library

from ..access import member_view
from ..render import page
from .display import BADGES, grader_label, run_context, state_label
from .forms import AssignForm, OverrideForm, ReviewForm

# An artifact is drawn by the grader from the candidate's own DDL: it may carry markup, so it
# is only ever shown through <img> and, if opened directly, may run nothing and load nothing.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


def _review_url(pk: int, anchor: str = "") -> str:
    return reverse("assignment-review", args=[pk]) + (f"#{anchor}" if anchor else "")


# Assigning -----------------------------------------------------------------------------------


@member_view
def assignment_create(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """The assign form on a page of its own (the application page posts here too)."""
    application = hiring.access_application(membership, pk)
    require(membership, Capability.TASK_ASSIGN)
    form = AssignForm(
        request.POST if request.method == "POST" else None, tasks=list(library.task_list())
    )
    problem = ""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                assignment = services.assignment_create(
                    membership=membership,
                    application_id=pk,
                    task_id=form.cleaned_data["task"],
                    deadline=form.cleaned_data["deadline"],
                )
            except InvalidInput as exc:
                form.add_service_error(exc)
            except Conflict as exc:
                problem, status = exc.message, 409
            else:
                messages.success(
                    request,
                    f"Assigned “{assignment.task.name}”. Copy the candidate's link from the "
                    "practical tasks card and send it to them.",
                )
                return HttpResponseRedirect(
                    reverse("application-detail", args=[pk]) + f"#task-{assignment.pk}"
                )
    return page(
        request,
        "assessments/assign.html",
        {"application": application, "form": form, "problem": problem},
        status=status,
    )


# The review queue ----------------------------------------------------------------------------


@require_GET
@member_view
def review_queue(request: HttpRequest, membership: Membership) -> HttpResponse:
    assignments = selectors.review_queue(membership)
    work = selectors.current_work(assignments)
    rows = []
    for assignment in assignments:
        submission, run = work[assignment.pk]
        state = selectors.assignment_state(assignment, submission, run)
        rows.append(
            {
                "assignment": assignment,
                "label": selectors.pseudonym(assignment),
                "submission": submission,
                "state_label": state_label(state, assignment, run),
                "badge": BADGES.get(state, ""),
            }
        )
    return page(
        request,
        "assessments/queue.html",
        {"rows": rows, "can_review": can(membership, Capability.TASK_REVIEW)},
    )


# The review page -----------------------------------------------------------------------------


def _override_form(check: CheckResult) -> OverrideForm:
    return OverrideForm(
        check_id=check.pk,
        max_points=check.max_points,
        initial={
            "result": check.final_result,
            "points": check.final_points,
            "reason": check.override_reason,
        },
    )


def _run_panel(
    membership: Membership,
    assignment: Assignment,
    *,
    forms: dict[int, OverrideForm] | None = None,
) -> dict[str, Any]:
    """The latest run of the current submission, with an override form per check for those
    who review."""
    submission = selectors.current_submission(assignment)
    run = selectors.latest_run(submission)
    can_review = can(membership, Capability.TASK_REVIEW)
    forms = forms or {}

    def form_for(check: CheckResult) -> OverrideForm | None:
        if not can_review:
            return None
        return forms.get(check.pk) or _override_form(check)

    return {
        "assignment": assignment,
        "submission": submission,
        "can_review": can_review,
        "graded": bool(assignment.task.grader),
        **run_context(run, form_for=form_for),
    }


def _review_page(
    request: HttpRequest,
    membership: Membership,
    pk: int,
    *,
    forms: dict[int, OverrideForm] | None = None,
    review_form: ReviewForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    assignment = selectors.access_assignment(membership, pk)
    submissions = selectors.assignment_submissions(assignment)
    panel = _run_panel(membership, assignment, forms=forms)
    blind = selectors.is_blind(assignment)
    state = selectors.assignment_state(assignment, panel["submission"], panel["run"])
    context: dict[str, Any] = {
        **panel,
        "task": assignment.task,
        "grader_label": grader_label(assignment.task.grader),
        "blind": blind,
        "alias": selectors.pseudonym(assignment),
        "state_label": state_label(state, assignment, panel["run"]),
        "badge": BADGES.get(state, ""),
        "earlier": [s for s in submissions if s.replaced_by_id is not None],
        "problem": problem,
        "review_form": review_form
        or ReviewForm(
            initial={"score": assignment.review_score, "notes": assignment.review_notes}
            if not blind
            else None
        ),
        "review_open": review_form is not None,
    }
    if not blind:
        context["application"] = assignment.application
        context["candidate"] = assignment.application.candidate
    return page(request, "assessments/review.html", context, status=status)


@require_GET
@member_view
def assignment_review(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _review_page(request, membership, pk)


@require_GET
@never_cache
@member_view
def assignment_progress(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """The run panel alone, polled by htmx while the run is queued or running; once it has
    finished the panel comes back without its polling trigger, so polling stops."""
    assignment = selectors.access_assignment(membership, pk)
    return render(request, "assessments/_run.html", _run_panel(membership, assignment))


@require_POST
@member_view
def assignment_score(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            assignment = services.assignment_review(
                membership=membership,
                assignment_id=pk,
                score=form.cleaned_data["score"],
                notes=form.cleaned_data["notes"],
            )
        except InvalidInput as exc:
            form.add_service_error(exc)
        except Conflict as exc:
            return _review_page(
                request, membership, pk, review_form=form, problem=exc.message, status=409
            )
        else:
            messages.success(
                request,
                f"Your score is saved. The review is no longer blind: this is "
                f"{assignment.application.candidate.name}'s work.",
            )
            return HttpResponseRedirect(_review_url(pk, "review"))
    else:  # refused before being told what is wrong with the form (the service checks otherwise)
        selectors.access_assignment(membership, pk, review=True)
    return _review_page(request, membership, pk, review_form=form, status=400)


@require_POST
@member_view
def assignment_regrade(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    try:
        services.grading_run_retry(membership=membership, assignment_id=pk)
    except Conflict as exc:
        return _review_page(request, membership, pk, problem=exc.message, status=409)
    messages.success(request, "Grading again. Progress shows below as it runs.")
    return HttpResponseRedirect(_review_url(pk, "run"))


@require_POST
@member_view
def check_override(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    check = selectors.access_check(membership, pk)
    assignment_id = check.run.submission.assignment_id
    form = OverrideForm(request.POST, check_id=pk, max_points=check.max_points)
    if form.is_valid():
        try:
            services.check_override(
                membership=membership,
                check_id=pk,
                result=form.cleaned_data["result"],
                points=form.cleaned_data["points"],
                reason=form.cleaned_data["reason"],
            )
        except InvalidInput as exc:
            form.add_domain_errors(exc.field_errors, exc.message)
        else:
            messages.success(request, f"Override saved for “{check.title}”; the score counts it.")
            return HttpResponseRedirect(_review_url(assignment_id, f"check-{pk}"))
    return _review_page(request, membership, assignment_id, forms={pk: form}, status=400)


# Files ---------------------------------------------------------------------------------------


@require_GET
@never_cache
@member_view  # type: ignore[arg-type]  # typed for HttpResponse; a streamed file passes as is
def submission_download(request: HttpRequest, membership: Membership, pk: int) -> HttpResponseBase:
    submission = selectors.access_submission(membership, pk)
    if submission.kind != SubmissionKind.ARCHIVE or not submission.archive:
        raise NotFound("This submission has no file to download.")
    try:
        handle = submission.archive.open("rb")
    except FileNotFoundError:
        raise NotFound("The file of this submission is no longer stored.") from None
    # Never rendered by the browser: whatever the candidate packed, it is only saved to disk.
    return FileResponse(
        handle,
        as_attachment=True,
        filename=submission.filename or f"submission-{submission.pk}",
        content_type="application/octet-stream",
    )


@require_GET
@never_cache
@member_view
def run_artifact(request: HttpRequest, membership: Membership, pk: int, name: str) -> HttpResponse:
    run = selectors.access_run(membership, pk)
    content = run.artifacts.get(name)
    if not isinstance(content, str):
        raise NotFound("This grading run has no such file.")
    if name.endswith(".svg"):
        response = HttpResponse(content, content_type="image/svg+xml")
        response["Content-Security-Policy"] = SVG_POLICY
    else:
        response = HttpResponse(content, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response
