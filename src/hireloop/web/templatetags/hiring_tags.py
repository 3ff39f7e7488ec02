"""Small display helpers for the hiring pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from hireloop.hiring.models import ApplicationStatus, RoleStatus
from hireloop.hiring.selectors import BoardCard
from hireloop.library.models import Recommendation

from .memo_url import memo_reverser

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
