"""API authentication: a bearer token for scripts, or the browser session (with CSRF)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from hireloop.accounts.current import current_membership
from hireloop.accounts.models import ApiToken, Membership
from hireloop.accounts.selectors import token_membership

# Recording every use would turn each read into a write; once a minute is precise enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_membership(token)
        if found is None:
            return None
        api_token, membership = found
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
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
