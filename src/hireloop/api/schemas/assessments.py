"""Shapes of the practical tasks API: assignments, submissions, grading runs and checks. The
response schemas read the models and the selectors' ``AssignmentWork`` themselves; who may see
what (a blind review, the portal link) is the selectors' to say."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.urls import reverse
from ninja import Field, Schema

from hireloop.accounts.models import User
from hireloop.assessments import selectors, services
from hireloop.assessments.models import Assignment, CheckResult, GradingRun, Submission
from hireloop.assessments.selectors import AssignmentWork, TaskScore
from hireloop.library.models import PracticalTask

from ..auth import membership_of
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

    @staticmethod
    def resolve_score(obj: Assignment) -> int | None:
        return obj.review_score

    @staticmethod
    def resolve_notes(obj: Assignment) -> str:
        return obj.review_notes


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

    @staticmethod
    def resolve_id(obj: AssignmentWork) -> int:
        return obj.assignment.pk

    @staticmethod
    def resolve_application_id(obj: AssignmentWork) -> int | None:
        # The application leads to the name in one more call: hidden with it.
        return None if selectors.is_blind(obj.assignment) else obj.assignment.application_id

    @staticmethod
    def resolve_task(obj: AssignmentWork) -> PracticalTask:
        return obj.assignment.task

    @staticmethod
    def resolve_deadline(obj: AssignmentWork) -> datetime:
        return obj.assignment.deadline

    @staticmethod
    def resolve_created_at(obj: AssignmentWork) -> datetime:
        return obj.assignment.created_at

    @staticmethod
    def resolve_state(obj: AssignmentWork) -> str:
        return selectors.assignment_state(obj.assignment, obj.submission, obj.run)

    @staticmethod
    def resolve_label(obj: AssignmentWork) -> str:
        return selectors.pseudonym(obj.assignment)

    @staticmethod
    def resolve_candidate(obj: AssignmentWork) -> str | None:
        if selectors.is_blind(obj.assignment):
            return None
        return obj.assignment.application.candidate.name

    @staticmethod
    def resolve_portal_url(obj: AssignmentWork, context: dict[str, Any]) -> str | None:
        request = context["request"]
        if not selectors.may_read_task_link(membership_of(request)):
            return None
        token = services.portal_token(obj.assignment)
        return str(request.build_absolute_uri(reverse("task-portal", args=[token])))

    @staticmethod
    def resolve_score(obj: AssignmentWork) -> TaskScore | None:
        return selectors.run_score(obj.run) if obj.run is not None else None

    @staticmethod
    def resolve_review(obj: AssignmentWork) -> Assignment | None:
        return None if selectors.is_blind(obj.assignment) else obj.assignment


class SubmissionOut(Schema):
    id: int
    kind: Literal["archive", "text"]
    received_at: datetime
    filename: str
    size: int
    replaced: bool

    @staticmethod
    def resolve_replaced(obj: Submission) -> bool:
        return obj.replaced_by_id is not None


class OverrideOut(Schema):
    result: Outcome
    points: float
    reason: str
    by: UserRef | None
    at: datetime | None

    @staticmethod
    def resolve_result(obj: CheckResult) -> str:
        return obj.override_result

    @staticmethod
    def resolve_points(obj: CheckResult) -> float:
        return obj.final_points

    @staticmethod
    def resolve_reason(obj: CheckResult) -> str:
        return obj.override_reason

    @staticmethod
    def resolve_by(obj: CheckResult) -> User | None:
        return obj.overridden_by

    @staticmethod
    def resolve_at(obj: CheckResult) -> datetime | None:
        return obj.overridden_at


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

    @staticmethod
    def resolve_override(obj: CheckResult) -> CheckResult | None:
        return obj if obj.override_result else None


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

    @staticmethod
    def resolve_score(obj: GradingRun) -> TaskScore | None:
        return selectors.run_score(obj)

    @staticmethod
    def resolve_artifacts(obj: GradingRun) -> list[str]:
        return sorted(obj.artifacts)

    @staticmethod
    def resolve_checks(obj: GradingRun) -> list[CheckResult]:
        return selectors.run_checks(obj) if obj.finished else []


class AssignmentDetailOut(AssignmentOut):
    submission: SubmissionOut | None = Field(..., description="the current submission")
    run: RunOut | None = Field(..., description="the current submission's latest grading run")
    history: list[SubmissionOut] = Field(..., description="every submission, newest first")
