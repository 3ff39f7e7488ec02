"""Workspaces copy built-in content and edit their copy; the built-in stays as it was."""

from __future__ import annotations

import pytest

from hireloop.accounts.errors import InvalidInput, NotFound, PermissionDenied
from hireloop.library.models import Question, Scorecard
from hireloop.library.selectors import access_question, access_scorecard
from hireloop.library.services import (
    question_copy,
    question_update,
    scorecard_copy,
    scorecard_update,
)


def _builtin_question() -> Question:
    return Question.objects.get(slug="index-purpose", workspace=None)


def test_copy_and_edit_a_question(team):
    membership = team.membership(team.hiring_manager)
    source = _builtin_question()
    copy = question_copy(membership=membership, question_id=source.pk)
    assert copy.workspace == team.workspace and copy.copied_from == source
    assert list(copy.competencies.all()) == list(source.competencies.all())
    data = {
        "prompt": "Why do databases need indexes at all?",
        "kind": "technical_basic",
        "competencies": ["databases"],
        "seniorities": ["junior", "mid"],
        "minutes": 6,
        "look_for": source.look_for,
        "strong_signals": ["Talks about B-trees"],
        "weak_signals": ["Vague"],
        "good_answer": ["Avoids full scans"],
        "poor_answer": "They make it fast.",
        "follow_ups": ["Composite indexes?"],
        "red_flags": ["Never used one"],
        "strong_answer_names": ["B-tree"],
    }
    question_update(membership=membership, question_id=copy.pk, data=data)
    copy.refresh_from_db()
    source.refresh_from_db()
    assert copy.prompt == "Why do databases need indexes at all?"
    assert copy.seniorities == ["junior", "mid"]
    assert source.prompt != copy.prompt


def test_second_copy_gets_a_free_slug(team):
    membership = team.membership(team.admin)
    first = question_copy(membership=membership, question_id=_builtin_question().pk)
    second = question_copy(membership=membership, question_id=_builtin_question().pk)
    assert (first.slug, second.slug) == ("index-purpose", "index-purpose-2")


def test_builtins_are_read_only_and_interviewers_cannot_copy(team):
    source = _builtin_question()
    with pytest.raises(PermissionDenied):
        access_question(team.membership(team.admin), source.pk, edit=True)
    with pytest.raises(PermissionDenied):
        question_copy(membership=team.membership(team.interviewer), question_id=source.pk)


def test_invalid_edit_reports_fields_and_changes_nothing(team):
    membership = team.membership(team.admin)
    copy = question_copy(membership=membership, question_id=_builtin_question().pk)
    with pytest.raises(InvalidInput) as exc:
        question_update(
            membership=membership,
            question_id=copy.pk,
            data={"prompt": "", "kind": "gossip", "competencies": ["databases"]},
        )
    assert "kind" in exc.value.field_errors and "look_for" in exc.value.field_errors
    copy.refresh_from_db()
    assert copy.prompt == _builtin_question().prompt


def test_other_workspaces_cannot_see_a_copy(team, other_team):
    copy = question_copy(membership=team.membership(team.admin), question_id=_builtin_question().pk)
    with pytest.raises(NotFound):
        access_question(other_team.membership(other_team.admin), copy.pk)


def test_scorecard_copy_edit_versions(team):
    membership = team.membership(team.admin)
    source = Scorecard.objects.get(slug="system-design", workspace=None)
    copy = scorecard_copy(membership=membership, scorecard_id=source.pk)
    v1 = copy.current_version
    assert v1.number == 1 and v1.snapshot == source.current_version.snapshot
    data = {k: v1.snapshot[k] for k in ("name", "summary", "minutes", "red_flags", "criteria")}
    data["criteria"] = [dict(c) for c in data["criteria"]]
    data["criteria"][0] = {**data["criteria"][0], "name": "Requirements and scoping, our way"}
    scorecard_update(membership=membership, scorecard_id=copy.pk, data=data)
    copy.refresh_from_db()
    assert copy.current_version.number == 2
    v1.refresh_from_db()
    assert v1.snapshot["criteria"][0]["name"] != "Requirements and scoping, our way"
    # Saving the same content again makes no new version.
    scorecard_update(membership=membership, scorecard_id=copy.pk, data=data)
    copy.refresh_from_db()
    assert copy.current_version.number == 2
    with pytest.raises(PermissionDenied):
        access_scorecard(membership, source.pk, edit=True)


def test_scorecard_edit_refuses_unknown_sample_questions(team):
    membership = team.membership(team.admin)
    source = Scorecard.objects.get(slug="hr-screen", workspace=None)
    copy = scorecard_copy(membership=membership, scorecard_id=source.pk)
    snap = copy.current_version.snapshot
    data = {k: snap[k] for k in ("name", "summary", "minutes", "red_flags")}
    data["criteria"] = [dict(c) for c in snap["criteria"]]
    data["criteria"][0]["sample_questions"] = ["no-such-question"]
    with pytest.raises(InvalidInput) as exc:
        scorecard_update(membership=membership, scorecard_id=copy.pk, data=data)
    assert exc.value.field_errors == {"criteria": ["no question with slug: no-such-question"]}
    copy.refresh_from_db()
    assert copy.current_version.number == 1
