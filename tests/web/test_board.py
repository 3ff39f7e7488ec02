"""A role's board at volume: each column shows its longest-waiting cards and links to the rest;
cards are escaped and carry the latest recommendation only for those who may read it."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from hireloop.hiring.models import Application
from hireloop.hiring.services import application_create, candidate_create, role_create
from hireloop.interviews.services import feedback_submit, interview_schedule
from hireloop.web.hiring import views_roles as hiring_views

from ..conftest import signed_in


def _role(team):
    return role_create(
        membership=team.membership(team.recruiter),
        title="Backend engineer",
        seniority="senior",
        hiring_manager=team.hiring_manager,
    )


def _apply(team, role, name: str, days_waiting: int) -> Application:
    recruiter = team.membership(team.recruiter)
    candidate = candidate_create(
        membership=recruiter,
        data={"name": name, "email": f"{days_waiting}@example.test", "current_title": "Dev"},
    )
    application = application_create(
        membership=recruiter, candidate_id=candidate.pk, role_id=role.pk
    )
    entered = timezone.now() - timedelta(days=days_waiting)
    Application.objects.filter(pk=application.pk).update(stage_entered_at=entered)
    return application


def _submit(team, application: Application, recommendation: str, hours_ago: int) -> None:
    interview = interview_schedule(
        membership=team.membership(team.recruiter),
        application_id=application.pk,
        starts_at=timezone.now() - timedelta(hours=hours_ago),
        interviewer_ids=[team.interviewer.pk],
    )
    criteria = interview.scorecard_version.snapshot["criteria"]
    feedback_submit(
        membership=team.membership(team.interviewer),
        interview_id=interview.pk,
        data={"ratings": {c["slug"]: 3 for c in criteria}, "recommendation": recommendation},
    )


def test_columns_show_the_longest_waiting_and_link_to_all(team, monkeypatch):
    monkeypatch.setattr(hiring_views, "BOARD_CARDS_PER_STAGE", 2)
    role = _role(team)
    for name, days in (("Newest Nina", 1), ("Oldest Olga", 9), ("Middle Mo", 5)):
        _apply(team, role, name, days)
    stage = role.stages.order_by("position").first()
    board = signed_in(team.recruiter).get(f"/roles/{role.pk}/").content.decode()
    assert board.count('class="board-card-name"') == 2
    assert board.index("Oldest Olga") < board.index("Middle Mo") and "Newest Nina" not in board
    assert 'aria-label="3 candidates">3<' in board and "3 candidates in progress" in board
    assert "The 2 waiting longest are shown" in board
    assert f"/applications/?role={role.pk}&amp;stage={stage.name.replace(' ', '%20')}" in board
    assert "9 days" in board and "5 days" in board


def test_cards_are_escaped_and_show_the_latest_recommendation_to_deciders(team):
    role = _role(team)
    application = _apply(team, role, "<b>Bold</b> & co", 0)
    _submit(team, application, "no_hire", hours_ago=5)
    _submit(team, application, "strong_hire", hours_ago=2)
    url = f"/roles/{role.pk}/"
    for user in (team.admin, team.hiring_manager):
        board = signed_in(user).get(url).content.decode()
        assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in board and "<b>Bold</b>" not in board
        assert "Today" in board and f'href="/applications/{application.pk}/"' in board
        assert 'class="badge rec-strong_hire"' in board and "rec-no_hire" not in board
    recruiter = signed_in(team.recruiter).get(url).content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt;" in recruiter and "Latest recommendation" not in recruiter
