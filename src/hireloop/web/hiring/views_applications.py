"""Application pages and the pipeline: the list of applications, an application and its moves.
Every write goes through ``hireloop.hiring.services``; every read and access check through the
selectors, so a page can never show more than its user may see."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from hireloop.accounts.errors import Conflict, InvalidInput
from hireloop.accounts.models import Membership
from hireloop.hiring import selectors, services
from hireloop.hiring.models import Action, ApplicationStatus, RejectReason
from hireloop.hiring.pipeline import MOVES, possible_moves
from hireloop.library import selectors as library

from ..access import member_view
from ..panels import application_panels
from ..render import page
from .forms import MoveForm
from .paging import PAGE_SIZE, int_param, page_param, paginate

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
    role_id = int_param(request.GET.get("role"), 0, low=0, high=2**31 - 1)
    role_id = role_id if role_id in {r.pk for r in roles} else 0
    status = s if (s := request.GET.get("status", "")) in ApplicationStatus.values else ""
    stage = request.GET.get("stage", "")[:120].strip()
    q = request.GET.get("q", "")[:200].strip()
    page_number = page_param(request)
    rows, total = selectors.application_page(
        membership,
        role_id=role_id or None,
        status=status,
        stage=stage,
        q=q,
        offset=(page_number - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    context = paginate(request, page_number, rows, total)
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
