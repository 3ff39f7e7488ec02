"""The one check of a scorecard against the version it is rated on. The services call it for
every draft, submit and amendment, so the scorecard page and the API get the same answers; those
layers only parse their input into this shape and bound its size with the limits below."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hireloop.accounts.errors import InvalidInput
from hireloop.library import cache as library_cache
from hireloop.library.models import CandidateRedFlag, Recommendation

MAX_QUESTIONS = 60
MAX_PROMPT = 4_000  # characters of a question's prompt
MAX_NOTES = 20_000  # characters of the scorecard's notes, and of each question's
LOWEST, HIGHEST = 1, 5  # of a rating and of a question's score

NOT_A_CRITERION = "'{slug}' is not a criterion of this scorecard"

# The parts of a scorecard that must have this type when present; anything else is malformed.
_SHAPES: dict[str, type] = {"ratings": dict, "signals": dict, "red_flags": list, "questions": list}

Problems = dict[str, list[str]]


def candidate_red_flags() -> frozenset[str]:
    """The library's candidate red flags, cached until the library changes (every save asks)."""
    return library_cache.cached(
        ("candidate-red-flags",),
        lambda: frozenset(CandidateRedFlag.objects.values_list("name", flat=True)),
    )


def scorecard_validate(snapshot: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """``data``, a possibly partial scorecard, checked against ``snapshot`` (its version's
    criteria and red flags). Returns the cleaned ``ratings``, ``signals``, ``red_flags``,
    ``notes``, ``recommendation`` and ``questions`` (None when absent: the stored ones stay), or
    raises InvalidInput naming every problem under its field."""
    _refuse_malformed(data)
    criteria = {c["slug"]: c for c in snapshot["criteria"]}
    problems: Problems = {}
    # In this order, the order in which the problems are listed.
    cleaned = {
        "ratings": _ratings(criteria, data.get("ratings") or {}, problems),
        "signals": _signals(criteria, data.get("signals") or {}, problems),
        "red_flags": _red_flags(snapshot["red_flags"], data.get("red_flags") or [], problems),
        "notes": str(data.get("notes") or "")[:MAX_NOTES],
        "recommendation": _recommendation(data.get("recommendation") or "", problems),
        "questions": _questions(data.get("questions"), problems),
    }
    if problems:
        raise InvalidInput("The scorecard has problems.", field_errors=problems)
    return cleaned


def scorecard_missing(snapshot: Mapping[str, Any], fields: Mapping[str, Any]) -> list[str]:
    """What a scorecard (its ``ratings`` and ``recommendation``) lacks to be submitted."""
    missing = [
        f"rating for '{c['name']}'"
        for c in snapshot["criteria"]
        if c["slug"] not in fields["ratings"]
    ]
    if not fields["recommendation"]:
        missing.append("an overall recommendation")
    return missing


def _refuse_malformed(data: Mapping[str, Any]) -> None:
    wrong = [
        k
        for k, kind in _SHAPES.items()
        if data.get(k) is not None and not isinstance(data[k], kind)
    ]
    if (
        wrong
        or any(not isinstance(v, dict) for v in (data.get("signals") or {}).values())
        or any(not isinstance(q, dict) for q in (data.get("questions") or []))
    ):
        raise InvalidInput(
            "The scorecard data is malformed.", field_errors={k: ["wrong shape"] for k in wrong}
        )


def _is_score(value: Any) -> bool:
    return isinstance(value, int) and LOWEST <= value <= HIGHEST


def _ratings(
    criteria: Mapping[str, Any], ratings: Mapping[str, Any], problems: Problems
) -> dict[str, int]:
    kept = {}
    for slug, value in ratings.items():
        if slug not in criteria:
            problems.setdefault("ratings", []).append(NOT_A_CRITERION.format(slug=slug))
        elif value is None:
            continue  # not rated yet
        elif _is_score(value):
            kept[slug] = value
        else:
            problems.setdefault("ratings", []).append(
                f"'{slug}' must be rated {LOWEST} to {HIGHEST}"
            )
    return kept


def _signals(
    criteria: Mapping[str, Any], signals: Mapping[str, Any], problems: Problems
) -> dict[str, dict[str, list[str]]]:
    """The signals ticked on each criterion; those the criterion does not list are dropped."""
    kept = {}
    for slug, ticked in signals.items():
        if slug not in criteria:
            problems.setdefault("signals", []).append(NOT_A_CRITERION.format(slug=slug))
            continue
        kept[slug] = {
            side: [s for s in ticked.get(side, []) if s in criteria[slug][f"{side}_signals"]]
            for side in ("strong", "weak")
        }
    return kept


def _red_flags(checklist: list[str], flags: list[Any], problems: Problems) -> list[str]:
    # The scorecard's own checklist plus the library's candidate red flags (lateness,
    # malpractice...), whose severity the debrief uses for vetoes.
    known = set(checklist) | candidate_red_flags()
    unknown = [f for f in flags if f not in known]
    if unknown:
        problems.setdefault("red_flags", []).append("unknown red flag: " + "; ".join(unknown))
    return [f for f in flags if f in known]


def _recommendation(recommendation: str, problems: Problems) -> str:
    if recommendation and recommendation not in Recommendation.values:
        problems.setdefault("recommendation", []).append("unknown recommendation")
    return recommendation


def _questions(questions: list[dict[str, Any]] | None, problems: Problems) -> list[Any] | None:
    if questions is not None and len(questions) > MAX_QUESTIONS:
        problems.setdefault("questions", []).append(f"at most {MAX_QUESTIONS} questions")
    scores = (q.get("score") for q in questions or [])
    if any(score is not None and not _is_score(score) for score in scores):
        problems.setdefault("questions", []).append(f"question scores are {LOWEST} to {HIGHEST}")
    return questions
