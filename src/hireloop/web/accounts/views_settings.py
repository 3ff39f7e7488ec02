"""Settings: the workspace (admins change it, everyone may read it) and each member's own API
tokens. A new token's secret is shown once, in the response that created it, and never again."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hireloop.accounts.errors import InvalidInput
from hireloop.accounts.models import ApiToken, Membership
from hireloop.accounts.permissions import Capability, can
from hireloop.accounts.selectors import api_tokens_of, require, workspace_members
from hireloop.accounts.services import api_token_create, api_token_revoke, workspace_update

from ..access import member_view
from ..render import page
from .forms import TokenForm, WorkspaceForm


@member_view
def workspace_settings(request: HttpRequest, membership: Membership) -> HttpResponse:
    may_manage = can(membership, Capability.WORKSPACE_MANAGE)
    workspace = membership.workspace
    status = 200
    if request.method == "POST":
        require(membership, Capability.WORKSPACE_MANAGE)
        form = WorkspaceForm(request.POST)
        if form.is_valid():
            try:
                workspace_update(
                    membership=membership,
                    name=form.cleaned_data["name"],
                    feedback_visibility=form.cleaned_data["feedback_visibility"],
                )
            except InvalidInput as exc:
                form.add_domain_errors(exc.field_errors, exc.message)
            else:
                messages.success(request, "Workspace settings saved.")
                return HttpResponseRedirect(reverse("settings"))
        status = 400
    else:
        form = WorkspaceForm(
            initial={"name": workspace.name, "feedback_visibility": workspace.feedback_visibility}
        )
    return page(
        request,
        "settings/workspace.html",
        {
            "form": form,
            "may_manage": may_manage,
            "workspace": workspace,
            "visibility_label": workspace.get_feedback_visibility_display(),
            "members": list(workspace_members(membership.workspace_id)),
            "current": "workspace",
        },
        status=status,
    )


def _tokens_page(
    request: HttpRequest,
    membership: Membership,
    *,
    form: TokenForm | None = None,
    created: tuple[ApiToken, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    may_manage = can(membership, Capability.WORKSPACE_MANAGE)
    context: dict[str, Any] = {
        "form": form or TokenForm(),
        "tokens": list(api_tokens_of(membership)),
        "others": list(api_tokens_of(membership, others=True)) if may_manage else [],
        "may_manage": may_manage,
        "current": "tokens",
        "api_base": request.build_absolute_uri("/api/v1"),
    }
    if created is not None:
        context["new_token"], context["secret"] = created
    return page(request, "settings/tokens.html", context, status=status)


@never_cache
@member_view
def tokens(request: HttpRequest, membership: Membership) -> HttpResponse:
    if request.method != "POST":
        return _tokens_page(request, membership)
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _tokens_page(request, membership, form=form, status=400)
    created = api_token_create(
        workspace=membership.workspace, user=membership.user, name=form.cleaned_data["name"]
    )
    # Rendered here, not redirected: the secret exists only in this one response.
    return _tokens_page(request, membership, created=created, status=201)


@require_POST
@member_view
def token_revoke(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    token = api_token_revoke(membership=membership, token_id=pk)
    whose = "" if token.user_id == membership.user_id else f" of {token.user}"
    messages.success(
        request, f"Revoked the token “{token.name}”{whose}: scripts using it are refused now."
    )
    return HttpResponseRedirect(reverse("settings-tokens"))
