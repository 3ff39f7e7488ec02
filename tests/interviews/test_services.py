"""Scheduling, invites, scorecards and the independence of interviewers' scorecards."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from hireloop.accounts.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from hireloop.accounts.models import FeedbackVisibility, MemberRole
from hireloop.hiring.services import application_create, candidate_create, role_create
from hireloop.interviews.models import FeedbackRevision, InterviewChange
from hireloop.interviews.selectors import (
    access_interview,
    invite_for,
    owed_scorecards,
    readable_feedback,
    upcoming_for,
)
from hireloop.interviews.services import (
    feedback_amend,
    feedback_save_draft,
    feedback_submit,
    interview_cancel,
    interview_reschedule,
    interview_schedule,
)
from hireloop.lib.ics import render

from ..factories import MembershipFactory, UserFactory


@pytest.fixture
def loop(team):
    """An application with one interview and two interviewers."""
    recruiter = team.membership(team.recruiter)
    second = UserFactory(email="second@alpha.test", full_name="Sam Second")
    MembershipFactory(user=second, workspace=team.workspace, role=MemberRole.INTERVIEWER)
    role = role_create(
        membership=recruiter,
        title="Backend engineer",
        seniority="mid",
        hiring_manager=team.hiring_manager,
    )
    candidate = candidate_create(membership=recruiter, data={"name": "Flo", "email": "flo@e.test"})
    application = application_create(
        membership=recruiter, candidate_id=candidate.pk, role_id=role.pk
    )
    interview = interview_schedule(
        membership=recruiter,
        application_id=application.pk,
        starts_at=timezone.now() - timedelta(hours=2),
        location="https://meet.example/abc",
        interviewer_ids=[team.interviewer.pk, second.pk],
    )
    return {"application": application, "interview": interview, "second": second}


def _complete(interview) -> dict:
    criteria = interview.scorecard_version.snapshot["criteria"]
    return {
        "ratings": {c["slug"]: 4 for c in criteria},
        "recommendation": "hire",
        "notes": "Solid answers.",
        "signals": {criteria[0]["slug"]: {"strong": criteria[0]["strong_signals"][:1]}},
        "red_flags": [],
        "questions": [{"prompt": "Tell me about a migration", "notes": "Good", "score": 4}],
    }


def test_schedule_reschedule_cancel_are_recorded_and_invites_follow(team, loop):
    recruiter = team.membership(team.recruiter)
    interview = loop["interview"]
    assert interview.scorecard_version == loop["application"].stage.scorecard_version
    ics = render(invite_for(interview)).decode()
    assert "METHOD:REQUEST" in ics and "SEQUENCE:0" in ics and team.interviewer.email in ics
    later = timezone.now() + timedelta(days=1)
    interview_reschedule(
        membership=recruiter, interview_id=interview.pk, starts_at=later, reason="Candidate asked"
    )
    cancelled = interview_cancel(
        membership=recruiter, interview_id=interview.pk, reason="MemberRole paused"
    )
    assert cancelled.sequence == 2
    ics = render(invite_for(cancelled)).decode()
    assert "METHOD:CANCEL" in ics and "SEQUENCE:2" in ics
    assert list(
        InterviewChange.objects.filter(interview=interview).values_list("action", flat=True)
    ) == ["schedule", "reschedule", "cancel"]
    with pytest.raises(Conflict):
        interview_reschedule(membership=recruiter, interview_id=interview.pk, starts_at=later)


def test_scheduling_rules(team, loop):
    with pytest.raises(PermissionDenied):
        interview_schedule(
            membership=team.membership(team.interviewer),
            application_id=loop["application"].pk,
            starts_at=timezone.now(),
            interviewer_ids=[team.interviewer.pk],
        )
    recruiter = team.membership(team.recruiter)
    with pytest.raises(InvalidInput, match="at least one interviewer"):
        interview_schedule(
            membership=recruiter,
            application_id=loop["application"].pk,
            starts_at=timezone.now(),
            interviewer_ids=[],
        )
    with pytest.raises(InvalidInput):
        interview_schedule(
            membership=recruiter,
            application_id=loop["application"].pk,
            starts_at=timezone.now().replace(tzinfo=None),
            interviewer_ids=[team.interviewer.pk],
        )


def test_draft_submit_and_what_is_missing(team, loop):
    interviewer = team.membership(team.interviewer)
    interview = loop["interview"]
    feedback_save_draft(
        membership=interviewer,
        interview_id=interview.pk,
        data={"ratings": {interview.scorecard_version.snapshot["criteria"][0]["slug"]: 3}},
    )
    with pytest.raises(InvalidInput) as exc:
        feedback_submit(membership=interviewer, interview_id=interview.pk)
    assert "an overall recommendation" in exc.value.message
    assert len(exc.value.field_errors["missing"]) == len(
        interview.scorecard_version.snapshot["criteria"]
    )
    with pytest.raises(InvalidInput):
        feedback_save_draft(
            membership=interviewer, interview_id=interview.pk, data={"ratings": {"made-up": 3}}
        )
    with pytest.raises(InvalidInput):
        feedback_save_draft(
            membership=interviewer,
            interview_id=interview.pk,
            data={"ratings": {interview.scorecard_version.snapshot["criteria"][0]["slug"]: 9}},
        )
    feedback_save_draft(
        membership=interviewer, interview_id=interview.pk, data=_complete(interview)
    )
    submitted = feedback_submit(membership=interviewer, interview_id=interview.pk)
    assert submitted.status == "submitted" and submitted.revision == 1
    assert submitted.questions.get().score == 4
    with pytest.raises(Conflict):
        feedback_save_draft(membership=interviewer, interview_id=interview.pk, data={})
    with pytest.raises(PermissionDenied):
        feedback_save_draft(
            membership=team.membership(team.recruiter), interview_id=interview.pk, data={}
        )


def test_submitting_with_the_data_saves_it_in_the_same_transaction(team, loop):
    interviewer = team.membership(team.interviewer)
    interview = loop["interview"]
    incomplete = {"ratings": {interview.scorecard_version.snapshot["criteria"][0]["slug"]: 2}}
    with pytest.raises(InvalidInput):
        feedback_submit(membership=interviewer, interview_id=interview.pk, data=incomplete)
    assert not interview.feedback.exists()  # refused: nothing saved, not even the draft
    submitted = feedback_submit(
        membership=interviewer, interview_id=interview.pk, data=_complete(interview)
    )
    assert submitted.status == "submitted" and submitted.revision == 1
    assert submitted.ratings == _complete(interview)["ratings"]
    assert FeedbackRevision.objects.get(feedback=submitted).snapshot["ratings"] == submitted.ratings
    with pytest.raises(Conflict, match="amend it"):
        feedback_submit(
            membership=interviewer, interview_id=interview.pk, data=_complete(interview)
        )
    with pytest.raises(PermissionDenied):
        feedback_submit(
            membership=team.membership(team.recruiter),
            interview_id=interview.pk,
            data=_complete(interview),
        )


def test_amending_needs_a_reason_and_keeps_every_version(team, loop):
    interviewer = team.membership(team.interviewer)
    interview = loop["interview"]
    feedback_save_draft(
        membership=interviewer, interview_id=interview.pk, data=_complete(interview)
    )
    feedback_submit(membership=interviewer, interview_id=interview.pk)
    with pytest.raises(InvalidInput, match="why"):
        feedback_amend(
            membership=interviewer,
            interview_id=interview.pk,
            data={"recommendation": "no_hire"},
            reason="",
        )
    amended = feedback_amend(
        membership=interviewer,
        interview_id=interview.pk,
        data={"recommendation": "no_hire"},
        reason="Re-read my notes",
    )
    assert amended.revision == 2 and amended.recommendation == "no_hire"
    revisions = FeedbackRevision.objects.filter(feedback=amended).order_by("number")
    assert [r.snapshot["recommendation"] for r in revisions] == ["hire", "no_hire"]
    assert revisions[1].reason == "Re-read my notes"


@pytest.mark.parametrize(
    ("setting", "before_own", "after_own"),
    [
        (FeedbackVisibility.NEVER, 0, 0),
        (FeedbackVisibility.AFTER_OWN, 0, 1),
        (FeedbackVisibility.ALWAYS, 1, 1),
    ],
)
def test_independence_of_scorecards(team, loop, setting, before_own, after_own):
    team.workspace.feedback_visibility = setting
    team.workspace.save()
    interview, second = loop["interview"], loop["second"]
    first = team.membership(team.interviewer)
    other = team.membership(second)
    feedback_save_draft(membership=other, interview_id=interview.pk, data=_complete(interview))
    feedback_submit(membership=other, interview_id=interview.pk)
    application = loop["application"]
    others = [
        f for f in readable_feedback(first, application).shown if f.interviewer_id != first.user_id
    ]
    assert len(others) == before_own
    assert readable_feedback(first, application).hidden == 1 - before_own
    feedback_save_draft(membership=first, interview_id=interview.pk, data=_complete(interview))
    feedback_submit(membership=first, interview_id=interview.pk)
    others = [
        f for f in readable_feedback(first, application).shown if f.interviewer_id != first.user_id
    ]
    assert len(others) == after_own
    # The role's hiring manager and admins always see every submitted scorecard.
    for privileged in (team.hiring_manager, team.admin):
        assert len(readable_feedback(team.membership(privileged), application).shown) == 2


def test_drafts_are_never_shown_to_others(team, loop):
    interview = loop["interview"]
    feedback_save_draft(
        membership=team.membership(loop["second"]),
        interview_id=interview.pk,
        data=_complete(interview),
    )
    assert readable_feedback(team.membership(team.hiring_manager), loop["application"]).shown == []


def test_overdue_and_upcoming(team, loop):
    interviewer = team.membership(team.interviewer)
    owed = owed_scorecards(interviewer)
    assert [o.interview for o in owed] == [loop["interview"]]
    assert len(owed_scorecards(team.membership(team.recruiter), everyone=True)) == 2
    feedback_save_draft(
        membership=interviewer, interview_id=loop["interview"].pk, data=_complete(loop["interview"])
    )
    feedback_submit(membership=interviewer, interview_id=loop["interview"].pk)
    assert owed_scorecards(interviewer) == []
    assert len(owed_scorecards(team.membership(team.recruiter), everyone=True)) == 1
    soon = interview_schedule(
        membership=team.membership(team.recruiter),
        application_id=loop["application"].pk,
        starts_at=timezone.now() + timedelta(hours=3),
        interviewer_ids=[team.interviewer.pk],
    )
    assert upcoming_for(interviewer)[-1] == soon


def test_interviews_are_private_to_their_people(team, loop, other_team):
    with pytest.raises(NotFound):
        access_interview(other_team.membership(other_team.admin), loop["interview"].pk)
    outsider = UserFactory(email="outsider@alpha.test")
    MembershipFactory(user=outsider, workspace=team.workspace, role=MemberRole.INTERVIEWER)
    with pytest.raises(NotFound):
        access_interview(team.membership(outsider), loop["interview"].pk)
    assert access_interview(team.membership(team.hiring_manager), loop["interview"].pk)


def test_malformed_input_is_refused_cleanly(team, loop):
    interviewer = team.membership(team.interviewer)
    for data in ({"ratings": [1, 2]}, {"signals": {"x": "strong"}}, {"questions": ["text"]}):
        with pytest.raises(InvalidInput):
            feedback_save_draft(
                membership=interviewer, interview_id=loop["interview"].pk, data=data
            )
    with pytest.raises(InvalidInput):
        interview_reschedule(
            membership=team.membership(team.recruiter),
            interview_id=loop["interview"].pk,
            starts_at=timezone.now(),
            location="x" * 400,
        )


def test_an_interview_completes_when_everyone_submitted(team, loop):
    interview = loop["interview"]
    first = team.membership(team.interviewer)
    feedback_save_draft(membership=first, interview_id=interview.pk, data=_complete(interview))
    feedback_submit(membership=first, interview_id=interview.pk)
    interview.refresh_from_db()
    assert interview.status == "scheduled"
    second = team.membership(loop["second"])
    feedback_save_draft(membership=second, interview_id=interview.pk, data=_complete(interview))
    feedback_submit(membership=second, interview_id=interview.pk)
    interview.refresh_from_db()
    assert interview.status == "completed"
