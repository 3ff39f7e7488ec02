"""Writes for accounts. Each change and its audit row commit together."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from hireloop.lib.request_id import current_request_id

from .errors import NotFound
from .models import (
    ApiToken,
    AuditEvent,
    AuditVerb,
    FailedLogin,
    MemberRole,
    Membership,
    User,
    Workspace,
)
from .permissions import Capability, can
from .selectors import hash_token, require
from .validation import validated_save


def audit_record(
    *,
    membership: Membership,
    verb: AuditVerb,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write the audit row of a member's change (its workspace and user come from
    ``membership``); call inside the transaction of the change it describes."""
    return audit_record_system(
        workspace=membership.workspace,
        actor=membership.user,
        verb=verb,
        obj=obj,
        before=before,
        after=after,
    )


def audit_record_system(
    *,
    workspace: Workspace | None,
    actor: User | None,
    verb: AuditVerb,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """``audit_record`` for the changes no membership stands behind: signing up and creating a
    workspace (the actor is not a member yet, or there is none), memberships and tokens given
    to a user, the candidate portal and background jobs (``actor`` None). Call inside the
    transaction of the change it describes."""
    return AuditEvent.objects.create(
        workspace=workspace,
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=verb,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        before=before,
        after=after,
        request_id=current_request_id() or "",
    )


@transaction.atomic(durable=True)
def user_create(
    *, email: str, password: str, full_name: str = "", is_superuser: bool = False
) -> User:
    user = User(email=User.objects.normalize_email(email).lower(), full_name=full_name)
    user.is_superuser = user.is_staff = is_superuser
    user.set_password(password)
    validated_save(user)
    audit_record_system(
        workspace=None, actor=None, verb=AuditVerb.USER_CREATE, obj=user, after={"email": email}
    )
    return user


@transaction.atomic(durable=True)
def workspace_create(*, name: str, slug: str, owner: User | None = None) -> Workspace:
    workspace = Workspace(name=name, slug=slug)
    validated_save(workspace)
    audit_record_system(
        workspace=workspace,
        actor=owner,
        verb=AuditVerb.WORKSPACE_CREATE,
        obj=workspace,
        after={"name": name, "slug": slug},
    )
    if owner is not None:
        _membership_set(workspace=workspace, user=owner, role=MemberRole.ADMIN, actor=owner)
    return workspace


@transaction.atomic(durable=True)
def membership_set(
    *, workspace: Workspace, user: User, role: str, actor: User | None
) -> Membership:
    """Give ``user`` ``role`` in the workspace (joining it if need be); audited when it changes."""
    return _membership_set(workspace=workspace, user=user, role=role, actor=actor)


def _membership_set(
    *, workspace: Workspace, user: User, role: str, actor: User | None
) -> Membership:
    """``membership_set`` inside the caller's transaction (``workspace_create`` makes the owner
    an admin in its own)."""
    membership = Membership.objects.filter(workspace=workspace, user=user).first()
    if membership is not None and membership.role == role:
        return membership
    before = {"role": membership.role} if membership else None
    if membership is None:
        membership = Membership(workspace=workspace, user=user, role=role)
    membership.role = role
    validated_save(membership, validate_unique=False)
    audit_record_system(
        workspace=workspace,
        actor=actor,
        verb=AuditVerb.MEMBERSHIP_SET,
        obj=membership,
        before=before,
        after={"user": user.email, "role": role},
    )
    return membership


@transaction.atomic(durable=True)
def api_token_create(*, workspace: Workspace, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is never stored or shown again."""
    prefix = secrets.token_hex(4)
    secret = f"hl_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(workspace=workspace, user=user, name=name, prefix=prefix)
    token.token_hash = hash_token(secret)
    validated_save(token)
    audit_record_system(
        workspace=workspace,
        actor=user,
        verb=AuditVerb.API_TOKEN_CREATE,
        obj=token,
        after={"name": name},
    )
    return token, secret


# Recording every use would turn each read into a write; once a minute is precise enough.
API_TOKEN_USE_RESOLUTION = timedelta(minutes=1)


def api_token_mark_used(*, token: ApiToken) -> None:
    """Record that the token was just used: a write only when the last recorded use is more
    than ``API_TOKEN_USE_RESOLUTION`` ago (not audited: it changes nothing anyone decides)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > API_TOKEN_USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


@transaction.atomic(durable=True)
def api_token_revoke(*, membership: Membership, token_id: int) -> ApiToken:
    """Revoke one of the member's own tokens (admins: any token of the workspace). Revoking
    twice changes nothing; another member's token is reported as not found."""
    token = (
        ApiToken.objects.select_for_update()
        .select_related("user")
        .filter(pk=token_id, workspace_id=membership.workspace_id)
        .first()
    )
    if token is None or (
        token.user_id != membership.user_id and not can(membership, Capability.WORKSPACE_MANAGE)
    ):
        raise NotFound("No such API token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            membership=membership,
            verb=AuditVerb.API_TOKEN_REVOKE,
            obj=token,
            after={"name": token.name, "prefix": token.prefix, "user": token.user.email},
        )
    return token


@transaction.atomic(durable=True)
def workspace_update(*, membership: Membership, name: str, feedback_visibility: str) -> Workspace:
    """Rename the workspace and choose when interviewers see each other's scorecards."""
    require(membership, Capability.WORKSPACE_MANAGE)
    workspace = Workspace.objects.select_for_update().get(pk=membership.workspace_id)
    before = {"name": workspace.name, "feedback_visibility": workspace.feedback_visibility}
    workspace.name = name.strip()
    workspace.feedback_visibility = feedback_visibility
    after = {"name": workspace.name, "feedback_visibility": workspace.feedback_visibility}
    if after == before:
        return workspace
    validated_save(workspace, update_fields=["name", "feedback_visibility"])
    audit_record(
        membership=membership,
        verb=AuditVerb.WORKSPACE_UPDATE,
        obj=workspace,
        before=before,
        after=after,
    )
    return workspace


def login_failure_record(*, email: str, ip: str | None) -> None:
    FailedLogin.objects.create(email=email.lower()[:254], ip=ip)


def login_failures_clear(*, email: str) -> None:
    cutoff = timezone.now()
    FailedLogin.objects.filter(email=email.lower(), at__lte=cutoff).delete()
