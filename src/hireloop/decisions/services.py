"""Writes for decisions: the recorded outcome, focus areas, and a role's decision rules."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db import transaction

from hireloop.accounts.errors import InvalidInput
from hireloop.accounts.models import AuditVerb, Membership
from hireloop.accounts.services import audit_record
from hireloop.library.models import Seniority
from hireloop.library.selectors import competency_by_slug, competency_slugs

from .models import Decision, FocusArea, Outcome
from .selectors import RULE_KEYS, access_debrief, access_rules, debrief_of
from .suggest import WEIGHT_MAX


@transaction.atomic(durable=True)
def decision_record(
    *, membership: Membership, application_id: int, outcome: str, rationale: str, level: str = ""
) -> Decision:
    """Record the hiring manager's decision together with what Hireloop suggested at the time."""
    application = access_debrief(membership, application_id)
    problems: dict[str, list[str]] = {}
    if outcome not in Outcome.values:
        problems["outcome"] = [f"one of: {', '.join(Outcome.values)}"]
    if len(rationale.strip()) < 10:
        problems["rationale"] = ["explain the decision in a sentence or two"]
    if outcome in (Outcome.HIRE, Outcome.HIRE_AT_LEVEL):
        level = level or (application.role.seniority if outcome == Outcome.HIRE else "")
        if level not in Seniority.values:
            problems["level"] = ["choose the level to hire at"]
        elif outcome == Outcome.HIRE_AT_LEVEL and level == application.role.seniority:
            problems["level"] = ["that is the role's own level: choose 'Hire' instead"]
    else:
        level = ""
    if problems:
        raise InvalidInput("The decision is incomplete.", field_errors=problems)
    current = debrief_of(application).suggestion
    decision = Decision.objects.create(
        application=application,
        outcome=outcome,
        level=level,
        rationale=rationale.strip(),
        suggestion=asdict(current),
        decided_by=membership.user,
    )
    audit_record(
        membership=membership,
        verb=AuditVerb.DECISION_RECORD,
        obj=decision,
        after={
            "outcome": outcome,
            "level": level,
            "suggested": current.outcome,
            "rationale": decision.rationale,
        },
    )
    return decision


@transaction.atomic(durable=True)
def focus_area_request(
    *, membership: Membership, application_id: int, competency: str, reason: str
) -> FocusArea:
    """Ask the next interviewers to probe a competency; shown in their interview kit. Those who
    decide ask (the debrief's door): an interviewer's free text would reach their peers' kits
    before those peers have scored."""
    application = access_debrief(membership, application_id)
    found = competency_by_slug(competency)
    if found is None or not reason.strip():
        raise InvalidInput(
            "Choose a competency and say what to probe.",
            field_errors={"competency": ["unknown"]} if found is None else {"reason": ["required"]},
        )
    area = FocusArea.objects.create(
        application=application,
        competency=found,
        reason=reason.strip()[:300],
        requested_by=membership.user,
    )
    audit_record(
        membership=membership,
        verb=AuditVerb.FOCUS_AREA_REQUEST,
        obj=area,
        after={"competency": competency, "reason": area.reason},
    )
    return area


def _clean_rules(data: dict[str, Any]) -> dict[str, Any]:
    problems: dict[str, list[str]] = {}
    unknown = sorted(set(data) - set(RULE_KEYS))
    if unknown:
        problems["rules"] = [f"unknown setting: {', '.join(unknown)}"]
    known = competency_slugs()
    for key, low, high in (("weights", 0.0, WEIGHT_MAX), ("minimums", 1.0, 5.0)):
        for slug, value in (data.get(key) or {}).items():
            if slug not in known:
                problems.setdefault(key, []).append(f"unknown competency '{slug}'")
            elif not isinstance(value, int | float) or not low <= value <= high:
                problems.setdefault(key, []).append(f"'{slug}' must be between {low} and {high}")
    proceed_at = data.get("proceed_at", 3.0)
    if not isinstance(proceed_at, int | float) or not 1.0 <= proceed_at <= 5.0:
        problems["proceed_at"] = ["between 1 and 5"]
    for key in ("veto_strong_no_hire", "veto_serious_red_flag"):
        if key in data and not isinstance(data[key], bool):
            problems[key] = ["true or false"]
    if problems:
        raise InvalidInput("The decision rules have problems.", field_errors=problems)
    return {k: data[k] for k in RULE_KEYS if k in data}


@transaction.atomic(durable=True)
def role_rules_update(*, membership: Membership, role_id: int, data: dict[str, Any]) -> None:
    """Replace the role's overrides of the derived decision rules."""
    role = access_rules(membership, role_id)
    before = role.rules
    role.rules = _clean_rules(data)
    role.save(update_fields=["rules", "updated_at"])
    audit_record(
        membership=membership,
        verb=AuditVerb.ROLE_RULES,
        obj=role,
        before=before,
        after=role.rules,
    )
