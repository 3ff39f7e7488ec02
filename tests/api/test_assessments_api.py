"""The practical tasks API: assigning, reading an assignment with its grading, the reviewer's
score (which ends the blind review), overriding a check and grading again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hireloop.assessments.models import Assignment, GradingRun
from hireloop.hiring.services import application_create, candidate_create, role_create
from hireloop.interviews.services import interview_schedule
from hireloop.library.models import PracticalTask

from ..conftest import bearer
from ..practical import EVIDENCE, GRADERS, assign, graded, hand_in

NAME = "Noor Haddad"


@pytest.fixture(autouse=True)
def _fake_graders(settings):
    settings.GRADERS = GRADERS


@pytest.fixture
def application(team):
    recruiter = team.membership(team.recruiter)
    role = role_create(
        membership=recruiter,
        title="API engineer",
        seniority="mid",
        hiring_manager=team.hiring_manager,
    )
    candidate = candidate_create(membership=recruiter, data={"name": NAME, "email": "noor@e.test"})
    application = application_create(
        membership=recruiter, candidate_id=candidate.pk, role_id=role.pk
    )
    interview_schedule(
        membership=recruiter,
        application_id=application.pk,
        starts_at=timezone.now() + timedelta(days=3),
        interviewer_ids=[team.interviewer.pk],
    )
    return application


def _client(team, who: str) -> Client:
    client = Client()
    client.defaults.update(bearer(getattr(team, who), team.workspace))
    return client


def test_assign_by_slug_or_id(team, application):
    client = _client(team, "recruiter")
    url = f"/api/v1/applications/{application.pk}/assignments"
    response = client.post(url, {"task": "todo-rest-api"}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["task"]["slug"] == "todo-rest-api" and body["task"]["grader"] == "api"
    assert body["state"] == "waiting" and body["submission"] is None and body["run"] is None
    assert body["portal_url"].startswith("http://testserver/portal/")
    schema = PracticalTask.objects.get(slug="ecommerce-schema-design")
    deadline = (timezone.now() + timedelta(days=10)).isoformat()
    response = client.post(
        url, {"task": schema.pk, "deadline": deadline}, content_type="application/json"
    )
    assert response.status_code == 201
    assert Assignment.objects.get(pk=response.json()["id"]).task == schema
    listed = client.get(url).json()
    assert {a["task"]["slug"] for a in listed} == {"todo-rest-api", "ecommerce-schema-design"}


def test_assign_errors_have_the_typed_body(team, application):
    client = _client(team, "recruiter")
    url = f"/api/v1/applications/{application.pk}/assignments"
    unknown = client.post(url, {"task": "no-such-task"}, content_type="application/json")
    assert unknown.status_code == 400
    assert unknown.json()["error"] == {
        "code": "invalid",
        "message": "Choose a task from the library.",
        "fields": {"task": ["unknown"]},
    }
    past = (timezone.now() - timedelta(days=1)).isoformat()
    late = client.post(
        url, {"task": "todo-rest-api", "deadline": past}, content_type="application/json"
    )
    assert late.status_code == 400 and "deadline" in late.json()["error"]["fields"]
    assert not Assignment.objects.exists()


def test_the_assignment_is_blind_until_reviewed(team, application):
    assignment = assign(team, application, "ecommerce-schema-design")
    run = graded(assignment)
    client = _client(team, "interviewer")
    body = client.get(f"/api/v1/assignments/{assignment.pk}").json()
    assert body["candidate"] is None and body["label"].startswith("Candidate ")
    assert NAME not in str(body)
    assert body["portal_url"] is None  # interviewers do not send links
    assert body["state"] == "graded"
    assert body["score"] == {"points": 3.0, "max_points": 5.0, "percent": 60.0}
    assert body["run"]["id"] == run.pk and body["run"]["status"] == "done"
    assert body["run"]["artifacts"] == ["er-diagram.svg", "notes.txt"]
    checks = {c["check_id"]: c for c in body["run"]["checks"]}
    assert checks["index.fk"]["evidence"] == EVIDENCE and checks["index.fk"]["override"] is None
    assert body["submission"]["kind"] == "text" and body["history"][0]["replaced"] is False

    reviewed = client.post(
        f"/api/v1/assignments/{assignment.pk}/review",
        {"score": 5, "notes": "Thoughtful."},
        content_type="application/json",
    )
    assert reviewed.status_code == 200
    body = reviewed.json()
    assert body["candidate"] == NAME and body["state"] == "reviewed"
    assert (
        body["review"]["score"] == 5 and body["review"]["reviewed_by"]["id"] == team.interviewer.pk
    )


def test_a_review_needs_work_and_a_score_from_one_to_five(team, application):
    assignment = assign(team, application, "ecommerce-schema-design")
    client = _client(team, "hiring_manager")
    url = f"/api/v1/assignments/{assignment.pk}/review"
    early = client.post(url, {"score": 3}, content_type="application/json")
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "conflict"
    hand_in(assignment)
    wrong = client.post(url, {"score": 6}, content_type="application/json")
    assert wrong.status_code == 422 and "score" in wrong.json()["error"]["fields"]
    assignment.refresh_from_db()
    assert assignment.review_score is None


def test_an_override_changes_the_score(team, application):
    assignment = assign(team, application, "ecommerce-schema-design")
    check = graded(assignment).checks.get(check_id="index.fk")
    client = _client(team, "admin")
    response = client.post(
        f"/api/v1/checks/{check.pk}/override",
        {"result": "partial", "points": 1.5, "reason": "The index is there, under another name."},
        content_type="application/json",
    )
    assert response.status_code == 200
    out = response.json()
    assert out["result"] == "fail" and out["final_result"] == "partial"
    assert out["final_points"] == 1.5 and out["override"]["by"]["id"] == team.admin.pk
    score = client.get(f"/api/v1/assignments/{assignment.pk}").json()["score"]
    assert score == {"points": 4.5, "max_points": 5.0, "percent": 90.0}
    too_many = client.post(
        f"/api/v1/checks/{check.pk}/override",
        {"result": "pass", "points": 9, "reason": "Generous."},
        content_type="application/json",
    )
    assert too_many.status_code == 400 and "points" in too_many.json()["error"]["fields"]


def test_regrade_queues_one_run_at_a_time(team, application, django_capture_on_commit_callbacks):
    assignment = assign(team, application, "ecommerce-schema-design")
    graded(assignment)
    client = _client(team, "hiring_manager")
    url = f"/api/v1/assignments/{assignment.pk}/regrade"
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url)
    assert response.status_code == 202
    assert response.json()["status"] == "queued" and response.json()["checks"] == []
    assert GradingRun.objects.filter(submission__assignment=assignment).count() == 2
    again = client.post(url)
    assert again.status_code == 409
    assert again.json()["error"]["message"] == "This submission is being graded already."
    state = client.get(f"/api/v1/assignments/{assignment.pk}").json()
    assert state["state"] == "grading" and state["run"]["status"] == "queued"


@pytest.mark.parametrize("who", ["recruiter", "interviewer"])
def test_the_list_shows_each_assignment_as_its_detail_does(team, application, who):
    assignment = assign(team, application, "ecommerce-schema-design")
    graded(assignment)
    client = _client(team, who)
    listed = client.get(f"/api/v1/applications/{application.pk}/assignments")
    assert listed.status_code == 200, listed.content
    detail = client.get(f"/api/v1/assignments/{assignment.pk}").json()
    for key in ("submission", "run", "history"):
        detail.pop(key)
    assert listed.json() == [detail]
    assert detail["state"] == "graded" and detail["score"]["max_points"] == 5.0
    # Blind for everyone until reviewed; the link only for those who send it.
    assert detail["candidate"] is None and detail["application_id"] is None
    assert (detail["portal_url"] is None) is (who == "interviewer")
