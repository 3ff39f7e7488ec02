"""Sign in (with a throttle on repeated failures), sign out, and switching workspace."""

from __future__ import annotations

import math

from django.contrib.auth import login
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from hireloop.accounts.current import SESSION_KEY
from hireloop.accounts.selectors import is_member, login_throttle_remaining
from hireloop.accounts.services import login_failure_record, login_failures_clear


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_safe_next(request))
    form = AuthenticationForm(request, data=request.POST or None)
    status = 200
    throttled = ""
    if request.method == "POST":
        email = request.POST.get("username", "").strip().lower()
        ip = request.META.get("REMOTE_ADDR")
        wait = login_throttle_remaining(email, ip)
        if wait:
            # The password is not even checked while throttled.
            minutes = max(1, math.ceil(wait / 60))
            form = AuthenticationForm(request, initial={"username": email})
            throttled = (
                f"Too many failed sign-in attempts. Try again in {minutes} minute"
                f"{'s' if minutes != 1 else ''}."
            )
            status = 429
        elif form.is_valid():
            login(request, form.get_user())
            login_failures_clear(email=email)
            return HttpResponseRedirect(_safe_next(request))
        else:
            login_failure_record(email=email, ip=ip)
            status = 400
    return render(
        request,
        "auth/login.html",
        {"form": form, "throttled": throttled, "next": request.GET.get("next", "")},
        status=status,
    )


@require_POST
def switch_workspace(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("login")
    try:
        workspace_id = int(request.POST.get("workspace", ""))
    except ValueError:
        workspace_id = 0
    if is_member(request.user, workspace_id):
        request.session[SESSION_KEY] = workspace_id
    return redirect(_safe_next(request))
