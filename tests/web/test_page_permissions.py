"""The roles x actions matrix for pages: what each role may open and do in the browser."""

from __future__ import annotations

import pytest

from hireloop.hiring.models import Application, Candidate, Role
from hireloop.hiring.services import application_create, candidate_create, role_create
from hireloop.interviews.services import interview_schedule

from ..conftest import signed_in

ROLES = ["admin", "recruiter", "hiring_manager", "interviewer"]


@pytest.fixture
def world(team):
    from django.utils import timezone

    recruiter = team.membership(team.recruiter)
    role = role_create(
        membership=recruiter, title="Backend", seniority="mid", hiring_manager=team.hiring_manager
    )
    candidate = candidate_create(membership=recruiter, data={"name": "Lu", "email": "lu@e.test"})
    application = application_create(
        membership=recruiter, candidate_id=candidate.pk, role_id=role.pk
    )
    interview_schedule(
        membership=recruiter,
        application_id=application.pk,
        starts_at=timezone.now(),
        interviewer_ids=[team.interviewer.pk],
    )
    return {"role": role, "candidate": candidate, "application": application}


def _actions(w):
    r, c, a = w["role"].pk, w["candidate"].pk, w["application"].pk
    return [
        ("open the roles list", "get", "/roles/", None, set(ROLES)),
        ("open the board", "get", f"/roles/{r}/", None, set(ROLES)),
        (
            "open the new-role form",
            "get",
            "/roles/new/",
            None,
            {"admin", "recruiter", "hiring_manager"},
        ),
        (
            "open a role",
            "post",
            "/roles/new/",
            {"title": "Made here", "seniority": "mid"},
            {"admin", "recruiter", "hiring_manager"},
        ),
        ("open the candidate list", "get", "/candidates/", None, set(ROLES)),
        ("open the new-candidate form", "get", "/candidates/new/", None, {"admin", "recruiter"}),
        (
            "add a candidate",
            "post",
            "/candidates/new/",
            {"name": "Mo", "email": "mo@e.test"},
            {"admin", "recruiter"},
        ),
        ("open the candidate", "get", f"/candidates/{c}/", None, set(ROLES)),
        (
            "edit the candidate",
            "post",
            f"/candidates/{c}/edit/",
            {"name": "Lu Renamed", "email": "lu@e.test"},
            {"admin", "recruiter"},
        ),
        ("open the application", "get", f"/applications/{a}/", None, set(ROLES)),
        (
            "move the application",
            "post",
            f"/applications/{a}/move/",
            {"action": "hold", "version": 1},
            {"admin", "recruiter", "hiring_manager"},
        ),
    ]


@pytest.mark.parametrize("who", ROLES)
def test_page_matrix(team, world, who):
    client = signed_in(getattr(team, who))
    for name, method, url, data, allowed in _actions(world):
        response = client.get(url) if method == "get" else client.post(url, data)
        if who in allowed:
            assert response.status_code in (200, 302), (who, name, response.status_code)
        else:
            assert response.status_code in (403, 404), (who, name, response.status_code)
    # What the writes did, or did not do.
    made = Role.objects.filter(title="Made here").exists()
    assert made == (who in {"admin", "recruiter", "hiring_manager"})
    assert Candidate.objects.filter(email="mo@e.test").exists() == (who in {"admin", "recruiter"})
    held = Application.objects.get(pk=world["application"].pk).status == "on_hold"
    assert held == (who in {"admin", "recruiter", "hiring_manager"})
