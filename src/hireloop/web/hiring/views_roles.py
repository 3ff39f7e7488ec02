"""Role pages: the list of roles, a new role, a role's board and its interview plan. Every write
goes through ``hireloop.hiring.services``; every read and access check through the selectors, so a
page can never show more than its user may see."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from hireloop.accounts.errors import Conflict, InvalidInput, PermissionDenied
from hireloop.accounts.models import MemberRole, Membership
from hireloop.accounts.permissions import Capability, can
from hireloop.accounts.selectors import require, workspace_members
from hireloop.hiring import selectors, services
from hireloop.hiring.models import PlanStage, Role, RoleStatus
from hireloop.library import selectors as library

from ..access import member_view
from ..render import page
from .forms import RoleForm, RoleSettingsForm, StageAddForm, StageEditForm
from .paging import int_param

SUGGESTED_PER_STAGE = 4
# The longest-waiting cards of each board column; the rest are a link away, in the list of
# applications. A column of hundreds is no overview (and cost ~20 us a card to show).
BOARD_CARDS_PER_STAGE = 30
ROLE_STATUS_ORDER: dict[str, int] = {
    RoleStatus.OPEN: 0,
    RoleStatus.ON_HOLD: 1,
    RoleStatus.CLOSED: 2,
}


# Choices ------------------------------------------------------------------------------------


def _industry_choices() -> list[tuple[str, str]]:
    return [(p.slug, p.name) for p in library.industry_list()]


def _member_choices(membership: Membership, *roles: str) -> list[tuple[int, str]]:
    return [
        (m.user_id, f"{m.user} · {m.get_role_display()}")
        for m in workspace_members(membership.workspace_id, roles=roles)
    ]


def _scorecard_choices(membership: Membership) -> list[tuple[int, str]]:
    cards = library.scorecard_list(membership, by_name=True)
    return [
        (
            card.pk,
            f"{card.name} · v{card.current_version.number}"
            + ("" if card.is_builtin else " · your copy"),
        )
        for card in cards
        if card.current_version is not None
    ]


# Roles --------------------------------------------------------------------------------------


def _role_for(membership: Membership, pk: int) -> tuple[Role, bool]:
    """The role (404 when not visible) and whether this member may change it."""
    try:
        return selectors.access_role(membership, pk, manage=True), True
    except PermissionDenied:
        return selectors.access_role(membership, pk), False


@require_GET
@member_view
def roles(request: HttpRequest, membership: Membership) -> HttpResponse:
    status = s if (s := request.GET.get("status", "")) in RoleStatus.values else ""
    rows = sorted(
        selectors.roles_with_active_counts(membership, status=status),
        # Open roles first (the selector orders by the status value, which puts closed first).
        key=lambda r: (ROLE_STATUS_ORDER.get(r.status, 9), r.title.lower(), r.pk),
    )
    return page(
        request,
        "hiring/roles.html",
        {
            "rows": rows,
            "status": status,
            "statuses": RoleStatus.choices,
            "can_create": can(membership, Capability.ROLE_MANAGE),
        },
    )


@member_view
def role_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    require(membership, Capability.ROLE_MANAGE)
    managers = {m.user_id: m for m in selectors.hiring_manager_options(membership, opening=True)}
    options: dict[str, Any] = {
        "industries": _industry_choices(),
        "managers": [(uid, f"{m.user} · {m.get_role_display()}") for uid, m in managers.items()],
    }
    status = 200
    if request.method == "POST":
        form = RoleForm(request.POST, **options)
        if form.is_valid():
            cd = form.cleaned_data
            manager = managers.get(cd["hiring_manager"]) if cd["hiring_manager"] else None
            try:
                role = services.role_create(
                    membership=membership,
                    title=cd["title"],
                    seniority=cd["seniority"],
                    team=cd["team"],
                    industry=cd["industry"],
                    hiring_manager=manager.user if manager else None,
                )
            except InvalidInput as exc:
                form.add_domain_errors(exc.field_errors, exc.message)
            else:
                messages.success(
                    request,
                    f"“{role.title}” is open. Its plan starts from the library's interview "
                    "process: adjust it under Edit plan.",
                )
                return HttpResponseRedirect(reverse("role-board", args=[role.pk]))
        status = 400
    else:
        initial = {}
        if membership.role == MemberRole.HIRING_MANAGER:
            initial["hiring_manager"] = membership.user_id
        form = RoleForm(initial=initial, **options)
    return page(request, "hiring/role_new.html", {"form": form}, status=status)


@require_GET
@member_view
def role_board(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    role, can_manage = _role_for(membership, pk)
    columns = selectors.board(membership, role, per_stage=BOARD_CARDS_PER_STAGE)
    return page(
        request,
        "hiring/role_board.html",
        {
            "role": role,
            "can_manage": can_manage,
            "columns": columns,
            "card_count": sum(c.total for c in columns),
            "total_minutes": sum(c.stage.minutes for c in columns),
            "can_add_candidates": can(membership, Capability.CANDIDATE_MANAGE),
        },
    )


def _plan_page(
    request: HttpRequest,
    membership: Membership,
    role: Role,
    can_manage: bool,
    *,
    add_form: StageAddForm | None = None,
    settings_form: RoleSettingsForm | None = None,
    bound_stage: StageEditForm | None = None,
    bound_stage_id: int | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    stages = selectors.plan_of(role)
    checks = sorted(
        selectors.role_skill_checks(role),
        key=lambda c: (c.skill.priority != "must", c.skill.position, c.skill_id),
    )
    entries: list[dict[str, Any]] = []
    context: dict[str, Any] = {
        "role": role,
        "can_manage": can_manage,
        "entries": entries,
        "checks": checks,
        "unverified_must": sum(
            1 for c in checks if c.stage_id is None and c.skill.priority == "must"
        ),
        "total_minutes": sum(s.minutes for s in stages),
        "problem": problem,
        "open_stage": bound_stage_id,
    }
    scorecards: list[tuple[int, str]] = []
    members: list[tuple[int, str]] = []
    if can_manage:
        scorecards = _scorecard_choices(membership)
        members = _member_choices(membership)
        industries = _industry_choices()
        templates = list(library.stage_list())
        context["add_form"] = add_form or StageAddForm(templates=templates, scorecards=scorecards)
        context["settings_form"] = settings_form or RoleSettingsForm(
            industries=industries,
            initial={
                "title": role.title,
                "team": role.team,
                "seniority": role.seniority,
                "status": role.status,
                "industry": role.industry.slug if role.industry else "",
            },
        )
    for index, stage in enumerate(stages):
        entry: dict[str, Any] = {
            "stage": stage,
            "first": index == 0,
            "last": index == len(stages) - 1,
            "suggested": selectors.suggested_questions(role, stage, limit=SUGGESTED_PER_STAGE),
            "verifies": [c for c in checks if c.stage_id == stage.pk],
        }
        if can_manage:
            if bound_stage is not None and bound_stage_id == stage.pk:
                entry["form"] = bound_stage
            else:
                entry["form"] = _stage_form(stage, scorecards, members)
        entries.append(entry)
    return page(request, "hiring/role_plan.html", context, status=status)


def _stage_form(
    stage: PlanStage,
    scorecards: list[tuple[int, str]],
    members: list[tuple[int, str]],
    data: Any = None,
) -> StageEditForm:
    card = stage.scorecard_version.scorecard
    if card.pk not in {pk for pk, _ in scorecards}:  # e.g. retired since: keep it choosable
        scorecards = [(card.pk, f"{card.name} · v{stage.scorecard_version.number}"), *scorecards]
    return StageEditForm(
        data,
        stage_id=stage.pk,
        scorecards=scorecards,
        members=members,
        initial={
            "name": stage.name,
            "minutes": stage.minutes,
            "scorecard": card.pk,
            "interviewers": [u.pk for u in selectors.plan_stage_interviewers(stage)],
        },
    )


@require_GET
@member_view
def role_plan(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    role, can_manage = _role_for(membership, pk)
    return _plan_page(request, membership, role, can_manage)


def _plan_url(role_id: int, anchor: str = "") -> str:
    return reverse("role-plan", args=[role_id]) + (f"#{anchor}" if anchor else "")


@require_POST
@member_view
def role_update(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    role = selectors.access_role(membership, pk, manage=True)
    form = RoleSettingsForm(request.POST, industries=_industry_choices())
    if form.is_valid():
        try:
            services.role_update(membership=membership, role_id=pk, data=dict(form.cleaned_data))
        except InvalidInput as exc:
            form.add_domain_errors(exc.field_errors, exc.message)
        else:
            messages.success(request, "Role settings saved.")
            return HttpResponseRedirect(_plan_url(pk, "settings"))
    return _plan_page(request, membership, role, True, settings_form=form, status=400)


@require_POST
@member_view
def plan_stage_add(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    role = selectors.access_role(membership, pk, manage=True)
    form = StageAddForm(
        request.POST,
        templates=list(library.stage_list()),
        scorecards=_scorecard_choices(membership),
    )
    if form.is_valid():
        cd = form.cleaned_data
        try:
            stage = services.plan_stage_add(
                membership=membership,
                role_id=pk,
                name=cd["name"],
                scorecard_id=cd["scorecard"],
                minutes=cd["minutes"],
                template=cd["template"],
            )
        except InvalidInput as exc:
            form.add_domain_errors(exc.field_errors, exc.message)
        else:
            messages.success(request, f"Added the stage “{stage.name}” at the end of the plan.")
            return HttpResponseRedirect(_plan_url(pk, f"stage-{stage.pk}"))
    return _plan_page(request, membership, role, True, add_form=form, status=400)


@require_POST
@member_view
def plan_stage_update(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    stage = selectors.access_plan_stage(membership, pk, manage=True)
    stage = next(s for s in selectors.plan_of(stage.role) if s.pk == stage.pk)
    form = _stage_form(
        stage, _scorecard_choices(membership), _member_choices(membership), request.POST
    )
    if form.is_valid():
        cd = form.cleaned_data
        changed_card = cd["scorecard"] != stage.scorecard_version.scorecard_id
        try:
            services.plan_stage_update(
                membership=membership,
                stage_id=pk,
                name=cd["name"],
                minutes=cd["minutes"],
                # Keep the version the stage uses unless another scorecard was chosen.
                scorecard_id=cd["scorecard"] if changed_card else None,
                interviewer_ids=cd["interviewers"],
            )
        except InvalidInput as exc:
            form.add_domain_errors(exc.field_errors, exc.message)
        else:
            messages.success(request, f"Saved the stage “{cd['name']}”.")
            return HttpResponseRedirect(_plan_url(stage.role_id, f"stage-{pk}"))
    role = selectors.access_role(membership, stage.role_id, manage=True)
    return _plan_page(
        request, membership, role, True, bound_stage=form, bound_stage_id=pk, status=400
    )


@require_POST
@member_view
def plan_stage_move(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    stage = selectors.access_plan_stage(membership, pk, manage=True)
    offset = int_param(request.POST.get("offset"), 0, low=-1, high=1)
    if offset:
        services.plan_stage_move(membership=membership, stage_id=pk, offset=offset)
    return HttpResponseRedirect(_plan_url(stage.role_id, f"stage-{pk}"))


@require_POST
@member_view
def plan_stage_remove(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    stage = selectors.access_plan_stage(membership, pk, manage=True)
    try:
        services.plan_stage_remove(membership=membership, stage_id=pk)
    except Conflict as exc:
        role = selectors.access_role(membership, stage.role_id, manage=True)
        return _plan_page(
            request,
            membership,
            role,
            True,
            problem=f"“{stage.name}” was not removed. {exc.message}",
            status=409,
        )
    messages.success(request, f"Removed the stage “{stage.name}”.")
    return HttpResponseRedirect(_plan_url(stage.role_id, "plan-stages"))
