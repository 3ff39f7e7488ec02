"""The debrief and decision of an application, a role's decision rules, and the preparation link
a recruiter sends. Reads and access checks go through ``hireloop.decisions.selectors``, every
write through the services, so the pages can never show or change more than the API does."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from hireloop.accounts.errors import InvalidInput
from hireloop.accounts.models import Membership
from hireloop.accounts.permissions import Capability
from hireloop.accounts.selectors import require
from hireloop.decisions import selectors, services
from hireloop.decisions.models import Outcome
from hireloop.decisions.suggest import (
    LEVEL_UP_FLOOR,
    LEVEL_UP_SCORE,
    LEVELS,
    NEAR_MISS,
    Rules,
    rules_for,
)
from hireloop.hiring import selectors as hiring
from hireloop.hiring.models import Role
from hireloop.hiring.prep import PrepLinkError, prep_link_create, prep_page
from hireloop.library.models import Recommendation, Seniority

from ..access import member_view
from ..panels import debrief_task_evidence
from ..render import page
from .forms import NO_MINIMUM, DecisionForm, PrepLinkForm, RulesForm

OUTCOME_LABELS = {
    "proceed": "Proceed",
    "decline": "Decline",
    "insufficient_evidence": "Insufficient evidence",
}
DECISION_LABELS = dict(Outcome.choices)
LEVEL_LABELS = dict(Seniority.choices)
RECOMMENDATION_LABELS = dict(Recommendation.choices)


def _competency_names() -> dict[str, str]:
    return selectors.library_lookups().competency_names


def _band(value: float | None) -> str:
    """The colour band of a 1-5 score: its nearest whole point, halves rounding up."""
    if value is None:
        return "none"
    return str(min(5, max(1, int(value + 0.5))))


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _level_note(suggested: str | None, applied: str) -> str:
    if not suggested or suggested == applied or applied not in LEVELS:
        return ""
    direction = "lower" if LEVELS.index(suggested) < LEVELS.index(applied) else "higher"
    return (
        f"Hire at a {direction} level than applied for: "
        f"{LEVEL_LABELS[suggested].lower()} instead of {LEVEL_LABELS[applied].lower()}."
    )


# The debrief ---------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _decision_fields(role_level: str, level: str | None) -> str:
    """The decision form's fields before anything is entered: a function of these two values
    (and the code) only, so rendered once per process. Django's widgets cost ~1.7 ms a debrief."""
    form = DecisionForm(role_level=role_level, initial={"level": level})
    return render_to_string("decisions/_decision_fields.html", {"decision_form": form})


def _debrief_page(
    request: HttpRequest,
    membership: Membership,
    pk: int,
    *,
    decision_form: DecisionForm | None = None,
    focus_problem: str = "",
    status: int = 200,
) -> HttpResponse:
    report = selectors.debrief(membership, pk)
    application = report.application
    role = application.role
    if decision_form is not None:
        decision_form.mark_role_level(role.seniority)
    names = report.competency_names
    suggestion = report.suggestion
    columns = [
        {
            "interviewer": f.interviewer.display_name,
            "stage": f.interview.stage.name,
            "recommendation": f.recommendation,
            "recommendation_label": RECOMMENDATION_LABELS.get(f.recommendation, ""),
            "submitted_at": f.submitted_at,
        }
        for f in report.feedback
    ]
    rows = [
        {
            "name": row.name,
            "cells": [{"value": v, "band": _band(v)} for v in row.scores],
            "average": row.average,
            "spread": row.spread,
            "disagreement": row.disagreement,
        }
        for row in report.rows
    ]
    submitted = len(report.feedback)
    tally = [
        {
            "value": value,
            "label": label,
            "count": count,
            "percent": round(100 * count / submitted) if submitted else 0,
        }
        for value, label, count in report.tally
    ]
    blocked = set(suggestion.blocked_by)
    requested = {f.competency.slug for f in report.focus_areas}
    coverage = report.coverage
    return page(
        request,
        "decisions/debrief.html",
        {
            "application": application,
            "candidate": application.candidate,
            "role": role,
            "columns": columns,
            "rows": rows,
            "disagreements": sum(1 for r in rows if r["disagreement"]),
            "tally": tally,
            "submitted": submitted,
            "red_flags": sorted(report.red_flags, key=lambda f: not f[2]),
            "serious_flags": sum(1 for f in report.red_flags if f[2]),
            "coverage": coverage,
            "unverified_must": sum(
                1 for c in coverage if c["priority"] == "must" and not c["verified"]
            ),
            "rules": report.rules,
            "suggestion": suggestion,
            "outcome_label": OUTCOME_LABELS.get(suggestion.outcome, suggestion.outcome),
            "suggested_level": LEVEL_LABELS.get(suggestion.level or "", ""),
            "level_note": _level_note(suggestion.level, role.seniority),
            "reasons": [{"text": r, "blocks": r in blocked} for r in suggestion.reasons],
            "suggested_focus": [
                {
                    "competency": f.competency,
                    "name": names.get(f.competency, f.competency),
                    "reason": f.reason,
                    "requested": f.competency in requested,
                }
                for f in suggestion.focus_areas
            ],
            "focus_areas": report.focus_areas,
            "focus_problem": focus_problem,
            "decisions": [
                {
                    "decision": d,
                    "label": DECISION_LABELS.get(d.outcome, d.outcome),
                    "level": LEVEL_LABELS.get(d.level, ""),
                    "suggested": OUTCOME_LABELS.get(
                        d.suggestion.get("outcome", ""), d.suggestion.get("outcome", "")
                    ),
                    "suggested_score": d.suggestion.get("score"),
                }
                for d in report.decisions
            ],
            "decision_form": decision_form,
            "task_evidence": debrief_task_evidence(request, membership, application),
            # A form shown again with errors is rendered; the blank one is always the same.
            "decision_fields": None
            if decision_form
            else _decision_fields(
                role.seniority, suggestion.level if suggestion.level != role.seniority else ""
            ),
        },
        status=status,
    )


@require_GET
@member_view
def debrief(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _debrief_page(request, membership, pk)


def _debrief_url(pk: int, anchor: str = "") -> str:
    return reverse("application-debrief", args=[pk]) + (f"#{anchor}" if anchor else "")


@require_POST
@member_view
def decision_record(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    form = DecisionForm(request.POST)
    if form.is_valid():
        cd = form.cleaned_data
        try:
            decision = services.decision_record(
                membership=membership,
                application_id=pk,
                outcome=cd["outcome"],
                level=cd["level"],
                rationale=cd["rationale"],
            )
        except InvalidInput as exc:
            form.add_domain_errors(exc.field_errors, exc.message)
        else:
            label = DECISION_LABELS[decision.outcome]
            if decision.outcome == Outcome.HIRE_AT_LEVEL:
                label += f" ({LEVEL_LABELS[decision.level].lower()})"
            name = decision.application.candidate.name
            messages.success(request, f"Recorded “{label}” for {name}.")
            return HttpResponseRedirect(_debrief_url(pk, "decisions"))
    return _debrief_page(request, membership, pk, decision_form=form, status=400)


@require_POST
@member_view
def focus_area_request(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    competency = request.POST.get("competency", "")[:80]
    try:
        area = services.focus_area_request(
            membership=membership,
            application_id=pk,
            competency=competency,
            reason=request.POST.get("reason", "")[:300],
        )
    except InvalidInput as exc:
        return _debrief_page(request, membership, pk, focus_problem=exc.message, status=400)
    messages.success(
        request, f"Asked the next interviewers to probe {area.competency.name}: it is in their kit."
    )
    return HttpResponseRedirect(_debrief_url(pk, "focus-areas"))


# Preparation link ----------------------------------------------------------------------------


@never_cache
@member_view
def prep_link(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """GET: the form; POST: a new signed link, shown once in the response (never redirected)."""
    require(membership, Capability.CANDIDATE_MANAGE)
    application = hiring.access_application(membership, pk)
    context: dict[str, Any] = {
        "application": application,
        "candidate": application.candidate,
        "role": application.role,
        "open": application.is_open,
    }
    status = 200
    if request.method == "POST":
        form = PrepLinkForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                token = prep_link_create(
                    membership=membership, application_id=pk, days=form.cleaned_data["days"]
                )
            except InvalidInput as exc:
                form.add_error("days", exc.message)
            else:
                context["url"] = request.build_absolute_uri(reverse("candidate-prep", args=[token]))
                try:
                    context["preview"] = prep_page(token)
                except PrepLinkError as exc:
                    context["preview_problem"] = str(exc)
                form = PrepLinkForm()
                status = 201
    else:
        form = PrepLinkForm()
    context["form"] = form
    response = page(request, "decisions/prep_link.html", context, status=status)
    response["Referrer-Policy"] = "no-referrer"
    return response


# Decision rules ------------------------------------------------------------------------------


def _base_rules(role: Role) -> tuple[Rules, Rules]:
    """The rules derived from the industry profile and seniority (no overrides), and those of the
    profile alone (the mid level applies no factor), to explain where each weight comes from."""
    profile = role.industry.weights if role.industry else {}
    return rules_for(profile, role.seniority), rules_for(profile, "mid")  # type: ignore[arg-type]


def _rules_form(role: Role, base: Rules, data: Any = None) -> RulesForm:
    names = _competency_names()
    effective = selectors.effective_rules(role)
    initial: dict[str, Any] = {
        "veto_strong_no_hire": effective.veto_strong_no_hire,
        "veto_serious_red_flag": effective.veto_serious_red_flag,
        "proceed_at": effective.proceed_at,
    }
    for slug in names:
        initial[f"w_{slug}"] = effective.weights.get(slug, 1.0)
        minimum = effective.minimums.get(slug)
        initial[f"m_{slug}"] = minimum if minimum is not None and minimum > NO_MINIMUM else None
    return RulesForm(
        data,
        initial=initial,
        competencies=list(names.items()),
        base_weights=base.weights,
        base_minimums=base.minimums,
        base_flags={
            "veto_strong_no_hire": base.veto_strong_no_hire,
            "veto_serious_red_flag": base.veto_serious_red_flag,
            "proceed_at": base.proceed_at,
        },
    )


def _rules_page(
    request: HttpRequest,
    role: Role,
    *,
    form: RulesForm | None = None,
    status: int = 200,
) -> HttpResponse:
    base, profile_only = _base_rules(role)
    form = form or _rules_form(role, base)
    effective = selectors.effective_rules(role)
    names = _competency_names()
    overrides = role.rules or {}
    rows: list[dict[str, Any]] = []
    for slug, name in names.items():
        derived = base.weights.get(slug, 1.0)
        from_profile = profile_only.weights.get(slug, 1.0)
        weight = effective.weights.get(slug, 1.0)
        minimum = effective.minimums.get(slug)
        rows.append(
            {
                "slug": slug,
                "name": name,
                "weight": weight,
                "derived": derived,
                "from_profile": from_profile,
                "factor": round(derived / from_profile, 4) if from_profile else 1.0,
                "derived_minimum": base.minimums.get(slug),
                "minimum": minimum if minimum is not None and minimum > NO_MINIMUM else None,
                "changed": slug in (overrides.get("weights") or {})
                or slug in (overrides.get("minimums") or {}),
                "required": slug in effective.required,
                "weight_field": form[f"w_{slug}"],
                "minimum_field": form[f"m_{slug}"],
            }
        )
    by_factor: dict[float, list[str]] = {}
    for r in rows:
        if r["factor"] != 1.0:
            by_factor.setdefault(r["factor"], []).append(r["name"])
    seniority_text = ", ".join(
        f"{_and(names_)} \u00d7{factor:g}"
        for factor, names_ in sorted(by_factor.items(), reverse=True)
    )
    changed = sum(
        len(v) if isinstance(v, dict) else 1 for v in overrides.values() if v not in ({}, None)
    )
    return page(
        request,
        "decisions/role_rules.html",
        {
            "role": role,
            "form": form,
            "rows": rows,
            "by_weight": sorted(
                (r for r in rows if r["weight"] != 1.0), key=lambda r: (-r["weight"], r["name"])
            ),
            "rules": effective,
            "base": base,
            "minimums": [
                (names.get(slug, slug), value)
                for slug, value in sorted(effective.minimums.items())
                if value > NO_MINIMUM
            ],
            "required": [names.get(slug, slug) for slug in effective.required],
            "seniority_text": seniority_text,
            "changed": changed,
            "near_miss_from": round(effective.proceed_at - NEAR_MISS, 2),
            "near_miss": NEAR_MISS,
            "level_up_score": LEVEL_UP_SCORE,
            "level_up_floor": LEVEL_UP_FLOOR,
            "lowest": role.seniority == LEVELS[0],
            "highest": role.seniority == LEVELS[-1],
        },
        status=status,
    )


@member_view
def role_rules(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    role = selectors.access_rules(membership, pk)
    if request.method != "POST":
        return _rules_page(request, role)
    if "reset" in request.POST:
        services.role_rules_update(membership=membership, role_id=pk, data={})
        messages.success(
            request, "Back to the rules derived from the industry profile and seniority."
        )
        return HttpResponseRedirect(reverse("role-rules", args=[pk]))
    base, _ = _base_rules(role)
    form = _rules_form(role, base, request.POST)
    if form.is_valid():
        overrides = form.overrides()
        try:
            services.role_rules_update(membership=membership, role_id=pk, data=overrides)
        except InvalidInput as exc:
            form.add_domain_errors(exc.field_errors, exc.message)
        else:
            messages.success(
                request,
                "Decision rules saved."
                if overrides
                else "Nothing differs from the derived rules: they apply unchanged.",
            )
            return HttpResponseRedirect(reverse("role-rules", args=[pk]))
    return _rules_page(request, role, form=form, status=400)
