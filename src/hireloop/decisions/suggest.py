"""The debrief's suggestion: a pure function of the role's rules, the submitted scorecards and the
role's seniority, returning an outcome, a level, focus areas and the reasons behind them.

Semantics:
- No scorecards, or no ratings counting towards the score -> ``insufficient_evidence``; every
  required competency not rated yet is a focus area.
- A competency's average is the mean of all its ratings across scorecards. The score is
  sum(weight * average) / sum(weight), rounded to 2 decimals; thresholds compare the rounded score
  so the number shown is the number judged. A weight defaults to 1.0; a competency weighted 0 is
  ignored (score, minimums, level-up, focus areas) but still counts as assessed.
- Blocks (listed in ``blocked_by``): a strong no hire or a serious red flag when that veto is
  enabled, and any competency averaging below its minimum. A minimum on a competency never rated is
  not a failure; if the competency is required it becomes a focus area.
- Decline when blocked or the score is below ``proceed_at``. Exception: unblocked, above junior and
  within 0.5 of ``proceed_at`` -> proceed one level lower. Proceeding with a score of at least 4.3,
  every competency averaging 4 or more and below staff -> one level higher.
- Focus areas: required competencies not rated ("not assessed yet"), averages below 3 ("weak"),
  and per-scorecard averages 2 or more apart ("interviewers disagree"); one per competency (first
  of those reasons wins), ordered by weight descending then slug.
- Scorecards are sorted first so the result never depends on the order they were submitted in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, get_args

Seniority = Literal["junior", "mid", "senior", "staff"]
Recommendation = Literal["strong_hire", "hire", "no_hire", "strong_no_hire"]
Outcome = Literal["proceed", "decline", "insufficient_evidence"]

LEVELS: tuple[Seniority, ...] = get_args(Seniority)
RECOMMENDATIONS: tuple[Recommendation, ...] = get_args(Recommendation)

NEAR_MISS = 0.5
LEVEL_UP_SCORE = 4.3
LEVEL_UP_FLOOR = 4
WEAK_BELOW = 3
DISAGREE_GAP = 2

# Seniors are hired for judgement and for lifting the team; juniors for solid, tested code.
_SENIOR_FACTORS = dict.fromkeys(
    ("system-design", "reliability", "concurrency", "collaboration"), 1.25
)
_LEVEL_FACTORS: dict[Seniority, dict[str, float]] = {
    "junior": {"coding": 1.25, "testing": 1.25, "system-design": 0.75},
    "mid": {},
    "senior": _SENIOR_FACTORS,
    "staff": _SENIOR_FACTORS,
}
_LEVEL_MINIMUMS: dict[Seniority, dict[str, float]] = {
    "junior": {"coding": 2.5},
    "mid": {"coding": 2.5},
    "senior": {"coding": 2.5, "security": 2.5},
    "staff": {"coding": 2.5, "security": 2.5},
}


@dataclass(frozen=True)
class Rating:
    criterion: str
    competency: str
    score: int

    def __post_init__(self) -> None:
        if not isinstance(self.score, int) or not 1 <= self.score <= 5:
            raise ValueError(
                f"score for {self.criterion!r} must be an integer from 1 to 5, got {self.score!r}"
            )


@dataclass(frozen=True)
class Evidence:
    interviewer: str
    stage: str
    recommendation: Recommendation
    ratings: tuple[Rating, ...]
    red_flags: tuple[str, ...] = ()
    serious_red_flags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.recommendation not in RECOMMENDATIONS:
            raise ValueError(
                f"unknown recommendation {self.recommendation!r} from {self.interviewer}; "
                f"expected one of {', '.join(RECOMMENDATIONS)}"
            )


@dataclass(frozen=True)
class Rules:
    weights: Mapping[str, float]
    minimums: Mapping[str, float] = field(default_factory=dict)
    veto_strong_no_hire: bool = True
    veto_serious_red_flag: bool = True
    proceed_at: float = 3.0
    required: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # A negative weight would silently pull the score the wrong way.
        negative = sorted(c for c, w in self.weights.items() if w < 0)
        if negative:
            raise ValueError(f"weights must not be negative: {', '.join(negative)}")


@dataclass(frozen=True)
class FocusArea:
    competency: str
    reason: str


@dataclass(frozen=True)
class Suggestion:
    outcome: Outcome
    level: Seniority | None
    score: float | None
    reasons: tuple[str, ...]
    focus_areas: tuple[FocusArea, ...]
    blocked_by: tuple[str, ...]


def suggest(rules: Rules, evidence: Sequence[Evidence], seniority: Seniority) -> Suggestion:
    rank = _rank(seniority)
    cards = sorted(evidence, key=_card_key)

    rated = {r.competency for card in cards for r in card.ratings}
    scores: dict[str, list[int]] = defaultdict(list)
    card_averages: dict[str, list[float]] = defaultdict(list)
    for card in cards:
        mine: dict[str, list[int]] = defaultdict(list)
        for rating in card.ratings:
            if _weight(rules, rating.competency) > 0:
                mine[rating.competency].append(rating.score)
        for competency, values in mine.items():
            scores[competency].extend(values)
            card_averages[competency].append(_mean(values))
    averages = {competency: _mean(values) for competency, values in scores.items()}
    focus = _focus_areas(rules, rated, averages, card_averages)

    if not averages:
        reason = "No scorecards submitted yet" if not cards else "No ratings count towards a score"
        return Suggestion("insufficient_evidence", None, None, (reason,), focus, ())

    blocked: list[str] = []
    if rules.veto_strong_no_hire:
        blocked += [
            f"Strong no hire from {card.interviewer} ({card.stage})"
            for card in cards
            if card.recommendation == "strong_no_hire"
        ]
    if rules.veto_serious_red_flag:
        blocked += [
            f"Serious red flag from {card.interviewer} ({card.stage}): {flag}"
            for card in cards
            for flag in sorted(card.serious_red_flags)
        ]
    blocked += [
        f"{competency} averages {_num(averages[competency])}, below the minimum of {_num(minimum)}"
        for competency, minimum in sorted(rules.minimums.items())
        if competency in averages and averages[competency] < minimum
    ]

    total = sum(_weight(rules, c) for c in averages)
    score = round(sum(_weight(rules, c) * avg for c, avg in averages.items()) / total, 2)
    meets = score >= rules.proceed_at
    reasons = [
        *blocked,
        f"Weighted average {_num(score)} {'meets' if meets else 'is below'} "
        f"the {_num(rules.proceed_at)} needed to proceed",
    ]
    if blocked:
        return Suggestion("decline", None, score, tuple(reasons), focus, tuple(blocked))

    level = seniority
    if not meets:
        if rank == 0 or score < round(rules.proceed_at - NEAR_MISS, 2):
            return Suggestion("decline", None, score, tuple(reasons), focus, ())
        level = LEVELS[rank - 1]
        reasons.append(
            f"Evidence fits {level} better than {seniority}: "
            f"{_num(score)} is within {_num(NEAR_MISS)} of the bar"
        )
    elif (
        rank < len(LEVELS) - 1
        and score >= LEVEL_UP_SCORE
        and min(averages.values()) >= LEVEL_UP_FLOOR
    ):
        level = LEVELS[rank + 1]
        reasons.append(
            f"Evidence fits {level} better than {seniority}: {_num(score)} weighted average "
            f"and every competency at {LEVEL_UP_FLOOR} or above"
        )
    return Suggestion("proceed", level, score, tuple(reasons), focus, ())


# The largest weight a role may set. Derived weights (profile weight times level factor) reach
# 3.125 in the built-in pack, and a role's editor must be able to save what it was shown.
WEIGHT_MAX = 5.0


def rules_for(weights_from_profile: Mapping[str, float], seniority: Seniority) -> Rules:
    _rank(seniority)  # a clear ValueError rather than a KeyError below
    weights = dict(weights_from_profile)
    for competency, factor in _LEVEL_FACTORS[seniority].items():
        weights[competency] = weights.get(competency, 1.0) * factor
    return Rules(weights=weights, minimums=dict(_LEVEL_MINIMUMS[seniority]))


def _rank(seniority: str) -> int:
    if seniority not in LEVELS:
        raise ValueError(f"unknown seniority {seniority!r}; expected one of {', '.join(LEVELS)}")
    return LEVELS.index(seniority)


def _card_key(card: Evidence) -> tuple[object, ...]:
    """What ``dataclasses.astuple`` gives, in the same order, without its deep copies."""
    return (
        card.interviewer,
        card.stage,
        card.recommendation,
        tuple((r.criterion, r.competency, r.score) for r in card.ratings),
        card.red_flags,
        card.serious_red_flags,
    )


def _mean(scores: list[int]) -> float:
    # Integer sums are exact and int / int is correctly rounded: the very float statistics.mean
    # returns, without the exact fractions it computes through.
    return sum(scores) / len(scores)


def _weight(rules: Rules, competency: str) -> float:
    return rules.weights.get(competency, 1.0)


def _num(value: float) -> str:
    return f"{round(value, 2):g}"


def disagree(card_averages: Iterable[float | None]) -> bool:
    """Whether the interviewers disagree on a competency: two scorecards' averages for it (None
    for a scorecard that did not rate it) ``DISAGREE_GAP`` or more apart. Each scorecard is one
    average, so its own criteria rated apart are never a disagreement; the gap is compared to
    2 decimals, so float noise (3.3 - 1.3) never decides, and never rounded to a whole point."""
    present = [a for a in card_averages if a is not None]
    return len(present) > 1 and round(max(present) - min(present), 2) >= DISAGREE_GAP


def _focus_areas(
    rules: Rules,
    rated: set[str],
    averages: Mapping[str, float],
    card_averages: Mapping[str, list[float]],
) -> tuple[FocusArea, ...]:
    found = {c: "not assessed yet" for c in rules.required if c not in rated}
    for competency, average in averages.items():
        low, high = min(card_averages[competency]), max(card_averages[competency])
        if average < WEAK_BELOW:
            found[competency] = f"weak: {_num(average)} average"
        elif disagree(card_averages[competency]):
            found[competency] = f"interviewers disagree: {_num(low)} vs {_num(high)}"
    ordered = sorted(found.items(), key=lambda item: (-_weight(rules, item[0]), item[0]))
    return tuple(FocusArea(competency, reason) for competency, reason in ordered)
