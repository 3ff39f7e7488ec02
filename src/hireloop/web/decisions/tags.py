"""Template tags of the debrief and decision pages, registered as both ``decision_tags`` and
``debrief_tags`` (see TEMPLATES in settings).

Score display for the debrief, the decision panel and the task results; and the repeated parts of
the debrief page, built in Python: its matrix, the suggested and the requested focus areas, the
skills to verify and the decisions, with the markup the template loops gave (which cost ~1 ms a
page). Every text that comes from people (names, stages, skills, reasons, rationales) goes
through ``html.escape``: what Django's ``escape`` runs, without the lazy-string wrapper that costs
~4 us a call (``format_html`` runs it for every value)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from html import escape
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import linebreaksbr
from django.template.defaulttags import CsrfTokenNode
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.timezone import localtime

from ..memo_url import memo_reverser

register = template.Library()


@register.filter
def score(value: float | None) -> str:
    """A score as short as it can be: 4, 3.5, 3.25; a dash when there is none."""
    if value is None:
        return "\u2013"  # an en dash
    return f"{round(value, 2):g}"


_NOT_RATED = '<span aria-hidden="true">\u2013</span><span class="visually-hidden">not rated</span>'
_DISAGREE_CLASS = ' class="row-disagree"'
_WARNING_CLASS = ' class="row-warning"'
_LATEST = '<span class="tag">Latest</span> '
_DISAGREE_LABEL = ' <span class="badge badge-caution disagree-label">Disagreement</span>'
_REQUESTED = '<span class="badge badge-grader">\u2713 Requested</span>'
_PRIORITY = {
    True: '<span class="badge badge-must">Must verify</span>',
    False: '<span class="badge badge-good">Good to verify</span>',
}
_NOT_VERIFIED = {
    True: '<span class="badge badge-serious">Not verified yet</span>',
    False: '<span class="badge badge-caution">Not verified yet</span>',
}
_NO_STAGE = '<span class="muted">No stage</span>'
_REMOVED = "Someone since removed"


def _safe(html: Iterable[str]) -> SafeString:
    return mark_safe("".join(html))  # noqa: S308 - every value in it is escaped by its builder


def _when(value: datetime) -> str:
    """A moment as the ``date`` filter shows it, for machines and for people."""
    local = localtime(value)
    return (
        f'<time datetime="{escape(date_filter(local, "c"))}">'
        f"{escape(date_filter(local, 'j M Y, H:i'))}</time>"
    )


@register.simple_tag
def matrix_head(columns: Iterable[Mapping[str, Any]]) -> SafeString:
    """A column heading per scorecard: who, which stage, what they recommend."""
    return _safe(
        f'<th scope="col" class="matrix-col"><span class="matrix-who">{escape(c["interviewer"])}'
        f'</span> <span class="matrix-stage">{escape(c["stage"])}</span> <span class="badge '
        f'rec-{escape(c["recommendation"])}">{escape(c["recommendation_label"])}</span></th>'
        for c in columns
    )


def _cell(value: float | None, band: str) -> str:
    # Numbers and a band ("1" to "5", "none") only: nothing to escape.
    return (
        f'<td class="score-cell score-{band}">{_NOT_RATED if value is None else score(value)}</td>'
    )


def _matrix_row(row: Mapping[str, Any]) -> str:
    disagreement = row["disagreement"]
    cells = "".join(_cell(c["value"], c["band"]) for c in row["cells"])
    return (
        f"<tr{_DISAGREE_CLASS if disagreement else ''}>"
        f'<th scope="row">{escape(row["name"])}{_DISAGREE_LABEL if disagreement else ""}</th>'
        f'{cells}<td class="num matrix-average"><strong>{score(row["average"])}</strong></td>'
        f'<td class="num matrix-spread">{int(row["spread"])}</td></tr>'
    )


@register.simple_tag
def matrix_rows(rows: Iterable[Mapping[str, Any]]) -> SafeString:
    """A row per competency: its average on each scorecard, the overall average, the spread."""
    return _safe(_matrix_row(row) for row in rows)


def _focus_suggestion(area: Mapping[str, Any], action: str, csrf: str) -> str:
    name = escape(area["name"])
    if area["requested"]:
        control = _REQUESTED
    else:
        control = (
            f'<form class="no-print" method="post" action="{action}">{csrf}'
            f'<input type="hidden" name="competency" value="{escape(area["competency"])}">'
            f'<input type="hidden" name="reason" value="{escape(capfirst(area["reason"]))}">'
            '<button class="btn btn-small" type="submit">Ask the next interviewers'
            f'<span class="visually-hidden"> to probe {name}</span></button></form>'
        )
    return (
        f'<li><div class="focus-text"><strong>{name}</strong> '
        f'<span class="muted">{escape(area["reason"])}</span></div> {control}</li>'
    )


@register.simple_tag(takes_context=True)
def focus_suggestions(
    context: template.Context, application_id: int, areas: Iterable[Mapping[str, Any]]
) -> SafeString:
    """Each suggested focus area, with the button that asks the next interviewers to probe it
    (or the note that someone already did)."""
    action = escape(memo_reverser("application-focus-area")(application_id) + "#suggestion-title")
    csrf = CsrfTokenNode().render(context)  # Django's own {% csrf_token %}, escaped there
    return _safe(_focus_suggestion(area, action, csrf) for area in areas)


def _coverage_row(c: Mapping[str, Any]) -> str:
    must = c["priority"] == "must"
    if c["verified"]:
        verified = (
            '<span class="badge badge-grader">\u2713 Verified</span> '
            f"{escape(', '.join(c['verified_by']))}"
        )
    else:
        verified = _NOT_VERIFIED[must]
    stage = escape(c["planned_stage"]) if c["planned_stage"] else _NO_STAGE
    return (
        f"<tr{'' if c['verified'] else _WARNING_CLASS}>"
        f'<th scope="row">{escape(c["skill"])}</th><td data-label="Priority">{_PRIORITY[must]}'
        f'</td><td data-label="Planned in">{stage}</td>'
        f'<td data-label="Verified by">{verified}</td></tr>'
    )


@register.simple_tag
def coverage_rows(coverage: Iterable[Mapping[str, Any]]) -> SafeString:
    """A row per skill to verify: its priority, the stage planned for it, who verified it."""
    return _safe(_coverage_row(c) for c in coverage)


def _requested_focus(area: Any) -> str:
    asker = escape(str(area.requested_by)) if area.requested_by else _REMOVED
    return (
        f"<li><strong>{escape(area.competency.name)}</strong> "
        f'<p class="history-note">{escape(area.reason)}</p> <ul class="question-meta">'
        f"<li>{asker}</li> <li>{_when(area.created_at)}</li></ul></li>"
    )


@register.simple_tag
def requested_focus(areas: Iterable[Any]) -> SafeString:
    """The focus areas the team asked for, newest first, with who asked and when."""
    return _safe(_requested_focus(area) for area in areas)


def _decision_entry(entry: Mapping[str, Any], latest: bool) -> str:
    d = entry["decision"]
    level = f" · {escape(entry['level'])}" if entry["level"] else ""
    by = escape(str(d.decided_by)) if d.decided_by else _REMOVED
    suggested_score = entry["suggested_score"]
    then = escape(entry["suggested"] or "nothing") + (
        "" if suggested_score is None else f" (score {escape(score(suggested_score))})"
    )
    return (
        f'<li class="card decision-entry{" is-latest" if latest else ""}">'
        f'<div class="decision-head"><span class="badge outcome-{escape(d.outcome)}">'
        f"{escape(entry['label'])}{level}</span> "
        f"{_LATEST if latest else ''}"
        f'<span class="muted small">{by} · {_when(d.at)}</span></div> '
        f'<p class="decision-rationale">{linebreaksbr(d.rationale, autoescape=True)}</p> '
        f'<p class="small muted">Hireloop suggested then: {then}</p></li>'
    )


@register.simple_tag
def decision_entries(entries: Iterable[Mapping[str, Any]]) -> SafeString:
    """Every decision, newest first, with what Hireloop suggested when it was taken."""
    return _safe(_decision_entry(entry, n == 0) for n, entry in enumerate(entries))
