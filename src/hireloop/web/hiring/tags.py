"""Template tags of the hiring pages, registered as both ``hiring_tags`` and ``candidate_tags``
(see TEMPLATES in settings).

Small display helpers for the hiring pages, and the costly parts of the candidate pages, written
in Python rather than templates: the rows of the candidate list, the cards of a candidate's
applications with their histories, and a select field's options. The template language spent
most of each page's time on them; this code, a tenth as much.

Every value is escaped with ``html.escape``, which is what Django's ``escape`` runs, without
its lazy-string wrapper; a select's labels with ``conditional_escape``, as Django's templates
do, since a form may have marked one safe."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from html import escape
from typing import Any

from django import template
from django.forms import BoundField
from django.utils import dateformat, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import normalize_newlines

from hireloop.hiring.models import Action, ApplicationStatus, RejectReason, RoleStatus, Transition
from hireloop.hiring.selectors import ApplicationCard, BoardCard, CandidateRow, HistoryEntry
from hireloop.library.models import Recommendation, Seniority

from ..memo_url import memo_reverser

register = template.Library()

_APPLICATION_STATUS = dict(ApplicationStatus.choices)
_ROLE_STATUS = dict(RoleStatus.choices)


@register.filter
def status_label(value: str) -> str:
    """The label of an application status stored as a plain string (as on transitions)."""
    return _APPLICATION_STATUS.get(value, value or "")


@register.filter
def role_status_label(value: str) -> str:
    return _ROLE_STATUS.get(value, value or "")


@register.filter
def words(value: str) -> str:
    """A slug-like value as words: "system_design" becomes "System design", "hr" "HR"."""
    text = (value or "").replace("_", " ").replace("-", " ")
    return text.upper() if len(text) <= 2 else text.capitalize()


@register.filter
def days_since(value: datetime | None) -> int:
    """Whole days from ``value`` until now."""
    if value is None:
        return 0
    return max(0, (timezone.now() - value).days)


@register.filter
def days(value: float) -> str:
    """A duration in days, readably: "under an hour", "3 h", "1.5 days", "12 days"."""
    if value * 24 < 1:
        return "under an hour"
    if value < 1:
        return f"{round(value * 24)} h"
    if value < 10:
        shown = f"{value:.1f}".rstrip("0").rstrip(".")
        return f"{shown} day{'' if shown == '1' else 's'}"
    return f"{round(value)} days"


_ON_HOLD_BADGE = '<li><span class="badge status-on_hold">On hold</span></li>'
_RECOMMENDATIONS = dict(Recommendation.choices)


def _board_card(card: BoardCard, link: Callable[..., str]) -> str:
    # html.escape is what Django's escape runs, without its lazy-string wrapper (~4 us a call).
    on_hold = card.status == ApplicationStatus.ON_HOLD
    days = card.days_in_stage
    recommendation = card.recommendation
    in_stage = "Today" if days == 0 else f"{days} day{'' if days == 1 else 's'}"
    title = f'<p class="small muted">{escape(card.current_title)}</p>' if card.current_title else ""
    latest = (
        f'<li><span class="badge rec-{escape(recommendation)}"><span class="visually-hidden">'
        f"Latest recommendation: </span>{escape(_RECOMMENDATIONS.get(recommendation, ''))}"
        "</span></li>"
        if recommendation
        else ""
    )
    return (
        f'<li class="board-card{" is-on-hold" if on_hold else ""}">'
        f'<a class="board-card-name" href="{escape(link(card.application_id))}">'
        f"{escape(card.candidate)}</a>{title}"
        f'<ul class="meta"><li>{in_stage}<span class="visually-hidden"> in this stage</span></li>'
        f"{_ON_HOLD_BADGE if on_hold else ''}{latest}</ul></li>"
    )


@register.simple_tag
def board_cards(cards: list[BoardCard]) -> SafeString:
    """The cards of a board column, each with its latest recommendation when there is one.
    Built in Python rather than a template: a board holds hundreds of cards, and the template
    cost ~50 us a card (see bench/README.md)."""
    link = memo_reverser("application-detail")
    return mark_safe(  # noqa: S308 - every value is escaped above
        "".join(_board_card(c, link) for c in cards)
    )


SKILLS_SHOWN = 8
_LEVELS = dict(Seniority.choices)
_ACTIONS = dict(Action.choices)
_REASONS = dict(RejectReason.choices)
_STATUSES = dict(ApplicationStatus.choices)
_RESUME_BADGE = '<li><span class="badge">Résumé</span></li>'
_NONE = '<span class="muted">—</span>'
_REMOVED_STAGE = '<span class="muted">a removed stage</span>'
_REMOVED_ACTOR = '<span class="muted">Someone since removed</span>'


def _plural(count: int) -> str:
    return "" if count == 1 else "s"


def _skills(skills: list[str]) -> str:
    if not skills:
        return ""
    tags = "".join(
        f'<li><span class="tag">{escape(str(s))}</span></li>' for s in skills[:SKILLS_SHOWN]
    )
    hidden = len(skills) - SKILLS_SHOWN
    more = f'<li class="muted small">+{hidden} more</li>' if hidden > 0 else ""
    return f'<ul class="tags candidate-skills" aria-label="Skills">{tags}{more}</ul>'


def _candidate_item(c: CandidateRow, link: Callable[..., str]) -> str:
    meta = []
    if c.current_title:
        meta.append(f"<li>{escape(c.current_title)}</li>")
    if c.level:
        meta.append(f'<li><span class="tag">{escape(_LEVELS.get(c.level, c.level))}</span></li>')
    if c.years_experience is not None:
        years = c.years_experience
        meta.append(f"<li>{years} year{_plural(years)}</li>")
    if c.location:
        meta.append(f"<li>{escape(c.location)}</li>")
    meta.append(f'<li class="candidate-email">{escape(c.email)}</li>')
    if c.resume_name:
        meta.append(_RESUME_BADGE)
    return (
        f'<li><a class="question-prompt" href="{escape(link(c.id))}">{escape(c.name)}</a>'
        f'<ul class="question-meta">{"".join(meta)}</ul>{_skills(c.skills)}</li>'
    )


@register.simple_tag
def candidate_items(rows: Iterable[CandidateRow]) -> SafeString:
    """The items of the candidate list, each linking to the candidate's page."""
    link = memo_reverser("candidate-detail")
    return mark_safe("".join(_candidate_item(c, link) for c in rows))  # noqa: S308 - escaped


def _status(code: str) -> str:
    return escape(_STATUSES.get(code, code).lower())


def _stage(name: str | None) -> str:
    return _REMOVED_STAGE if name is None else escape(name)


def _when(at: datetime) -> str:
    # As the date filter: in the current time zone, where its "c" format is isoformat().
    local = timezone.localtime(at)
    return f'<time datetime="{local.isoformat()}">{dateformat.format(local, "j M Y, H:i")}</time>'


def _why(entry: HistoryEntry) -> str:
    parts = []
    if entry.reason:
        parts.append(f"<strong>{escape(_REASONS.get(entry.reason, entry.reason))}</strong>")
    if entry.note:
        # As the linebreaksbr filter: the note's own line breaks, kept.
        lines = escape(normalize_newlines(entry.note)).replace("\n", "<br>")
        parts.append(f'<p class="history-note">{lines}</p>')
    return "".join(parts) or _NONE


def _history_row(entry: HistoryEntry) -> str:
    came_from = (
        f'{_stage(entry.from_stage)} <span class="muted">· {_status(entry.from_status)}</span>'
        if entry.from_status
        else _NONE
    )
    return (
        f'<tr><th scope="row" data-label="What">'
        f"{escape(_ACTIONS.get(entry.action, entry.action))}</th>"
        f'<td data-label="When">{_when(entry.at)}</td>'
        f'<td data-label="Who">'
        f"{_REMOVED_ACTOR if entry.actor is None else escape(entry.actor)}</td>"
        f'<td data-label="From">{came_from}</td>'
        f'<td data-label="To">{_stage(entry.to_stage)} '
        f'<span class="muted">· {_status(entry.to_status)}</span></td>'
        f'<td data-label="Why">{_why(entry)}</td></tr>'
    )


_HEAD = (
    '<thead><tr><th scope="col">What</th><th scope="col">When</th><th scope="col">Who</th>'
    '<th scope="col">From</th><th scope="col">To</th><th scope="col">Why</th></tr></thead>'
)


@register.simple_tag
def history_table(entries: list[HistoryEntry], caption: str) -> SafeString:
    """The moves of one application, oldest first, as a table captioned ``caption``."""
    if not entries:
        return mark_safe('<p class="empty-inline">No moves recorded yet.</p>')
    rows = "".join(_history_row(e) for e in entries)
    return mark_safe(  # noqa: S308 - every value is escaped above
        '<div class="table-wrap"><table class="table stack-sm history">'
        f'<caption class="visually-hidden">{escape(caption)}</caption>'
        f"{_HEAD}<tbody>{rows}</tbody></table></div>"
    )


@register.filter
def history_entries(transitions: Iterable[Transition]) -> list[HistoryEntry]:
    """What ``history_table`` shows of transitions loaded with their stages and actors."""
    return [HistoryEntry.of(t) for t in transitions]


def _application_card(
    card: ApplicationCard, application: Callable[..., str], board: Callable[..., str]
) -> str:
    title = escape(card.role_title)
    moves = len(card.history)
    applied = dateformat.format(timezone.localtime(card.created_at), "j M Y")
    history = history_table(card.history, f"History of the application for {card.role_title}")
    return (
        '<article class="card application-card"><div class="application-card-head">'
        f'<h3 class="card-title"><a href="{escape(application(card.id))}">{title}</a></h3>'
        f'<span class="badge status-{escape(card.status)}">'
        f"{escape(_STATUSES.get(card.status, card.status))}</span></div>"
        f'<ul class="meta"><li>Stage: {escape(card.stage)}</li><li>Applied {applied}</li>'
        f'<li><a href="{escape(board(card.role_id))}">Board'
        f'<span class="visually-hidden"> for {title}</span></a></li></ul>'
        f'<details class="disclosure"><summary>History ({moves} move{_plural(moves)})</summary>'
        f"{history}</details></article>"
    )


@register.simple_tag
def application_cards(cards: list[ApplicationCard]) -> SafeString:
    """A card for each of a candidate's applications: links to it and to its role's board,
    and its history."""
    application = memo_reverser("application-detail")
    board = memo_reverser("role-board")
    return mark_safe(  # noqa: S308 - every value is escaped above
        "".join(_application_card(c, application, board) for c in cards)
    )


def _attrs(attrs: dict[str, Any]) -> str:
    # As Django's widgets/attrs.html: True is written as a bare attribute, False not at all.
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def _option(option: dict[str, Any]) -> str:
    return (
        f'<option value="{escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>"
    )


@register.simple_tag
def select_widget(field: BoundField) -> SafeString:
    """What ``{{ field }}`` renders for a select: its attributes and options chosen by Django as
    ever, but written here rather than by three templates an option (~0.5 ms for five)."""
    widget = field.field.widget
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:  # as BoundField.as_widget
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    groups = []
    for label, options, _ in context["optgroups"]:
        items = "".join(_option(o) for o in options)
        groups.append(
            f'<optgroup label="{conditional_escape(label)}">{items}</optgroup>' if label else items
        )
    return mark_safe(  # noqa: S308 - every value is escaped above
        f'<select name="{escape(context["name"])}"{_attrs(context["attrs"])}>'
        f"{''.join(groups)}</select>"
    )
