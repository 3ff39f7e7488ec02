"""Interviews, scorecards (with independence), invites, debrief and decisions over the API."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from hireloop.accounts.models import MemberRole
from hireloop.hiring.services import application_create, candidate_create, role_create

from ..conftest import bearer
from ..debriefs import two_interviewer_application
from ..factories import MembershipFactory, UserFactory


def _client(team, user) -> Client:
    client = Client()
    client.defaults.update(bearer(user, team.workspace))
    return client


def _json(client, method, url, payload=None):
    return getattr(client, method)(url, payload, content_type="application/json")


def _setup(team):
    recruiter = team.membership(team.recruiter)
    role = role_create(
        membership=recruiter,
        title="Data engineer",
        seniority="mid",
        hiring_manager=team.hiring_manager,
    )
    candidate = candidate_create(membership=recruiter, data={"name": "Hal", "email": "hal@e.test"})
    application = application_create(
        membership=recruiter, candidate_id=candidate.pk, role_id=role.pk
    )
    second = UserFactory(email="peer@alpha.test", full_name="Pat Peer")
    MembershipFactory(user=second, workspace=team.workspace, role=MemberRole.INTERVIEWER)
    return application, second


def test_the_interview_loop_over_the_api(team):
    application, second = _setup(team)
    recruiter = _client(team, team.recruiter)
    created = _json(
        recruiter,
        "post",
        "/api/v1/interviews",
        {
            "application_id": application.pk,
            "starts_at": (timezone.now() - timedelta(hours=2)).isoformat(),
            "interviewer_ids": [team.interviewer.pk, second.pk],
            "location": "Room 4",
        },
    )
    assert created.status_code == 201, created.content
    interview = created.json()
    assert interview["stage"] == application.stage.name and len(interview["interviewers"]) == 2
    ics = recruiter.get(f"/api/v1/interviews/{interview['id']}/invite.ics")
    assert ics["Content-Type"] == "text/calendar" and b"BEGIN:VEVENT" in ics.content

    me, peer = _client(team, team.interviewer), _client(team, second)
    scorecard = _json(me, "get", f"/api/v1/library/scorecards/{interview['scorecard_id']}").json()
    ratings = {c["slug"]: 3 for c in scorecard["criteria"]}
    url = f"/api/v1/interviews/{interview['id']}/scorecard"
    assert _json(me, "put", url, {"ratings": {"nope": 3}}).status_code == 400
    draft = _json(
        me,
        "put",
        url,
        {
            "ratings": ratings,
            "notes": "typing...",
            "questions": [{"prompt": "Why Kafka?", "score": 3}],
        },
    )
    assert draft.status_code == 200 and draft.json()["status"] == "draft"
    missing = _json(me, "post", url + "/submit")
    assert missing.status_code == 400 and "recommendation" in missing.json()["error"]["message"]
    _json(me, "put", url, {"ratings": ratings, "recommendation": "hire"})
    assert _json(me, "post", url + "/submit").json()["status"] == "submitted"

    # Independence: the peer cannot read mine before submitting their own.
    before = peer.get(f"/api/v1/applications/{application.pk}/scorecards").json()
    assert before == {"scorecards": [], "hidden": 1}
    _json(peer, "put", url, {"ratings": {k: 5 for k in ratings}, "recommendation": "strong_hire"})
    _json(peer, "post", url + "/submit")
    after = peer.get(f"/api/v1/applications/{application.pk}/scorecards").json()
    assert after["hidden"] == 0 and len(after["scorecards"]) == 2

    amended = _json(
        me, "post", url + "/amend", {"reason": "Checked my notes", "recommendation": "no_hire"}
    )
    assert amended.status_code == 200 and amended.json()["revision"] == 2
    assert _json(me, "post", url + "/amend", {"reason": "x"}).status_code == 422

    manager = _client(team, team.hiring_manager)
    debrief = manager.get(f"/api/v1/applications/{application.pk}/debrief")
    assert debrief.status_code == 200
    body = debrief.json()
    assert body["interviewers"] and body["suggestion"]["reasons"]
    assert {t["recommendation"]: t["count"] for t in body["tally"]}["strong_hire"] == 1
    assert me.get(f"/api/v1/applications/{application.pk}/debrief").status_code == 403
    decided = _json(
        manager,
        "post",
        f"/api/v1/applications/{application.pk}/decisions",
        {"outcome": "another_round", "rationale": "Split opinions on system design."},
    )
    assert decided.status_code == 201 and decided.json()["suggestion"]["outcome"]
    focus = _json(
        manager,
        "post",
        f"/api/v1/applications/{application.pk}/focus-areas",
        {"competency": "system-design", "reason": "Partitioning"},
    )
    assert focus.status_code == 201
    assert focus.json() == {"competency": "system-design", "reason": "Partitioning"}
    # The answers to the two posts have the shapes the debrief shows them in.
    again = manager.get(f"/api/v1/applications/{application.pk}/debrief").json()
    assert again["decisions"] == [decided.json()]
    assert decided.json()["decided_by"] == team.hiring_manager.display_name
    assert focus.json() in again["focus_areas"]
    rules = _json(
        manager,
        "put",
        f"/api/v1/roles/{application.role_id}/rules",
        {"weights": {"databases": 2.0}, "proceed_at": 3.2},
    )
    assert rules.status_code == 200 and rules.json()["weights"]["databases"] == 2.0


def test_scheduling_permissions_and_owed_scorecards(team):
    application, _ = _setup(team)
    me = _client(team, team.interviewer)
    refused = _json(
        me,
        "post",
        "/api/v1/interviews",
        {
            "application_id": application.pk,
            "starts_at": timezone.now().isoformat(),
            "interviewer_ids": [team.interviewer.pk],
        },
    )
    assert refused.status_code in (403, 404)
    recruiter = _client(team, team.recruiter)
    interview = _json(
        recruiter,
        "post",
        "/api/v1/interviews",
        {
            "application_id": application.pk,
            "starts_at": (timezone.now() - timedelta(hours=3)).isoformat(),
            "interviewer_ids": [team.interviewer.pk],
        },
    ).json()
    owed = me.get("/api/v1/scorecards/owed").json()
    assert [o["interview_id"] for o in owed] == [interview["id"]]
    moved = _json(
        recruiter,
        "post",
        f"/api/v1/interviews/{interview['id']}/reschedule",
        {"starts_at": (timezone.now() + timedelta(days=1)).isoformat(), "reason": "Clash"},
    )
    assert moved.json()["sequence"] == 1
    assert me.get("/api/v1/interviews").json()[0]["id"] == interview["id"]
    cancelled = _json(
        recruiter, "post", f"/api/v1/interviews/{interview['id']}/cancel", {"reason": "Withdrew"}
    )
    assert cancelled.json()["status"] == "cancelled"
    assert (
        _json(
            recruiter, "post", f"/api/v1/interviews/{interview['id']}/cancel", {"reason": "Again"}
        ).status_code
        == 409
    )


def test_a_rating_and_a_question_score_out_of_range_get_one_answer(team):
    """Both break one rule of the scorecard validator, so both get its 400 and message (the
    schema once answered 422 for a question's score, checking the rule a second time)."""
    _, interview, _ = two_interviewer_application(team, candidate="Gil", second_name="Tess Two")
    me = _client(team, team.interviewer)
    url = f"/api/v1/interviews/{interview.pk}/scorecard"
    slug = interview.scorecard_version.snapshot["criteria"][0]["slug"]
    rating = _json(me, "put", url, {"ratings": {slug: 7}})
    score = _json(me, "put", url, {"questions": [{"prompt": "Why?", "score": 7}]})
    assert (rating.status_code, score.status_code) == (400, 400)
    assert rating.json()["error"]["fields"] == {"ratings": [f"'{slug}' must be rated 1 to 5"]}
    assert score.json()["error"]["fields"] == {"questions": ["question scores are 1 to 5"]}
