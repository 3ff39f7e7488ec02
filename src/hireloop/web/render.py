"""One helper decides between an htmx fragment and a full page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    fragment: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render ``fragment`` for htmx requests that target it, ``template`` otherwise."""
    htmx = getattr(request, "htmx", None)
    # A history restore needs the whole page: htmx swaps it in as the body.
    if fragment and htmx and not htmx.boosted and not htmx.history_restore_request:
        response = render(request, fragment, context, status=status)
    else:
        response = render(request, template, context, status=status)
    response["Vary"] = "HX-Request"
    return response
