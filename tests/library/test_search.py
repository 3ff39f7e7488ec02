"""Full-text search ranks prompt matches first, handles prefixes and hostile input."""

from __future__ import annotations

from hireloop.library import search
from hireloop.library.models import Question
from hireloop.library.selectors import QuestionFilter, question_page
from hireloop.library.services import question_copy, question_update


def _prompts(team, q: str, **filters) -> list[str]:
    membership = team.membership(team.admin)
    rows, _ = question_page(membership, QuestionFilter(q=q, **filters), limit=200, offset=0)
    return [r["prompt"].lower() for r in rows]


def test_prompt_matches_rank_above_body_matches(team):
    prompts = _prompts(team, "isolation")
    assert prompts, "isolation levels are in the library"
    assert "isolation" in prompts[0]
    in_prompt = [i for i, p in enumerate(prompts) if "isolation" in p]
    elsewhere = [i for i, p in enumerate(prompts) if "isolation" not in p]
    assert elsewhere, "the word also appears only in rubrics of other questions"
    assert max(in_prompt) < min(elsewhere)


def test_every_word_must_match_and_the_last_may_be_a_prefix(team):
    prompts = _prompts(team, "optimistic pessim")
    assert prompts and "optimistic" in prompts[0] and "pessimistic" in prompts[0]
    assert _prompts(team, "optimistic zzzyzzyva") == []


def test_search_combines_with_filters(team):
    rows = _prompts(team, "cache", kind="behavioural")
    all_rows = _prompts(team, "cache")
    assert len(rows) < len(all_rows)
    membership = team.membership(team.admin)
    result, total = question_page(
        membership, QuestionFilter(q="cache", kind="behavioural"), limit=200, offset=0
    )
    assert total == len(result) and all(r["kind"] == "behavioural" for r in result)


def test_search_syntax_in_user_input_is_harmless(team):
    for hostile in ['index" OR (', "NEAR(a b)", "*", "'; DROP TABLE x; --", "a:* & !b", ""]:
        _prompts(team, hostile)  # must not raise
    assert search.terms('"index*" AND (') == ["index", "and"]


def test_workspace_copies_are_searchable_only_in_their_workspace(team, other_team):
    source = Question.objects.get(slug="rest-vs-soap", workspace=None)
    copy = question_copy(membership=team.membership(team.admin), question_id=source.pk)
    data = {
        "prompt": "Compare REST with the zanzibarish protocol",
        "kind": copy.kind,
        "competencies": ["api-design"],
        "seniorities": ["mid"],
        "minutes": 5,
        "look_for": copy.look_for,
        "strong_signals": copy.strong_signals,
        "weak_signals": copy.weak_signals,
        "good_answer": copy.good_answer,
        "poor_answer": copy.poor_answer,
        "follow_ups": copy.follow_ups,
        "red_flags": copy.red_flags,
        "strong_answer_names": copy.strong_answer_names,
    }
    question_update(membership=team.membership(team.admin), question_id=copy.pk, data=data)
    assert _prompts(team, "zanzibarish") == ["compare rest with the zanzibarish protocol"]
    assert _prompts(other_team, "zanzibarish") == []
