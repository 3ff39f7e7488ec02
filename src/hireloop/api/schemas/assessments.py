"""Shapes of the practical tasks API: assignments, submissions, grading runs and checks."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from .hiring import UserRef

Outcome = Literal["pass", "partial", "fail"]
State = Literal["waiting", "late", "submitted", "grading", "graded", "failed", "reviewed"]


class AssignmentIn(Schema):
    task: int | str = Field(..., description="the library task's id or slug")
    deadline: datetime | None = Field(
        None, description="at most 30 days away; by default a day per two hours of work"
    )


class ReviewIn(Schema):
    score: int = Field(..., ge=1, le=5)
    notes: str = Field("", max_length=5000)


class OverrideIn(Schema):
    result: Outcome
    points: float = Field(..., ge=0)
    reason: str = Field(..., min_length=1, max_length=2000)


class TaskRef(Schema):
    id: int
    slug: str
    name: str
    grader: str = Field(..., description="api, sql or schema; empty when reviewed by hand")


class ScoreOut(Schema):
    points: float
    max_points: float
    percent: float


class ReviewOut(Schema):
    score: int
    notes: str
    reviewed_by: UserRef | None
    reviewed_at: datetime | None


class AssignmentOut(Schema):
    id: int
    application_id: int | None = Field(..., description="omitted (null) while the review is blind")
    task: TaskRef
    deadline: datetime
    created_at: datetime
    state: State
    label: str = Field(..., description="the stand-in name used while the review is blind")
    candidate: str | None = Field(..., description="omitted (null) while the review is blind")
    portal_url: str | None = Field(
        ..., description="the candidate's link; only for those who assign tasks"
    )
    score: ScoreOut | None = Field(..., description="the latest run's, overrides included")
    review: ReviewOut | None


class SubmissionOut(Schema):
    id: int
    kind: Literal["archive", "text"]
    received_at: datetime
    filename: str
    size: int
    replaced: bool


class OverrideOut(Schema):
    result: Outcome
    points: float
    reason: str
    by: UserRef | None
    at: datetime | None


class CheckOut(Schema):
    id: int
    position: int
    check_id: str
    criterion: str
    title: str
    result: Outcome = Field(..., description="the grader's own result")
    points: float
    max_points: float
    evidence: str
    override: OverrideOut | None
    final_result: Outcome
    final_points: float


class RunOut(Schema):
    id: int
    status: Literal["queued", "running", "done", "failed"]
    progress: float
    message: str
    queued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    summary: str
    score: ScoreOut | None
    metrics: dict[str, float]
    artifacts: list[str]
    checks: list[CheckOut] = Field(..., description="empty until the run is done")


class AssignmentDetailOut(AssignmentOut):
    submission: SubmissionOut | None = Field(..., description="the current submission")
    run: RunOut | None = Field(..., description="the current submission's latest grading run")
    history: list[SubmissionOut] = Field(..., description="every submission, newest first")
