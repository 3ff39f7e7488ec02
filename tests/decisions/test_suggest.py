"""The debrief suggestion is pure, so every rule is checked directly, plus an exhaustive sweep."""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import pytest

from hireloop.decisions.selectors import MatrixRow
from hireloop.decisions.suggest import (
    LEVELS,
    RECOMMENDATIONS,
    Evidence,
    FocusArea,
    Rating,
    Recommendation,
    Rules,
    disagree,
    rules_for,
    suggest,
)

EQUAL = Rules(weights={})


def card(
    scores: Mapping[str, int | tuple[int, ...]],
    recommendation: Recommendation = "hire",
    interviewer: str = "Ada",
    stage: str = "Technical",
    red_flags: tuple[str, ...] = (),
    serious: tuple[str, ...] = (),
) -> Evidence:
    ratings = tuple(
        Rating(criterion=f"{competency}-{i}", competency=competency, score=score)
        for competency, value in scores.items()
        for i, score in enumerate(value if isinstance(value, tuple) else (value,))
    )
    return Evidence(interviewer, stage, recommendation, ratings, red_flags, serious)


# insufficient evidence


def test_no_evidence_is_insufficient_and_asks_for_every_required_competency() -> None:
    rules = Rules(weights={"security": 2.0}, required=("databases", "security"))
    result = suggest(rules, [], "mid")
    assert result.outcome == "insufficient_evidence"
    assert result.level is None
    assert result.score is None
    assert result.blocked_by == ()
    assert result.reasons == ("No scorecards submitted yet",)
    assert result.focus_areas == (
        FocusArea("security", "not assessed yet"),
        FocusArea("databases", "not assessed yet"),
    )


def test_scorecards_without_ratings_are_insufficient_even_with_a_veto() -> None:
    result = suggest(EQUAL, [card({}, "strong_no_hire")], "mid")
    assert result.outcome == "insufficient_evidence"
    assert result.score is None
    assert result.blocked_by == ()


# vetoes and minimums


def test_strong_no_hire_vetoes_otherwise_strong_scores_and_names_who_and_where() -> None:
    evidence = [
        card({"coding": 5, "databases": 5}, "strong_hire", "Ada", "Technical"),
        card({"api-design": 5}, "strong_no_hire", "Grace", "System design"),
    ]
    result = suggest(EQUAL, evidence, "senior")
    assert result.outcome == "decline"
    assert result.level is None
    assert result.score == 5.0
    assert result.blocked_by == ("Strong no hire from Grace (System design)",)
    assert result.reasons[0] == result.blocked_by[0]


def test_serious_red_flag_vetoes_but_an_ordinary_one_does_not() -> None:
    flagged = card({"coding": 4}, red_flags=("blames others", "dishonest"), serious=("dishonest",))
    result = suggest(EQUAL, [flagged], "mid")
    assert result.outcome == "decline"
    assert result.blocked_by == ("Serious red flag from Ada (Technical): dishonest",)

    ordinary = card({"coding": 4}, red_flags=("blames others",))
    assert suggest(EQUAL, [ordinary], "mid").outcome == "proceed"


def test_vetoes_can_be_switched_off() -> None:
    rules = Rules(weights={}, veto_strong_no_hire=False, veto_serious_red_flag=False)
    evidence = [card({"coding": 4}, "strong_no_hire", serious=("dishonest",))]
    result = suggest(rules, evidence, "mid")
    assert result.outcome == "proceed"
    assert result.blocked_by == ()


def test_failed_minimum_declines_and_gives_both_numbers() -> None:
    rules = Rules(weights={}, minimums={"coding": 2.5})
    result = suggest(rules, [card({"coding": (2, 2), "databases": 5, "caching": 5})], "mid")
    assert result.score == 4.0
    assert result.outcome == "decline"
    assert result.blocked_by == ("coding averages 2, below the minimum of 2.5",)


def test_average_exactly_at_the_minimum_passes() -> None:
    rules = Rules(weights={}, minimums={"coding": 2.5})
    assert suggest(rules, [card({"coding": (2, 3), "databases": 4})], "mid").blocked_by == ()


def test_required_competency_with_a_minimum_never_assessed_is_focus_not_failure() -> None:
    rules = Rules(weights={}, minimums={"security": 2.5}, required=("security",))
    result = suggest(rules, [card({"coding": 4})], "mid")
    assert result.outcome == "proceed"
    assert result.blocked_by == ()
    assert result.focus_areas == (FocusArea("security", "not assessed yet"),)


# score and threshold


def test_weighted_average_over_competencies_averaged_across_scorecards() -> None:
    rules = Rules(weights={"coding": 2.0})
    evidence = [card({"coding": 3, "databases": 1}), card({"coding": 5}, interviewer="Grace")]
    # coding averages 4 (weight 2), databases 1 (weight 1): (8 + 1) / 3
    assert suggest(rules, evidence, "mid").score == 3.0


@pytest.mark.parametrize(("other", "outcome", "score"), [(3, "proceed", 3.0), (2, "decline", 2.99)])
def test_exact_threshold(other: int, outcome: str, score: float) -> None:
    rules = Rules(weights={"coding": 99, "databases": 1})
    result = suggest(rules, [card({"coding": 3, "databases": other})], "junior")
    assert (result.outcome, result.score) == (outcome, score)
    assert result.blocked_by == ()


def test_zero_weight_is_ignored_but_still_counts_as_assessed() -> None:
    rules = Rules(weights={"motivation": 0}, minimums={"motivation": 3}, required=("motivation",))
    result = suggest(rules, [card({"coding": 4, "motivation": 1})], "mid")
    assert result.score == 4.0
    assert result.outcome == "proceed"
    assert result.focus_areas == ()


def test_only_zero_weight_ratings_are_insufficient() -> None:
    result = suggest(Rules(weights={"motivation": 0}), [card({"motivation": 5})], "mid")
    assert result.outcome == "insufficient_evidence"
    assert result.reasons == ("No ratings count towards a score",)


def test_negative_weight_is_refused() -> None:
    with pytest.raises(ValueError, match="negative: coding"):
        Rules(weights={"coding": -1})


# level adjustment


def test_near_miss_proceeds_one_level_lower_and_says_so() -> None:
    result = suggest(EQUAL, [card({"coding": 2, "databases": 3})], "senior")
    assert result.outcome == "proceed"
    assert result.level == "mid"
    assert result.score == 2.5
    assert result.reasons == (
        "Weighted average 2.5 is below the 3 needed to proceed",
        "Evidence fits mid better than senior: 2.5 is within 0.5 of the bar",
    )


def test_just_outside_the_near_miss_band_declines() -> None:
    rules = Rules(weights={"coding": 51, "databases": 49})
    result = suggest(rules, [card({"coding": 2, "databases": 3})], "senior")
    assert (result.outcome, result.score) == ("decline", 2.49)


@pytest.mark.parametrize(
    ("rules", "evidence"),
    [
        (EQUAL, card({"coding": 2, "databases": 3}, "strong_no_hire")),
        (Rules(weights={}, minimums={"coding": 2.5}), card({"coding": 2, "databases": 3})),
    ],
    ids=["veto", "failed-minimum"],
)
def test_near_miss_with_a_block_still_declines(rules: Rules, evidence: Evidence) -> None:
    result = suggest(rules, [evidence], "senior")
    assert (result.outcome, result.level, result.score) == ("decline", None, 2.5)
    assert len(result.blocked_by) == 1


def test_junior_never_goes_down() -> None:
    result = suggest(EQUAL, [card({"coding": 2, "databases": 3})], "junior")
    assert (result.outcome, result.level) == ("decline", None)


def test_strong_evidence_suggests_one_level_higher() -> None:
    rules = Rules(weights={"coding": 7, "databases": 3})
    result = suggest(rules, [card({"coding": 4, "databases": 5})], "senior")
    assert (result.outcome, result.level, result.score) == ("proceed", "staff", 4.3)
    assert result.reasons[-1] == (
        "Evidence fits staff better than senior: 4.3 weighted average "
        "and every competency at 4 or above"
    )


def test_one_competency_below_four_keeps_the_level() -> None:
    result = suggest(EQUAL, [card({"coding": 5, "databases": 5, "caching": 5, "http": 3})], "mid")
    assert (result.score, result.level) == (4.5, "mid")


def test_staff_never_goes_up() -> None:
    result = suggest(EQUAL, [card({"coding": 5, "databases": 5})], "staff")
    assert (result.outcome, result.level) == ("proceed", "staff")
    assert len(result.reasons) == 1


# focus areas


def test_disagreement_compares_scorecards_not_single_ratings() -> None:
    evidence = [
        card({"databases": (4, 4)}, interviewer="Ada"),
        card({"databases": (2, 2)}, interviewer="Grace"),
        card({"coding": (2, 4)}, interviewer="Linus"),
    ]
    result = suggest(EQUAL, evidence, "mid")
    assert result.focus_areas == (FocusArea("databases", "interviewers disagree: 2 vs 4"),)


@pytest.mark.parametrize(
    ("card_averages", "expected"),
    [
        ([], False),  # nobody rated it
        ([1.0], False),  # one scorecard: its criteria rated 1 and 4 are one average, 2.5
        ([2.5, None, None], False),  # the others did not rate it
        ([2.0, 4.0], True),  # exactly the gap
        ([4.0, None, 2.0], True),  # whatever the order, whoever did not rate it
        ([1.3, 3.3], True),  # 1.9999999999999998 in floats: the gap still counts
        ([2.5, 4.0], False),  # 1.5 is not rounded up to 2
        ([2.01, 4.0], False),
        ([3.0, 3.5, 1.0], True),  # any two of them
    ],
)
def test_disagreement_is_two_scorecards_the_gap_or_more_apart(
    card_averages: list[float | None], expected: bool
) -> None:
    assert disagree(card_averages) is expected


def test_a_debrief_row_disagrees_by_the_same_definition() -> None:
    def row(scores: list[float | None], spread: int) -> MatrixRow:
        return MatrixRow("databases", "Databases", scores, average=None, spread=spread)

    # The rounded spread (shown as a whole number) no longer decides: 1.5 rounds to 2.
    assert not row([2.5, 4.0], spread=2).disagreement
    assert row([2.0, 4.0], spread=2).disagreement
    assert not row([1.0], spread=0).disagreement


def test_weak_wins_over_disagreement_and_areas_are_ordered_by_weight_then_name() -> None:
    rules = Rules(weights={"security": 2.0, "caching": 0.5}, required=("cloud", "security"))
    evidence = [
        card({"databases": 1, "caching": 2, "api-design": 5}, interviewer="Ada"),
        card({"databases": 4, "api-design": 4}, interviewer="Grace"),
    ]
    result = suggest(rules, evidence, "mid")
    assert result.focus_areas == (
        FocusArea("security", "not assessed yet"),
        FocusArea("cloud", "not assessed yet"),
        FocusArea("databases", "weak: 2.5 average"),
        FocusArea("caching", "weak: 2 average"),
    )


# reasons, determinism, validation


def test_reasons_follow_the_order_the_rules_were_applied() -> None:
    rules = Rules(weights={}, minimums={"coding": 3})
    evidence = [
        card({"coding": 2}, "strong_no_hire", "Grace", "Pairing", serious=("plagiarism",)),
        card({"databases": 4}, "hire", "Ada", "Technical"),
    ]
    assert suggest(rules, evidence, "mid").reasons == (
        "Strong no hire from Grace (Pairing)",
        "Serious red flag from Grace (Pairing): plagiarism",
        "coding averages 2, below the minimum of 3",
        "Weighted average 3 meets the 3 needed to proceed",
    )


def test_submission_order_does_not_change_the_result() -> None:
    evidence = [
        card({"coding": 5, "databases": 1}, "strong_no_hire", "Ada", "Technical"),
        card({"coding": 3}, "hire", "Ada", "Pairing", serious=("b", "a")),
        card({"databases": 4}, "strong_no_hire", "Grace", "Technical"),
        card({"coding": 2, "caching": 5}, "no_hire", "Linus", "Screen", serious=("c",)),
    ]
    rules = Rules(weights={"coding": 2}, required=("security",))
    results = {suggest(rules, order, "senior") for order in itertools.permutations(evidence)}
    assert len(results) == 1


@pytest.mark.parametrize("score", [0, 6, 3.5])
def test_score_outside_one_to_five_is_refused(score: int) -> None:
    with pytest.raises(ValueError, match="integer from 1 to 5"):
        Rating("coding-1", "coding", score)


def test_unknown_recommendation_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown recommendation 'maybe'"):
        Evidence("Ada", "Technical", "maybe", ())  # type: ignore[arg-type]


def test_unknown_seniority_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown seniority 'principal'"):
        suggest(EQUAL, [], "principal")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown seniority 'principal'"):
        rules_for({}, "principal")  # type: ignore[arg-type]


# rules_for


def test_rules_for_senior_stresses_design_and_requires_security() -> None:
    profile = {"system-design": 2.0, "delivery": 0.5}
    rules = rules_for(profile, "senior")
    assert rules.weights == {
        "system-design": 2.5,
        "delivery": 0.5,
        "reliability": 1.25,
        "concurrency": 1.25,
        "collaboration": 1.25,
    }
    assert rules.minimums == {"coding": 2.5, "security": 2.5}
    assert rules.required == ()
    assert profile == {"system-design": 2.0, "delivery": 0.5}
    assert rules_for(profile, "staff") == rules


def test_rules_for_junior_stresses_code_over_design() -> None:
    rules = rules_for({"coding": 2.0}, "junior")
    assert rules.weights == {"coding": 2.5, "testing": 1.25, "system-design": 0.75}
    assert rules.minimums == {"coding": 2.5}


def test_rules_for_mid_keeps_the_profile() -> None:
    rules = rules_for({"cloud": 1.75}, "mid")
    assert rules.weights == {"cloud": 1.75}
    assert rules.minimums == {"coding": 2.5}


# exhaustive sweep


def test_invariants_hold_for_every_recommendation_score_and_level() -> None:
    rules = Rules(weights={"coding": 2.0}, minimums={"coding": 2})
    for recommendation, coding, databases, seniority in itertools.product(
        RECOMMENDATIONS, range(1, 6), range(1, 6), LEVELS
    ):
        evidence = [card({"coding": coding, "databases": databases}, recommendation)]
        result = suggest(rules, evidence, seniority)
        case = (recommendation, coding, databases, seniority, result)
        assert result.score is not None and 1 <= result.score <= 5, case
        assert (result.level is None) == (result.outcome != "proceed"), case
        assert set(result.blocked_by) <= set(result.reasons), case
        if result.blocked_by:
            assert result.outcome == "decline", case
        if recommendation == "strong_no_hire" or coding < 2:
            assert result.blocked_by, case
        if result.outcome == "proceed":
            assert result.score >= rules.proceed_at - 0.5, case
            assert result.level is not None
            assert abs(LEVELS.index(result.level) - LEVELS.index(seniority)) <= 1, case
