"""Candidate pages: the list, a new or edited candidate, a candidate with their résumé and
applications. Every write goes through ``hireloop.hiring.services``; every read and access check
through the selectors, so a page can never show more than its user may see."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from hireloop.accounts.errors import Conflict, InvalidInput
from hireloop.accounts.models import Membership
from hireloop.accounts.permissions import Capability, can
from hireloop.accounts.selectors import require
from hireloop.hiring import selectors, services
from hireloop.hiring.models import RoleStatus
from hireloop.lib.resume import MAX_BYTES
from hireloop.library.models import Seniority

from ..access import member_view
from ..render import page
from .forms import ApplyForm, CandidateForm, existing_candidate_id
from .paging import PAGE_SIZE, page_param, paginate

RESUME_PREVIEW_CHARS = 1500


@require_GET
@member_view
def candidates(request: HttpRequest, membership: Membership) -> HttpResponse:
    q = request.GET.get("q", "")[:200].strip()
    page_number = page_param(request)
    rows, total = selectors.candidate_row_page(
        membership, q=q, offset=(page_number - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    context = paginate(request, page_number, rows, total)
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
