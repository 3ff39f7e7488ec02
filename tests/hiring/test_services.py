"""Roles start from the process template; the pipeline records every move; concurrent moves
of one application cannot both apply."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone

from hireloop.accounts.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from hireloop.hiring.models import Application, SkillCheck, Transition
from hireloop.hiring.selectors import access_application, board, time_in_stages
from hireloop.hiring.services import (
    application_create,
    application_move,
    candidate_create,
    candidate_update,
    plan_stage_move,
    plan_stage_remove,
    role_create,
    role_update,
)
from hireloop.interviews.services import interview_schedule
from hireloop.library.models import StageTemplate


def _role(team, **kwargs):
    return role_create(
        membership=team.membership(team.recruiter),
        title=kwargs.get("title", "Backend engineer"),
        seniority=kwargs.get("seniority", "senior"),
        industry=kwargs.get("industry", "startup"),
        hiring_manager=team.hiring_manager,
    )


def _application(team, role=None, email="ann@example.test"):
    role = role or _role(team)
    candidate = candidate_create(
        membership=team.membership(team.recruiter),
        data={"name": "Ann Example", "email": email, "skills": ["Python", "PostgreSQL"]},
    )
    return application_create(
        membership=team.membership(team.recruiter), candidate_id=candidate.pk, role_id=role.pk
    )


def test_a_new_role_starts_from_the_process_template(team):
    role = _role(team)
    names = list(role.stages.order_by("position").values_list("template__slug", flat=True))
    assert names == list(
        StageTemplate.objects.filter(process_position__isnull=False)
        .order_by("process_position")
        .values_list("slug", flat=True)
    )
    assert all(s.scorecard_version_id for s in role.stages.all())
    checks = SkillCheck.objects.filter(role=role)
    assert checks.count() >= 6
    assert checks.filter(stage__isnull=False).exists()


def test_stages_can_be_reordered_and_removed(team):
    role = _role(team)
    manager = team.membership(team.hiring_manager)
    first, second = role.stages.order_by("position")[:2]
    plan_stage_move(membership=manager, stage_id=first.pk, offset=1)
    assert list(role.stages.order_by("position")[:2]) == [second, first]
    plan_stage_remove(membership=manager, stage_id=first.pk)
    assert list(role.stages.values_list("position", flat=True).order_by("position")) == list(
        range(role.stages.count())
    )
    with pytest.raises(NotFound):  # interviewers outside the plan do not even see the role
        plan_stage_move(membership=team.membership(team.interviewer), stage_id=second.pk, offset=1)
    second.interviewers.add(team.interviewer)
    with pytest.raises(PermissionDenied):
        plan_stage_move(membership=team.membership(team.interviewer), stage_id=second.pk, offset=1)


def test_candidate_email_is_unique_in_a_workspace(team, other_team):
    recruiter = team.membership(team.recruiter)
    candidate_create(membership=recruiter, data={"name": "Bo", "email": "Bo@Example.test"})
    with pytest.raises(Conflict, match="already has this email"):
        candidate_create(membership=recruiter, data={"name": "Bob", "email": "bo@example.test"})
    candidate_create(
        membership=other_team.membership(other_team.recruiter),
        data={"name": "Bo", "email": "bo@example.test"},
    )
    with pytest.raises(InvalidInput) as exc:
        candidate_create(membership=recruiter, data={"name": "", "email": "not-an-email"})
    assert {"name", "email"} <= set(exc.value.field_errors)
    with pytest.raises(PermissionDenied):
        candidate_create(membership=team.membership(team.interviewer), data={"name": "X"})


def test_second_application_for_the_same_role_is_refused(team):
    application = _application(team)
    with pytest.raises(Conflict, match="already applied"):
        application_create(
            membership=team.membership(team.recruiter),
            candidate_id=application.candidate_id,
            role_id=application.role_id,
        )


def test_the_pipeline_records_every_move(team):
    application = _application(team)
    recruiter = team.membership(team.recruiter)
    stages = list(application.role.stages.order_by("position"))
    moved = application_move(
        membership=recruiter, application_id=application.pk, action="advance", version=1
    )
    assert (moved.stage, moved.version) == (stages[1], 2)
    moved = application_move(
        membership=recruiter, application_id=moved.pk, action="hold", version=2
    )
    assert moved.status == "on_hold"
    with pytest.raises(Conflict, match="only active"):
        application_move(membership=recruiter, application_id=moved.pk, action="advance", version=3)
    moved = application_move(
        membership=recruiter, application_id=moved.pk, action="resume", version=3
    )
    moved = application_move(
        membership=recruiter, application_id=moved.pk, action="back", version=4
    )
    assert moved.stage == stages[0]
    with pytest.raises(InvalidInput, match="reason"):
        application_move(membership=recruiter, application_id=moved.pk, action="reject", version=5)
    moved = application_move(
        membership=recruiter,
        application_id=moved.pk,
        action="reject",
        version=5,
        reason="skills",
        note="Could not reason about indexes.",
    )
    assert moved.status == "rejected"
    actions = list(Transition.objects.filter(application=moved).values_list("action", flat=True))
    assert actions == ["create", "advance", "hold", "resume", "back", "reject"]
    last = Transition.objects.filter(application=moved).last()
    assert (last.reason, last.actor, last.from_status) == ("skills", team.recruiter, "active")
    spans = time_in_stages(access_application(recruiter, moved.pk))
    assert [name for name, _ in spans] == [stages[0].name, stages[1].name, stages[0].name]


def test_only_deciders_hire_and_only_from_the_last_stage(team):
    application = _application(team)
    manager = team.membership(team.hiring_manager)
    with pytest.raises(Conflict, match="last stage"):
        application_move(
            membership=manager, application_id=application.pk, action="hire", version=1
        )
    with pytest.raises(PermissionDenied):
        application_move(
            membership=team.membership(team.recruiter),
            application_id=application.pk,
            action="hire",
            version=1,
        )
    count = application.role.stages.count()
    for version in range(1, count):
        application_move(
            membership=manager, application_id=application.pk, action="advance", version=version
        )
    hired = application_move(
        membership=manager, application_id=application.pk, action="hire", version=count
    )
    assert hired.status == "hired"


def test_a_stale_version_gets_a_conflict_with_the_current_state(team):
    application = _application(team)
    recruiter = team.membership(team.recruiter)
    application_move(
        membership=recruiter, application_id=application.pk, action="advance", version=1
    )
    with pytest.raises(Conflict) as exc:
        application_move(
            membership=recruiter,
            application_id=application.pk,
            action="reject",
            version=1,
            reason="skills",
        )
    assert "Someone else changed this application first" in exc.value.message
    assert exc.value.field_errors == {"version": ["2"]}


def test_interviewers_cannot_move_or_see_unrelated_applications(team):
    application = _application(team)
    interviewer = team.membership(team.interviewer)
    with pytest.raises(NotFound):
        access_application(interviewer, application.pk)
    stage = application.role.stages.first()
    stage.interviewers.add(team.interviewer)
    with pytest.raises(NotFound):  # being in the pool is not interviewing this candidate
        access_application(interviewer, application.pk)
    interview_schedule(
        membership=team.membership(team.recruiter),
        application_id=application.pk,
        starts_at=timezone.now(),
        interviewer_ids=[team.interviewer.pk],
    )
    assert access_application(interviewer, application.pk) == application
    with pytest.raises(PermissionDenied):
        application_move(
            membership=interviewer, application_id=application.pk, action="advance", version=1
        )


def test_board_has_a_column_per_stage(team, django_assert_max_num_queries):
    role = _role(team)
    for i in range(5):
        _application(team, role=role, email=f"c{i}@example.test")
    membership = team.membership(team.recruiter)
    with django_assert_max_num_queries(4):
        columns = board(membership, role)
    assert len(columns) == role.stages.count()
    assert sum(len(c.cards) for c in columns) == 5 and len(columns[0].cards) == 5


@pytest.mark.django_db(transaction=True)
def test_two_people_moving_at_the_same_moment_exactly_one_wins(team, reload_library):
    application = _application(team)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def move(user, action):
        membership = team.membership(user)
        barrier.wait()
        try:
            application_move(
                membership=membership,
                application_id=application.pk,
                action=action,
                version=1,
                reason="skills" if action == "reject" else "",
            )
            outcomes.append(action)
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=move, args=(team.recruiter, "advance")),
        threading.Thread(target=move, args=(team.admin, "reject")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) in (["advance", "conflict"], ["conflict", "reject"])
    application.refresh_from_db()
    assert application.version == 2
    assert Transition.objects.filter(application=application).count() == 2
    winner = next(o for o in outcomes if o != "conflict")
    assert application.status == ("rejected" if winner == "reject" else "active")


def test_changing_a_candidate_keeps_search_current(team):
    recruiter = team.membership(team.recruiter)
    candidate = candidate_create(membership=recruiter, data={"name": "Cy", "email": "cy@e.test"})
    candidate_update(membership=recruiter, candidate_id=candidate.pk, data={"skills": ["Kafka"]})
    candidate.refresh_from_db()
    assert "kafka" in candidate.search_document
    assert Application.objects.count() == 0


def test_hiring_manager_must_belong_to_the_workspace(team, other_team):
    with pytest.raises(InvalidInput, match="hiring manager"):
        role_create(
            membership=team.membership(team.recruiter),
            title="X",
            seniority="mid",
            hiring_manager=other_team.hiring_manager,
        )
    with pytest.raises(InvalidInput, match="hiring manager"):
        role_create(
            membership=team.membership(team.recruiter),
            title="X",
            seniority="mid",
            hiring_manager=team.interviewer,
        )


def test_a_hiring_manager_opens_roles_they_manage_and_may_hand_one_over(team):
    from hireloop.accounts.models import MemberRole

    from ..factories import MembershipFactory, UserFactory

    colleague = UserFactory(email="other-hm@alpha.test")
    MembershipFactory(user=colleague, workspace=team.workspace, role=MemberRole.HIRING_MANAGER)
    manager = team.membership(team.hiring_manager)
    # The page offers only themselves; the service holds the same rule for the API.
    with pytest.raises(InvalidInput, match="hiring manager"):
        role_create(membership=manager, title="X", seniority="mid", hiring_manager=colleague)
    role = role_create(membership=manager, title="Y", seniority="mid")
    assert role.hiring_manager_id == team.hiring_manager.pk
    handed = role_update(
        membership=manager, role_id=role.pk, data={"hiring_manager_id": colleague.pk}
    )
    assert handed.hiring_manager_id == colleague.pk
