"""One application's practical tasks go to those who may see the application, and to no one
else: the prepared visibility check gives what visible_assignments does."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from hireloop.assessments.selectors import application_assignments, visible_assignments
from hireloop.hiring.services import application_create, candidate_create, role_create
from hireloop.interviews.services import interview_schedule

from ..factories import MembershipFactory, UserFactory
from .conftest import assign


def test_only_those_who_see_the_application_get_its_tasks(team, other_team, application):
    first = assign(team, application, "ecommerce-schema-design")
    second = assign(team, application, "ecommerce-schema-design")
    recruiter = team.membership(team.recruiter)
    other_role = role_create(
        membership=recruiter, title="Data engineer", seniority="mid", hiring_manager=None
    )
    candidate = candidate_create(membership=recruiter, data={"name": "Eve", "email": "e@e.test"})
    elsewhere = application_create(
        membership=recruiter, candidate_id=candidate.pk, role_id=other_role.pk
    )
    assign(team, elsewhere, "ecommerce-schema-design")
    outsider = UserFactory(email="hm2@alpha.test")
    other_manager = MembershipFactory(
        user=outsider, workspace=team.workspace, role="hiring_manager"
    )

    newest_first = [second.pk, first.pk]
    for user in (team.admin, team.recruiter, team.hiring_manager):
        found = application_assignments(team.membership(user), application)
        assert [a.pk for a in found] == newest_first, user.email
        assert found[0].task.name and list(found[0].submissions.all()) == []
    # An interviewer sees the tasks once they interview the candidate, not before.
    interviewer = team.membership(team.interviewer)
    assert application_assignments(interviewer, application) == []
    interview_schedule(
        membership=recruiter,
        application_id=application.pk,
        starts_at=timezone.now() + timedelta(days=1),
        interviewer_ids=[team.interviewer.pk],
    )
    assert [a.pk for a in application_assignments(interviewer, application)] == newest_first
    for membership in (other_manager, other_team.membership(other_team.admin)):
        assert application_assignments(membership, application) == []
        assert not visible_assignments(membership).filter(application=application).exists()
