from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from hireloop.assessments.services import assignment_create
from hireloop.hiring.services import application_create, candidate_create, role_create
from hireloop.library.models import PracticalTask


@pytest.fixture
def application(team):
    recruiter = team.membership(team.recruiter)
    role = role_create(
        membership=recruiter,
        title="Backend engineer",
        seniority="mid",
        industry="startup",
        hiring_manager=team.hiring_manager,
    )
    candidate = candidate_create(
        membership=recruiter, data={"name": "Dana Diaz", "email": "dana@example.test"}
    )
    return application_create(membership=recruiter, candidate_id=candidate.pk, role_id=role.pk)


def assign(team, application, slug: str):
    task = PracticalTask.objects.get(slug=slug)
    return assignment_create(
        membership=team.membership(team.recruiter),
        application_id=application.pk,
        task_id=task.pk,
        deadline=timezone.now() + timedelta(days=3),
    )


@pytest.fixture
def schema_assignment(team, application):
    return assign(team, application, "ecommerce-schema-design")


@pytest.fixture
def api_assignment(team, application):
    return assign(team, application, "todo-rest-api")
