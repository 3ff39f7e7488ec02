"""API authentication: a bearer token for scripts, or the browser session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from hireloop.accounts.current import current_membership
from hireloop.accounts.models import Membership
from hireloop.accounts.selectors import token_membership
from hireloop.accounts.services import api_token_mark_used


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_membership(token)
        if found is None:
            return None
        api_token, membership = found
        api_token_mark_used(token=api_token)
        request.user = membership.user
        return membership


class WorkspaceSessionAuth(SessionAuth):
    """Session sign-in; the membership is the workspace chosen in the session."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not request.user.is_authenticated:
            return None
        membership = current_membership(request)
        return membership


def membership_of(request: HttpRequest) -> Membership:
    """The member the request authenticated as: ninja keeps what ``authenticate`` returned in
    ``request.auth``."""
    membership = request.auth  # type: ignore[attr-defined]
    if not isinstance(membership, Membership):  # every operation requires one of the above
        raise TypeError("membership_of() needs an authenticated API request")
    return membership
