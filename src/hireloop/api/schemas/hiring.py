"""Shapes of the roles, candidates and applications API. The response schemas read the models
and the board's dataclasses themselves (ninja's resolvers name the values that live on related
objects)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from hireloop.accounts.models import User
from hireloop.hiring import selectors
from hireloop.hiring.models import (
    Application,
    Candidate,
    PlanStage,
    Role,
    SkillCheck,
    Transition,
)
from hireloop.hiring.selectors import BoardColumn

from .common import Slug

Seniority = Literal["junior", "mid", "senior", "staff"]
RoleStatus = Literal["open", "on_hold", "closed"]
RoleStatusFilter = Literal["open", "on_hold", "closed", ""]
AppStatus = Literal["active", "on_hold", "rejected", "withdrawn", "hired"]
MoveAction = Literal["advance", "back", "reject", "withdraw", "hold", "resume", "hire"]
RejectReason = Literal[
    "skills", "level", "communication", "conduct", "compensation", "filled", "other"
]


class UserRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj: User) -> str:
        return obj.display_name


class PlanStageOut(Schema):
    id: int
    position: int
    name: str
    kind: str
    minutes: int
    scorecard_id: int
    scorecard_version: int
    interviewers: list[UserRef]

    @staticmethod
    def resolve_scorecard_id(obj: PlanStage) -> int:
        return obj.scorecard_version.scorecard_id

    @staticmethod
    def resolve_scorecard_version(obj: PlanStage) -> int:
        return obj.scorecard_version.number

    @staticmethod
    def resolve_interviewers(obj: PlanStage) -> list[User]:
        return selectors.plan_stage_interviewers(obj)


class SkillCheckOut(Schema):
    skill: str
    priority: str
    stage_id: int | None

    @staticmethod
    def resolve_skill(obj: SkillCheck) -> str:
        return obj.skill.slug

    @staticmethod
    def resolve_priority(obj: SkillCheck) -> str:
        return obj.skill.priority


class RoleSummary(Schema):
    id: int
    title: str
    team: str
    seniority: str
    industry: str | None
    status: str
    hiring_manager: UserRef | None

    @staticmethod
    def resolve_industry(obj: Role) -> str | None:
        return obj.industry.slug if obj.industry else None


class RoleOut(RoleSummary):
    stages: list[PlanStageOut]
    skill_checks: list[SkillCheckOut]

    @staticmethod
    def resolve_stages(obj: Role) -> list[PlanStage]:
        return selectors.plan_of(obj)

    @staticmethod
    def resolve_skill_checks(obj: Role) -> list[SkillCheck]:
        return selectors.role_skill_checks(obj)


class RoleIn(Schema):
    title: str = Field(..., min_length=1, max_length=160)
    seniority: Seniority
    team: str = Field("", max_length=120)
    industry: Slug | Literal[""] = ""
    hiring_manager_id: int | None = None


class RolePatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=160)
    team: str | None = Field(None, max_length=120)
    seniority: Seniority | None = None
    status: RoleStatus | None = None
    industry: Slug | Literal[""] | None = None


class StageIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    scorecard_id: int
    minutes: int = Field(..., ge=5, le=480)
    template: Slug | Literal[""] = ""


class StagePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    minutes: int | None = Field(None, ge=5, le=480)
    scorecard_id: int | None = None
    interviewer_ids: list[int] | None = None


class StageMove(Schema):
    offset: int = Field(..., ge=-50, le=50)


class BoardCardOut(Schema):
    application_id: int
    candidate_id: int
    candidate: str
    current_title: str
    status: str
    version: int
    days_in_stage: int


class BoardColumnOut(Schema):
    stage_id: int
    stage: str
    cards: list[BoardCardOut]

    @staticmethod
    def resolve_stage_id(obj: BoardColumn) -> int:
        return obj.stage.pk

    @staticmethod
    def resolve_stage(obj: BoardColumn) -> str:
        return obj.stage.name


class CandidateIn(Schema):
    name: str = Field(..., min_length=1, max_length=160)
    email: str = Field(..., max_length=254)
    phone: str = Field("", max_length=40)
    location: str = Field("", max_length=120)
    years_experience: int | None = Field(None, ge=0, le=60)
    level: Seniority | Literal[""] = ""
    current_title: str = Field("", max_length=160)
    skills: list[str] = Field(default_factory=list, max_length=100)
    links: list[str] = Field(default_factory=list, max_length=20)
    source: str = Field("", max_length=80)
    notes: str = Field("", max_length=10_000)


class CandidatePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=160)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    location: str | None = Field(None, max_length=120)
    years_experience: int | None = Field(None, ge=0, le=60)
    level: Seniority | Literal[""] | None = None
    current_title: str | None = Field(None, max_length=160)
    skills: list[str] | None = Field(None, max_length=100)
    links: list[str] | None = Field(None, max_length=20)
    source: str | None = Field(None, max_length=80)
    notes: str | None = Field(None, max_length=10_000)


class CandidateSummary(Schema):
    id: int
    name: str
    email: str
    current_title: str
    level: str
    skills: list[str]


class CandidateOut(CandidateSummary):
    phone: str
    location: str
    years_experience: int | None
    links: list[str]
    source: str
    notes: str
    resume_name: str
    resume_kind: str
    resume_chars: int

    @staticmethod
    def resolve_resume_chars(obj: Candidate) -> int:
        return len(obj.resume_text)


class CandidateFilters(Schema):
    q: str = Field("", max_length=200, description="name, email, skills or résumé text")


class ApplicationFilters(Schema):
    role: int | None = None
    status: AppStatus | Literal[""] = ""
    stage: str = Field("", max_length=120, description="stage name")
    q: str = Field("", max_length=200)


class ApplicationIn(Schema):
    candidate_id: int
    role_id: int


class TransitionOut(Schema):
    action: str
    from_stage: str | None
    to_stage: str | None
    from_status: str
    to_status: str
    reason: str
    note: str
    actor: str | None
    at: datetime

    @staticmethod
    def resolve_from_stage(obj: Transition) -> str | None:
        return obj.from_stage.name if obj.from_stage else None

    @staticmethod
    def resolve_to_stage(obj: Transition) -> str | None:
        return obj.to_stage.name if obj.to_stage else None

    @staticmethod
    def resolve_actor(obj: Transition) -> str | None:
        return obj.actor.display_name if obj.actor else None


class ApplicationSummary(Schema):
    id: int
    candidate_id: int
    candidate: str
    role_id: int
    role: str
    stage_id: int
    stage: str
    status: str
    version: int
    stage_entered_at: datetime

    @staticmethod
    def resolve_candidate(obj: Application) -> str:
        return obj.candidate.name

    @staticmethod
    def resolve_role(obj: Application) -> str:
        return obj.role.title

    @staticmethod
    def resolve_stage(obj: Application) -> str:
        return obj.stage.name


class ApplicationOut(ApplicationSummary):
    transitions: list[TransitionOut]
    days_in_stages: list[tuple[str, float]]

    @staticmethod
    def resolve_transitions(obj: Application) -> list[Transition]:
        return selectors.application_history(obj)

    @staticmethod
    def resolve_days_in_stages(obj: Application) -> list[tuple[str, float]]:
        return [(name, round(days, 2)) for name, days in selectors.time_in_stages(obj)]


class MoveIn(Schema):
    action: MoveAction
    version: int = Field(..., ge=1)
    reason: RejectReason | Literal[""] = ""
    note: str = Field("", max_length=2000)


class PrepLinkIn(Schema):
    days: int = Field(14, ge=1, le=60)


class PrepLinkOut(Schema):
    url: str
    days: int
