"""The signed-in user's current workspace membership, resolved once per request."""

from __future__ import annotations

from django.http import HttpRequest

from .models import Membership
from .selectors import choose_membership, user_memberships

SESSION_KEY = "workspace_id"
_CACHE_ATTR = "_hireloop_memberships"


def current_memberships(request: HttpRequest) -> list[Membership]:
    """All the signed-in user's memberships (with workspaces), read once per request."""
    if not hasattr(request, _CACHE_ATTR):
        setattr(request, _CACHE_ATTR, user_memberships(request.user))  # type: ignore[arg-type]
    return getattr(request, _CACHE_ATTR)  # type: ignore[no-any-return]


def current_membership(request: HttpRequest) -> Membership | None:
    """The membership chosen in the session (or the user's first); None when signed out."""
    memberships = current_memberships(request)
    if not memberships:
        return None
    return choose_membership(memberships, request.session.get(SESSION_KEY))
