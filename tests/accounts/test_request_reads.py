"""What every request reads with fixed SQL (token, session, user, memberships) is read fresh
each time: a revoked token, a removed member, a changed role or a signed-out session takes
effect on the very next request."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hireloop.accounts.models import ApiToken, MemberRole, Membership, User
from hireloop.accounts.selectors import token_membership, user_memberships
from hireloop.accounts.services import api_token_create, api_token_revoke, membership_set
from hireloop.library.models import Question

from ..conftest import signed_in
from ..factories import MembershipFactory, WorkspaceFactory

QUESTIONS = "/api/v1/library/questions"


def _token(team, user: User) -> tuple[ApiToken, dict[str, str]]:
    token, secret = api_token_create(workspace=team.workspace, user=user, name="t")
    return token, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_revoked_token_is_refused_on_the_next_request(team, client):
    token, headers = _token(team, team.admin)
    assert client.get(QUESTIONS, **headers).status_code == 200
    api_token_revoke(membership=team.membership(team.admin), token_id=token.pk)
    assert client.get(QUESTIONS, **headers).status_code == 401


def test_deactivated_users_and_removed_members_lose_their_tokens(team, client):
    _, recruiter = _token(team, team.recruiter)
    _, interviewer = _token(team, team.interviewer)
    assert client.get(QUESTIONS, **recruiter).status_code == 200
    assert client.get(QUESTIONS, **interviewer).status_code == 200
    User.objects.filter(pk=team.recruiter.pk).update(is_active=False)
    Membership.objects.filter(user=team.interviewer, workspace=team.workspace).delete()
    assert client.get(QUESTIONS, **recruiter).status_code == 401
    assert client.get(QUESTIONS, **interviewer).status_code == 401


def test_a_changed_role_applies_to_the_next_request(team, client):
    _, headers = _token(team, team.interviewer)
    question = Question.objects.get(slug="rest-vs-soap", workspace=None)
    copy = f"{QUESTIONS}/{question.pk}/copy"
    assert client.post(copy, **headers).status_code == 403
    membership_set(
        workspace=team.workspace, user=team.interviewer, role=MemberRole.ADMIN, actor=None
    )
    assert client.post(copy, **headers).status_code == 201


def test_a_token_only_matches_its_own_secret(team):
    token, secret = api_token_create(workspace=team.workspace, user=team.admin, name="t")
    found = token_membership(secret)
    assert found is not None
    read, membership = found
    assert read.pk == token.pk and membership.user == team.admin
    assert membership.workspace == team.workspace and membership.role == MemberRole.ADMIN
    assert read.created_at == token.created_at and timezone.is_aware(read.created_at)
    assert token_membership(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    assert token_membership(f"hl_{token.prefix}_x") is None


def test_signing_out_ends_the_session_everywhere(team):
    client = signed_in(team.admin)
    stolen = Client()  # a copy of the cookie, kept after signing out
    stolen.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[
        settings.SESSION_COOKIE_NAME
    ].value
    assert stolen.get("/library/questions/").status_code == 200
    client.post("/logout/")
    response = stolen.get("/library/questions/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_expired_sessions_and_deactivated_users_are_signed_out(team):
    expired, deactivated = signed_in(team.admin), signed_in(team.recruiter)
    Session.objects.filter(session_key=expired.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    User.objects.filter(pk=team.recruiter.pk).update(is_active=False)
    for client in (expired, deactivated):
        response = client.get("/library/questions/")
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_memberships_are_read_in_one_query_whatever_their_number(team):
    client = signed_in(team.admin)
    client.get("/library/")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/library/").status_code == 200
        return len(ctx.captured_queries)

    one = queries()
    for name in ("Zulu", "Beta"):
        MembershipFactory(
            user=team.admin, workspace=WorkspaceFactory(name=name), role=MemberRole.ADMIN
        )
    assert queries() == one
    page = client.get("/library/").content.decode()
    assert page.index(">Alpha<") < page.index(">Beta<") < page.index(">Zulu<")
    names = [m.workspace.name for m in user_memberships(team.admin)]
    assert names == ["Alpha", "Beta", "Zulu"]
