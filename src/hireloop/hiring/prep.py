"""The candidate's preparation page: a signed, expiring link to what their next stages cover.

The link carries only the application id and an expiry, signed with the secret key; it shows
stage names, lengths, focus and preparation advice - never scorecards, notes or decisions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core import signing
from django.utils import timezone

from hireloop.accounts.errors import InvalidInput
from hireloop.accounts.models import AuditVerb, Membership
from hireloop.accounts.permissions import Capability
from hireloop.accounts.selectors import require
from hireloop.accounts.services import audit_record
from hireloop.library.models import PrepTopic

from .models import Application, PlanStage
from .selectors import access_application

SALT = "hireloop.prep-link"
MAX_DAYS = 60


class PrepLinkError(Exception):
    """The link is expired or was altered; the message is shown to the candidate as is."""


def prep_link_create(*, membership: Membership, application_id: int, days: int = 14) -> str:
    require(membership, Capability.CANDIDATE_MANAGE)
    application = access_application(membership, application_id)
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(
            f"A link can last 1 to {MAX_DAYS} days.", field_errors={"days": ["range"]}
        )
    expires = timezone.now() + timedelta(days=days)
    token = signing.dumps({"a": application.pk, "e": int(expires.timestamp())}, salt=SALT)
    audit_record(
        membership=membership,
        verb=AuditVerb.PREP_LINK_CREATE,
        obj=application,
        after={"expires": expires.isoformat()},
    )
    return token


@dataclass(frozen=True)
class PrepStage:
    name: str
    minutes: int
    summary: str
    focus: list[str]
    tips: list[str]
    current: bool


@dataclass(frozen=True)
class PrepPage:
    candidate_first_name: str
    role_title: str
    workspace_name: str
    expires: datetime
    stages: list[PrepStage]
    topics: list[PrepTopic]


def prep_page(token: str) -> PrepPage:
    try:
        payload = signing.loads(token, salt=SALT)
        application_id, expiry = int(payload["a"]), int(payload["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise PrepLinkError(
            "This link is not valid. Please ask your recruiter for a new one."
        ) from None
    expires = datetime.fromtimestamp(expiry, tz=timezone.get_current_timezone())
    if expires < timezone.now():
        raise PrepLinkError("This link has expired. Please ask your recruiter for a new one.")
    application = (
        Application.objects.select_related("candidate", "role__workspace", "stage")
        .filter(pk=application_id)
        .first()
    )
    if application is None or not application.is_open:
        raise PrepLinkError("There is nothing to prepare for on this link any more.")
    upcoming = (
        PlanStage.objects.filter(role=application.role, position__gte=application.stage.position)
        .select_related("template")
        .order_by("position")
    )
    return PrepPage(
        candidate_first_name=application.candidate.name.split()[0],
        role_title=application.role.title,
        workspace_name=application.role.workspace.name,
        expires=expires,
        stages=[
            PrepStage(
                name=s.name,
                minutes=s.minutes,
                summary=s.template.summary if s.template else "",
                focus=s.template.focus if s.template else [],
                tips=s.template.prep_tips if s.template else [],
                current=s.pk == application.stage_id,
            )
            for s in upcoming
        ],
        topics=list(PrepTopic.objects.all()),
    )
