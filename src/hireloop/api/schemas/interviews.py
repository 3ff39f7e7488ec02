"""Shapes of the interviews and scorecards API. The response schemas read the domain objects
themselves (ninja's resolvers name the values that live on related objects)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from hireloop.accounts.models import User
from hireloop.interviews import selectors
from hireloop.interviews.models import Feedback, Interview, QuestionNote
from hireloop.interviews.selectors import Owed
from hireloop.interviews.validation import MAX_NOTES, MAX_PROMPT, MAX_QUESTIONS

Recommendation = Literal["strong_hire", "hire", "no_hire", "strong_no_hire"]


class InterviewIn(Schema):
    application_id: int
    starts_at: datetime
    interviewer_ids: list[int] = Field(..., min_length=1, max_length=10)
    minutes: int | None = Field(None, ge=5, le=480)
    location: str = Field("", max_length=300)
    stage_id: int | None = None


class RescheduleIn(Schema):
    starts_at: datetime
    reason: str = Field("", max_length=300)
    minutes: int | None = Field(None, ge=5, le=480)
    location: str | None = Field(None, max_length=300)
    interviewer_ids: list[int] | None = Field(None, min_length=1, max_length=10)


class CancelIn(Schema):
    reason: str = Field(..., min_length=1, max_length=300)


class PersonOut(Schema):
    id: int
    name: str
    email: str

    @staticmethod
    def resolve_name(obj: User) -> str:
        return obj.display_name


class InterviewOut(Schema):
    id: int
    application_id: int
    candidate: str
    role: str
    stage: str
    starts_at: datetime
    minutes: int
    location: str
    status: str
    sequence: int
    scorecard_id: int
    scorecard_version: int
    interviewers: list[PersonOut]

    @staticmethod
    def resolve_candidate(obj: Interview) -> str:
        return obj.application.candidate.name

    @staticmethod
    def resolve_role(obj: Interview) -> str:
        return obj.application.role.title

    @staticmethod
    def resolve_stage(obj: Interview) -> str:
        return obj.stage.name

    @staticmethod
    def resolve_scorecard_id(obj: Interview) -> int:
        return obj.scorecard_version.scorecard_id

    @staticmethod
    def resolve_scorecard_version(obj: Interview) -> int:
        return obj.scorecard_version.number

    @staticmethod
    def resolve_interviewers(obj: Interview) -> list[User]:
        return selectors.interview_interviewers(obj)


# The scorecards' shapes and size bounds only: their rules are the services' (one validator,
# hireloop.interviews.validation, for the API and the pages alike).
class QuestionNoteIO(Schema):
    question_id: int | None = None
    prompt: str = Field("", max_length=MAX_PROMPT)
    notes: str = Field("", max_length=MAX_NOTES)
    score: int | None = None
    skipped: bool = False


class SignalsIO(Schema):
    strong: list[str] = []
    weak: list[str] = []


class ScorecardIn(Schema):
    ratings: dict[str, int | None] = {}
    signals: dict[str, SignalsIO] = {}
    red_flags: list[str] = Field(default_factory=list, max_length=50)
    notes: str = Field("", max_length=MAX_NOTES)
    recommendation: Recommendation | Literal[""] = ""
    questions: list[QuestionNoteIO] | None = Field(None, max_length=MAX_QUESTIONS)


class AmendIn(ScorecardIn):
    reason: str = Field(..., min_length=5, max_length=500)


class ScorecardOut(Schema):
    id: int
    interview_id: int
    interviewer: PersonOut
    stage: str
    status: str
    ratings: dict[str, int]
    signals: dict[str, Any]
    red_flags: list[str]
    notes: str
    recommendation: str
    submitted_at: datetime | None
    revision: int
    questions: list[QuestionNoteIO]

    @staticmethod
    def resolve_stage(obj: Feedback) -> str:
        return obj.interview.stage.name

    @staticmethod
    def resolve_questions(obj: Feedback) -> list[QuestionNote]:
        return selectors.feedback_questions(obj)


class VisibleScorecardsOut(Schema):
    scorecards: list[ScorecardOut]
    hidden: int = Field(..., description="submitted scorecards you may not read yet")


class OwedOut(Schema):
    interview_id: int
    candidate: str
    stage: str
    interviewer: PersonOut
    ended_at: datetime

    @staticmethod
    def resolve_interview_id(obj: Owed) -> int:
        return obj.interview.pk

    @staticmethod
    def resolve_candidate(obj: Owed) -> str:
        return obj.interview.application.candidate.name

    @staticmethod
    def resolve_stage(obj: Owed) -> str:
        return obj.interview.stage.name
