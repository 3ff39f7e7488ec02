"""The public preparation page a candidate reaches through a signed link (no sign-in)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from hireloop.hiring.prep import PrepLinkError, prep_page


@require_GET
@never_cache
def candidate_prep(request: HttpRequest, token: str) -> HttpResponse:
    try:
        page = prep_page(token)
    except PrepLinkError as exc:
        status = 410 if "expired" in str(exc) or "nothing to prepare" in str(exc) else 404
        return render(request, "prep/invalid.html", {"message": str(exc)}, status=status)
    response = render(request, "prep/page.html", {"page": page})
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
