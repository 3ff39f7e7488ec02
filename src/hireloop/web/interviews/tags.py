"""The interviews panel of an application page, and small display helpers for interviews.

``{% interviews_panel membership application as panel %}`` gives the application page its
interviews, the scorecards the viewer may read and the scheduling form, without the hiring
view knowing about interviews."""

from __future__ import annotations

from typing import Any

from django import template

from hireloop.accounts.models import Membership
from hireloop.hiring.models import Application

from .display import RECOMMENDATIONS, application_panel
from .display import is_link as _is_link

register = template.Library()


@register.simple_tag
def interviews_panel(membership: Membership | None, application: Application) -> Any:
    if membership is None:
        return None
    return application_panel(membership, application)


@register.filter
def is_link(value: str) -> bool:
    return _is_link(value)


@register.filter
def recommendation_label(value: str) -> str:
    return RECOMMENDATIONS.get(value or "", "")
