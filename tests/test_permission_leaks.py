"""Four leaks found by probing the running app, each closed by one permission predicate.

1. Scorecard independence holds per interview: a member who still owes a scorecard on any of
   the application's interviews reads nobody else's, whatever they submitted elsewhere.
2. Focus areas are asked for by those who decide (the page's rule), over the API as well.
3. The workspace's overdue scorecards (names, stages, e-mails) are for those who see every role.
4. A blind task review is blind over the API: nothing in the assignment leads to the candidate.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hireloop.accounts.models import MemberRole
from hireloop.decisions.models import FocusArea
from hireloop.hiring.services import application_create, candidate_create, role_create
from hireloop.interviews.selectors import readable_feedback
from hireloop.interviews.services import feedback_submit, interview_schedule

from .conftest import bearer
from .factories import MembershipFactory, UserFactory
from .practical import GRADERS, assign, graded

NAME = "Rhea Quist"


def _api(team, user) -> Client:
    client = Client()
    client.defaults.update(bearer(user, team.workspace))
    return client


def _complete(interview) -> dict:
    criteria = interview.scorecard_version.snapshot["criteria"]
    return {"ratings": {c["slug"]: 4 for c in criteria}, "recommendation": "hire"}


@pytest.fixture
def two_stages(team):
    """Stage one: the interviewer alone. Stage two: the interviewer and a peer. Both over."""
    recruiter = team.membership(team.recruiter)
    peer = UserFactory(email="peer@alpha.test", full_name="Pat Peer")
    MembershipFactory(user=peer, workspace=team.workspace, role=MemberRole.INTERVIEWER)
    role = role_create(
        membership=recruiter, title="Platform", seniority="mid", hiring_manager=team.hiring_manager
    )
    candidate = candidate_create(membership=recruiter, data={"name": NAME, "email": "r@e.test"})
    application = application_create(
        membership=recruiter, candidate_id=candidate.pk, role_id=role.pk
    )
    stages = list(role.stages.order_by("position"))
    first, second = (
        interview_schedule(
            membership=recruiter,
            application_id=application.pk,
            stage_id=stage.pk,
            starts_at=timezone.now() - timedelta(hours=hours),
            interviewer_ids=people,
        )
        for stage, hours, people in (
            (stages[0], 30, [team.interviewer.pk]),
            (stages[1], 3, [team.interviewer.pk, peer.pk]),
        )
    )
    return {"application": application, "first": first, "second": second, "peer": peer}


def test_a_later_stage_stays_hidden_until_its_own_scorecard_is_in(team, two_stages):
    application, peer = two_stages["application"], two_stages["peer"]
    first, second = two_stages["first"], two_stages["second"]
    me = team.membership(team.interviewer)
    feedback_submit(membership=me, interview_id=first.pk, data=_complete(first))
    feedback_submit(
        membership=team.membership(peer), interview_id=second.pk, data=_complete(second)
    )

    # One scorecard in, one still owed: the peer's stage-two opinion must not anchor mine.
    assert [f.interviewer_id for f in readable_feedback(me, application).shown] == [
        team.interviewer.pk
    ]
    assert readable_feedback(me, application).hidden == 1
    body = _api(team, team.interviewer).get(f"/api/v1/applications/{application.pk}/scorecards")
    assert body.status_code == 200
    assert body.json()["hidden"] == 1
    assert {s["interviewer"]["id"] for s in body.json()["scorecards"]} == {team.interviewer.pk}
    # The peer sat stage two only and has scored it: my stage-one scorecard is theirs to read.
    assert {
        f.interviewer_id for f in readable_feedback(team.membership(peer), application).shown
    } == {
        team.interviewer.pk,
        peer.pk,
    }

    feedback_submit(membership=me, interview_id=second.pk, data=_complete(second))
    assert {f.interviewer_id for f in readable_feedback(me, application).shown} == {
        team.interviewer.pk,
        peer.pk,
    }
    assert readable_feedback(me, application).hidden == 0


def test_only_those_who_decide_ask_for_focus_areas_over_the_api(team, two_stages):
    application = two_stages["application"]
    url = f"/api/v1/applications/{application.pk}/focus-areas"
    payload = {"competency": "system-design", "reason": "Probe the queue design again"}
    refused = _api(team, team.interviewer).post(url, payload, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"
    assert not FocusArea.objects.filter(application=application).exists()
    asked = _api(team, team.hiring_manager).post(url, payload, content_type="application/json")
    assert asked.status_code == 201, asked.content
    assert FocusArea.objects.filter(application=application).count() == 1


@pytest.mark.parametrize(("who", "status"), [("interviewer", 403), ("hiring_manager", 403)])
def test_the_workspace_overdue_list_is_for_those_who_see_every_role(team, two_stages, who, status):
    response = _api(team, getattr(team, who)).get("/api/v1/scorecards/owed?everyone=true")
    assert response.status_code == status
    assert NAME not in response.content.decode()
    own = _api(team, getattr(team, who)).get("/api/v1/scorecards/owed")
    assert own.status_code == 200
    everyone = _api(team, team.recruiter).get("/api/v1/scorecards/owed?everyone=true")
    assert everyone.status_code == 200
    assert {o["candidate"] for o in everyone.json()} == {NAME}
    assert len(everyone.json()) == 3  # one seat in stage one, two in stage two


def test_a_blind_review_names_no_application_over_the_api(team, two_stages, settings):
    settings.GRADERS = GRADERS
    assignment = assign(team, two_stages["application"], "ecommerce-schema-design")
    graded(assignment)
    client = _api(team, team.interviewer)
    body = client.get(f"/api/v1/assignments/{assignment.pk}").json()
    assert body["application_id"] is None and body["candidate"] is None
    assert NAME not in str(body)
    reviewed = client.post(
        f"/api/v1/assignments/{assignment.pk}/review",
        {"score": 4, "notes": "Clear."},
        content_type="application/json",
    ).json()
    assert reviewed["application_id"] == two_stages["application"].pk
    assert reviewed["candidate"] == NAME
