"""The main navigation, built in Python: every page renders it, and as template tags its links
and "where am I" tests cost more than many pages' own content. Its markup depends only on the
current view's name and whether the member reviews tasks, so each variant is built once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from html import escape

from django import template
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe

from .memo_url import memo_reverser

register = template.Library()


@dataclass(frozen=True)
class Link:
    route: str
    label: str
    # Prefixes of the view names whose pages belong to the link's section (aria-current="true").
    within: tuple[str, ...] = ()
    reviewers_only: bool = False

    def current(self, name: str) -> str:
        if name == self.route:
            return ' aria-current="page"'
        if name.startswith(self.within):
            return ' aria-current="true"'
        return ""


LINKS = (
    Link("home", "Home", ("interview-",)),
    Link("roles", "Roles", ("role-", "plan-stage-", "application")),
    Link("candidates", "Candidates", ("candidate-",)),
    Link("task-reviews", "Tasks to review", ("assignment-review",), reviewers_only=True),
    Link("library", "Library", ("competency-detail",)),
    Link("questions", "Questions", ("question-",)),
    Link("scorecards", "Scorecards", ("scorecard-",)),
    Link("process", "Process", ("stage-detail",)),
    Link("tasks", "Tasks", ("task-detail",)),
    Link("skills", "Skills matrix"),
    Link("industries", "Industries"),
    Link("red-flags", "Red flags"),
    Link("prep", "Candidate prep"),
)


@lru_cache(maxsize=1024)
def _nav(urlconf: str | None, prefix: str, name: str, reviewer: bool) -> str:
    items = "".join(
        f'<li><a href="{escape(memo_reverser(link.route)())}"{link.current(name)}>'
        f"{escape(link.label)}</a></li>"
        for link in LINKS
        if reviewer or not link.reviewers_only
    )
    return f'<nav class="site-nav" aria-label="Main"><ul class="container">{items}</ul></nav>'


@register.simple_tag
def site_nav(url_name: str | None, can_review_tasks: bool) -> SafeString:
    """The navigation for a page of view ``url_name``."""
    html = _nav(get_urlconf(), get_script_prefix(), url_name or "", bool(can_review_tasks))
    return mark_safe(html)  # noqa: S308 - built from constants, escaped above
