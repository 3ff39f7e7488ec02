"""Page guard: signed in, member of a workspace; domain errors become friendly error pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hireloop.accounts.current import current_membership
from hireloop.accounts.errors import DomainError

View = Callable[..., HttpResponse]


def member_view(view: View) -> View:
    """Pass the current membership to ``view`` as ``membership``."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = current_membership(request)
        if membership is None:
            return render(request, "errors/no_workspace.html", status=403)
        try:
            return view(request, *args, membership=membership, **kwargs)
        except DomainError as exc:
            return render(
                request,
                "errors/problem.html",
                {"status": exc.status, "message": exc.message},
                status=exc.status,
            )

    return wrapper
