"""Hiring pages: roles with their board and interview plan, candidates with their résumés and
applications, and the pipeline. Every write goes through ``hireloop.hiring.services``; every read
and access check through the selectors, so a page can never show more than its user may see."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from hireloop.accounts.errors import Conflict, InvalidInput, PermissionDenied
from hireloop.accounts.models import Membership
from hireloop.accounts.models import Role as MemberRole
from hireloop.accounts.permissions import Capability, can
from hireloop.accounts.selectors import require, workspace_members
from hireloop.hiring import selectors, services
from hireloop.hiring.models import (
    Action,
    ApplicationStatus,
    PlanStage,
    RejectReason,
    Role,
    RoleStatus,
)
from hireloop.hiring.pipeline import MOVES, possible_moves
from hireloop.lib.resume import MAX_BYTES
from hireloop.library import selectors as library
from hireloop.library.models import Seniority

from ..access import member_view
from ..panels import application_panels
from ..render import page
from .forms import (
    ApplyForm,
    CandidateForm,
    MoveForm,
    RoleForm,
    RoleSettingsForm,
    StageAddForm,
    StageEditForm,
    existing_candidate_id,
)

PAGE_SIZE = 25
SUGGESTED_PER_STAGE = 4
# The longest-waiting cards of each board column; the rest are a link away, in the list of
# applications. A column of hundreds is no overview (and cost ~20 us a card to show).
BOARD_CARDS_PER_STAGE = 30
RESUME_PREVIEW_CHARS = 1500
ROLE_STATUS_ORDER: dict[str, int] = {
    RoleStatus.OPEN: 0,
    RoleStatus.ON_HOLD: 1,
    RoleStatus.CLOSED: 2,
}


def _int(value: str | None, default: int, *, low: int, high: int) -> int:
    try:
        return min(max(int(value or default), low), high)
    except ValueError:
        return default


def _page_number(request: HttpRequest) -> int:
    return _int(request.GET.get("page"), 1, low=1, high=100_000)


def _paginate(
    request: HttpRequest, page_number: int, rows: list[Any], total: int
) -> dict[str, Any]:
    """One page of rows (read by a ``*_page`` selector) with what the pagination links need."""
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "rows": rows,
        "total": total,
        "page_number": page_number,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "query": query.urlencode(),
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
    offset = _int(request.POST.get("offset"), 0, low=-1, high=1)
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


# Candidates ---------------------------------------------------------------------------------


@require_GET
@member_view
def candidates(request: HttpRequest, membership: Membership) -> HttpResponse:
    q = request.GET.get("q", "")[:200].strip()
    page_number = _page_number(request)
    rows, total = selectors.candidate_row_page(
        membership, q=q, offset=(page_number - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    context = _paginate(request, page_number, rows, total)
    context.update(
        {
            "q": q,
            "can_create": can(membership, Capability.CANDIDATE_MANAGE),
        }
    )
    return page(
        request,
        "hiring/candidates.html",
        context,
        fragment="hiring/_candidate_results.html",
    )


def _candidate_form_page(
    request: HttpRequest,
    membership: Membership,
    *,
    candidate_id: int | None,
) -> HttpResponse:
    candidate = (
        selectors.access_candidate(membership, candidate_id, manage=True)
        if candidate_id is not None
        else None
    )
    existing_id = None
    status = 200
    if request.method == "POST":
        form = CandidateForm(request.POST)
        if form.is_valid():
            try:
                if candidate is None:
                    saved = services.candidate_create(membership=membership, data=form.to_data())
                else:
                    saved = services.candidate_update(
                        membership=membership, candidate_id=candidate.pk, data=form.to_data()
                    )
            except Conflict as exc:
                form.add_error("email", exc.message)
                existing_id = existing_candidate_id(exc.field_errors)
                status = 409
            except InvalidInput as exc:
                form.add_domain_errors(exc.field_errors, exc.message)
                status = 400
            else:
                messages.success(
                    request, f"Saved {saved.name}." if candidate else f"Added {saved.name}."
                )
                return HttpResponseRedirect(reverse("candidate-detail", args=[saved.pk]))
        else:
            status = 400
    elif candidate is not None:
        form = CandidateForm(initial=CandidateForm.initial_from(candidate))
    else:
        form = CandidateForm()
    return page(
        request,
        "hiring/candidate_form.html",
        {"form": form, "candidate": candidate, "existing_id": existing_id},
        status=status,
    )


@member_view
def candidate_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    require(membership, Capability.CANDIDATE_MANAGE)
    return _candidate_form_page(request, membership, candidate_id=None)


@member_view
def candidate_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _candidate_form_page(request, membership, candidate_id=pk)


def _candidate_page(
    request: HttpRequest,
    membership: Membership,
    pk: int,
    *,
    resume_error: str = "",
    apply_form: ApplyForm | None = None,
    apply_problem: str = "",
    status: int = 200,
) -> HttpResponse:
    candidate = selectors.access_candidate(membership, pk)
    applications = selectors.application_cards(membership, candidate.pk)
    can_manage = can(membership, Capability.CANDIDATE_MANAGE)
    context: dict[str, Any] = {
        "candidate": candidate,
        "applications": applications,
        "can_manage": can_manage,
        "level_label": dict(Seniority.choices).get(candidate.level, ""),
        "resume_preview": candidate.resume_text[:RESUME_PREVIEW_CHARS],
        "resume_cut": len(candidate.resume_text) > RESUME_PREVIEW_CHARS,
        "resume_error": resume_error,
        "max_mb": MAX_BYTES // (1024 * 1024),
        "apply_problem": apply_problem,
    }
    if can_manage:
        applied = {a.role_id for a in applications}
        open_roles = [
            (pk, f"{title}{f' · {team}' if team else ''}")
            for pk, title, team in selectors.open_role_options(membership)
            if pk not in applied
        ]
        context["open_roles"] = open_roles
        context["apply_form"] = apply_form or ApplyForm(roles=open_roles)
    return page(request, "hiring/candidate_detail.html", context, status=status)


@require_GET
@member_view
def candidate_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _candidate_page(request, membership, pk)


@require_POST
@member_view
def candidate_resume(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    selectors.access_candidate(membership, pk, manage=True)
    upload = request.FILES.get("resume")
    if upload is None:
        return _candidate_page(
            request, membership, pk, resume_error="Choose a file to upload.", status=400
        )
    # Never read more than the limit (plus one byte, so an oversize file is recognised).
    data = upload.read(MAX_BYTES + 1)
    try:
        candidate = services.candidate_attach_resume(
            membership=membership, candidate_id=pk, filename=upload.name or "", data=data
        )
    except InvalidInput as exc:
        return _candidate_page(request, membership, pk, resume_error=exc.message, status=400)
    messages.success(
        request, f"Read the résumé “{candidate.resume_name}”: its text is now searchable."
    )
    return HttpResponseRedirect(reverse("candidate-detail", args=[pk]) + "#resume")


@require_POST
@member_view
def candidate_apply(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    selectors.access_candidate(membership, pk, manage=True)
    roles = [(r.pk, r.title) for r in selectors.role_list(membership, status=RoleStatus.OPEN)]
    form = ApplyForm(request.POST, roles=roles)
    if not form.is_valid():
        return _candidate_page(request, membership, pk, apply_form=form, status=400)
    try:
        application = services.application_create(
            membership=membership, candidate_id=pk, role_id=form.cleaned_data["role"]
        )
    except Conflict as exc:
        return _candidate_page(request, membership, pk, apply_problem=exc.message, status=409)
    messages.success(
        request,
        f"{application.candidate.name} is in “{application.stage.name}” for "
        f"{application.role.title}.",
    )
    return HttpResponseRedirect(reverse("application-detail", args=[application.pk]))


# Applications and the pipeline --------------------------------------------------------------


ACTION_LABELS = {
    Action.ADVANCE: "Advanced",
    Action.BACK: "Moved back",
    Action.HOLD: "Put on hold",
    Action.RESUME: "Resumed",
    Action.WITHDRAW: "Withdrawn",
    Action.HIRE: "Hired",
    Action.REJECT: "Rejected",
}


def _application_page(
    request: HttpRequest,
    membership: Membership,
    pk: int,
    *,
    problem: str = "",
    move_form: MoveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    application = selectors.application_detail(membership, pk)  # with its history
    can_move = selectors.may_move_application(membership, application)
    candidate = application.candidate
    others = [a for a in selectors.candidate_applications(membership, candidate) if a.pk != pk]
    plan = selectors.plan_of(application.role)
    index = next((i for i, s in enumerate(plan) if s.pk == application.stage_id), 0)
    last = index == len(plan) - 1
    possible = possible_moves(application, plan)
    may_hire = selectors.may_record_hire(membership, application)
    actions = {
        action: can_move and action in possible and (action != Action.HIRE or may_hire)
        for action in MOVES
    }
    spans = selectors.time_in_stages(application)
    return page(
        request,
        "hiring/application_detail.html",
        {
            "application": application,
            "candidate": candidate,
            "role": application.role,
            "transitions": selectors.application_history(application),
            "others": others,
            "plan": plan,
            "stage_index": index,
            "next_stage": plan[index + 1] if not last else None,
            "previous_stage": plan[index - 1] if index > 0 else None,
            "spans": spans,
            "days_in_stage": (timezone.now() - application.stage_entered_at).days,
            "can_move": can_move,
            "actions": actions,
            "any_action": any(actions.values()),
            "panels": application_panels(request, membership, application),
            "hire_needs_decider": can_move and Action.HIRE in possible and not may_hire,
            "open": application.is_open,
            "reasons": RejectReason.choices,
            "move_form": move_form,
            "problem": problem,
        },
        status=status,
    )


@require_GET
@member_view
def application_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    return _application_page(request, membership, pk)


@require_POST
@member_view
def application_move(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    form = MoveForm(request.POST)
    if not form.is_valid():
        # Refused before being told what is wrong with the form (the service checks otherwise).
        selectors.access_application(membership, pk, move=True)
        return _application_page(request, membership, pk, move_form=form, status=400)
    cd = form.cleaned_data
    try:
        moved = services.application_move(
            membership=membership,
            application_id=pk,
            action=cd["action"],
            version=cd["version"],
            reason=cd["reason"],
            note=cd["note"],
        )
    except Conflict as exc:
        # Someone moved it first (or the move no longer fits): show what is true now.
        return _application_page(request, membership, pk, problem=exc.message, status=409)
    except InvalidInput as exc:
        form.add_domain_errors(exc.field_errors, exc.message)
        return _application_page(request, membership, pk, move_form=form, status=400)
    where = ApplicationStatus(moved.status).label.lower()
    messages.success(
        request,
        f"{ACTION_LABELS[Action(cd['action'])]}: {moved.candidate.name} is now {where} "
        f"in “{moved.stage.name}”.",
    )
    return HttpResponseRedirect(reverse("application-detail", args=[pk]))


@require_GET
@member_view
def applications(request: HttpRequest, membership: Membership) -> HttpResponse:
    roles = list(selectors.role_list(membership))
    role_id = _int(request.GET.get("role"), 0, low=0, high=2**31 - 1)
    role_id = role_id if role_id in {r.pk for r in roles} else 0
    status = s if (s := request.GET.get("status", "")) in ApplicationStatus.values else ""
    stage = request.GET.get("stage", "")[:120].strip()
    q = request.GET.get("q", "")[:200].strip()
    page_number = _page_number(request)
    rows, total = selectors.application_page(
        membership,
        role_id=role_id or None,
        status=status,
        stage=stage,
        q=q,
        offset=(page_number - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    context = _paginate(request, page_number, rows, total)
    context.update(
        {
            "roles": roles,
            "role_id": role_id,
            "status": status,
            "stage": stage,
            "q": q,
            "active_filter": bool(role_id or status or stage or q),
            "statuses": ApplicationStatus.choices,
            "stage_names": sorted({t.name for t in library.stage_list()}),
            "now": timezone.now(),
        }
    )
    return page(
        request,
        "hiring/applications.html",
        context,
        fragment="hiring/_application_results.html",
    )
