"""The shape every grader returns: a list of checks with evidence, plus files such as diagrams."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Result = Literal["pass", "partial", "fail"]
RESULTS: tuple[Result, ...] = ("pass", "partial", "fail")

# Called with a fraction in [0, 1] and a short message, e.g. progress(0.4, "probing PUT").
Progress = Callable[[float, str], None]


def no_progress(fraction: float, message: str) -> None:
    """A progress callback that ignores everything."""


class GradingError(Exception):
    """Grading could not run at all (missing input, missing tool, unreachable database).

    A problem *with the submission* is never a GradingError: it is a failed check.
    """


@dataclass
class Check:
    id: str  # stable, dotted: "crud.create", "plan.index_used"
    criterion: str  # the task's evaluation criterion it counts towards, e.g. "Functionality"
    title: str  # what was checked, in a short sentence
    result: Result
    points: float
    max_points: float
    evidence: str = ""  # request and response, plan, offending line...

    def __post_init__(self) -> None:
        if self.result not in RESULTS:
            raise ValueError(f"unknown result {self.result!r}")
        if not 0 <= self.points <= self.max_points:
            raise ValueError(f"points {self.points} outside 0..{self.max_points}")


@dataclass
class Report:
    kind: str  # "api", "sql" or "schema"
    checks: list[Check] = field(default_factory=list)
    summary: str = ""
    # Named files shown with the report, e.g. {"er-diagram.svg": "<svg ...>"}.
    artifacts: dict[str, str] = field(default_factory=dict)
    # Figures worth showing beside the checks, e.g. {"speedup": 12.5}.
    metrics: dict[str, float] = field(default_factory=dict)

    @property
    def score(self) -> float:
        return round(sum(c.points for c in self.checks), 2)

    @property
    def max_score(self) -> float:
        return round(sum(c.max_points for c in self.checks), 2)

    @property
    def percent(self) -> float:
        return round(100 * self.score / self.max_score, 1) if self.max_score else 0.0

    def add(self, check: Check) -> Check:
        self.checks.append(check)
        return check

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(score=self.score, max_score=self.max_score, percent=self.percent)
        return data
