"""Roles, plans, candidates and the pipeline through the API, with typed errors."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hireloop.library.models import Scorecard

from ..conftest import bearer


def _client(team, user) -> Client:
    client = Client()
    client.defaults.update(bearer(user, team.workspace))
    return client


def _json(client, method, url, payload=None):
    return getattr(client, method)(url, payload, content_type="application/json")


def _role(client, **extra):
    response = _json(
        client,
        "post",
        "/api/v1/roles",
        {"title": "Platform engineer", "seniority": "senior", "industry": "enterprise", **extra},
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_roles_and_their_plans(team):
    recruiter = _client(team, team.recruiter)
    role = _role(recruiter, hiring_manager_id=team.hiring_manager.pk)
    assert [s["position"] for s in role["stages"]] == list(range(len(role["stages"])))
    assert role["hiring_manager"]["id"] == team.hiring_manager.pk
    assert any(c["stage_id"] for c in role["skill_checks"])
    card = Scorecard.objects.get(slug="technical-phone-screen", workspace=None)
    added = _json(
        recruiter,
        "post",
        f"/api/v1/roles/{role['id']}/stages",
        {"name": "Phone screen", "scorecard_id": card.pk, "minutes": 45},
    )
    assert added.status_code == 201
    stage = added.json()["stages"][-1]
    assert stage["name"] == "Phone screen" and stage["scorecard_id"] == card.pk
    moved = _json(recruiter, "post", f"/api/v1/stages/{stage['id']}/move", {"offset": -10})
    assert moved.json()["stages"][0]["id"] == stage["id"]
    patched = _json(
        recruiter,
        "patch",
        f"/api/v1/stages/{stage['id']}",
        {"interviewer_ids": [team.interviewer.pk], "minutes": 30},
    )
    first = patched.json()["stages"][0]
    assert first["minutes"] == 30 and first["interviewers"][0]["id"] == team.interviewer.pk
    assert recruiter.delete(f"/api/v1/stages/{stage['id']}").status_code == 204
    assert (
        _json(recruiter, "patch", f"/api/v1/roles/{role['id']}", {"status": "on_hold"}).json()[
            "status"
        ]
        == "on_hold"
    )
    listing = recruiter.get("/api/v1/roles?status=on_hold").json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == role["id"]
    assert recruiter.get("/api/v1/roles?status=nonsense").status_code == 422


def test_permissions_on_roles(team):
    interviewer = _client(team, team.interviewer)
    response = _json(interviewer, "post", "/api/v1/roles", {"title": "X", "seniority": "mid"})
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    role = _role(_client(team, team.recruiter))
    assert interviewer.get(f"/api/v1/roles/{role['id']}").status_code == 404
    bad = _json(
        _client(team, team.recruiter),
        "post",
        "/api/v1/roles",
        {"title": "X", "seniority": "mid", "industry": "space-pirates"},
    )
    assert bad.status_code == 400 and "industry" in bad.json()["error"]["fields"]


def test_candidates_and_resumes(team):
    recruiter = _client(team, team.recruiter)
    created = _json(
        recruiter,
        "post",
        "/api/v1/candidates",
        {"name": "Dee Coder", "email": "Dee@Example.test", "skills": ["Go", "Kafka"]},
    )
    assert created.status_code == 201
    candidate = created.json()
    assert candidate["email"] == "dee@example.test"
    duplicate = _json(
        recruiter, "post", "/api/v1/candidates", {"name": "D", "email": "dee@example.test"}
    )
    assert duplicate.status_code == 409 and "email" in duplicate.json()["error"]["fields"]
    upload = recruiter.post(
        f"/api/v1/candidates/{candidate['id']}/resume",
        {"resume": SimpleUploadedFile("cv.txt", b"Dee Coder\nBuilt a Kafka consumer in Rust.")},
    )
    assert upload.status_code == 200 and upload.json()["resume_kind"] == "txt"
    found = recruiter.get("/api/v1/candidates?q=rust").json()
    assert [c["id"] for c in found["items"]] == [candidate["id"]]
    junk = recruiter.post(
        f"/api/v1/candidates/{candidate['id']}/resume",
        {"resume": SimpleUploadedFile("cv.pdf", b"\x00\x01\x02 definitely not a pdf")},
    )
    assert junk.status_code == 400 and "resume" in junk.json()["error"]["fields"]
    patched = _json(
        recruiter, "patch", f"/api/v1/candidates/{candidate['id']}", {"level": "senior"}
    )
    assert patched.json()["level"] == "senior"


def test_the_pipeline_through_the_api(team):
    recruiter = _client(team, team.recruiter)
    role = _role(recruiter)
    candidate = _json(
        recruiter, "post", "/api/v1/candidates", {"name": "Eve", "email": "eve@e.test"}
    ).json()
    created = _json(
        recruiter,
        "post",
        "/api/v1/applications",
        {"candidate_id": candidate["id"], "role_id": role["id"]},
    )
    assert created.status_code == 201
    application = created.json()
    assert application["version"] == 1 and application["transitions"][0]["action"] == "create"
    again = _json(
        recruiter,
        "post",
        "/api/v1/applications",
        {"candidate_id": candidate["id"], "role_id": role["id"]},
    )
    assert again.status_code == 409
    url = f"/api/v1/applications/{application['id']}/moves"
    moved = _json(recruiter, "post", url, {"action": "advance", "version": 1})
    assert moved.status_code == 200 and moved.json()["version"] == 2
    stale = _json(recruiter, "post", url, {"action": "advance", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["error"]["fields"]["version"] == ["2"]
    assert "Someone else changed" in stale.json()["error"]["message"]
    no_reason = _json(recruiter, "post", url, {"action": "reject", "version": 2})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["error"]["fields"]
    assert _json(recruiter, "post", url, {"action": "teleport", "version": 2}).status_code == 422
    rejected = _json(recruiter, "post", url, {"action": "reject", "version": 2, "reason": "level"})
    assert rejected.json()["status"] == "rejected"
    listing = recruiter.get(f"/api/v1/applications?role={role['id']}&status=rejected").json()
    assert listing["count"] == 1
    board = recruiter.get(f"/api/v1/roles/{role['id']}/board").json()
    assert len(board) == len(role["stages"]) and all(not c["cards"] for c in board)
