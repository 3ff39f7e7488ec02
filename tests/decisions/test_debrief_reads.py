"""The debrief's prepared reads give what the ORM would have loaded, and the suggestion's faster
internals decide exactly as the standard library did."""

from __future__ import annotations

import random
import statistics
from dataclasses import astuple
from datetime import timedelta

import pytest
from django.utils import timezone

from hireloop.accounts.models import MemberRole
from hireloop.decisions.models import Decision, FocusArea
from hireloop.decisions.selectors import debrief, focus_areas_for
from hireloop.decisions.services import decision_record, focus_area_request
from hireloop.decisions.suggest import Evidence, Rating, _card_key, _mean
from hireloop.hiring.services import application_create, candidate_create, role_create
from hireloop.interviews.models import Feedback
from hireloop.interviews.services import feedback_save_draft, feedback_submit, interview_schedule

from ..factories import MembershipFactory, UserFactory


@pytest.fixture
def decided(team):
    """Two submitted scorecards (one draft left out), two focus areas and two decisions, the
    older by someone removed since."""
    recruiter = team.membership(team.recruiter)
    second = UserFactory(email="two@alpha.test", full_name="")
    third = UserFactory(email="three@alpha.test", full_name="Theo Third")
    for user in (second, third):
        MembershipFactory(user=user, workspace=team.workspace, role=MemberRole.INTERVIEWER)
    leaver = UserFactory(email="leaver@alpha.test", full_name="Lee Leaver")
    MembershipFactory(user=leaver, workspace=team.workspace, role=MemberRole.HIRING_MANAGER)
    role = role_create(
        membership=recruiter,
        title="API engineer",
        seniority="senior",
        industry="enterprise",
        hiring_manager=leaver,
    )
    candidate = candidate_create(membership=recruiter, data={"name": "Gil", "email": "g@e.test"})
    application = application_create(
        membership=recruiter, candidate_id=candidate.pk, role_id=role.pk
    )
    later = interview_schedule(
        membership=recruiter,
        application_id=application.pk,
        starts_at=timezone.now() - timedelta(hours=1),
        interviewer_ids=[team.interviewer.pk, third.pk],
    )
    earlier = interview_schedule(
        membership=recruiter,
        application_id=application.pk,
        starts_at=timezone.now() - timedelta(hours=3),
        interviewer_ids=[second.pk],
    )
    for user, interview, score, submit in (
        (team.interviewer, later, 4, True),
        (second, earlier, 2, True),
        (third, later, 5, False),
    ):
        criteria = interview.scorecard_version.snapshot["criteria"]
        feedback_save_draft(
            membership=team.membership(user),
            interview_id=interview.pk,
            data={
                "ratings": {c["slug"]: score for c in criteria},
                "recommendation": "hire" if score > 3 else "no_hire",
                "red_flags": ["Late without notice"] if score < 3 else [],
            },
        )
        if submit:
            feedback_submit(membership=team.membership(user), interview_id=interview.pk)
    for competency in ("security", "databases"):
        focus_area_request(
            membership=team.membership(team.admin),
            application_id=application.pk,
            competency=competency,
            reason=f"Probe {competency}",
        )
    for user, outcome in ((leaver, "no_hire"), (team.admin, "another_round")):
        decision_record(
            membership=team.membership(user),
            application_id=application.pk,
            outcome=outcome,
            rationale=f"{outcome} for now, see the notes.",
        )
    leaver.delete()
    # Newest first must not depend on the order the rows were written in.
    FocusArea.objects.filter(competency__slug="security").update(
        created_at=timezone.now() + timedelta(minutes=1)
    )
    return application


def test_the_scorecards_are_loaded_as_the_orm_would(team, decided):
    report = debrief(team.membership(team.admin), decided.pk)
    expected = list(
        Feedback.objects.filter(interview__application=decided, status="submitted")
        .select_related("interviewer", "interview__stage", "interview__scorecard_version")
        .order_by("interview__starts_at", "submitted_at")
    )
    assert [f.pk for f in report.feedback] == [f.pk for f in expected]
    assert [f.interviewer.email for f in report.feedback] == [
        "two@alpha.test",
        "interviewer@alpha.test",
    ]
    for got, want in zip(report.feedback, expected, strict=True):
        assert (got.interviewer.display_name, str(got.interviewer)) == (
            want.interviewer.display_name,
            str(want.interviewer),
        )
        assert (got.recommendation, got.ratings, got.red_flags, got.submitted_at) == (
            want.recommendation,
            want.ratings,
            want.red_flags,
            want.submitted_at,
        )
        assert got.interview.stage.name == want.interview.stage.name
        assert got.interview.scorecard_version.snapshot == want.interview.scorecard_version.snapshot
    # What the debrief did not read is read when asked for, not missing.
    assert report.feedback[0].notes == expected[0].notes
    assert report.red_flags == [("Late without notice", "two", False)]


def test_focus_areas_and_decisions_newest_first_with_who_asked(team, decided):
    report = debrief(team.membership(team.admin), decided.pk)
    assert [(f.competency.slug, f.competency.name, f.reason) for f in report.focus_areas] == [
        (f.competency.slug, f.competency.name, f.reason)
        for f in FocusArea.objects.filter(application=decided).order_by("-created_at")
    ]
    assert [f.competency.slug for f in report.focus_areas] == ["security", "databases"]
    assert [str(f.requested_by) for f in focus_areas_for(decided)] == [str(team.admin)] * 2
    assert [(d.outcome, d.decided_by) for d in report.decisions] == [
        ("another_round", team.admin),
        ("no_hire", None),
    ]
    latest = Decision.objects.get(pk=report.decisions[0].pk)
    assert report.decisions[0].decided_by.display_name == latest.decided_by.display_name
    assert (
        report.decisions[0].rationale,
        report.decisions[0].suggestion,
        report.decisions[0].at,
    ) == (
        latest.rationale,
        latest.suggestion,
        latest.at,
    )


def test_the_card_key_orders_as_astuple_did():
    rng = random.Random(7)
    cards = [
        Evidence(
            interviewer=rng.choice(["Ann", "Bo"]),
            stage=rng.choice(["HR", "Tech"]),
            recommendation=rng.choice(["hire", "no_hire"]),
            ratings=tuple(
                Rating(criterion=c, competency=rng.choice(["a", "b"]), score=rng.randint(1, 5))
                for c in rng.sample(["x", "y", "z"], rng.randint(0, 3))
            ),
            red_flags=tuple(rng.sample(["late", "rude"], rng.randint(0, 2))),
        )
        for _ in range(200)
    ]
    assert [_card_key(c) for c in cards] == [astuple(c) for c in cards]
    assert sorted(cards, key=_card_key) == sorted(cards, key=astuple)


def test_the_mean_of_scores_is_the_standard_librarys():
    rng = random.Random(11)
    for _ in range(2000):
        scores = [rng.randint(1, 5) for _ in range(rng.randint(1, 12))]
        assert _mean(scores) == statistics.mean(scores)
