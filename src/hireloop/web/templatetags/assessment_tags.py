"""Practical-task panels for pages owned by other areas: the tasks card of an application page,
the task result beside a task-review scorecard, and the task line of the debrief. As tags, so
the hiring, interview and decision views need not know about practical tasks."""

from __future__ import annotations

from typing import Any

from django import template

from hireloop.assessments.selectors import may_assign_task, reviews_tasks
from hireloop.hiring.models import Application
from hireloop.interviews.models import Interview
from hireloop.library import selectors as library

from ..forms_assessments import AssignForm
from ..task_display import application_tasks, task_results

register = template.Library()


@register.inclusion_tag("assessments/_task_card.html", takes_context=True)
def task_card(context: template.Context, application: Application) -> dict[str, Any]:
    """Every assignment of the application with its state and, for those who assign tasks,
    the candidate's link and the form to assign another."""
    membership = context.get("membership")
    if membership is None:
        return {"show": False}
    rows = application_tasks(membership, application, context.get("request"))
    can_assign = may_assign_task(membership, application)
    return {
        "show": bool(rows) or can_assign,
        "application": application,
        "rows": rows,
        "links": any(r.portal_url for r in rows),
        "can_assign": can_assign,
        "form": AssignForm(tasks=list(library.task_list())) if can_assign else None,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("assessments/_task_result.html", takes_context=True)
def task_result_panel(context: template.Context, interview: Interview) -> dict[str, Any]:
    """The graded tasks of the interview's application, when the interview reviews them."""
    membership = context.get("membership")
    if membership is None or not reviews_tasks(interview):
        return {"show": False}
    return {"show": True, "results": task_results(membership, interview.application)}


@register.inclusion_tag("assessments/_debrief_tasks.html", takes_context=True)
def task_evidence(context: template.Context, application: Application) -> dict[str, Any]:
    membership = context.get("membership")
    if membership is None:
        return {"results": []}
    return {"results": task_results(membership, application)}
