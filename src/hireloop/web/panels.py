"""Panels one area's page shows for another: the practical tasks and the decision panel on an
application's page, the task result beside a task-review scorecard, the graded tasks on the
debrief. Each is built here from selectors and the permission predicates and rendered from its
own template, so the page's view only places it and template tags neither query nor check."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from hireloop.accounts.models import Membership
from hireloop.assessments.selectors import may_assign_task, reviews_tasks
from hireloop.decisions.models import Outcome
from hireloop.decisions.selectors import debrief_status, may_decide
from hireloop.hiring.models import Application
from hireloop.hiring.prep import MAX_DAYS
from hireloop.hiring.selectors import may_send_prep_link
from hireloop.interviews.models import Interview
from hireloop.library import selectors as library
from hireloop.library.models import Seniority

from .assessments.display import application_tasks, task_results
from .assessments.forms import AssignForm

_OUTCOMES = dict(Outcome.choices)
_LEVELS = dict(Seniority.choices)


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> SafeString:
    return SafeString(render_to_string(template, context, request=request))


def _decision_context(membership: Membership, application: Application) -> dict[str, Any]:
    can_decide = may_decide(membership, application.role)
    can_prep = may_send_prep_link(membership, application)
    context: dict[str, Any] = {
        "show": can_decide or can_prep,
        "application": application,
        "can_decide": can_decide,
        "can_prep": can_prep,
        "max_days": MAX_DAYS,
    }
    if can_decide:
        status = debrief_status(membership, application)
        context["submitted"] = status.submitted
        if status.latest is not None:
            context["latest"] = status.latest
            context["latest_label"] = _OUTCOMES.get(status.latest.outcome, status.latest.outcome)
            context["latest_level"] = _LEVELS.get(status.latest.level, "")
    return context


def _tasks_context(
    request: HttpRequest, membership: Membership, application: Application
) -> dict[str, Any]:
    rows = application_tasks(membership, application, request)
    can_assign = may_assign_task(membership, application)
    return {
        "show": bool(rows) or can_assign,
        "application": application,
        "rows": rows,
        "links": any(r.portal_url for r in rows),
        "can_assign": can_assign,
        "form": AssignForm(tasks=list(library.task_list())) if can_assign else None,
    }


def application_panels(
    request: HttpRequest, membership: Membership, application: Application
) -> dict[str, SafeString]:
    """The practical tasks card and the debrief / preparation link panel of the page."""
    return {
        "tasks": _render(
            request,
            "assessments/_task_card.html",
            _tasks_context(request, membership, application),
        ),
        "decision": _render(
            request,
            "decisions/_decision_panel.html",
            _decision_context(membership, application),
        ),
    }


def interview_task_result(
    request: HttpRequest, membership: Membership, interview: Interview
) -> SafeString:
    """The graded tasks of the interview's application, when the interview reviews them."""
    if not reviews_tasks(interview):
        return SafeString("")
    results = task_results(membership, interview.application)
    return _render(request, "assessments/_task_result.html", {"show": True, "results": results})


def debrief_task_evidence(
    request: HttpRequest, membership: Membership, application: Application
) -> SafeString:
    """One stat per graded practical task of the application, for the debrief."""
    results = task_results(membership, application)
    return _render(request, "assessments/_debrief_tasks.html", {"results": results})
