"""Shapes of the debrief and decision API. The response schemas read the debrief
(``decisions.selectors.Debrief``) and the decision models themselves."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from hireloop.decisions import suggest
from hireloop.decisions.models import Decision, FocusArea
from hireloop.decisions.selectors import Debrief, MatrixRow, Tally

from .common import Slug


class MatrixRowOut(Schema):
    competency: str
    name: str
    scores: list[float | None]
    average: float | None
    spread: int
    disagreement: bool


class TallyOut(Schema):
    recommendation: str
    label: str
    count: int

    @staticmethod
    def resolve_count(obj: Tally) -> int:
        return obj.scorecards


class DebriefRedFlagOut(Schema):
    flag: str
    interviewer: str
    serious: bool


class FocusAreaOut(Schema):
    competency: str
    reason: str

    @staticmethod
    def resolve_competency(obj: FocusArea | suggest.FocusArea) -> str:
        # One shape for the areas people asked for, which link the library's competency, and
        # those the suggestion names, which carry its slug already.
        return obj.competency if isinstance(obj.competency, str) else obj.competency.slug


class SuggestionOut(Schema):
    outcome: str
    level: str | None
    score: float | None
    reasons: list[str]
    blocked_by: list[str]
    focus_areas: list[FocusAreaOut]


class DecisionOut(Schema):
    id: int
    outcome: str
    level: str
    rationale: str
    decided_by: str | None
    at: datetime
    suggestion: dict[str, Any]

    @staticmethod
    def resolve_decided_by(obj: Decision) -> str | None:
        return obj.decided_by.display_name if obj.decided_by else None


class DebriefOut(Schema):
    application_id: int
    interviewers: list[str]
    matrix: list[MatrixRowOut]
    tally: list[TallyOut]
    red_flags: list[DebriefRedFlagOut]
    coverage: list[dict[str, Any]]
    rules: dict[str, Any]
    suggestion: SuggestionOut
    focus_areas: list[FocusAreaOut]
    decisions: list[DecisionOut]

    @staticmethod
    def resolve_application_id(obj: Debrief) -> int:
        return obj.application.pk

    @staticmethod
    def resolve_interviewers(obj: Debrief) -> list[str]:
        return [f.interviewer.display_name for f in obj.feedback]

    @staticmethod
    def resolve_matrix(obj: Debrief) -> list[MatrixRow]:
        return obj.rows

    @staticmethod
    def resolve_rules(obj: Debrief) -> dict[str, Any]:
        return asdict(obj.rules)


class DecisionIn(Schema):
    outcome: Literal["hire", "hire_at_level", "no_hire", "another_round"]
    rationale: str = Field(..., max_length=5000)
    level: Literal["junior", "mid", "senior", "staff", ""] = ""


class FocusAreaIn(Schema):
    competency: Slug
    reason: str = Field(..., min_length=1, max_length=300)


class RulesIn(Schema):
    weights: dict[str, float] = {}
    minimums: dict[str, float] = {}
    veto_strong_no_hire: bool = True
    veto_serious_red_flag: bool = True
    proceed_at: float = 3.0
