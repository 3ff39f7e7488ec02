"""Reads for accounts: memberships, token lookup and the sign-in throttle."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from hireloop.lib.rows import RowReader

from .errors import PermissionDenied
from .models import ApiToken, FailedLogin, Membership, User, Workspace
from .permissions import Capability, can

_MEMBERSHIP = RowReader(Membership)
_WORKSPACE = RowReader(Workspace)
_USER = RowReader(User)
_TOKEN = RowReader(ApiToken)


def is_member(user: User, workspace_id: int) -> bool:
    """Whether the user belongs to the workspace (e.g. before switching to it)."""
    return Membership.objects.filter(user=user, workspace_id=workspace_id).exists()


def workspace_user(workspace_id: int, user_id: int) -> User | None:
    """The user when they are a member of the workspace, else None."""
    return User.objects.filter(pk=user_id, memberships__workspace_id=workspace_id).first()


# Where user_with_memberships leaves the memberships it read, for user_memberships.
_MEMBERSHIPS_ATTR = "_hireloop_memberships"


def _build_memberships(user: User, rows: list[tuple[Any, ...]]) -> list[Membership]:
    memberships = []
    for row in rows:
        membership = _MEMBERSHIP.build(row[: _MEMBERSHIP.width])
        membership.workspace = _WORKSPACE.build(row[_MEMBERSHIP.width :])
        membership.user = user
        memberships.append(membership)
    return memberships


def user_with_memberships(user_id: int) -> User | None:
    """The user and their memberships in one query (each signed-in request needs both; on
    PostgreSQL every query is a round trip). ``user_memberships`` then reads no more."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_USER.columns('u')}, {_MEMBERSHIP.columns('m')}, "  # noqa: S608
            f"{_WORKSPACE.columns('w')} FROM {User._meta.db_table} u "
            f"LEFT JOIN {Membership._meta.db_table} m ON m.user_id = u.id "
            f"LEFT JOIN {Workspace._meta.db_table} w ON w.id = m.workspace_id "
            f"WHERE u.id = %s ORDER BY w.{quote('name')}, m.id",
            [user_id],
        )
        rows = cursor.fetchall()
    if not rows:
        return None
    user = _USER.build(rows[0][: _USER.width])
    joined = [row[_USER.width :] for row in rows if row[_USER.width] is not None]
    setattr(user, _MEMBERSHIPS_ATTR, _build_memberships(user, joined))
    return user


def user_memberships(user: User) -> list[Membership]:
    """The user's memberships with their workspaces, by workspace name, in one cheap query
    (every page needs them: the current workspace and the switcher in the header)."""
    if not user.is_authenticated:
        return []
    read: list[Membership] | None = getattr(user, _MEMBERSHIPS_ATTR, None)
    if read is not None:
        return read
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_MEMBERSHIP.columns('m')}, {_WORKSPACE.columns('w')} "  # noqa: S608
            f"FROM {Membership._meta.db_table} m "
            f"JOIN {Workspace._meta.db_table} w ON w.id = m.workspace_id "
            f"WHERE m.user_id = %s ORDER BY w.{quote('name')}, m.id",
            [user.pk],
        )
        return _build_memberships(user, cursor.fetchall())


def choose_membership(memberships: list[Membership], workspace_id: int | None) -> Membership | None:
    """The membership in ``workspace_id``, or the first one when none (or another) is chosen."""
    chosen = next((m for m in memberships if m.workspace_id == workspace_id), None)
    return chosen or (memberships[0] if memberships else None)


def membership_in(user: User, workspace_id: int | None) -> Membership | None:
    """The user's membership in ``workspace_id``, or their first one when none is chosen."""
    return choose_membership(user_memberships(user), workspace_id)


def require(membership: Membership | None, capability: Capability) -> Membership:
    if membership is None:
        raise PermissionDenied("You are not a member of any workspace.")
    if not can(membership, capability):
        raise PermissionDenied("Your role in this workspace does not allow that.")
    return membership


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_membership(raw: str) -> tuple[ApiToken, Membership] | None:
    """Resolve ``hl_<prefix>_<secret>`` to a live token and its owner's current membership in
    the token's workspace, comparing only hashes. One query, read fresh on every request: a
    revoked token, a deactivated user or a removed member is refused at once, and a changed
    role applies at once."""
    parts = raw.split("_", 2)  # the secret itself may contain underscores
    if len(parts) != 3 or parts[0] != "hl":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_TOKEN.columns('t')}, {_MEMBERSHIP.columns('m')}, "  # noqa: S608
            f"{_USER.columns('u')}, {_WORKSPACE.columns('w')} "
            f"FROM {ApiToken._meta.db_table} t "
            f"JOIN {User._meta.db_table} u ON u.id = t.user_id "
            f"JOIN {Workspace._meta.db_table} w ON w.id = t.workspace_id "
            f"JOIN {Membership._meta.db_table} m "
            "ON m.user_id = t.user_id AND m.workspace_id = t.workspace_id "
            "WHERE t.prefix = %s AND t.revoked_at IS NULL AND u.is_active = %s",
            [parts[1], True],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    token = _TOKEN.build(row[: _TOKEN.width])
    if not hmac.compare_digest(token.token_hash, hash_token(raw)):
        return None
    start = _TOKEN.width
    membership = _MEMBERSHIP.build(row[start : start + _MEMBERSHIP.width])
    start += _MEMBERSHIP.width
    user = _USER.build(row[start : start + _USER.width])
    workspace = _WORKSPACE.build(row[start + _USER.width :])
    token.user = membership.user = user
    token.workspace = membership.workspace = workspace
    return token, membership


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
