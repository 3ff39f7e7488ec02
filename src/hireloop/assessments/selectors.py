"""Reads for practical tasks: who may see an assignment, the review queue and a run's report."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone

from hireloop.accounts.errors import NotFound, PermissionDenied
from hireloop.accounts.models import Membership
from hireloop.accounts.permissions import Capability, can
from hireloop.hiring.models import Application
from hireloop.hiring.selectors import member_stand_in, visible_applications
from hireloop.interviews.models import Interview
from hireloop.lib.rows import PreparedQuery
from hireloop.library.selectors import scorecard_descends_from

from .models import Assignment, CheckResult, GradingRun, RunStatus, Submission


def visible_assignments(membership: Membership) -> QuerySet[Assignment]:
    """Assignments of the applications this member can see, in their workspace only."""
    return Assignment.objects.filter(
        workspace_id=membership.workspace_id,
        application__in=visible_applications(membership),
    )


def may_assign_task(membership: Membership, application: Application) -> bool:
    """Give the candidate of an open application a practical task."""
    return can(membership, Capability.TASK_ASSIGN) and application.is_open


def may_read_task_link(membership: Membership) -> bool:
    """The candidate's link to their task portal: for those who assign tasks, whether or not
    the application is still open."""
    return can(membership, Capability.TASK_ASSIGN)


def _require_review(membership: Membership) -> None:
    if not can(membership, Capability.TASK_REVIEW):
        raise PermissionDenied("Only interviewers, hiring managers and admins review tasks.")


def access_assignment(
    membership: Membership, assignment_id: int, *, review: bool = False
) -> Assignment:
    assignment = (
        visible_assignments(membership)
        .select_related("task", "application__candidate", "application__role", "reviewed_by")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None:
        raise NotFound("No such practical task in this workspace.")
    if review:
        _require_review(membership)
    return assignment


def access_check(membership: Membership, check_id: int) -> CheckResult:
    check = (
        CheckResult.objects.select_related("run__submission__assignment")
        .filter(pk=check_id, run__submission__assignment__in=visible_assignments(membership))
        .first()
    )
    if check is None:
        raise NotFound("No such check in this workspace.")
    _require_review(membership)
    return check


def pseudonym(assignment: Assignment) -> str:
    """A stable label that hides who the candidate is while the review is blind."""
    digest = hashlib.sha256(f"assignment:{assignment.pk}".encode()).hexdigest()
    return f"Candidate {digest[:4].upper()}"


def is_blind(assignment: Assignment) -> bool:
    return assignment.review_score is None


def assignment_submissions(assignment: Assignment) -> list[Submission]:
    """Every submission of the assignment, newest first (the current one and those it
    replaced)."""
    return list(assignment.submissions.all())


def current_submission(assignment: Assignment) -> Submission | None:
    return assignment.submissions.filter(replaced_by__isnull=True).first()


def latest_run(submission: Submission | None) -> GradingRun | None:
    if submission is None:
        return None
    return submission.runs.prefetch_related("checks").first()


@dataclass(frozen=True)
class TaskScore:
    points: float
    max_points: float

    @property
    def percent(self) -> float:
        return round(100 * self.points / self.max_points, 1) if self.max_points else 0.0


def run_checks(run: GradingRun) -> list[CheckResult]:
    """The run's checks in the order the grader ran them (prefetched by ``latest_run``,
    ``application_assignments`` and ``current_work``)."""
    return list(run.checks.all())


def run_score(run: GradingRun) -> TaskScore | None:
    """The run's score after the reviewer's overrides; None until the run is done."""
    if run.status != RunStatus.DONE:
        return None
    checks = list(run.checks.all())
    return TaskScore(
        points=round(sum(c.final_points for c in checks), 2),
        max_points=round(sum(c.max_points for c in checks), 2),
    )


# Which assignments of one application a member sees, compiled once per kind of member
# (hireloop.lib.rows): most applications have none, and building this query with its
# visibility subquery cost ~1 ms of every debrief and scorecard page.
_APPLICATION_ASSIGNMENTS: PreparedQuery[Assignment] = PreparedQuery(
    lambda role, *, workspace_id, user_id, application_id: (
        visible_assignments(member_stand_in(role, workspace_id=workspace_id, user_id=user_id))
        .filter(application_id=application_id)
        .values_list("pk")
    )
)


def application_assignments(
    membership: Membership, application: Application, *, candidate: bool = False
) -> list[Assignment]:
    """Assignments of one application with their submissions and latest runs, in few queries;
    with ``candidate``, each with its application and candidate too (two more)."""
    visible = _APPLICATION_ASSIGNMENTS.rows(
        (membership.role,),
        workspace_id=membership.workspace_id,
        user_id=membership.user_id,
        application_id=application.pk,
    )
    if not visible:
        return []
    runs = GradingRun.objects.prefetch_related("checks")
    submissions = Submission.objects.prefetch_related(Prefetch("runs", queryset=runs))
    assignments = list(
        Assignment.objects.filter(pk__in=[pk for (pk,) in visible])
        .select_related("task", "reviewed_by")
        .prefetch_related(Prefetch("submissions", queryset=submissions))
    )
    if candidate:
        prefetch_related_objects(assignments, "application__candidate")
    return assignments


def assignment_current_work(assignment: Assignment) -> tuple[Submission | None, GradingRun | None]:
    """The current submission and its latest run, from the submissions and runs that
    ``application_assignments`` prefetched."""
    submission = next((s for s in assignment.submissions.all() if s.replaced_by_id is None), None)
    run = next(iter(submission.runs.all()), None) if submission is not None else None
    return submission, run


@dataclass(frozen=True)
class AssignmentWork:
    """An assignment with its current submission and that submission's latest grading run,
    from which its state and score follow."""

    assignment: Assignment
    submission: Submission | None
    run: GradingRun | None


@dataclass(frozen=True)
class AssignmentDetail(AssignmentWork):
    history: list[Submission]  # every submission, newest first


def application_work(membership: Membership, application: Application) -> list[AssignmentWork]:
    """The assignments of one application with their candidate and current work, in the same
    few queries as ``application_assignments``."""
    return [
        AssignmentWork(a, *assignment_current_work(a))
        for a in application_assignments(membership, application, candidate=True)
    ]


def assignment_detail(membership: Membership, assignment_id: int) -> AssignmentDetail:
    """A visible assignment with every submission and the current one's latest run."""
    assignment = access_assignment(membership, assignment_id)
    history = assignment_submissions(assignment)
    submission = next((x for x in history if x.replaced_by_id is None), None)
    return AssignmentDetail(assignment, submission, latest_run(submission), history)


def review_queue(membership: Membership) -> list[Assignment]:
    """Submitted work waiting for a reviewer's score, oldest first; empty for other roles."""
    if not can(membership, Capability.TASK_REVIEW):
        return []
    return list(
        visible_assignments(membership)
        .filter(review_score__isnull=True, submissions__isnull=False)
        .select_related("task", "application__role")
        .distinct()
        .order_by("deadline")
    )


# Reads for the task pages and API ------------------------------------------------------------


def access_submission(membership: Membership, submission_id: int) -> Submission:
    """A submission of a visible assignment, e.g. to download its archive."""
    submission = (
        Submission.objects.select_related("assignment")
        .filter(pk=submission_id, assignment__in=visible_assignments(membership))
        .first()
    )
    if submission is None:
        raise NotFound("No such submission in this workspace.")
    return submission


def access_run(membership: Membership, run_id: int) -> GradingRun:
    """A grading run of a visible assignment, e.g. to show one of its artifacts."""
    run = (
        GradingRun.objects.select_related("submission__assignment")
        .filter(pk=run_id, submission__assignment__in=visible_assignments(membership))
        .first()
    )
    if run is None:
        raise NotFound("No such grading run in this workspace.")
    return run


def current_work(
    assignments: list[Assignment],
) -> dict[int, tuple[Submission | None, GradingRun | None]]:
    """Each assignment's current submission and that submission's latest run (with its
    checks), in three queries however many assignments there are."""
    runs = GradingRun.objects.prefetch_related("checks")
    current: dict[int, Submission] = {}
    for submission in Submission.objects.filter(
        assignment_id__in=[a.pk for a in assignments], replaced_by__isnull=True
    ).prefetch_related(Prefetch("runs", queryset=runs)):
        # Newest first: keep the first one should two ever be current at once.
        current.setdefault(submission.assignment_id, submission)
    work: dict[int, tuple[Submission | None, GradingRun | None]] = {}
    for assignment in assignments:
        found = current.get(assignment.pk)
        work[assignment.pk] = (found, next(iter(found.runs.all()), None) if found else None)
    return work


def assignment_state(
    assignment: Assignment,
    submission: Submission | None,
    run: GradingRun | None,
    *,
    now: datetime | None = None,
) -> str:
    """One word for where an assignment stands: waiting, late, submitted, grading, graded,
    failed or reviewed (the reviewer's score outranks everything else)."""
    if assignment.review_score is not None:
        return "reviewed"
    if submission is None:
        return "late" if (now or timezone.now()) > assignment.deadline else "waiting"
    if run is None:
        return "submitted"
    if run.status in (RunStatus.QUEUED, RunStatus.RUNNING):
        return "grading"
    return "graded" if run.status == RunStatus.DONE else "failed"


# The library's scorecard for reviewing practical tasks, and the stage kind it belongs to.
TASK_SCORECARD = "task-review"
TASK_STAGE_KIND = "coding"


def reviews_tasks(interview: Interview) -> bool:
    """Whether this interview is the practical-task review: a coding stage, or one scored on
    the library's task-review scorecard or a workspace copy of it."""
    if interview.stage.kind == TASK_STAGE_KIND:
        return True
    return scorecard_descends_from(interview.scorecard_version.scorecard_id, TASK_SCORECARD)
