"""Reads for accounts: memberships, token lookup and the sign-in throttle."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from .errors import PermissionDenied
from .models import ApiToken, FailedLogin, Membership, User
from .permissions import Capability, can


def memberships_of(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user).select_related("workspace").order_by("workspace__name")
    )


def membership_in(user: User, workspace_id: int | None) -> Membership | None:
    """The user's membership in ``workspace_id``, or their first one when none is chosen."""
    if not user.is_authenticated:
        return None
    qs = memberships_of(user)
    if workspace_id is not None:
        chosen = qs.filter(workspace_id=workspace_id).first()
        if chosen is not None:
            return chosen
    return qs.first()


def require(membership: Membership | None, capability: Capability) -> Membership:
    if membership is None:
        raise PermissionDenied("You are not a member of any workspace.")
    if not can(membership, capability):
        raise PermissionDenied("Your role in this workspace does not allow that.")
    return membership


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_lookup(raw: str) -> ApiToken | None:
    """Resolve ``hl_<prefix>_<secret>`` to a live token, comparing only hashes."""
    parts = raw.split("_", 2)  # the secret itself may contain underscores
    if len(parts) != 3 or parts[0] != "hl":
        return None
    token = (
        ApiToken.objects.select_related("user", "workspace")
        .filter(prefix=parts[1], revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or token.token_hash != hash_token(raw):
        return None
    return token


def login_throttle_remaining(email: str, ip: str | None) -> int:
    """Seconds until another sign-in attempt is allowed; 0 when it is allowed now."""
    window = timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    since = timezone.now() - window
    recent = FailedLogin.objects.filter(at__gte=since)
    checks = [(recent.filter(email=email.lower()), settings.LOGIN_MAX_FAILURES)]
    if ip:
        checks.append((recent.filter(Q(ip=ip)), settings.LOGIN_MAX_FAILURES_PER_IP))
    wait = 0
    for failures, limit in checks:
        times = list(failures.order_by("-at").values_list("at", flat=True)[:limit])
        if len(times) >= limit:
            oldest_counted = times[-1]
            wait = max(wait, int((oldest_counted + window - timezone.now()).total_seconds()) + 1)
    return wait


def workspace_members(workspace_id: int, *, roles: tuple[str, ...] = ()) -> QuerySet[Membership]:
    """The members of a workspace (optionally only some roles), with their users, by name."""
    qs = Membership.objects.filter(workspace_id=workspace_id).select_related("user")
    if roles:
        qs = qs.filter(role__in=roles)
    return qs.order_by("user__full_name", "user__email")


def api_tokens_of(membership: Membership, *, others: bool = False) -> QuerySet[ApiToken]:
    """The member's own API tokens, newest first; with ``others`` (admins only) the tokens of
    the workspace's other members instead."""
    qs = ApiToken.objects.filter(workspace_id=membership.workspace_id).select_related("user")
    if others:
        require(membership, Capability.WORKSPACE_MANAGE)
        qs = qs.exclude(user_id=membership.user_id)
    else:
        qs = qs.filter(user_id=membership.user_id)
    # Live tokens first (NULLs sort differently per database, so say where they go).
    return qs.order_by(F("revoked_at").desc(nulls_first=True), "-created_at", "-id")
