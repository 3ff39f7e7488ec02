"""Shapes of the debrief and decision API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

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


class DebriefRedFlagOut(Schema):
    flag: str
    interviewer: str
    serious: bool


class FocusAreaOut(Schema):
    competency: str
    reason: str


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
