"""The main navigation marks the current page and section and shows reviewers their tasks."""

from __future__ import annotations

import re

from django.urls import reverse

from hireloop.web.site_nav import site_nav
from tests.conftest import signed_in


def _current(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<a href="[^"]*" aria-current="(\w+)">([^<]+)</a>', html)


def test_the_page_and_its_section_are_marked(db):
    assert _current(site_nav("questions", False)) == [("page", "Questions")]
    assert _current(site_nav("question-detail", False)) == [("true", "Questions")]
    assert _current(site_nav("applications", False)) == [("true", "Roles")]
    assert _current(site_nav("interview-live", False)) == [("true", "Home")]
    assert _current(site_nav("settings", False)) == []
    assert _current(site_nav(None, False)) == []


def test_only_reviewers_see_tasks_to_review(db):
    assert "Tasks to review" in site_nav("home", True)
    assert "Tasks to review" not in site_nav("home", False)
    assert f'<a href="{reverse("task-reviews")}">Tasks to review</a>' in site_nav("home", True)


def test_pages_carry_the_navigation(team):
    page = signed_in(team.recruiter).get("/candidates/").content.decode()
    assert '<nav class="site-nav" aria-label="Main">' in page
    assert '<a href="/candidates/" aria-current="page">Candidates</a>' in page
    assert "Tasks to review" not in page  # recruiters assign tasks, they do not review them
    page = signed_in(team.interviewer).get("/").content.decode()
    assert '<a href="/" aria-current="page">Home</a>' in page and "Tasks to review" in page
