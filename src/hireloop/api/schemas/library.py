"""Shapes of the library API. Field names follow the content pack format."""

from __future__ import annotations

from typing import Any, Literal

from ninja import Field, Schema

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


class ProcessOut(Schema):
    slug: str
    name: str
    summary: str
    typical_weeks_min: int
    typical_weeks_max: int
    stages: list[str]
    agenda: list[dict[str, Any]]
    expectations: dict[str, list[str]]


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
