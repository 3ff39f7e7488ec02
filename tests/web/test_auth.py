"""Sign-in with Argon2, a throttle on repeated failures, sign-out, and switching workspace."""

from __future__ import annotations

from django.test import Client, override_settings

from hireloop.accounts.models import MemberRole, Membership

from ..factories import PASSWORD


def _login(client: Client, email: str, password: str):
    return client.post("/login/", {"username": email, "password": password})


def test_sign_in_and_out(team):
    client = Client()
    response = _login(client, team.admin.email, PASSWORD)
    assert response.status_code == 302
    assert client.get("/library/").status_code == 200
    assert client.post("/logout/").status_code == 302
    assert client.get("/library/").status_code == 302


def test_email_is_not_case_sensitive(team):
    assert _login(Client(), team.admin.email.upper(), PASSWORD).status_code == 302


def test_passwords_are_hashed_with_argon2(team):
    team.admin.refresh_from_db()
    assert team.admin.password.startswith("argon2")


def test_wrong_password_is_refused_with_a_message(team):
    response = _login(Client(), team.admin.email, "wrong")
    assert response.status_code == 400
    assert b"correct email address and password" in response.content


@override_settings(LOGIN_MAX_FAILURES=3)
def test_repeated_failures_are_throttled_even_with_the_right_password(team):
    client = Client()
    for _ in range(3):
        assert _login(client, team.admin.email, "wrong").status_code == 400
    response = _login(client, team.admin.email, PASSWORD)
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content
    assert client.get("/library/").status_code == 302
    # Another account is not locked out by these failures.
    assert _login(Client(), team.recruiter.email, PASSWORD).status_code == 302


def test_next_parameter_only_redirects_locally(team):
    client = Client()
    response = client.post(
        "/login/?next=https://evil.example/", {"username": team.admin.email, "password": PASSWORD}
    )
    assert response["Location"] == "/"


def test_switch_workspace_only_to_own_memberships(team, other_team):
    Membership.objects.create(
        user=team.admin, workspace=other_team.workspace, role=MemberRole.INTERVIEWER
    )
    client = Client()
    _login(client, team.admin.email, PASSWORD)
    client.post("/workspace/", {"workspace": other_team.workspace.pk})
    assert client.session["workspace_id"] == other_team.workspace.pk
    stranger = Client()
    _login(stranger, team.recruiter.email, PASSWORD)
    stranger.post("/workspace/", {"workspace": other_team.workspace.pk})
    assert "workspace_id" not in stranger.session
