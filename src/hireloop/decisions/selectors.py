"""The debrief: every submitted scorecard of an application side by side, computed on demand
(never copied), with the rules that apply and Hireloop's suggestion."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model

from hireloop.accounts.errors import PermissionDenied
from hireloop.accounts.models import Membership, User
from hireloop.hiring.models import Application, PlanStage, Role, SkillCheck
from hireloop.hiring.selectors import access_application, access_role, may_read_opinions
from hireloop.interviews.models import Feedback, FeedbackStatus, Interview
from hireloop.lib.rows import PreparedQuery
from hireloop.library import cache as library_cache
from hireloop.library.models import (
    CandidateRedFlag,
    Competency,
    Recommendation,
    ScorecardVersion,
)

from .models import Decision, FocusArea
from .suggest import Evidence, Rating, Rules, Suggestion, disagree, rules_for, suggest

RULE_KEYS = ("weights", "minimums", "veto_strong_no_hire", "veto_serious_red_flag", "proceed_at")

M = TypeVar("M", bound=Model)


def may_decide(membership: Membership, role: Role) -> bool:
    """Those who read every opinion on the role's candidates decide on them, ask for focus
    areas and set the role's decision rules."""
    return may_read_opinions(membership, role)


def access_debrief(membership: Membership, application_id: int) -> Application:
    """The application, with what its debrief shows of its role, for those who decide."""
    application = access_application(
        membership,
        application_id,
        related=("candidate", "role__industry", "role__hiring_manager", "stage"),
    )
    if not may_decide(membership, application.role):
        raise PermissionDenied("The debrief is for the role's hiring manager and admins.")
    return application


def access_rules(membership: Membership, role_id: int) -> Role:
    """The role, for those who set its decision rules."""
    role = access_role(membership, role_id)
    if not may_decide(membership, role):
        raise PermissionDenied("Only the role's hiring manager and admins set its decision rules.")
    return role


def required_competencies(role: Role) -> tuple[str, ...]:
    """Competencies of the must-verify skills: the role cannot decide without them."""
    slugs = role.skill_checks.filter(skill__priority="must").values_list(
        "skill__competency__slug", flat=True
    )
    return tuple(sorted(set(slugs)))


def effective_rules(role: Role, *, required: tuple[str, ...] | None = None) -> Rules:
    """Rules from the industry profile and seniority, with the role's own overrides applied.
    ``required`` saves a query when the caller has the role's skill checks already."""
    base = rules_for(role.industry.weights if role.industry else {}, role.seniority)  # type: ignore[arg-type]
    overrides = {k: v for k, v in (role.rules or {}).items() if k in RULE_KEYS}
    weights = {**base.weights, **overrides.pop("weights", {})}
    minimums = {**base.minimums, **overrides.pop("minimums", {})}
    return Rules(
        weights=weights,
        minimums=minimums,
        required=required_competencies(role) if required is None else required,
        veto_strong_no_hire=overrides.get("veto_strong_no_hire", base.veto_strong_no_hire),
        veto_serious_red_flag=overrides.get("veto_serious_red_flag", base.veto_serious_red_flag),
        proceed_at=overrides.get("proceed_at", base.proceed_at),
    )


@dataclass(frozen=True)
class LibraryLookups:
    serious_flags: frozenset[str]
    competency_names: dict[str, str]


def library_lookups() -> LibraryLookups:
    """The library's names a debrief needs, cached until the library changes."""

    def read() -> LibraryLookups:
        serious = CandidateRedFlag.objects.filter(severity="serious").values_list("name", flat=True)
        return LibraryLookups(
            serious_flags=frozenset(serious),
            competency_names=dict(Competency.objects.values_list("slug", "name")),
        )

    return library_cache.cached(("debrief-lookups",), read)


def evidence_of(feedback: list[Feedback], serious: frozenset[str]) -> list[Evidence]:
    result = []
    for f in feedback:
        criteria = {c["slug"]: c for c in f.interview.scorecard_version.snapshot["criteria"]}
        result.append(
            Evidence(
                interviewer=f.interviewer.display_name,
                stage=f.interview.stage.name,
                recommendation=f.recommendation,  # type: ignore[arg-type]
                ratings=tuple(
                    Rating(criterion=slug, competency=criteria[slug]["competency"], score=score)
                    for slug, score in sorted(f.ratings.items())
                    if slug in criteria
                ),
                red_flags=tuple(f.red_flags),
                serious_red_flags=tuple(flag for flag in f.red_flags if flag in serious),
            )
        )
    return result


def _loaded(model: type[M], **values: Any) -> M:
    """The instance as ``only(*values)`` would load it: the other columns load when first read."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(DEFAULT_DB_ALIAS, names, [values[name] for name in names])


def _user(pk: int | None, full_name: str | None, email: str | None) -> User | None:
    """Someone named on the debrief (str() and display_name need these two columns), or None
    for someone removed since."""
    return None if pk is None else _loaded(User, id=pk, full_name=full_name, email=email)


# The debrief's reads, built and compiled once per process (hireloop.lib.rows): the ORM spent
# several times longer building these joins than the database running them. Each reads the
# columns the page, the API and the interview kit show, and nothing else.
_SUBMITTED: PreparedQuery[Feedback] = PreparedQuery(
    lambda *, application_id: (
        Feedback.objects.filter(
            interview__application_id=application_id, status=FeedbackStatus.SUBMITTED
        )
        .order_by("interview__starts_at", "submitted_at")
        .values_list(
            "pk",
            "recommendation",
            "ratings",
            "red_flags",
            "submitted_at",
            "interviewer_id",
            "interviewer__full_name",
            "interviewer__email",
            "interview_id",
            "interview__stage_id",
            "interview__stage__name",
            "interview__scorecard_version_id",
            "interview__scorecard_version__snapshot",
        )
    )
)
_SKILL_CHECKS: PreparedQuery[SkillCheck] = PreparedQuery(
    lambda *, role_id: SkillCheck.objects.filter(role_id=role_id).values_list(
        "skill__skill", "skill__priority", "skill__competency__slug", "stage__name"
    )
)
_FOCUS_AREAS: PreparedQuery[FocusArea] = PreparedQuery(
    lambda *, application_id: (
        FocusArea.objects.filter(application_id=application_id)
        .order_by("-created_at")
        .values_list(
            "pk",
            "reason",
            "created_at",
            "competency_id",
            "competency__slug",
            "competency__name",
            "requested_by_id",
            "requested_by__full_name",
            "requested_by__email",
        )
    )
)
_DECISIONS: PreparedQuery[Decision] = PreparedQuery(
    lambda *, application_id: (
        Decision.objects.filter(application_id=application_id)
        .order_by("-at")
        .values_list(
            "pk",
            "outcome",
            "level",
            "rationale",
            "suggestion",
            "at",
            "decided_by_id",
            "decided_by__full_name",
            "decided_by__email",
        )
    )
)


def _submitted_feedback(application: Application) -> list[Feedback]:
    """The submitted scorecards, in the order of their interviews."""
    found = []
    for (
        pk,
        recommendation,
        ratings,
        red_flags,
        submitted_at,
        user_id,
        full_name,
        email,
        interview_id,
        stage_id,
        stage,
        version_id,
        snapshot,
    ) in _SUBMITTED.rows((), application_id=application.pk):
        interview = _loaded(
            Interview,
            id=interview_id,
            application_id=application.pk,
            stage_id=stage_id,
            scorecard_version_id=version_id,
        )
        interview.stage = _loaded(PlanStage, id=stage_id, name=stage)
        interview.scorecard_version = _loaded(ScorecardVersion, id=version_id, snapshot=snapshot)
        feedback = _loaded(
            Feedback,
            id=pk,
            interview_id=interview_id,
            interviewer_id=user_id,
            ratings=ratings,
            red_flags=red_flags,
            recommendation=recommendation,
            submitted_at=submitted_at,
        )
        feedback.interview = interview
        feedback.interviewer = _loaded(User, id=user_id, full_name=full_name, email=email)
        found.append(feedback)
    return found


@dataclass
class MatrixRow:
    competency: str
    name: str
    scores: list[float | None]  # each scorecard's average, in column order
    average: float | None
    spread: int

    @property
    def disagreement(self) -> bool:
        """The debrief page, its matrix and the API all flag a row by this (see ``disagree``)."""
        return disagree(self.scores)


class Tally(NamedTuple):
    """How many submitted scorecards gave one recommendation."""

    recommendation: str
    label: str
    scorecards: int  # not ``count``, which would hide tuple.count


class RaisedFlag(NamedTuple):
    """A red flag one interviewer raised, and whether the library counts it as serious."""

    flag: str
    interviewer: str
    serious: bool


@dataclass
class Debrief:
    application: Application
    feedback: list[Feedback]
    rows: list[MatrixRow]
    tally: list[Tally]
    red_flags: list[RaisedFlag]
    coverage: list[dict[str, Any]]
    rules: Rules
    suggestion: Suggestion
    focus_areas: list[FocusArea] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    competency_names: dict[str, str] = field(default_factory=dict)


def debrief(membership: Membership, application_id: int) -> Debrief:
    return debrief_of(access_debrief(membership, application_id))


def debrief_of(application: Application) -> Debrief:
    """The debrief of an application that came through ``access_debrief``."""
    submitted = _submitted_feedback(application)
    lookups = library_lookups()
    serious, names = lookups.serious_flags, lookups.competency_names
    evidence = evidence_of(submitted, serious)
    per_card: list[dict[str, list[int]]] = []
    for item in evidence:
        scores: dict[str, list[int]] = {}
        for r in item.ratings:
            scores.setdefault(r.competency, []).append(r.score)
        per_card.append(scores)
    competencies = sorted({c for card in per_card for c in card}, key=lambda c: names.get(c, c))
    rows = []
    for slug in competencies:
        cells = [
            round(sum(card[slug]) / len(card[slug]), 1) if slug in card else None
            for card in per_card
        ]
        present = [s for card in per_card for s in card.get(slug, [])]
        rows.append(
            MatrixRow(
                competency=slug,
                name=names.get(slug, slug),
                scores=cells,
                average=round(sum(present) / len(present), 2) if present else None,
                # Between scorecards, not criteria of one scorecard; a whole number to show,
                # so 1.5 shows as 2: the disagreement compares the exact gap (``disagree``).
                spread=round(max(scored) - min(scored))
                if (scored := [c for c in cells if c is not None])
                else 0,
            )
        )
    counts = Counter(f.recommendation for f in submitted)
    tally = [Tally(value, label, counts.get(value, 0)) for value, label in Recommendation.choices]
    flags = [
        RaisedFlag(flag, f.interviewer.display_name, flag in serious)
        for f in submitted
        for flag in f.red_flags
    ]
    rated = {c for card in per_card for c in card}
    coverage = []
    # Plain values: the coverage needs four of them, and model instances cost three times more.
    checks = _SKILL_CHECKS.rows((), role_id=application.role_id)
    required = {competency for _, priority, competency, _ in checks if priority == "must"}
    for skill, priority, competency, planned_stage in checks:
        verified_by = sorted(
            {
                item.stage
                for item, card in zip(evidence, per_card, strict=True)
                if competency in card
            }
        )
        coverage.append(
            {
                "skill": skill,
                "priority": priority,
                "planned_stage": planned_stage,
                "verified_by": verified_by,
                "verified": competency in rated,
            }
        )
    rules = effective_rules(application.role, required=tuple(sorted(required)))
    return Debrief(
        application=application,
        feedback=submitted,
        rows=rows,
        tally=tally,
        red_flags=flags,
        coverage=coverage,
        rules=rules,
        suggestion=suggest(rules, evidence, application.role.seniority),  # type: ignore[arg-type]
        focus_areas=focus_areas_for(application),
        decisions=_decisions(application),
        competency_names=names,
    )


def focus_areas_for(application: Application) -> list[FocusArea]:
    """What the hiring manager or an admin asked the next interviewers to probe (shown in the
    interview kit), newest first."""
    found = []
    for (
        pk,
        reason,
        created_at,
        competency_id,
        slug,
        name,
        user_id,
        full_name,
        email,
    ) in _FOCUS_AREAS.rows((), application_id=application.pk):
        area = _loaded(
            FocusArea,
            id=pk,
            application_id=application.pk,
            competency_id=competency_id,
            reason=reason,
            requested_by_id=user_id,
            created_at=created_at,
        )
        area.competency = _loaded(Competency, id=competency_id, slug=slug, name=name)
        area.requested_by = _user(user_id, full_name, email)
        found.append(area)
    return found


def _decisions(application: Application) -> list[Decision]:
    """Every decision on the application, newest first."""
    found = []
    for (
        pk,
        outcome,
        level,
        rationale,
        suggestion,
        at,
        user_id,
        full_name,
        email,
    ) in _DECISIONS.rows((), application_id=application.pk):
        decision = _loaded(
            Decision,
            id=pk,
            application_id=application.pk,
            outcome=outcome,
            level=level,
            rationale=rationale,
            suggestion=suggestion,
            decided_by_id=user_id,
            at=at,
        )
        decision.decided_by = _user(user_id, full_name, email)
        found.append(decision)
    return found


@dataclass(frozen=True)
class DebriefStatus:
    """What an application's page tells a decider before they open the debrief."""

    submitted: int  # scorecards submitted so far
    latest: Decision | None  # the newest decision, with who made it


def debrief_status(membership: Membership, application: Application) -> DebriefStatus:
    """For those who may decide on ``application`` (already access-checked by the caller)."""
    if not may_decide(membership, application.role):
        raise PermissionDenied("The debrief is for the role's hiring manager and admins.")
    submitted = Feedback.objects.filter(
        interview__application=application, status=FeedbackStatus.SUBMITTED
    ).count()
    latest = Decision.objects.filter(application=application).select_related("decided_by").first()
    return DebriefStatus(submitted=submitted, latest=latest)
