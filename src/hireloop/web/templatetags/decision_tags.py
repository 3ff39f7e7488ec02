"""Score display for the debrief, the decision panel and the task results."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def score(value: float | None) -> str:
    """A score as short as it can be: 4, 3.5, 3.25; a dash when there is none."""
    if value is None:
        return "\u2013"  # an en dash
    return f"{round(value, 2):g}"
