"""The debrief and preparation-link panel on an application's page, and score display helpers."""

from __future__ import annotations

from typing import Any

from django import template

from hireloop.decisions.models import Outcome
from hireloop.decisions.selectors import debrief_status, may_decide
from hireloop.hiring.models import Application
from hireloop.hiring.prep import MAX_DAYS
from hireloop.hiring.selectors import may_send_prep_link
from hireloop.library.models import Seniority

register = template.Library()

_OUTCOMES = dict(Outcome.choices)
_LEVELS = dict(Seniority.choices)


@register.inclusion_tag("decisions/_decision_panel.html", takes_context=True)
def decision_panel(context: template.Context, application: Application) -> dict[str, Any]:
    """For deciders: a link to the debrief with the evidence so far and the latest decision.
    For recruiters and admins: a form that creates a preparation link for the candidate."""
    membership = context.get("membership")
    if membership is None:
        return {"show": False}
    can_decide = may_decide(membership, application.role)
    can_prep = may_send_prep_link(membership, application)
    data: dict[str, Any] = {
        "show": can_decide or can_prep,
        "application": application,
        "can_decide": can_decide,
        "can_prep": can_prep,
        "csrf_token": context.get("csrf_token"),
        "max_days": MAX_DAYS,
    }
    if can_decide:
        status = debrief_status(membership, application)
        data["submitted"] = status.submitted
        latest = status.latest
        if latest is not None:
            data["latest"] = latest
            data["latest_label"] = _OUTCOMES.get(latest.outcome, latest.outcome)
            data["latest_level"] = _LEVELS.get(latest.level, "")
    return data


@register.filter
def score(value: float | None) -> str:
    """A score as short as it can be: 4, 3.5, 3.25; a dash when there is none."""
    if value is None:
        return "\u2013"  # an en dash
    return f"{round(value, 2):g}"
