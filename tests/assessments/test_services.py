"""Assigning tasks, the portal link, submissions and grading runs that complete exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from hireloop.accounts.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from hireloop.accounts.models import AuditEvent
from hireloop.assessments import services
from hireloop.assessments.grading import RunReporter
from hireloop.assessments.models import CheckResult, GradingRun, RunStatus, Submission
from hireloop.assessments.selectors import is_blind, pseudonym, run_score
from hireloop.hiring.services import application_move
from hireloop.library.models import PracticalTask

from ..practical import FAKE
from ..practical import grade as fake_grade


def _submit(assignment, text="CREATE TABLE users (id integer primary key);"):
    return services.submission_create(assignment=assignment, text=text)


def test_default_deadline_grows_with_the_task():
    short = PracticalTask(max_hours=2)
    long = PracticalTask(max_hours=8)
    now = timezone.now()
    assert services.default_deadline(short, now=now) == now + timedelta(days=2)
    assert services.default_deadline(long, now=now) == now + timedelta(days=4)


def test_assign_uses_the_default_deadline_and_is_audited(team, application):
    task = PracticalTask.objects.get(slug="todo-rest-api")
    assignment = services.assignment_create(
        membership=team.membership(team.recruiter), application_id=application.pk, task_id=task.pk
    )
    expected = services.default_deadline(task)
    assert abs((assignment.deadline - expected).total_seconds()) < 5
    assert AuditEvent.objects.filter(
        verb="assignment.create", object_id=str(assignment.pk)
    ).exists()


def test_interviewers_cannot_assign(team, application):
    task = PracticalTask.objects.get(slug="todo-rest-api")
    with pytest.raises(PermissionDenied):
        services.assignment_create(
            membership=team.membership(team.interviewer),
            application_id=application.pk,
            task_id=task.pk,
        )


def test_another_workspace_cannot_assign(team, other_team, application):
    task = PracticalTask.objects.get(slug="todo-rest-api")
    with pytest.raises(NotFound):
        services.assignment_create(
            membership=other_team.membership(other_team.admin),
            application_id=application.pk,
            task_id=task.pk,
        )


@pytest.mark.parametrize("days", [-1, 31])
def test_deadline_must_be_near_future(team, application, days):
    task = PracticalTask.objects.get(slug="todo-rest-api")
    with pytest.raises(InvalidInput) as exc:
        services.assignment_create(
            membership=team.membership(team.recruiter),
            application_id=application.pk,
            task_id=task.pk,
            deadline=timezone.now() + timedelta(days=days),
        )
    assert "deadline" in exc.value.field_errors


def test_closed_applications_get_no_tasks(team, application):
    application_move(
        membership=team.membership(team.recruiter),
        application_id=application.pk,
        action="withdraw",
        version=application.version,
    )
    task = PracticalTask.objects.get(slug="todo-rest-api")
    with pytest.raises(Conflict):
        services.assignment_create(
            membership=team.membership(team.recruiter),
            application_id=application.pk,
            task_id=task.pk,
        )


def test_portal_link_round_trip_and_tampering(schema_assignment):
    token = services.portal_token(schema_assignment)
    assert services.portal_assignment(token) == schema_assignment
    with pytest.raises(services.PortalLinkError, match="not valid"):
        services.portal_assignment(token[:-2] + "xx")
    late = schema_assignment.deadline + services.PORTAL_GRACE + timedelta(minutes=1)
    with pytest.raises(services.PortalLinkError, match="expired"):
        services.portal_assignment(token, now=late)


def test_text_submission_queues_one_run(schema_assignment, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submission = _submit(schema_assignment)
    assert submission.text.startswith("CREATE TABLE")
    run = submission.runs.get()
    assert run.status == RunStatus.QUEUED
    assert len(callbacks) == 1


def test_resubmitting_keeps_history(schema_assignment, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        first = _submit(schema_assignment, "CREATE TABLE a (id int);")
        second = _submit(schema_assignment, "CREATE TABLE b (id int);")
    first.refresh_from_db()
    assert first.replaced_by == second
    assert list(schema_assignment.submissions.filter(replaced_by__isnull=True)) == [second]
    assert Submission.objects.filter(assignment=schema_assignment).count() == 2


def test_no_submissions_after_the_deadline(schema_assignment):
    with pytest.raises(Conflict, match="deadline has passed"):
        services.submission_create(
            assignment=schema_assignment,
            text="CREATE TABLE a (id int);",
            now=schema_assignment.deadline + timedelta(seconds=1),
        )


def test_no_submissions_once_the_application_is_closed(team, application, schema_assignment):
    application_move(
        membership=team.membership(team.recruiter),
        application_id=application.pk,
        action="withdraw",
        version=application.version,
    )
    schema_assignment.refresh_from_db()
    with pytest.raises(Conflict, match="application is closed"):
        _submit(schema_assignment)


def test_the_portal_link_is_stable_and_says_why_it_fails(schema_assignment):
    assert services.portal_token(schema_assignment) == services.portal_token(schema_assignment)
    with pytest.raises(services.PortalLinkError) as exc:
        services.portal_assignment("garbage")
    assert exc.value.status == 404


@pytest.mark.parametrize("text", ["", "   ", "x" * (200 * 1024 + 1)])
def test_empty_or_huge_text_is_refused(schema_assignment, text):
    with pytest.raises(InvalidInput):
        _submit(schema_assignment, text)


def test_archive_tasks_need_an_archive(api_assignment):
    with pytest.raises(InvalidInput, match="archive"):
        services.submission_create(assignment=api_assignment, text="not an archive")


def test_the_claim_lets_only_one_worker_in(schema_assignment, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        run = _submit(schema_assignment).runs.get()
    assert services.grading_run_claim(run_id=run.pk, worker="a") is True
    assert services.grading_run_claim(run_id=run.pk, worker="b") is False
    run.refresh_from_db()
    assert (run.claimed_by, run.attempts, run.status) == ("a", 1, RunStatus.RUNNING)


@override_settings(GRADERS={"schema": FAKE})
def test_a_run_is_graded_and_stored(schema_assignment, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submission = _submit(schema_assignment)
    run = submission.runs.get()
    assert run.status == RunStatus.DONE
    assert (run.score, run.max_score, run.progress) == (3, 5, 1)
    assert [c.check_id for c in run.checks.all()] == ["tables.present", "index.fk"]
    assert "Checking the tables" in run.log
    assert run.artifacts["er-diagram.svg"].startswith("<svg")
    # A second delivery of the same message changes nothing.
    assert services.grading_run_execute(run_id=run.pk, worker="late") is False
    assert CheckResult.objects.filter(run=run).count() == 2


@override_settings(GRADERS={"schema": FAKE}, GRADING_MAX_ATTEMPTS=3)
def test_a_crashing_grader_is_retried_then_gives_up(
    schema_assignment, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = _submit(schema_assignment, "crash").runs.get()
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.attempts == 3
    assert run.log.count("grader bug") == 3
    assert not run.checks.exists()


@override_settings(GRADERS={"schema": FAKE})
def test_grading_error_fails_at_once(schema_assignment, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = _submit(schema_assignment, "cannot").runs.get()
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.FAILED, 1)
    assert "unreachable" in run.message


def _running(schema_assignment, django_capture_on_commit_callbacks, *, silent_for: int):
    with django_capture_on_commit_callbacks(execute=False):
        run = _submit(schema_assignment).runs.get()
    services.grading_run_claim(run_id=run.pk, worker="dead")
    GradingRun.objects.filter(pk=run.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=silent_for)
    )
    return run


@override_settings(GRADERS={"schema": FAKE}, GRADING_STALE_SECONDS=60)
def test_reconciler_requeues_a_silent_run_which_then_completes_once(
    schema_assignment, django_capture_on_commit_callbacks
):
    run = _running(schema_assignment, django_capture_on_commit_callbacks, silent_for=61)
    assert services.grading_runs_reconcile() == [run.pk]
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.DONE, 2)
    assert run.checks.count() == 2


@override_settings(GRADING_STALE_SECONDS=60)
def test_reconciler_leaves_live_runs_alone(schema_assignment, django_capture_on_commit_callbacks):
    run = _running(schema_assignment, django_capture_on_commit_callbacks, silent_for=30)
    assert services.grading_runs_reconcile() == []
    run.refresh_from_db()
    assert (run.status, run.claimed_by) == (RunStatus.RUNNING, "dead")


@override_settings(GRADING_STALE_SECONDS=60, GRADING_MAX_ATTEMPTS=1)
def test_reconciler_gives_up_after_the_last_attempt(
    schema_assignment, django_capture_on_commit_callbacks
):
    run = _running(schema_assignment, django_capture_on_commit_callbacks, silent_for=61)
    assert services.grading_runs_reconcile() == []
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "gave up" in run.message


@override_settings(GRADERS={"schema": FAKE}, GRADING_STALE_SECONDS=60)
def test_a_worker_that_lost_its_claim_cannot_store_results(
    schema_assignment, django_capture_on_commit_callbacks
):
    run = _running(schema_assignment, django_capture_on_commit_callbacks, silent_for=61)
    services.grading_runs_reconcile()  # re-queued and graded by a new worker
    stale = GradingRun.objects.get(pk=run.pk)
    services._finish_done(stale, RunReporter(run.pk, "dead"), "dead", fake_grade("late"))
    assert CheckResult.objects.filter(run=run).count() == 2
    stale.refresh_from_db()
    assert stale.attempts == 2 and stale.status == RunStatus.DONE


def test_startup_reconcile_requeues_queued_runs(
    schema_assignment, django_capture_on_commit_callbacks, settings
):
    settings.GRADERS = {"schema": FAKE}
    with django_capture_on_commit_callbacks(execute=False):
        run = _submit(schema_assignment).runs.get()
    assert services.grading_runs_reconcile() == []  # just queued: not lost yet
    assert services.grading_runs_reconcile(startup=True) == [run.pk]
    run.refresh_from_db()
    assert run.status == RunStatus.DONE


@override_settings(GRADERS={"schema": FAKE})
def test_override_and_review(team, schema_assignment, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = _submit(schema_assignment).runs.get()
    run.refresh_from_db()
    reviewer = team.membership(team.hiring_manager)
    check = run.checks.get(check_id="index.fk")
    with pytest.raises(InvalidInput) as exc:
        services.check_override(
            membership=reviewer, check_id=check.pk, result="pass", points=9, reason=""
        )
    assert set(exc.value.field_errors) == {"points", "reason"}
    services.check_override(
        membership=reviewer, check_id=check.pk, result="pass", points=2, reason="Cache was cold"
    )
    score = run_score(run)
    assert (score.points, score.max_points, score.percent) == (5, 5, 100)
    with pytest.raises(PermissionDenied):
        services.check_override(
            membership=team.membership(team.recruiter),
            check_id=check.pk,
            result="fail",
            points=0,
            reason="no",
        )
    assert is_blind(schema_assignment)
    assert pseudonym(schema_assignment).startswith("Candidate ")
    assert "Dana" not in pseudonym(schema_assignment)
    reviewed = services.assignment_review(
        membership=reviewer, assignment_id=schema_assignment.pk, score=4, notes="Solid"
    )
    assert not is_blind(reviewed)
    with pytest.raises(InvalidInput):
        services.assignment_review(membership=reviewer, assignment_id=schema_assignment.pk, score=6)


def test_other_workspaces_cannot_override(
    team, other_team, schema_assignment, django_capture_on_commit_callbacks, settings
):
    settings.GRADERS = {"schema": FAKE}
    with django_capture_on_commit_callbacks(execute=True):
        run = _submit(schema_assignment).runs.get()
    check = run.checks.first()
    with pytest.raises(NotFound):
        services.check_override(
            membership=other_team.membership(other_team.admin),
            check_id=check.pk,
            result="fail",
            points=0,
            reason="x",
        )


@override_settings(GRADERS={"schema": FAKE})
def test_regrade_queues_a_new_run(team, schema_assignment, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _submit(schema_assignment)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.grading_run_retry(
            membership=team.membership(team.hiring_manager), assignment_id=schema_assignment.pk
        )
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert GradingRun.objects.filter(submission__assignment=schema_assignment).count() == 2
