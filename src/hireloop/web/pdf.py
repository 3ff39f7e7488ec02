"""Scorecards as PDF: the same sheet as the printed page, rendered by WeasyPrint."""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string

STYLESHEET = "hireloop/app.css"


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # Everything the PDF needs is passed in; it never loads anything from a URL.
    raise ValueError(f"refusing to fetch {url!r} while rendering a PDF")


def scorecard_pdf(request: HttpRequest, context: dict[str, Any]) -> bytes:
    from weasyprint import CSS, HTML  # heavy import; only PDF downloads pay for it

    html = render_to_string("library/scorecard_pdf.html", context, request)
    stylesheet = finders.find(STYLESHEET)
    assert isinstance(stylesheet, str), "the stylesheet ships with the app"
    document = HTML(string=html, url_fetcher=_no_fetch)
    return document.write_pdf(stylesheets=[CSS(filename=stylesheet)])  # type: ignore[no-any-return]
