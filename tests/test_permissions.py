"""The whole matrix of roles and actions over the API: recruiters manage candidates,
applications and schedules; interviewers see only what they interview and the library; the
role's hiring manager sees everything for the role and decides; admins manage the workspace."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hireloop.hiring.services import application_create, candidate_create, role_create
from hireloop.interviews.services import feedback_save_draft, feedback_submit, interview_schedule
from hireloop.library.models import Scorecard

from .conftest import bearer
from .practical import GRADERS, assign, graded

ROLES = ["admin", "recruiter", "hiring_manager", "interviewer"]


@pytest.fixture
def world(team, settings):
    settings.GRADERS = GRADERS
    recruiter = team.membership(team.recruiter)
    role = role_create(
        membership=recruiter, title="Backend", seniority="mid", hiring_manager=team.hiring_manager
    )
    candidate = candidate_create(membership=recruiter, data={"name": "Jo", "email": "jo@e.test"})
    application = application_create(
        membership=recruiter, candidate_id=candidate.pk, role_id=role.pk
    )
    interview = interview_schedule(
        membership=recruiter,
        application_id=application.pk,
        starts_at=timezone.now() - timedelta(hours=2),
        interviewer_ids=[team.interviewer.pk],
    )
    criteria = interview.scorecard_version.snapshot["criteria"]
    feedback_save_draft(
        membership=team.membership(team.interviewer),
        interview_id=interview.pk,
        data={"ratings": {c["slug"]: 3 for c in criteria}, "recommendation": "hire"},
    )
    feedback_submit(membership=team.membership(team.interviewer), interview_id=interview.pk)
    upcoming = interview_schedule(
        membership=recruiter,
        application_id=application.pk,
        starts_at=timezone.now() + timedelta(days=1),
        interviewer_ids=[team.interviewer.pk],
    )
    other = candidate_create(membership=recruiter, data={"name": "Kim", "email": "kim@e.test"})
    run = graded(assign(team, application, "ecommerce-schema-design"))
    return {
        "assignment": run.submission.assignment,
        "check": run.checks.get(result="fail"),
        "role": role,
        "candidate": candidate,
        "application": application,
        "interview": interview,
        "upcoming": upcoming,
        "other": other,
    }


def _actions(w):
    """(name, method, url, payload, roles allowed). Allowed means a 2xx answer."""
    r, c, a, i = w["role"].pk, w["candidate"].pk, w["application"].pk, w["interview"].pk
    card = Scorecard.objects.get(slug="hr-screen", workspace=None).pk
    soon = (timezone.now() + timedelta(days=2)).isoformat()
    return [
        ("read library", "get", "/api/v1/library/questions?limit=1", None, set(ROLES)),
        (
            "list roles",
            "get",
            f"/api/v1/roles/{r}",
            None,
            {"admin", "recruiter", "hiring_manager", "interviewer"},
        ),
        (
            "open a role",
            "post",
            "/api/v1/roles",
            {"title": "New", "seniority": "mid"},
            {"admin", "recruiter", "hiring_manager"},
        ),
        (
            "change the plan",
            "post",
            f"/api/v1/roles/{r}/stages",
            {"name": "Extra", "scorecard_id": card, "minutes": 30},
            {"admin", "recruiter", "hiring_manager"},
        ),
        ("see the board", "get", f"/api/v1/roles/{r}/board", None, set(ROLES)),
        ("read a candidate", "get", f"/api/v1/candidates/{c}", None, set(ROLES)),
        (
            "read an unrelated candidate",
            "get",
            f"/api/v1/candidates/{w['other'].pk}",
            None,
            {"admin", "recruiter"},
        ),
        (
            "add a candidate",
            "post",
            "/api/v1/candidates",
            {"name": "New", "email": "new@e.test"},
            {"admin", "recruiter"},
        ),
        (
            "edit a candidate",
            "patch",
            f"/api/v1/candidates/{c}",
            {"location": "Oslo"},
            {"admin", "recruiter"},
        ),
        ("read the application", "get", f"/api/v1/applications/{a}", None, set(ROLES)),
        (
            "move the application",
            "post",
            f"/api/v1/applications/{a}/moves",
            {"action": "hold", "version": 1},
            {"admin", "recruiter", "hiring_manager"},
        ),
        (
            "schedule an interview",
            "post",
            "/api/v1/interviews",
            {"application_id": a, "starts_at": soon, "interviewer_ids": [w["interviewer_id"]]},
            {"admin", "recruiter"},
        ),
        (
            "reschedule",
            "post",
            f"/api/v1/interviews/{w['upcoming'].pk}/reschedule",
            {"starts_at": soon},
            {"admin", "recruiter"},
        ),
        ("download the invite", "get", f"/api/v1/interviews/{i}/invite.ics", None, set(ROLES)),
        ("read all scorecards", "get", f"/api/v1/applications/{a}/scorecards", None, set(ROLES)),
        (
            "read the debrief",
            "get",
            f"/api/v1/applications/{a}/debrief",
            None,
            {"admin", "hiring_manager"},
        ),
        (
            "decide",
            "post",
            f"/api/v1/applications/{a}/decisions",
            {"outcome": "another_round", "rationale": "Need one more design round."},
            {"admin", "hiring_manager"},
        ),
        (
            "ask for a focus area",
            "post",
            f"/api/v1/applications/{a}/focus-areas",
            {"competency": "security", "reason": "Probe the threat model."},
            {"admin", "hiring_manager"},
        ),
        ("read own overdue scorecards", "get", "/api/v1/scorecards/owed", None, set(ROLES)),
        (
            "read everyone's overdue scorecards",
            "get",
            "/api/v1/scorecards/owed?everyone=true",
            None,
            {"admin", "recruiter"},
        ),
        (
            "edit decision rules",
            "put",
            f"/api/v1/roles/{r}/rules",
            {"proceed_at": 3.5},
            {"admin", "hiring_manager"},
        ),
        (
            "send a preparation link",
            "post",
            f"/api/v1/applications/{a}/prep-link",
            {"days": 3},
            {"admin", "recruiter"},
        ),
        *_task_actions(w),
    ]


def _task_actions(w):
    a, t, c = w["application"].pk, w["assignment"].pk, w["check"].pk
    reviewers = {"admin", "hiring_manager", "interviewer"}
    return [
        ("list practical tasks", "get", f"/api/v1/applications/{a}/assignments", None, set(ROLES)),
        (
            "assign a practical task",
            "post",
            f"/api/v1/applications/{a}/assignments",
            {"task": "todo-rest-api"},
            {"admin", "recruiter", "hiring_manager"},
        ),
        ("read a practical task", "get", f"/api/v1/assignments/{t}", None, set(ROLES)),
        (
            "override a check",
            "post",
            f"/api/v1/checks/{c}/override",
            {"result": "partial", "points": 1, "reason": "Half of it is there."},
            reviewers,
        ),
        (
            "score a practical task",
            "post",
            f"/api/v1/assignments/{t}/review",
            {"score": 4},
            reviewers,
        ),
        ("grade a practical task again", "post", f"/api/v1/assignments/{t}/regrade", {}, reviewers),
    ]


@pytest.mark.parametrize("who", ROLES)
def test_role_matrix(team, world, who):
    world["interviewer_id"] = team.interviewer.pk
    client = Client()
    client.defaults.update(bearer(getattr(team, who), team.workspace))
    for name, method, url, payload, allowed in _actions(world):
        if payload is None:
            response = getattr(client, method)(url)
        else:
            response = getattr(client, method)(url, payload, content_type="application/json")
        if who in allowed:
            assert 200 <= response.status_code < 300, (
                who,
                name,
                response.status_code,
                response.content[:300],
            )
        else:
            assert response.status_code in (403, 404), (who, name, response.status_code)
            assert response.json()["error"]["code"] in ("forbidden", "not_found")


def test_a_hiring_manager_of_another_role_sees_nothing_of_this_one(team, world):
    from hireloop.accounts.models import MemberRole

    from .factories import MembershipFactory, UserFactory

    stranger = UserFactory(email="other-manager@alpha.test")
    MembershipFactory(user=stranger, workspace=team.workspace, role=MemberRole.HIRING_MANAGER)
    client = Client()
    client.defaults.update(bearer(stranger, team.workspace))
    for url in (
        f"/api/v1/roles/{world['role'].pk}",
        f"/api/v1/applications/{world['application'].pk}",
        f"/api/v1/applications/{world['application'].pk}/debrief",
    ):
        assert client.get(url).status_code == 404, url
