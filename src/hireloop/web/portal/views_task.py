"""The public page where a candidate reads their practical task and hands in their work, reached
through a signed link (no sign-in). It shows the task, the deadline and what the candidate sent;
never a score, a check, a reviewer or a note."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from hireloop.accounts.errors import DomainError
from hireloop.assessments import selectors, services
from hireloop.assessments.models import Assignment, SubmissionKind

from ..assessments.display import sql_material

# Room for the form's own fields (token, text) around the file in a multipart body.
FORM_OVERHEAD = 64 * 1024


def _private(response: HttpResponse) -> HttpResponse:
    """The link is the candidate's key: keep it out of search engines and other sites' logs.

    "same-origin", not "no-referrer": with no referrer at all, browsers send ``Origin: null``
    on the form's POST and the CSRF check refuses the hand-in."""
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "same-origin"
    return response


def _body_limit(kind: str) -> int:
    if kind == SubmissionKind.ARCHIVE:
        return settings.TASK_MAX_UPLOAD_BYTES + FORM_OVERHEAD
    return 2 * settings.TASK_MAX_TEXT_BYTES + FORM_OVERHEAD  # pasted text and a .sql file


def _too_large_message(kind: str) -> str:
    if kind == SubmissionKind.ARCHIVE:
        limit = settings.TASK_MAX_UPLOAD_BYTES // (1024 * 1024)
        return (
            f"The archive is larger than {limit} MB, so it was not uploaded. Leave out "
            "dependencies and build output (node_modules, .venv, dist) and try again."
        )
    limit = settings.TASK_MAX_TEXT_BYTES // 1024
    return f"Your SQL is longer than {limit} KB, so it was not sent. Trim it and try again."


def _portal_page(
    request: HttpRequest,
    assignment: Assignment,
    *,
    problem: str = "",
    text: str = "",
    status: int = 200,
) -> HttpResponse:
    task = assignment.task
    history = selectors.assignment_submissions(assignment)
    kind = services.submission_kind(task)
    context: dict[str, Any] = {
        "assignment": assignment,
        "task": task,
        "role": assignment.application.role,
        "workspace": assignment.application.role.workspace,
        "closed": timezone.now() > assignment.deadline,
        "archive": kind == SubmissionKind.ARCHIVE,
        "current": next((s for s in history if s.replaced_by_id is None), None),
        "history": history,
        "max_upload_mb": settings.TASK_MAX_UPLOAD_BYTES // (1024 * 1024),
        "max_text_kb": settings.TASK_MAX_TEXT_BYTES // 1024,
        "tz_name": timezone.get_current_timezone_name(),
        "problem": problem,
        "text": text,
        "sql": sql_material() if task.grader == "sql" else None,
    }
    return _private(render(request, "portal/page.html", context, status=status))


# The size check has to come before anything reads the body, and the CSRF check reads it; so
# this view is exempt and ``_portal_checked`` applies the CSRF check right after (the pattern
# Django's documentation gives for views that look at an upload before it is parsed).
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def task_portal(request: HttpRequest, token: str) -> HttpResponse:
    try:
        assignment = services.portal_assignment(token)
    except services.PortalLinkError as exc:
        return _private(
            render(request, "portal/invalid.html", {"message": str(exc)}, status=exc.status)
        )
    if request.method == "POST":
        kind = services.submission_kind(assignment.task)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > _body_limit(kind):
            return _portal_page(request, assignment, problem=_too_large_message(kind), status=400)
    return _private(_portal_checked(request, token=token, assignment=assignment))


@csrf_protect
def _portal_checked(request: HttpRequest, *, token: str, assignment: Assignment) -> HttpResponse:
    if request.method != "POST":
        return _portal_page(request, assignment)
    archive = services.submission_kind(assignment.task) == SubmissionKind.ARCHIVE
    upload = request.FILES.get("archive" if archive else "sql_file")
    text = "" if archive else request.POST.get("text", "")
    try:
        services.submission_create(assignment=assignment, upload=upload, text=text)
    except DomainError as exc:
        return _portal_page(request, assignment, problem=exc.message, text=text, status=exc.status)
    return HttpResponseRedirect(reverse("task-portal", args=[token]) + "#received")
