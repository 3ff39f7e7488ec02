"""Settings: workspace name and scorecard visibility (admins only), members, and each member's own
API tokens: created with the secret shown once, usable as a bearer token, revocable."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from hireloop.accounts.models import ApiToken, AuditEvent, FeedbackVisibility
from hireloop.hiring.services import application_create, candidate_create, role_create
from hireloop.interviews.selectors import readable_feedback
from hireloop.interviews.services import feedback_save_draft, feedback_submit, interview_schedule

from ..conftest import signed_in
from ..factories import MembershipFactory, UserFactory

ALL_ROLES = ["admin", "recruiter", "hiring_manager", "interviewer"]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_everyone_reads_the_settings_and_finds_the_link(team, role):
    client = signed_in(getattr(team, role))
    response = client.get("/settings/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/settings/"' in html and 'href="/settings/tokens/"' in html
    for user in (team.admin, team.recruiter, team.hiring_manager, team.interviewer):
        assert user.email in html  # the members list
    editable = 'name="feedback_visibility"' in html
    assert editable is (role == "admin")
    assert client.get("/settings/tokens/").status_code == 200
    assert 'href="/settings/"' in client.get("/roles/").content.decode()  # in the header


@pytest.mark.parametrize("role", ["recruiter", "hiring_manager", "interviewer"])
def test_only_admins_change_the_workspace(team, role):
    response = signed_in(getattr(team, role)).post(
        "/settings/", {"name": "Taken over", "feedback_visibility": "always"}
    )
    assert response.status_code == 403
    team.workspace.refresh_from_db()
    assert team.workspace.name != "Taken over"
    assert team.workspace.feedback_visibility == FeedbackVisibility.AFTER_OWN


def test_admin_form_problems_are_shown_with_400(team):
    response = signed_in(team.admin).post("/settings/", {"name": "", "feedback_visibility": "x"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The settings were not saved." in html
    assert html.count('class="errorlist') >= 2


@pytest.fixture
def two_scorecards(team):
    """Two interviewers on one interview; only the first has submitted."""
    recruiter = team.membership(team.recruiter)
    second = UserFactory(email="second@alpha.test")
    MembershipFactory(user=second, workspace=team.workspace, role="interviewer")
    role = role_create(membership=recruiter, title="Backend", seniority="mid")
    candidate = candidate_create(membership=recruiter, data={"name": "Ann", "email": "a@e.test"})
    application = application_create(
        membership=recruiter, candidate_id=candidate.pk, role_id=role.pk
    )
    interview = interview_schedule(
        membership=recruiter,
        application_id=application.pk,
        starts_at=timezone.now() - timedelta(hours=2),
        interviewer_ids=[team.interviewer.pk, second.pk],
    )
    criteria = interview.scorecard_version.snapshot["criteria"]
    feedback_save_draft(
        membership=team.membership(team.interviewer),
        interview_id=interview.pk,
        data={"ratings": {c["slug"]: 3 for c in criteria}, "recommendation": "hire"},
    )
    feedback_submit(membership=team.membership(team.interviewer), interview_id=interview.pk)
    return {"application": application, "second": second}


def test_changing_visibility_takes_effect(team, two_scorecards):
    application, second = two_scorecards["application"], two_scorecards["second"]
    membership = team.membership(second)
    assert readable_feedback(membership, application).shown == []  # after own submission (default)
    response = signed_in(team.admin).post(
        "/settings/", {"name": "Alpha Labs", "feedback_visibility": "always"}
    )
    assert response.status_code == 302
    team.workspace.refresh_from_db()
    assert (team.workspace.name, team.workspace.feedback_visibility) == ("Alpha Labs", "always")
    event = AuditEvent.objects.get(verb="workspace.update")
    assert event.before["feedback_visibility"] == "after_own"
    assert event.after == {"name": "Alpha Labs", "feedback_visibility": "always"}
    assert [
        f.interviewer_id for f in readable_feedback(team.membership(second), application).shown
    ] == [team.interviewer.pk]
    signed_in(team.admin).post("/settings/", {"name": "Alpha Labs", "feedback_visibility": "never"})
    assert readable_feedback(team.membership(second), application).shown == []
    page = signed_in(team.interviewer).get("/settings/").content.decode()
    assert "Never (hiring managers and admins only)" in page


# API tokens ----------------------------------------------------------------------------------


def _create(client, name="nightly export"):
    response = client.post("/settings/tokens/", {"name": name})
    assert response.status_code == 201
    secret = re.search(r'id="token-secret" value="([^"]+)"', response.content.decode())[1]
    return response, secret


def test_a_new_token_is_shown_once_and_works(team, client):
    member = signed_in(team.interviewer)
    response, secret = _create(member)
    html = response.content.decode()
    assert secret.startswith("hl_")
    assert "it will not be shown again" in html
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=team.interviewer)
    assert token.token_hash != secret and secret not in token.token_hash
    # Not in a redirect, not in the session: the list page afterwards never contains it.
    listing = member.get("/settings/tokens/").content.decode()
    assert secret not in listing
    assert "nightly export" in listing and f"hl_{token.prefix}_" in listing
    assert secret not in str(dict(member.session))
    # The token works against the API as the member.
    api = client.get("/api/v1/library/competencies", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert "Never" not in member.get("/settings/tokens/").content.decode().split("nightly")[1][:400]


def test_an_empty_name_is_refused(team):
    response = signed_in(team.recruiter).post("/settings/tokens/", {"name": " "})
    assert response.status_code == 400
    assert "Name the token" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_a_token_refuses_it_at_once(team, client):
    member = signed_in(team.hiring_manager)
    _, secret = _create(member)
    token = ApiToken.objects.get(user=team.hiring_manager)
    response = member.post(f"/settings/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(verb="api_token.revoke", object_id=str(token.pk)).exists()
    api = client.get("/api/v1/library/competencies", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == 401
    assert "Revoked" in member.get("/settings/tokens/").content.decode()


def test_members_cannot_revoke_each_others_tokens(team, client):
    _, secret = _create(signed_in(team.recruiter))
    token = ApiToken.objects.get(user=team.recruiter)
    other = signed_in(team.interviewer)
    assert other.post(f"/settings/tokens/{token.pk}/revoke/").status_code in (403, 404)
    assert f"hl_{token.prefix}_" not in other.get("/settings/tokens/").content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    api = client.get("/api/v1/library/competencies", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.status_code == 200


def test_admins_see_and_revoke_any_token_of_the_workspace(team, other_team):
    _create(signed_in(team.recruiter), name="recruiter script")
    token = ApiToken.objects.get(user=team.recruiter)
    admin = signed_in(team.admin)
    page = admin.get("/settings/tokens/").content.decode()
    assert "Other members' tokens" in page and "recruiter script" in page
    assert admin.post(f"/settings/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    # ...but never another workspace's.
    _create(signed_in(other_team.recruiter), name="beta script")
    theirs = ApiToken.objects.get(user=other_team.recruiter)
    assert admin.post(f"/settings/tokens/{theirs.pk}/revoke/").status_code == 404
    assert "beta script" not in admin.get("/settings/tokens/").content.decode()
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_settings_need_sign_in(client, db):
    for url in ("/settings/", "/settings/tokens/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
