"""Preparation links: signed, expiring, showing nothing internal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from hireloop.accounts.errors import PermissionDenied
from hireloop.hiring.prep import PrepLinkError, prep_link_create, prep_page
from hireloop.hiring.services import application_create, candidate_create, role_create


def _application(team):
    recruiter = team.membership(team.recruiter)
    role = role_create(membership=recruiter, title="Backend engineer", seniority="mid")
    candidate = candidate_create(
        membership=recruiter, data={"name": "Ida Lane", "email": "ida@e.test"}
    )
    return application_create(membership=recruiter, candidate_id=candidate.pk, role_id=role.pk)


def test_a_link_shows_the_upcoming_stages(team, client):
    application = _application(team)
    token = prep_link_create(
        membership=team.membership(team.recruiter), application_id=application.pk
    )
    page = prep_page(token)
    assert page.candidate_first_name == "Ida" and page.stages[0].current
    assert len(page.stages) == application.role.stages.count()
    assert all(s.tips for s in page.stages)
    response = client.get(f"/prep/{token}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ida" in body and page.stages[0].name in body
    for internal in ("scorecard", "Scorecard", "rating", "recommendation"):
        assert internal not in body


def test_tampered_and_expired_links_say_so(team, client, monkeypatch):
    application = _application(team)
    token = prep_link_create(
        membership=team.membership(team.recruiter), application_id=application.pk, days=1
    )
    with pytest.raises(PrepLinkError, match="not valid"):
        prep_page(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    later = timezone.now() + timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    with pytest.raises(PrepLinkError, match="expired"):
        prep_page(token)
    response = client.get(f"/prep/{token}/")
    assert response.status_code == 410 and b"expired" in response.content
    assert client.get("/prep/garbage/").status_code == 404


def test_only_recruiters_and_admins_make_links(team):
    application = _application(team)
    with pytest.raises(PermissionDenied):
        prep_link_create(
            membership=team.membership(team.interviewer), application_id=application.pk
        )


def test_recruiters_get_a_link_from_the_api(team):
    from django.test import Client

    from ..conftest import bearer

    application = _application(team)
    client = Client()
    client.defaults.update(bearer(team.recruiter, team.workspace))
    response = client.post(
        f"/api/v1/applications/{application.pk}/prep-link",
        {"days": 3},
        content_type="application/json",
    )
    assert response.status_code == 201
    url = response.json()["url"]
    assert url.startswith("http://testserver/prep/")
    assert Client().get(url.removeprefix("http://testserver")).status_code == 200
