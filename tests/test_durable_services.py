"""The outermost write of each service is a durable transaction, so no service may call
another public one. Tests in ``db`` run inside atomic blocks where Django skips the
durability check; here, in a transactional test, a nested durable block raises RuntimeError."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from hireloop.accounts.models import AuditEvent, AuditVerb, FeedbackVisibility, Membership
from hireloop.accounts.services import (
    api_token_create,
    api_token_revoke,
    membership_set,
    user_create,
    workspace_create,
    workspace_update,
)
from hireloop.assessments.models import GradingRun, RunStatus
from hireloop.assessments.services import assignment_create, submission_create
from hireloop.decisions.services import decision_record, focus_area_request
from hireloop.hiring.services import (
    application_create,
    application_move,
    candidate_create,
    plan_stage_update,
    role_create,
)
from hireloop.interviews.services import feedback_save_draft, feedback_submit, interview_schedule
from hireloop.library.models import PracticalTask, Question
from hireloop.library.services import question_copy

from .practical import DDL, GRADERS


@pytest.mark.django_db(transaction=True)
def test_public_services_open_one_durable_transaction_each(team, reload_library, settings):
    settings.GRADERS = GRADERS  # the submission is graded on commit, at once
    assert not connection.in_atomic_block, "durability is checked only outside atomic blocks"
    admin, recruiter = team.membership(team.admin), team.membership(team.recruiter)
    manager, interviewer = team.membership(team.hiring_manager), team.membership(team.interviewer)

    owner = user_create(email="owner@gamma.test", password="a-long-pass-phrase")
    gamma = workspace_create(name="Gamma", slug="gamma", owner=owner)
    membership_set(workspace=gamma, user=team.recruiter, role="recruiter", actor=owner)
    workspace_update(
        membership=admin, name="Alpha Two", feedback_visibility=FeedbackVisibility.ALWAYS
    )
    token, _ = api_token_create(workspace=team.workspace, user=team.admin, name="ci")
    api_token_revoke(membership=admin, token_id=token.pk)
    question_copy(membership=admin, question_id=Question.objects.filter(workspace=None)[0].pk)

    role = role_create(
        membership=recruiter, title="Backend", seniority="mid", hiring_manager=team.hiring_manager
    )
    stage = role.stages.order_by("position")[0]
    plan_stage_update(membership=admin, stage_id=stage.pk, interviewer_ids=[team.interviewer.pk])
    candidate = candidate_create(membership=recruiter, data={"name": "Flo", "email": "f@e.test"})
    application = application_create(
        membership=recruiter, candidate_id=candidate.pk, role_id=role.pk
    )
    interview = interview_schedule(
        membership=recruiter,
        application_id=application.pk,
        starts_at=timezone.now() - timedelta(hours=2),
        interviewer_ids=[team.interviewer.pk],
    )
    ratings = {c["slug"]: 4 for c in interview.scorecard_version.snapshot["criteria"]}
    feedback_save_draft(membership=interviewer, interview_id=interview.pk, data={"notes": "So far"})
    feedback_submit(
        membership=interviewer,
        interview_id=interview.pk,
        data={"ratings": ratings, "recommendation": "hire", "notes": "Solid."},
    )
    focus_area_request(
        membership=manager,
        application_id=application.pk,
        competency="system-design",
        reason="Probe the design depth.",
    )
    decision_record(
        membership=manager,
        application_id=application.pk,
        outcome="another_round",
        rationale="One more round on system design.",
    )
    application_move(
        membership=recruiter, application_id=application.pk, action="advance", version=1
    )
    assignment = assignment_create(
        membership=recruiter,
        application_id=application.pk,
        task_id=PracticalTask.objects.get(slug="ecommerce-schema-design").pk,
        deadline=timezone.now() + timedelta(days=3),
    )
    submission_create(assignment=assignment, text=DDL)

    assert GradingRun.objects.get(submission__assignment=assignment).status == RunStatus.DONE
    assert set(AuditEvent.objects.values_list("verb", flat=True)) >= {
        AuditVerb.WORKSPACE_CREATE,
        AuditVerb.MEMBERSHIP_SET,
        AuditVerb.SCORECARD_SUBMIT,
        AuditVerb.APPLICATION_ADVANCE,
        AuditVerb.GRADING_RUN_DONE,
    }
    assert Membership.objects.get(workspace=gamma, user=owner).role == "admin"


@pytest.mark.django_db(transaction=True)
def test_a_service_called_inside_another_transaction_is_refused(team, reload_library):
    """The check the test above relies on: a service in a caller's atomic block fails."""
    recruiter = team.membership(team.recruiter)
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        candidate_create(membership=recruiter, data={"name": "Flo", "email": "f@e.test"})
