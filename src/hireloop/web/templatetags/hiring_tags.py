"""Small display helpers for the hiring pages."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone

from hireloop.hiring.models import ApplicationStatus, RoleStatus

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
