"""Typed schemas of a content pack: what each YAML file under ``content/<pack>/`` may hold.

The models are strict (unknown keys are errors) so a typo in a pack never passes silently.
Cross-references between files (a question naming a competency, a scorecard naming a
question) are checked in ``validate.py`` once every file has parsed.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=4000)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]
Points = Annotated[list[Text], Field(min_length=1)]

Seniority = Literal["junior", "mid", "senior", "staff"]
QuestionKind = Literal[
    "technical_basic", "technical_advanced", "situational", "behavioural", "motivation", "hr"
]
StageKind = Literal[
    "hr", "phone_screen", "technical", "system_design", "coding", "task_review", "final"
]
GraderKind = Literal["api", "sql", "schema"]

SENIORITIES: tuple[Seniority, ...] = ("junior", "mid", "senior", "staff")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PackInfo(_Strict):
    slug: Slug
    name: Name
    description: Text
    language: Literal["en"] = "en"


class Competency(_Strict):
    slug: Slug
    name: Name
    summary: Text
    why_it_matters: Text
    topics: Points


class Star(_Strict):
    situation: Text
    task: Text
    action: Text
    result: Text


class Question(_Strict):
    slug: Slug
    prompt: Text
    kind: QuestionKind
    competencies: Annotated[list[Slug], Field(min_length=1)]
    seniorities: Annotated[list[Seniority], Field(min_length=1)]
    minutes: Annotated[int, Field(ge=1, le=90)]
    look_for: Text
    strong_signals: Points
    weak_signals: Points
    good_answer: Points
    poor_answer: Text
    follow_ups: Points
    red_flags: Points
    strong_answer_names: Points
    star: Star | None = None

    @model_validator(mode="after")
    def _star_only_for_behavioural(self) -> Question:
        if self.kind == "behavioural" and self.star is None:
            raise ValueError(
                "a behavioural question needs 'star' prompts (situation, task, action, result)"
            )
        if self.kind != "behavioural" and self.star is not None:
            raise ValueError("only behavioural questions carry 'star' prompts")
        return self


class Anchors(_Strict):
    """What a rating of 1..5 means for one criterion; every point needs its own words."""

    one: Text = Field(alias="1")
    two: Text = Field(alias="2")
    three: Text = Field(alias="3")
    four: Text = Field(alias="4")
    five: Text = Field(alias="5")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _keys_as_text(cls, data: object) -> object:
        # YAML reads an unquoted `1:` as an integer key; both spellings mean the same point.
        if isinstance(data, dict):
            return {str(k): v for k, v in data.items()}
        return data

    def as_dict(self) -> dict[str, str]:
        return {"1": self.one, "2": self.two, "3": self.three, "4": self.four, "5": self.five}


class Criterion(_Strict):
    slug: Slug
    name: Name
    competency: Slug
    description: Text
    anchors: Anchors
    sample_questions: Annotated[list[Slug], Field(min_length=1)]
    strong_signals: Points
    weak_signals: Points


class Scorecard(_Strict):
    slug: Slug
    name: Name
    stage: Slug
    summary: Text
    minutes: Annotated[int, Field(ge=5, le=480)]
    criteria: Annotated[list[Criterion], Field(min_length=1)]
    red_flags: Points


class Stage(_Strict):
    slug: Slug
    name: Name
    kind: StageKind
    summary: Text
    minutes: Annotated[int, Field(ge=5, le=480)]
    focus: Points
    participants: Points
    success_criteria: Points
    prep_tips: Points
    scorecard: Slug
    typical_tasks: list[Text] = []
    discussion_points: list[Text] = []


class AgendaSegment(_Strict):
    name: Name
    minutes: Annotated[int, Field(ge=1, le=120)]
    purpose: Text


class Expectations(_Strict):
    junior: Points
    mid: Points
    senior: Points
    staff: Points


class Process(_Strict):
    slug: Slug
    name: Name
    summary: Text
    typical_weeks_min: Annotated[int, Field(ge=1, le=26)]
    typical_weeks_max: Annotated[int, Field(ge=1, le=26)]
    stages: Annotated[list[Slug], Field(min_length=1)]
    agenda: Annotated[list[AgendaSegment], Field(min_length=1)]
    expectations: Expectations

    @model_validator(mode="after")
    def _weeks_in_order(self) -> Process:
        if self.typical_weeks_min > self.typical_weeks_max:
            raise ValueError("typical_weeks_min is greater than typical_weeks_max")
        return self


class Task(_Strict):
    slug: Slug
    name: Name
    brief: Text
    grader: GraderKind | None = None
    min_hours: Annotated[float, Field(gt=0, le=40)]
    max_hours: Annotated[float, Field(gt=0, le=40)]
    competencies: Annotated[list[Slug], Field(min_length=1)]
    seniorities: Annotated[list[Seniority], Field(min_length=1)]
    scenario: list[Text] = []
    requirements: Points
    deliverables: Points
    evaluation_criteria: Points
    common_mistakes: Points
    tips: Points

    @model_validator(mode="after")
    def _hours_in_order(self) -> Task:
        if self.min_hours > self.max_hours:
            raise ValueError("min_hours is greater than max_hours")
        return self


class SkillRequirement(_Strict):
    slug: Slug
    skill: Name
    priority: Literal["must", "good"]
    competency: Slug
    method: Text
    minimum: Text | None = None
    criteria: Points

    @model_validator(mode="after")
    def _must_has_minimum(self) -> SkillRequirement:
        if self.priority == "must" and not self.minimum:
            raise ValueError("a must-verify skill needs a 'minimum' requirement")
        return self


class IndustryProfile(_Strict):
    slug: Slug
    name: Name
    summary: Text
    focus: Points
    challenges: Points
    emphasis: Points
    weights: dict[Slug, Annotated[float, Field(ge=0.25, le=3.0)]]


class CandidateRedFlag(_Strict):
    slug: Slug
    name: Name
    description: Text
    severity: Literal["caution", "serious"]
    guidance: Text


class PrepTopic(_Strict):
    slug: Slug
    name: Name
    summary: Text
    tips: Points


# File name (relative to the pack folder) -> (model, whether the file holds a list).
# ``questions/*.yaml`` all hold lists of Question.
FILES: dict[str, tuple[type[_Strict], bool]] = {
    "pack.yaml": (PackInfo, False),
    "competencies.yaml": (Competency, True),
    "scorecards.yaml": (Scorecard, True),
    "stages.yaml": (Stage, True),
    "process.yaml": (Process, False),
    "tasks.yaml": (Task, True),
    "skills.yaml": (SkillRequirement, True),
    "industries.yaml": (IndustryProfile, True),
    "red_flags.yaml": (CandidateRedFlag, True),
    "prep_tips.yaml": (PrepTopic, True),
}
QUESTIONS_DIR = "questions"
