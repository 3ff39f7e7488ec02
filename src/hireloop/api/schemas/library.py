"""Shapes of the library API. Field names follow the content pack format. The response schemas
read the library's models (and a scorecard at one version, ``ScorecardAt``) themselves."""

from __future__ import annotations

from typing import Any, Literal, cast

from ninja import Field, Schema

from hireloop.library import models as m
from hireloop.library import selectors
from hireloop.library.selectors import ScorecardAt

from .common import Slug

Seniority = Literal["junior", "mid", "senior", "staff"]
QuestionKind = Literal[
    "technical_basic", "technical_advanced", "situational", "behavioural", "motivation", "hr"
]


class CompetencyOut(Schema):
    slug: str
    name: str
    summary: str
    why_it_matters: str
    topics: list[str]


class CompetencyRef(Schema):
    slug: str
    name: str


class QuestionFilters(Schema):
    q: str = Field("", max_length=200, description="full-text search; best match first")
    competency: Slug | Literal[""] = ""
    kind: QuestionKind | Literal[""] = ""
    seniority: Seniority | Literal[""] = ""


class QuestionSummary(Schema):
    id: int
    slug: str
    prompt: str
    kind: str
    kind_label: str
    competency: CompetencyRef
    competencies: list[str]
    seniorities: list[str]
    minutes: int
    builtin: bool
    copied_from_id: int | None


class Star(Schema):
    situation: str
    task: str
    action: str
    result: str


class QuestionOut(Schema):
    id: int
    slug: str
    prompt: str
    kind: str
    competencies: list[str]
    seniorities: list[str]
    minutes: int
    look_for: str
    strong_signals: list[str]
    weak_signals: list[str]
    good_answer: list[str]
    poor_answer: str
    follow_ups: list[str]
    red_flags: list[str]
    strong_answer_names: list[str]
    star: Star | None
    builtin: bool
    copied_from_id: int | None

    @staticmethod
    def resolve_competencies(obj: m.Question) -> list[str]:
        return [c.slug for c in selectors.question_competencies(obj)]

    @staticmethod
    def resolve_builtin(obj: m.Question) -> bool:
        return obj.is_builtin


class QuestionIn(Schema):
    """The editable fields of a workspace's own question (same rules as the pack format)."""

    prompt: str
    kind: QuestionKind
    competencies: list[str]
    seniorities: list[Seniority]
    minutes: int
    look_for: str
    strong_signals: list[str]
    weak_signals: list[str]
    good_answer: list[str]
    poor_answer: str
    follow_ups: list[str]
    red_flags: list[str]
    strong_answer_names: list[str]
    star: Star | None = None


class ScorecardSummary(Schema):
    id: int
    slug: str
    name: str
    stage: str
    summary: str
    minutes: int
    version: int | None
    criteria: int
    builtin: bool
    copied_from_id: int | None

    @staticmethod
    def resolve_stage(obj: m.Scorecard) -> str:
        return obj.stage_slug

    @staticmethod
    def resolve_version(obj: m.Scorecard) -> int | None:
        return obj.current_version.number if obj.current_version else None

    @staticmethod
    def resolve_criteria(obj: m.Scorecard) -> int:
        return len(obj.current_version.snapshot["criteria"]) if obj.current_version else 0

    @staticmethod
    def resolve_builtin(obj: m.Scorecard) -> bool:
        return obj.is_builtin


class Anchored(Schema):
    slug: str
    name: str
    competency: str
    description: str
    anchors: dict[str, str]
    sample_questions: list[str]
    strong_signals: list[str]
    weak_signals: list[str]


class ScorecardTemplateOut(Schema):
    id: int
    slug: str
    name: str
    stage: str
    summary: str
    minutes: int
    version: int
    versions: list[int]
    criteria: list[Anchored]
    red_flags: list[str]
    recommendations: list[list[str]]
    builtin: bool
    copied_from_id: int | None

    # The card names the scorecard; its content is the chosen version's snapshot.
    @staticmethod
    def resolve_id(obj: ScorecardAt) -> int:
        return obj.card.pk

    @staticmethod
    def resolve_slug(obj: ScorecardAt) -> str:
        return obj.card.slug

    @staticmethod
    def resolve_name(obj: ScorecardAt) -> str:
        return cast("str", obj.version.snapshot["name"])

    @staticmethod
    def resolve_stage(obj: ScorecardAt) -> str:
        return obj.card.stage_slug

    @staticmethod
    def resolve_summary(obj: ScorecardAt) -> str:
        return cast("str", obj.version.snapshot["summary"])

    @staticmethod
    def resolve_minutes(obj: ScorecardAt) -> int:
        return cast("int", obj.version.snapshot["minutes"])

    @staticmethod
    def resolve_version(obj: ScorecardAt) -> int:
        return obj.version.number

    @staticmethod
    def resolve_versions(obj: ScorecardAt) -> list[int]:
        return selectors.scorecard_version_numbers(obj.card)

    @staticmethod
    def resolve_criteria(obj: ScorecardAt) -> list[dict[str, Any]]:
        return cast("list[dict[str, Any]]", obj.version.snapshot["criteria"])

    @staticmethod
    def resolve_red_flags(obj: ScorecardAt) -> list[str]:
        return cast("list[str]", obj.version.snapshot["red_flags"])

    @staticmethod
    def resolve_recommendations(obj: ScorecardAt) -> list[list[str]]:
        return cast("list[list[str]]", obj.version.snapshot["recommendations"])

    @staticmethod
    def resolve_builtin(obj: ScorecardAt) -> bool:
        return obj.card.is_builtin

    @staticmethod
    def resolve_copied_from_id(obj: ScorecardAt) -> int | None:
        return obj.card.copied_from_id


class CriterionIn(Schema):
    slug: str
    name: str
    competency: str
    description: str
    anchors: dict[str, str]
    sample_questions: list[str]
    strong_signals: list[str]
    weak_signals: list[str]


class ScorecardTemplateIn(Schema):
    name: str
    summary: str
    minutes: int
    criteria: list[CriterionIn]
    red_flags: list[str]


class StageTemplateOut(Schema):
    slug: str
    name: str
    kind: str
    summary: str
    minutes: int
    focus: list[str]
    participants: list[str]
    success_criteria: list[str]
    prep_tips: list[str]
    typical_tasks: list[str]
    discussion_points: list[str]
    scorecard: str | None
    in_default_process: bool

    @staticmethod
    def resolve_scorecard(obj: m.StageTemplate) -> str | None:
        return obj.scorecard.slug if obj.scorecard else None

    @staticmethod
    def resolve_in_default_process(obj: m.StageTemplate) -> bool:
        return obj.process_position is not None


class ProcessOut(Schema):
    slug: str
    name: str
    summary: str
    typical_weeks_min: int
    typical_weeks_max: int
    stages: list[str]
    agenda: list[dict[str, Any]]
    expectations: dict[str, list[str]]

    @staticmethod
    def resolve_stages(obj: m.Process) -> list[str]:
        return [st.slug for st in selectors.process_stages()]


class TaskOut(Schema):
    slug: str
    name: str
    brief: str
    grader: str | None
    min_hours: float
    max_hours: float
    competencies: list[str]
    seniorities: list[str]
    scenario: list[str]
    requirements: list[str]
    deliverables: list[str]
    evaluation_criteria: list[str]
    common_mistakes: list[str]
    tips: list[str]


class SkillOut(Schema):
    slug: str
    skill: str
    priority: str
    competency: str
    method: str
    minimum: str | None
    criteria: list[str]

    @staticmethod
    def resolve_competency(obj: m.SkillRequirement) -> str:
        return obj.competency.slug

    @staticmethod
    def resolve_minimum(obj: m.SkillRequirement) -> str | None:
        return obj.minimum or None


class IndustryOut(Schema):
    slug: str
    name: str
    summary: str
    focus: list[str]
    challenges: list[str]
    emphasis: list[str]
    weights: dict[str, float]


class CandidateRedFlagOut(Schema):
    slug: str
    name: str
    description: str
    severity: str
    guidance: str


class PrepTopicOut(Schema):
    slug: str
    name: str
    summary: str
    tips: list[str]
