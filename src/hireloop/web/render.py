"""One helper decides between an htmx fragment and a full page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def wants_fragment(request: HttpRequest) -> bool:
    """Whether htmx asked for just the part of the page it swaps in."""
    htmx = getattr(request, "htmx", None)
    # A history restore needs the whole page: htmx swaps it in as the body.
    return bool(htmx and not htmx.boosted and not htmx.history_restore_request)


def page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    fragment: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render ``fragment`` for htmx requests that target it, ``template`` otherwise."""
    if fragment and wants_fragment(request):
        response = render(request, fragment, context, status=status)
    else:
        response = render(request, template, context, status=status)
    response["Vary"] = "HX-Request"
    return response


def fragment_response(html: str) -> HttpResponse:
    """An already rendered fragment, answered like ``page`` answers htmx."""
    response = HttpResponse(html)
    response["Vary"] = "HX-Request"
    return response
