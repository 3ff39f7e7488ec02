"""Writes for roles, interview plans, candidates and applications."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from hireloop.accounts.errors import Conflict, InvalidInput, PermissionDenied
from hireloop.accounts.models import AuditVerb, Membership, User
from hireloop.accounts.permissions import Capability
from hireloop.accounts.selectors import require
from hireloop.accounts.services import audit_record
from hireloop.accounts.validation import validated_save
from hireloop.lib.resume import ResumeError, extract
from hireloop.library.models import Scorecard, SkillRequirement, StageTemplate
from hireloop.library.selectors import access_scorecard, industry_by_slug, stage_by_slug

from .models import (
    Action,
    Application,
    ApplicationStatus,
    Candidate,
    PlanStage,
    RejectReason,
    Role,
    RoleStatus,
    SkillCheck,
    Transition,
)
from .pipeline import move_target
from .selectors import (
    access_application,
    access_candidate,
    access_plan_stage,
    access_role,
    hiring_manager_options,
    may_record_hire,
    plan_of,
)

# Roles and plans ---------------------------------------------------------------------------


def _stage_covering(stages: list[PlanStage], competency: str) -> PlanStage | None:
    for stage in stages:
        if any(c["competency"] == competency for c in stage.scorecard_version.snapshot["criteria"]):
            return stage
    return None


def _map_skills(role: Role) -> None:
    """Point every skill to verify at the first stage whose scorecard rates its competency."""
    stages = plan_of(role)
    for skill in SkillRequirement.objects.select_related("competency"):
        SkillCheck.objects.update_or_create(
            role=role,
            skill=skill,
            defaults={"stage": _stage_covering(stages, skill.competency.slug)},
        )


def _check_manager(membership: Membership, user: User | None, *, opening: bool = False) -> None:
    """The hiring manager is one the member may name (``hiring_manager_options``)."""
    if user is None:
        return
    if user.pk not in {m.user_id for m in hiring_manager_options(membership, opening=opening)}:
        raise InvalidInput(
            "The hiring manager must be a hiring manager or admin of this workspace.",
            field_errors={"hiring_manager": ["not a hiring manager here"]},
        )


@transaction.atomic(durable=True)
def role_create(
    *,
    membership: Membership,
    title: str,
    seniority: str,
    team: str = "",
    industry: str = "",
    hiring_manager: User | None = None,
) -> Role:
    """Open a role whose plan starts as a copy of the library's interview process."""
    require(membership, Capability.ROLE_MANAGE)
    profile = industry_by_slug(industry) if industry else None
    if industry and profile is None:
        raise InvalidInput("Unknown industry profile.", field_errors={"industry": ["unknown"]})
    if hiring_manager is None and membership.role == "hiring_manager":
        hiring_manager = membership.user
    _check_manager(membership, hiring_manager, opening=True)
    role = Role(
        workspace=membership.workspace,
        title=title.strip(),
        team=team.strip(),
        seniority=seniority,
        industry=profile,
        hiring_manager=hiring_manager,
    )
    validated_save(role)
    templates = (
        StageTemplate.objects.filter(process_position__isnull=False)
        .select_related("scorecard__current_version")
        .order_by("process_position")
    )
    for position, template in enumerate(templates):
        if template.scorecard is None or template.scorecard.current_version is None:
            continue
        PlanStage.objects.create(
            role=role,
            position=position,
            name=template.name,
            kind=template.kind,
            template=template,
            scorecard_version=template.scorecard.current_version,
            minutes=template.minutes,
        )
    _map_skills(role)
    audit_record(
        membership=membership,
        verb=AuditVerb.ROLE_CREATE,
        obj=role,
        after={"title": role.title, "seniority": seniority, "industry": industry},
    )
    return role


@transaction.atomic(durable=True)
def role_update(*, membership: Membership, role_id: int, data: dict[str, Any]) -> Role:
    role = access_role(membership, role_id, manage=True)
    before = {k: getattr(role, k) for k in ("title", "team", "seniority", "status")}
    for key in ("title", "team", "seniority", "status"):
        if key in data:
            setattr(role, key, data[key])
    if "hiring_manager_id" in data:
        manager = User.objects.filter(pk=data["hiring_manager_id"]).first()
        if data["hiring_manager_id"] is not None and manager is None:
            raise InvalidInput("Unknown user.", field_errors={"hiring_manager": ["unknown"]})
        _check_manager(membership, manager)
        role.hiring_manager = manager
    if "industry" in data:
        role.industry = industry_by_slug(data["industry"])
        if data["industry"] and role.industry is None:
            raise InvalidInput("Unknown industry profile.", field_errors={"industry": ["unknown"]})
    validated_save(role)
    audit_record(
        membership=membership,
        verb=AuditVerb.ROLE_UPDATE,
        obj=role,
        before=before,
        after={k: getattr(role, k) for k in before},
    )
    return role


def _scorecard_version(membership: Membership, scorecard_id: int) -> Any:
    card: Scorecard = access_scorecard(membership, scorecard_id)
    if card.current_version is None:
        raise InvalidInput("That scorecard has no version yet.")
    return card.current_version


@transaction.atomic(durable=True)
def plan_stage_add(
    *,
    membership: Membership,
    role_id: int,
    name: str,
    scorecard_id: int,
    minutes: int,
    template: str = "",
) -> PlanStage:
    role = access_role(membership, role_id, manage=True)
    stage_template = stage_by_slug(template) if template else None
    last = role.stages.aggregate(last=Max("position"))["last"]
    stage = PlanStage(
        role=role,
        position=0 if last is None else last + 1,
        name=name.strip(),
        kind=stage_template.kind if stage_template else "technical",
        template=stage_template,
        scorecard_version=_scorecard_version(membership, scorecard_id),
        minutes=minutes,
    )
    validated_save(stage)
    _map_skills(role)
    audit_record(
        membership=membership,
        verb=AuditVerb.PLAN_ADD_STAGE,
        obj=stage,
        after={"name": stage.name, "position": stage.position},
    )
    return stage


@transaction.atomic(durable=True)
def plan_stage_update(
    *,
    membership: Membership,
    stage_id: int,
    name: str | None = None,
    minutes: int | None = None,
    scorecard_id: int | None = None,
    interviewer_ids: list[int] | None = None,
) -> PlanStage:
    stage = access_plan_stage(membership, stage_id, manage=True)
    if name is not None:
        stage.name = name.strip()
    if minutes is not None:
        stage.minutes = minutes
    if scorecard_id is not None:
        stage.scorecard_version = _scorecard_version(membership, scorecard_id)
    validated_save(stage)
    if interviewer_ids is not None:
        members = set(
            Membership.objects.filter(
                workspace_id=membership.workspace_id, user_id__in=interviewer_ids
            ).values_list("user_id", flat=True)
        )
        unknown = set(interviewer_ids) - members
        if unknown:
            raise InvalidInput(
                "Interviewers must be members of this workspace.",
                field_errors={"interviewers": [f"not a member: {sorted(unknown)}"]},
            )
        stage.interviewers.set(members)
    _map_skills(stage.role)
    audit_record(
        membership=membership,
        verb=AuditVerb.PLAN_UPDATE_STAGE,
        obj=stage,
        after={"name": stage.name, "minutes": stage.minutes, "interviewers": interviewer_ids},
    )
    return stage


@transaction.atomic(durable=True)
def plan_stage_remove(*, membership: Membership, stage_id: int) -> None:
    stage = access_plan_stage(membership, stage_id, manage=True)
    if stage.applications.exists():
        raise Conflict("Candidates are in this stage: move them before removing it.")
    role = stage.role
    audit_record(
        membership=membership,
        verb=AuditVerb.PLAN_REMOVE_STAGE,
        obj=stage,
        before={"name": stage.name, "position": stage.position},
    )
    stage.delete()
    for position, remaining in enumerate(role.stages.order_by("position")):
        if remaining.position != position:
            PlanStage.objects.filter(pk=remaining.pk).update(position=position)
    _map_skills(role)


@transaction.atomic(durable=True)
def plan_stage_move(*, membership: Membership, stage_id: int, offset: int) -> PlanStage:
    """Move a stage ``offset`` places (negative: earlier) in its role's plan."""
    stage = access_plan_stage(membership, stage_id, manage=True)
    stages = list(stage.role.stages.select_for_update().order_by("position"))
    index = next(i for i, s in enumerate(stages) if s.pk == stage.pk)
    target = max(0, min(len(stages) - 1, index + offset))
    stages.insert(target, stages.pop(index))
    for position, s in enumerate(stages):
        if s.position != position:
            PlanStage.objects.filter(pk=s.pk).update(position=position)
    audit_record(
        membership=membership,
        verb=AuditVerb.PLAN_MOVE_STAGE,
        obj=stage,
        before={"position": index},
        after={"position": target},
    )
    stage.position = target
    return stage


# Candidates --------------------------------------------------------------------------------

CANDIDATE_FIELDS = (
    "name",
    "email",
    "phone",
    "location",
    "years_experience",
    "level",
    "current_title",
    "skills",
    "links",
    "source",
    "notes",
)


def _search_document(candidate: Candidate) -> str:
    parts = [
        candidate.name,
        candidate.email,
        candidate.current_title,
        candidate.location,
        " ".join(candidate.skills),
        candidate.resume_text,
    ]
    return " ".join(p for p in parts if p).lower()


def _clean_candidate(candidate: Candidate, data: dict[str, Any]) -> None:
    for key in CANDIDATE_FIELDS:
        if key in data:
            setattr(candidate, key, data[key])
    candidate.email = candidate.email.strip().lower()
    candidate.skills = sorted({str(s).strip() for s in candidate.skills if str(s).strip()})
    candidate.links = [str(link).strip() for link in candidate.links if str(link).strip()]
    candidate.search_document = _search_document(candidate)


def _save_unique(candidate: Candidate) -> None:
    """Save the candidate unless another one in the workspace already has the email address."""
    other = (
        Candidate.objects.filter(workspace_id=candidate.workspace_id, email=candidate.email)
        .exclude(pk=candidate.pk)
        .first()
    )
    if other is not None:
        raise Conflict(
            f"{other.name} already has this email address.",
            field_errors={"email": [f"already used by candidate {other.pk}"]},
        )
    validated_save(candidate, exclude=["workspace"])


@transaction.atomic(durable=True)
def candidate_create(*, membership: Membership, data: dict[str, Any]) -> Candidate:
    require(membership, Capability.CANDIDATE_MANAGE)
    candidate = Candidate(workspace=membership.workspace)
    _clean_candidate(candidate, data)
    _save_unique(candidate)
    audit_record(
        membership=membership,
        verb=AuditVerb.CANDIDATE_CREATE,
        obj=candidate,
        after={"name": candidate.name, "email": candidate.email},
    )
    return candidate


@transaction.atomic(durable=True)
def candidate_update(
    *, membership: Membership, candidate_id: int, data: dict[str, Any]
) -> Candidate:
    candidate = access_candidate(membership, candidate_id, manage=True)
    before = {"name": candidate.name, "email": candidate.email}
    _clean_candidate(candidate, data)
    _save_unique(candidate)
    audit_record(
        membership=membership,
        verb=AuditVerb.CANDIDATE_UPDATE,
        obj=candidate,
        before=before,
        after={"name": candidate.name, "email": candidate.email},
    )
    return candidate


@transaction.atomic(durable=True)
def candidate_attach_resume(
    *, membership: Membership, candidate_id: int, filename: str, data: bytes
) -> Candidate:
    """Keep the résumé's text (searchable); the file itself is not stored."""
    candidate = access_candidate(membership, candidate_id, manage=True)
    try:
        extracted = extract(filename, data)
    except ResumeError as exc:
        raise InvalidInput(str(exc), field_errors={"resume": [str(exc)]}) from None
    candidate.resume_name = filename[-200:]
    candidate.resume_kind = extracted.kind
    candidate.resume_text = extracted.text
    candidate.search_document = _search_document(candidate)
    candidate.save()
    audit_record(
        membership=membership,
        verb=AuditVerb.CANDIDATE_RESUME,
        obj=candidate,
        after={"file": candidate.resume_name, "chars": len(extracted.text)},
    )
    return candidate


# Applications and the pipeline -------------------------------------------------------------


@transaction.atomic(durable=True)
def application_create(*, membership: Membership, candidate_id: int, role_id: int) -> Application:
    require(membership, Capability.CANDIDATE_MANAGE)
    candidate = access_candidate(membership, candidate_id, manage=True)
    role = access_role(membership, role_id)
    if role.status != RoleStatus.OPEN:
        raise Conflict("This role is not open for applications.")
    first = role.stages.order_by("position").first()
    if first is None:
        raise Conflict("This role has no interview stages yet.")
    now = timezone.now()
    try:
        with transaction.atomic():  # a savepoint: the duplicate is reported, not the rollback
            application = Application.objects.create(
                workspace=membership.workspace,
                candidate=candidate,
                role=role,
                stage=first,
                stage_entered_at=now,
            )
    except IntegrityError:
        raise Conflict(f"{candidate.name} has already applied for {role.title}.") from None
    Transition.objects.create(
        application=application,
        action=Action.CREATE,
        to_stage=first,
        to_status=ApplicationStatus.ACTIVE,
        actor=membership.user,
        at=now,
    )
    audit_record(
        membership=membership,
        verb=AuditVerb.APPLICATION_CREATE,
        obj=application,
        after={"candidate": candidate.pk, "role": role.pk},
    )
    return application


# The audit verb of each pipeline move (move_target refuses any other action first).
MOVE_VERBS: dict[str, AuditVerb] = {
    Action.ADVANCE: AuditVerb.APPLICATION_ADVANCE,
    Action.BACK: AuditVerb.APPLICATION_BACK,
    Action.HOLD: AuditVerb.APPLICATION_HOLD,
    Action.RESUME: AuditVerb.APPLICATION_RESUME,
    Action.WITHDRAW: AuditVerb.APPLICATION_WITHDRAW,
    Action.HIRE: AuditVerb.APPLICATION_HIRE,
    Action.REJECT: AuditVerb.APPLICATION_REJECT,
}


def application_move(
    *,
    membership: Membership,
    application_id: int,
    action: str,
    version: int,
    reason: str = "",
    note: str = "",
) -> Application:
    """Apply one pipeline action. ``version`` is the version the user saw: if someone else moved
    the application since, nothing changes and a Conflict describes the current state."""
    application = access_application(membership, application_id, move=True)
    if action == Action.REJECT and reason not in RejectReason.values:
        raise InvalidInput(
            "Choose a reason for the rejection.",
            field_errors={"reason": [f"one of: {', '.join(RejectReason.values)}"]},
        )
    if action == Action.HIRE and not may_record_hire(membership, application):
        raise PermissionDenied("Only hiring managers and admins record a hire.")
    with transaction.atomic(durable=True):
        current = Application.objects.select_related("role", "stage").get(pk=application.pk)
        if current.version != version:
            raise _stale(current)
        move = move_target(current, list(current.role.stages.order_by("position")), action)
        now = timezone.now()
        updated = Application.objects.filter(pk=current.pk, version=version).update(
            stage=move.stage,
            status=move.status,
            version=F("version") + 1,
            stage_entered_at=now if move.stage.pk != current.stage_id else current.stage_entered_at,
        )
        if updated == 0:  # lost the race between our read and our write
            raise _stale(Application.objects.select_related("stage").get(pk=current.pk))
        Transition.objects.create(
            application=current,
            action=action,
            from_stage=current.stage,
            to_stage=move.stage,
            from_status=current.status,
            to_status=move.status,
            reason=reason if action == Action.REJECT else "",
            note=note.strip(),
            actor=membership.user,
            at=now,
        )
        audit_record(
            membership=membership,
            verb=MOVE_VERBS[action],
            obj=current,
            before={"stage": current.stage.name, "status": current.status},
            after={"stage": move.stage.name, "status": move.status, "reason": reason},
        )
    return Application.objects.select_related("candidate", "role", "stage").get(pk=current.pk)


def _stale(current: Application) -> Conflict:
    status = ApplicationStatus(current.status).label.lower()
    return Conflict(
        f"Someone else changed this application first: it is now {status} in "
        f"'{current.stage.name}'. Reload to see the latest state.",
        field_errors={"version": [str(current.version)]},
    )
