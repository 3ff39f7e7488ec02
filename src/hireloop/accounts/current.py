"""The signed-in user's current workspace membership, resolved once per request."""

from __future__ import annotations

from django.http import HttpRequest

from .models import Membership
from .selectors import membership_in

SESSION_KEY = "workspace_id"
_CACHE_ATTR = "_hireloop_membership"


def current_membership(request: HttpRequest) -> Membership | None:
    """The membership chosen in the session (or the user's first); None when signed out."""
    if not hasattr(request, _CACHE_ATTR):
        setattr(request, _CACHE_ATTR, membership_in(request.user, request.session.get(SESSION_KEY)))  # type: ignore[arg-type]
    return getattr(request, _CACHE_ATTR)
