"""Every rule a scorecard is checked by, with the message each problem gets, through the service
that stores drafts (the page and the API both call it)."""

from __future__ import annotations

from typing import Any

import pytest

from hireloop.accounts.errors import InvalidInput
from hireloop.interviews.models import Feedback
from hireloop.interviews.services import feedback_save_draft
from hireloop.interviews.validation import scorecard_missing, scorecard_validate

from ..debriefs import two_interviewer_application


@pytest.fixture
def interview(team):
    return two_interviewer_application(team, candidate="Gil", second_name="Tess Two")[1]


def _save(team, interview, data: dict[str, Any]) -> Feedback:
    membership = team.membership(team.interviewer)
    return feedback_save_draft(membership=membership, interview_id=interview.pk, data=data)


def _refused(team, interview, data: dict[str, Any]) -> InvalidInput:
    with pytest.raises(InvalidInput) as exc:
        _save(team, interview, data)
    return exc.value


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({"ratings": [1, 2]}, {"ratings": ["wrong shape"]}),
        (
            {"signals": ["strong"], "red_flags": "Late"},
            {"signals": ["wrong shape"], "red_flags": ["wrong shape"]},
        ),
        ({"questions": {"prompt": "Why?"}}, {"questions": ["wrong shape"]}),
        ({"signals": {"x": "strong"}}, {}),
        ({"questions": ["text"]}, {}),
    ],
)
def test_a_malformed_scorecard_is_refused_before_any_rule(team, interview, data, fields):
    exc = _refused(team, interview, {**data, "recommendation": "maybe"})
    assert exc.message == "The scorecard data is malformed."
    assert exc.field_errors == fields


def test_every_problem_is_named_under_its_field_in_one_answer(team, interview):
    criteria = interview.scorecard_version.snapshot["criteria"]
    slug = criteria[0]["slug"]
    exc = _refused(
        team,
        interview,
        {
            "ratings": {"made-up": 3, slug: 9, criteria[1]["slug"]: "4"},
            "signals": {"made-up": {"strong": []}},
            "red_flags": ["Rude", "Late without notice", "Bored"],
            "recommendation": "maybe",
            "questions": [{"score": 0}, {"score": 6}],
        },
    )
    assert exc.message == "The scorecard has problems."
    assert exc.field_errors == {
        "ratings": [
            "'made-up' is not a criterion of this scorecard",
            f"'{slug}' must be rated 1 to 5",
            f"'{criteria[1]['slug']}' must be rated 1 to 5",
        ],
        "signals": ["'made-up' is not a criterion of this scorecard"],
        "red_flags": ["unknown red flag: Rude; Bored"],
        "recommendation": ["unknown recommendation"],
        "questions": ["question scores are 1 to 5"],
    }


def test_at_most_sixty_questions(team, interview):
    exc = _refused(team, interview, {"questions": [{"prompt": "Why?"}] * 61})
    assert exc.field_errors == {"questions": ["at most 60 questions"]}
    saved = _save(team, interview, {"questions": [{"prompt": "Why?"}] * 60})
    assert saved.questions.count() == 60


def test_what_is_kept_of_a_valid_scorecard(team, interview):
    snapshot = interview.scorecard_version.snapshot
    first, second = snapshot["criteria"][:2]
    flag = snapshot["red_flags"][0]
    saved = _save(
        team,
        interview,
        {
            "ratings": {first["slug"]: 5, second["slug"]: None},
            "signals": {
                first["slug"]: {
                    "strong": [first["strong_signals"][0], "made up"],
                    "weak": [first["weak_signals"][0]],
                }
            },
            "red_flags": [flag, "Late without notice"],
            "notes": "n" * 20_001,
            "recommendation": "",
        },
    )
    saved.refresh_from_db()
    assert saved.ratings == {first["slug"]: 5}  # an empty rating is no rating
    assert saved.signals == {
        first["slug"]: {"strong": [first["strong_signals"][0]], "weak": [first["weak_signals"][0]]}
    }  # signals not on the criterion are dropped
    assert saved.red_flags == [flag, "Late without notice"]  # the scorecard's and the library's
    assert saved.notes == "n" * 20_000
    assert saved.recommendation == ""


# The validator itself, on a version snapshot of its own.

SNAPSHOT = {
    "criteria": [
        {
            "slug": "sql",
            "name": "SQL",
            "competency": "databases",
            "strong_signals": ["joins"],
            "weak_signals": ["guesses"],
        },
        {
            "slug": "http",
            "name": "HTTP",
            "competency": "api-design",
            "strong_signals": [],
            "weak_signals": [],
        },
    ],
    "red_flags": ["Rude"],
}


@pytest.mark.parametrize(
    ("score", "valid"), [(0, False), (1, True), (5, True), (6, False), (2.5, False), ("3", False)]
)
def test_ratings_and_question_scores_are_whole_numbers_from_one_to_five(db, score, valid):
    data = {"ratings": {"sql": score}, "questions": [{"prompt": "Why?", "score": score}]}
    if valid:
        cleaned = scorecard_validate(SNAPSHOT, data)
        assert cleaned["ratings"] == {"sql": score} and cleaned["questions"] == data["questions"]
    else:
        with pytest.raises(InvalidInput) as exc:
            scorecard_validate(SNAPSHOT, data)
        assert exc.value.field_errors == {
            "ratings": ["'sql' must be rated 1 to 5"],
            "questions": ["question scores are 1 to 5"],
        }


def test_an_empty_scorecard_is_a_valid_draft_that_keeps_the_stored_questions(db):
    assert scorecard_validate(SNAPSHOT, {}) == {
        "ratings": {},
        "signals": {},
        "red_flags": [],
        "notes": "",
        "recommendation": "",
        "questions": None,
    }


def test_the_snapshot_decides_the_criteria_signals_and_red_flags(db):
    cleaned = scorecard_validate(
        SNAPSHOT,
        {
            "signals": {"sql": {"strong": ["joins", "guesses"], "weak": ["guesses"]}},
            "red_flags": ["Rude", "Late without notice"],  # its own, and the library's
        },
    )
    assert cleaned["signals"] == {"sql": {"strong": ["joins"], "weak": ["guesses"]}}
    assert cleaned["red_flags"] == ["Rude", "Late without notice"]
    with pytest.raises(InvalidInput) as exc:
        scorecard_validate(SNAPSHOT, {"ratings": {"coding": 3}, "red_flags": ["Bored"]})
    assert exc.value.field_errors == {
        "ratings": ["'coding' is not a criterion of this scorecard"],
        "red_flags": ["unknown red flag: Bored"],
    }


def test_what_a_scorecard_lacks_to_be_submitted():
    assert scorecard_missing(SNAPSHOT, {"ratings": {"sql": 4}, "recommendation": ""}) == [
        "rating for 'HTTP'",
        "an overall recommendation",
    ]
    assert (
        scorecard_missing(SNAPSHOT, {"ratings": {"sql": 4, "http": 2}, "recommendation": "hire"})
        == []
    )
