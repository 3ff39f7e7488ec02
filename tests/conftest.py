"""Shared fixtures: the built-in pack loaded once per test database, two workspaces, and one
named user per role in workspace A (plus an admin of workspace B for isolation tests)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from hireloop.accounts.models import MemberRole, Membership, User, Workspace
from hireloop.accounts.services import api_token_create
from hireloop.library.models import Pack
from hireloop.library.services import pack_load

from .factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory

BUILTIN_PACK = "content/backend"


@pytest.fixture(scope="session", autouse=True)
def _huey_immediate():
    """Background jobs run inline, in memory: no test writes to the real queue."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files (résumés, task archives) go to a folder the test owns."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        pack_load(path=BUILTIN_PACK)


@dataclass
class Team:
    workspace: Workspace
    admin: User
    recruiter: User
    hiring_manager: User
    interviewer: User

    def membership(self, user: User) -> Membership:
        return Membership.objects.select_related("workspace", "user").get(
            user=user, workspace=self.workspace
        )


def _team(slug: str) -> Team:
    workspace = WorkspaceFactory(slug=slug, name=slug.title())
    users = {}
    for role in MemberRole:
        user = UserFactory(email=f"{role.value}@{slug}.test")
        MembershipFactory(user=user, workspace=workspace, role=role)
        users[role.value] = user
    return Team(workspace=workspace, **users)


@pytest.fixture
def team(db) -> Team:
    return _team("alpha")


@pytest.fixture
def other_team(db) -> Team:
    return _team("beta")


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def admin_client(team: Team) -> Client:
    return signed_in(team.admin)


@pytest.fixture
def interviewer_client(team: Team) -> Client:
    return signed_in(team.interviewer)


def bearer(user: User, workspace: Workspace) -> dict[str, str]:
    _, secret = api_token_create(workspace=workspace, user=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture(autouse=True)
def _static_without_manifest(settings):
    """Tests render templates without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def reload_library(transactional_db):
    """Transactional tests flush every table: load the built-in library if an earlier one left
    it empty, and put it back afterwards."""
    if not Pack.objects.exists():
        pack_load(path=BUILTIN_PACK)
    yield
    pack_load(path=BUILTIN_PACK, force=True)
