"""A scorecard submit checks and prepares everything it can before its transaction, which then
re-reads only what a concurrent change could alter and writes each row once."""

from __future__ import annotations

import itertools
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hireloop.accounts.errors import Conflict, InvalidInput, PermissionDenied
from hireloop.accounts.models import AuditEvent, MemberRole
from hireloop.hiring.services import application_create, candidate_create, role_create
from hireloop.interviews.models import Feedback, FeedbackRevision, Interview
from hireloop.interviews.selectors import SCORECARD_RELATIONS, access_interview
from hireloop.interviews.services import (
    feedback_save_draft,
    feedback_submit,
    interview_cancel,
    interview_reschedule,
    interview_schedule,
)

from ..factories import MembershipFactory, UserFactory

_numbers = itertools.count()


def _interview(team, *interviewers) -> Interview:
    recruiter = team.membership(team.recruiter)
    role = role_create(
        membership=recruiter, title="Backend", seniority="mid", hiring_manager=team.hiring_manager
    )
    n = next(_numbers)
    candidate = candidate_create(membership=recruiter, data={"name": "Flo", "email": f"{n}@e.test"})
    application = application_create(
        membership=recruiter, candidate_id=candidate.pk, role_id=role.pk
    )
    return interview_schedule(
        membership=recruiter,
        application_id=application.pk,
        starts_at=timezone.now() - timedelta(hours=2),
        interviewer_ids=[u.pk for u in interviewers],
    )


def _colleague(team):
    user = UserFactory(email="second@alpha.test")
    MembershipFactory(user=user, workspace=team.workspace, role=MemberRole.INTERVIEWER)
    return user


def _complete(interview, **extra) -> dict:
    return {
        "ratings": {c["slug"]: 4 for c in interview.scorecard_version.snapshot["criteria"]},
        "recommendation": "hire",
        "notes": "Solid.",
        **extra,
    }


def _checked(membership, interview) -> Interview:
    """The interview as the scorecard view has it: after its access check."""
    return access_interview(membership, interview.pk, take_part=True, related=SCORECARD_RELATIONS)


def _transaction(queries: list[dict]) -> list[str]:
    """The statements of the service's own transaction (a savepoint within the test's)."""
    sql = [q["sql"] for q in queries]
    start = next(i for i, s in enumerate(sql) if s.startswith("SAVEPOINT"))
    return sql[start:]


def _scorecard_writes(sql: list[str]) -> list[str]:
    table = '"interviews_feedback"'
    return [s for s in sql if s.startswith((f"INSERT INTO {table}", f"UPDATE {table}"))]


def test_a_submit_writes_each_row_once_outside_any_library_read(
    team, django_assert_max_num_queries
):
    interview = _interview(team, team.interviewer)
    me = team.membership(team.interviewer)
    checked = _checked(me, interview)
    data = _complete(interview, questions=[{"prompt": "A migration?", "notes": "Good", "score": 4}])
    # Before: the library's token and red flags (cached from then on). Inside: SAVEPOINT, the
    # interview's status and interviewers, the own scorecard, INSERT scorecard, its question,
    # revision, the application's latest recommendation, UPDATE interview, audit, RELEASE.
    with django_assert_max_num_queries(13) as ctx:
        feedback = feedback_submit(
            membership=me, interview_id=interview.pk, data=data, interview=checked
        )
    inside = _transaction(ctx.captured_queries)
    assert not [s for s in inside if "library_" in s]
    feedback_writes = _scorecard_writes(inside)
    assert len(feedback_writes) == 1 and feedback_writes[0].startswith("INSERT")
    assert feedback.status == "submitted" and feedback.revision == 1


def test_submitting_a_saved_draft_updates_it_once_and_keeps_its_questions(team):
    interview = _interview(team, team.interviewer)
    me = team.membership(team.interviewer)
    feedback_save_draft(
        membership=me,
        interview_id=interview.pk,
        data={"questions": [{"prompt": "Caching?", "notes": "Fine", "score": 3}]},
    )
    checked = _checked(me, interview)
    with CaptureQueriesContext(connection) as ctx:
        feedback = feedback_submit(
            membership=me, interview_id=interview.pk, data=_complete(interview), interview=checked
        )
    feedback_writes = _scorecard_writes(_transaction(ctx.captured_queries))
    assert len(feedback_writes) == 1 and feedback_writes[0].startswith("UPDATE")
    revision = FeedbackRevision.objects.get(feedback=feedback)
    assert [q["prompt"] for q in revision.snapshot["questions"]] == ["Caching?"]
    assert revision.snapshot["ratings"] == feedback.ratings


def test_a_submit_leaves_exactly_one_revision_and_one_audit_row(team):
    interview = _interview(team, team.interviewer)
    me = team.membership(team.interviewer)
    data = _complete(interview, questions=[{"prompt": "Queues?", "notes": "Sharp", "score": 5}])
    feedback = feedback_submit(membership=me, interview_id=interview.pk, data=data)
    revision = FeedbackRevision.objects.get(feedback=feedback)
    assert revision.number == 1 and revision.created_by == team.interviewer
    assert revision.snapshot == {
        "ratings": data["ratings"],
        "signals": {},
        "red_flags": [],
        "notes": "Solid.",
        "recommendation": "hire",
        "questions": [
            {
                "question_id": None,
                "prompt": "Queues?",
                "notes": "Sharp",
                "score": 5,
                "skipped": False,
            }
        ],
    }
    audit = AuditEvent.objects.get(verb="scorecard.submit")
    assert audit.object_id == str(feedback.pk) and audit.after["recommendation"] == "hire"
    assert feedback.questions.get().prompt == "Queues?"
    interview.refresh_from_db()
    assert interview.status == "completed"


def test_an_interview_waits_for_a_colleague_whose_scorecard_here_is_a_draft(team):
    colleague = _colleague(team)
    interview = _interview(team, team.interviewer, colleague)
    elsewhere = _interview(team, colleague)
    feedback_submit(
        membership=team.membership(colleague),
        interview_id=elsewhere.pk,
        data=_complete(elsewhere),
    )
    feedback_save_draft(
        membership=team.membership(colleague), interview_id=interview.pk, data={"notes": "…"}
    )
    feedback_submit(
        membership=team.membership(team.interviewer),
        interview_id=interview.pk,
        data=_complete(interview),
    )
    interview.refresh_from_db()
    assert interview.status == "scheduled"
    feedback_submit(
        membership=team.membership(colleague),
        interview_id=interview.pk,
        data=_complete(interview),
    )
    interview.refresh_from_db()
    assert interview.status == "completed"


def test_the_transaction_checks_again_what_changed_since_the_access_check(team):
    colleague = _colleague(team)
    interview = _interview(team, team.interviewer, colleague)
    me = team.membership(team.interviewer)
    recruiter = team.membership(team.recruiter)
    checked = _checked(me, interview)
    interview_reschedule(
        membership=recruiter,
        interview_id=interview.pk,
        starts_at=interview.starts_at,
        interviewer_ids=[colleague.pk],
    )
    with pytest.raises(PermissionDenied):
        feedback_submit(
            membership=me, interview_id=interview.pk, data=_complete(interview), interview=checked
        )
    other = team.membership(colleague)
    checked = _checked(other, interview)
    interview_cancel(membership=recruiter, interview_id=interview.pk, reason="MemberRole paused")
    with pytest.raises(Conflict, match="cancelled"):
        feedback_submit(
            membership=other,
            interview_id=interview.pk,
            data=_complete(interview),
            interview=checked,
        )
    assert not Feedback.objects.exists() and not FeedbackRevision.objects.exists()
    with pytest.raises(ValueError):
        feedback_submit(membership=other, interview_id=interview.pk + 1, data={}, interview=checked)


def test_a_conflict_outranks_bad_input(team):
    interview = _interview(team, team.interviewer)
    me = team.membership(team.interviewer)
    feedback_submit(membership=me, interview_id=interview.pk, data=_complete(interview))
    with pytest.raises(Conflict, match="amend it"):
        feedback_submit(membership=me, interview_id=interview.pk, data={"ratings": {}})
    with pytest.raises(Conflict, match="amend it"):
        feedback_save_draft(membership=me, interview_id=interview.pk, data={"ratings": [1]})
    other = _interview(team, team.interviewer)
    interview_cancel(
        membership=team.membership(team.recruiter), interview_id=other.pk, reason="Paused"
    )
    with pytest.raises(Conflict, match="cancelled"):
        feedback_submit(membership=me, interview_id=other.pk, data={"ratings": {"made-up": 3}})
    with pytest.raises(InvalidInput, match="nothing to submit"):
        feedback_submit(membership=me, interview_id=other.pk)


def _at_once(*calls) -> list[str]:
    """Run the calls in threads released together; each gives "ok" or its error's class name."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call) -> None:
        barrier.wait()
        try:
            call()
            outcomes.append("ok")
        except (Conflict, InvalidInput, PermissionDenied) as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_a_double_submit_at_the_same_moment_saves_one_version(team, reload_library):
    interview = _interview(team, team.interviewer)
    me = team.membership(team.interviewer)

    def submit() -> None:
        feedback_submit(membership=me, interview_id=interview.pk, data=_complete(interview))

    assert _at_once(submit, submit) == ["Conflict", "ok"]
    assert Feedback.objects.count() == 1
    assert FeedbackRevision.objects.count() == 1
    assert AuditEvent.objects.filter(verb="scorecard.submit").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_last_of_two_interviewers_submitting_at_once_completes_it(team, reload_library):
    colleague = _colleague(team)
    interview = _interview(team, team.interviewer, colleague)
    members = [team.membership(team.interviewer), team.membership(colleague)]
    calls = [
        lambda m=m: feedback_submit(
            membership=m, interview_id=interview.pk, data=_complete(interview)
        )
        for m in members
    ]
    assert _at_once(*calls) == ["ok", "ok"]
    interview.refresh_from_db()
    assert interview.status == "completed"
    assert FeedbackRevision.objects.count() == 2
