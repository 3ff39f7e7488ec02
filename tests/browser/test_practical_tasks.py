"""Practical tasks in headless Debian Chromium against the production server and its worker:
the candidate hands in a project through the portal, the worker grades it while the review page
shows progress, and the hiring manager reviews blind, then scores and sees who it was."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from .test_interview_loop import _login, _shot, _submit

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).resolve().parents[2] / "src/hireloop/assessments/graders"


def _project_zip(tmp_path: Path) -> Path:
    folder = FIXTURES / "api" / "fixtures" / "strong-python"
    target = tmp_path / "todo-service.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                archive.write(path, path.relative_to(folder).as_posix())
    return target


def test_hand_in_grade_and_review(browser, server, tmp_path):
    recruiter = _login(browser, server, "recruiter@acme.test")
    # The demo gave one candidate the todo API task, and nothing is handed in yet.
    recruiter.goto(f"{server}/applications/")
    portal_url = None
    for href in recruiter.locator("a[href^='/applications/']").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))"
    ):
        if not re.fullmatch(r"/applications/\d+/", href or ""):
            continue
        recruiter.goto(f"{server}{href}")
        links = recruiter.locator("input[id^=portal-]")
        for i in range(links.count()):
            card = recruiter.locator(".task-card", has=links.nth(i))
            if "Todo list REST API" in card.inner_text():
                portal_url = links.nth(i).input_value()
                break
        if portal_url:
            break
    assert portal_url, "the demo assigns the todo API task to one application"
    application_url = recruiter.url
    recruiter.close()

    candidate = browser.new_page(viewport={"width": 1280, "height": 900})
    candidate.goto(portal_url)
    assert "hireloop.yaml" in candidate.content()
    candidate.set_input_files("input[name=archive]", str(_project_zip(tmp_path)))
    _submit(candidate, candidate.locator("form.portal-form button[type=submit]"))
    candidate.locator("#received").wait_for()
    assert not re.search(r"\bpoints\b|\d%", candidate.locator("main").inner_text())
    _shot(candidate, "portal")
    candidate.close()

    manager = _login(browser, server, "manager@acme.test")
    manager.goto(application_url)
    manager.locator("a", has_text="Review the work").first.click()
    manager.wait_for_load_state()
    heading = manager.locator("h1").inner_text()
    assert re.search(r"by Candidate [0-9A-F]{4}", heading), heading
    # The worker next to the server grades it; the panel refreshes itself until done.
    manager.locator("#run .run-summary").wait_for(timeout=90_000)
    assert "points" in manager.locator("#run").inner_text()
    manager.locator('input[name=score][value="4"]').check(force=True)
    _submit(manager, manager.locator("form.review-form button[type=submit]"))
    assert "by Candidate" not in manager.locator("h1").inner_text()


def test_schema_report_with_diagram(browser, server):
    manager = _login(browser, server, "manager@acme.test")
    manager.goto(f"{server}/tasks/")
    manager.locator("tr", has_text="E-commerce database schema design").locator("a").first.click()
    manager.wait_for_load_state()
    manager.locator("#run .run-summary").wait_for(timeout=90_000)
    image = manager.locator("figure.run-figure img").first
    image.scroll_into_view_if_needed()
    manager.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    assert "Money is stored in exact types" in manager.content()
    _shot(manager, "review")
