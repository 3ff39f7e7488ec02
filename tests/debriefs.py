"""The application the debrief tests score: a senior enterprise role, one interview an hour ago
held by the team's interviewer and a second interviewer, and their scorecards."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.utils import timezone

from hireloop.accounts.models import MemberRole, User
from hireloop.hiring.models import Application
from hireloop.hiring.services import application_create, candidate_create, role_create
from hireloop.interviews.models import Interview
from hireloop.interviews.services import feedback_save_draft, feedback_submit, interview_schedule

from .factories import MembershipFactory, UserFactory


def two_interviewer_application(
    team, *, candidate: str, second_name: str
) -> tuple[Application, Interview, User]:
    """The application, its interview and the second interviewer (two@<workspace>.test)."""
    recruiter = team.membership(team.recruiter)
    second = UserFactory(email="two@alpha.test", full_name=second_name)
    MembershipFactory(user=second, workspace=team.workspace, role=MemberRole.INTERVIEWER)
    role = role_create(
        membership=recruiter,
        title="API engineer",
        seniority="senior",
        industry="enterprise",
        hiring_manager=team.hiring_manager,
    )
    person = candidate_create(membership=recruiter, data={"name": candidate, "email": "gil@e.test"})
    application = application_create(membership=recruiter, candidate_id=person.pk, role_id=role.pk)
    interview = interview_schedule(
        membership=recruiter,
        application_id=application.pk,
        starts_at=timezone.now() - timedelta(hours=1),
        interviewer_ids=[team.interviewer.pk, second.pk],
    )
    return application, interview, second


def submit_scorecard(
    team,
    user: User,
    interview: Interview,
    *,
    ratings: dict[str, int],
    recommendation: str,
    red_flags: Sequence[str] = (),
) -> None:
    """Fill in ``user``'s scorecard as a draft, then submit it, as the scorecard page does."""
    membership = team.membership(user)
    feedback_save_draft(
        membership=membership,
        interview_id=interview.pk,
        data={"ratings": ratings, "recommendation": recommendation, "red_flags": list(red_flags)},
    )
    feedback_submit(membership=membership, interview_id=interview.pk)


def disagreeing_scorecards(team, interview: Interview, second: User) -> str:
    """The team's interviewer rates the first criterion's competency 2 and says no hire; the
    second rates it 5, says hire and notes a red flag; both rate the rest 4. Returns that
    competency."""
    criteria = interview.scorecard_version.snapshot["criteria"]
    focus = criteria[0]["competency"]
    for user, first_score, recommendation in (
        (team.interviewer, 2, "no_hire"),
        (second, 5, "hire"),
    ):
        submit_scorecard(
            team,
            user,
            interview,
            ratings={c["slug"]: first_score if c["competency"] == focus else 4 for c in criteria},
            recommendation=recommendation,
            red_flags=["Late without notice"] if user == second else [],
        )
    return focus
