"""What the practical-task pages show, shaped for templates: an assignment's state as a label,
the tasks card of an application page, a run's checks grouped by criterion, and the short
result other pages (scorecard, live mode, debrief) show. Reads go through the assessment
selectors; nothing here writes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from hireloop.accounts.models import Membership
from hireloop.assessments import selectors
from hireloop.assessments.models import (
    Assignment,
    CheckOutcome,
    CheckResult,
    GradingRun,
    RunStatus,
    Submission,
)
from hireloop.assessments.selectors import TaskScore
from hireloop.assessments.services import portal_token
from hireloop.hiring.models import Application

BADGES = {
    "waiting": "",
    "late": "badge-caution",
    "submitted": "badge-copy",
    "grading": "badge-copy",
    "graded": "badge-grader",
    "failed": "badge-serious",
    "reviewed": "badge-good",
}
RESULT_BADGES: dict[str, str] = {
    CheckOutcome.PASS: "badge-grader",
    CheckOutcome.PARTIAL: "badge-caution",
    CheckOutcome.FAIL: "badge-serious",
}


def grader_label(grader: str) -> str:
    return {"api": "API", "sql": "SQL", "schema": "Schema"}.get(grader, grader.capitalize())


def state_label(state: str, assignment: Assignment, run: GradingRun | None) -> str:
    score = selectors.run_score(run) if run is not None else None
    if state == "reviewed":
        return f"Reviewed: {assignment.review_score} of 5"
    if state == "grading" and run is not None:
        return f"Grading {round(100 * run.progress)}%"
    if state == "graded" and score is not None:
        return f"Graded: {score.percent:g}%"
    return {
        "waiting": "Waiting for the candidate",
        "late": "Deadline passed",
        "submitted": "Submitted",
        "failed": "Could not grade",
    }.get(state, state)


@dataclass
class TaskRow:
    """One assignment as the application page lists it."""

    assignment: Assignment
    submission: Submission | None
    run: GradingRun | None
    state: str
    label: str
    badge: str
    portal_url: str = ""


def application_tasks(
    membership: Membership, application: Application, request: HttpRequest | None = None
) -> list[TaskRow]:
    """The application's assignments; with ``request``, each candidate link for those who
    assign tasks (they are the ones who send it)."""
    links = request is not None and selectors.may_read_task_link(membership)
    now = timezone.now()
    rows = []
    for assignment in selectors.application_assignments(membership, application):
        submission, run = selectors.assignment_current_work(assignment)
        state = selectors.assignment_state(assignment, submission, run, now=now)
        rows.append(
            TaskRow(
                assignment=assignment,
                submission=submission,
                run=run,
                state=state,
                label=state_label(state, assignment, run),
                badge=BADGES.get(state, ""),
                portal_url=(
                    request.build_absolute_uri(
                        reverse("task-portal", args=[portal_token(assignment)])
                    )
                    if links and request is not None
                    else ""
                ),
            )
        )
    return rows


# A run's report ------------------------------------------------------------------------------


@dataclass
class CheckRow:
    check: CheckResult
    form: Any = None  # the override form, for those who review
    badge: str = ""


@dataclass
class CriterionGroup:
    name: str
    rows: list[CheckRow] = field(default_factory=list)

    @property
    def points(self) -> float:
        return round(sum(r.check.final_points for r in self.rows), 2)

    @property
    def max_points(self) -> float:
        return round(sum(r.check.max_points for r in self.rows), 2)


def criterion_groups(
    checks: list[CheckResult], form_for: Callable[[CheckResult], Any] | None = None
) -> list[CriterionGroup]:
    """Checks grouped by the criterion they count towards, in the order the grader ran them."""
    groups: dict[str, CriterionGroup] = {}
    for check in checks:
        groups.setdefault(check.criterion, CriterionGroup(check.criterion)).rows.append(
            CheckRow(
                check=check,
                form=form_for(check) if form_for else None,
                badge=RESULT_BADGES.get(check.final_result, ""),
            )
        )
    return list(groups.values())


def run_context(
    run: GradingRun | None, *, form_for: Callable[[CheckResult], Any] | None = None
) -> dict[str, Any]:
    """What the run panel of the review page (and its polling fragment) needs."""
    if run is None:
        return {"run": None, "polling": False}
    checks = selectors.run_checks(run) if run.status == RunStatus.DONE else []
    return {
        "run": run,
        "polling": not run.finished,
        "percent": round(100 * run.progress),
        "score": selectors.run_score(run),
        "groups": criterion_groups(checks, form_for),
        "images": sorted(name for name in run.artifacts if name.endswith(".svg")),
        "files": sorted(name for name in run.artifacts if not name.endswith(".svg")),
        "metrics": sorted(run.metrics.items()),
    }


# The short result on scorecards, live mode and the debrief ----------------------------------


@dataclass
class TaskResult:
    assignment: Assignment
    score: TaskScore
    missed: list[CheckResult]
    reviewed: bool


def task_results(membership: Membership, application: Application) -> list[TaskResult]:
    """The application's graded tasks: score after overrides and the checks that fell short.
    Names are never part of it, so blind review holds wherever it is shown."""
    results = []
    for assignment in selectors.application_assignments(membership, application):
        _, run = selectors.assignment_current_work(assignment)
        score = selectors.run_score(run) if run is not None else None
        if run is None or score is None:
            continue
        results.append(
            TaskResult(
                assignment=assignment,
                score=score,
                missed=[
                    c for c in selectors.run_checks(run) if c.final_result != CheckOutcome.PASS
                ],
                reviewed=assignment.review_score is not None,
            )
        )
    return results


# The candidate's material for the slow-query task --------------------------------------------


@dataclass(frozen=True)
class SlowQueryBrief:
    slug: str
    title: str
    description: str
    sql: str


@dataclass(frozen=True)
class SqlMaterial:
    schema: list[str]
    queries: list[SlowQueryBrief]


def sql_material() -> SqlMaterial:
    """The tables the SQL grader builds and its slow queries, in the PostgreSQL dialect, for the
    candidate to work on. The list of queries may be missing while the grader's library is
    being filled; the page then explains the format without it."""
    # Imported here: the grader's data set module loads a database driver only this page needs.
    from hireloop.assessments.graders.report import GradingError
    from hireloop.assessments.graders.sql import dataset

    statements = dataset.generate_sql(
        size=dataset.MIN_SIZE, seed=dataset.DEFAULT_SEED, dialect="postgres"
    )
    schema = [s for s in statements if s.upper().startswith("CREATE TABLE")]
    try:
        queries = [
            SlowQueryBrief(q.slug, q.title, q.description, q.sql["postgres"])
            for q in dataset.load_queries().values()
        ]
    except (OSError, GradingError):
        queries = []
    return SqlMaterial(schema=schema, queries=queries)
