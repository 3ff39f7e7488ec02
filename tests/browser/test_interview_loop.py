"""The whole loop as people do it, in headless Debian Chromium against the production server:
a recruiter opens a role, adds a candidate and schedules two interviews; each interviewer fills
in and submits a scorecard (the first cannot see the second's); the hiring manager reads the
debrief and decides. Screenshots for the README's tour are written to docs/screenshots/."""

from __future__ import annotations

import os
import re
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
# README's tour images are refreshed with SCREENSHOTS=1; otherwise they go to a temporary folder
# so a test run never changes tracked files.
SHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "hireloop-screenshots"
)
PASSWORD = "hireloop-demo"


def _login(browser, server: str, email: str):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server}/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    _submit(page, page.locator("button[type=submit]"))
    assert "/login/" not in page.url
    return page


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def _submit(page, button) -> None:
    """Click a submit button and wait for the page it leads to."""
    with page.expect_navigation():
        button.click()


def _choose(page, select: str, text: str) -> None:
    """Select the option whose label contains ``text``."""
    value = page.locator(f"{select} option", has_text=text).first.get_attribute("value")
    page.select_option(select, value=value)


def _fill_scorecard(page, notes: str, score: str) -> None:
    for radio in page.locator("input[type=radio][name^=rating-]").all():
        if radio.get_attribute("value") == score:
            radio.check(force=True)
    page.locator("input[type=radio][name=recommendation][value=hire]").check(force=True)
    page.fill("textarea[name=notes]", notes)
    _submit(page, page.locator("button[name=action][value=submit]").first)


def test_recruiter_interviewers_and_manager_run_the_loop(server, browser):
    recruiter = _login(browser, server, "recruiter@acme.test")
    recruiter.goto(f"{server}/roles/new/")
    recruiter.fill("input[name=title]", "Streaming Platform Engineer")
    recruiter.select_option("select[name=seniority]", "mid")
    _choose(recruiter, "select[name=hiring_manager]", "Hal Manager")
    _submit(recruiter, recruiter.get_by_role("button", name="Open role"))
    assert "Streaming Platform Engineer" in recruiter.content()

    recruiter.goto(f"{server}/candidates/new/")
    recruiter.fill("input[name=name]", "Noor Browser")
    recruiter.fill("input[name=email]", "noor.browser@example.com")
    _submit(recruiter, recruiter.get_by_role("button", name="Add candidate"))
    _choose(recruiter, "select[name=role]", "Streaming Platform Engineer")
    _submit(recruiter, recruiter.locator("form[action$='/apply/'] button[type=submit]"))
    if "/applications/" not in recruiter.url:
        recruiter.locator(
            "a[href^='/applications/']", has_text="Streaming Platform Engineer"
        ).first.click()
        recruiter.wait_for_load_state()
    application_url = recruiter.url.split("?")[0]
    assert re.search(r"/applications/\d+/$", application_url)

    start = (datetime.now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    for interviewer in ("Ian Interviewer", "Ivy Chen"):
        recruiter.goto(application_url)
        recruiter.eval_on_selector("details.schedule-card", "d => { d.open = true; }")
        form = recruiter.locator("form.schedule-form")
        form.locator("input[type=datetime-local]").fill(start)
        form.get_by_label(interviewer).check()
        _submit(recruiter, form.locator("button[type=submit]"))
    recruiter.goto(application_url)
    assert recruiter.content().count("/invite.ics") >= 2
    _shot(recruiter, "application")

    interviews = sorted(
        {
            a.get_attribute("href")
            for a in recruiter.locator("a[href^='/interviews/']").all()
            if re.fullmatch(r"/interviews/\d+/", a.get_attribute("href") or "")
        }
    )
    assert len(interviews) == 2

    def own_scorecard(page) -> str:
        """The scorecard page of the interview this interviewer takes part in."""
        for url in interviews:
            if page.goto(f"{server}{url}scorecard/").status == 200:
                return f"{server}{url}"
        raise AssertionError("no interview of this interviewer")

    first = _login(browser, server, "interviewer@acme.test")
    _shot(first, "home")
    mine = own_scorecard(first)
    first.goto(f"{mine}live/")
    assert first.locator("h1").count() == 1
    _shot(first, "live")
    first.goto(f"{mine}scorecard/")
    _fill_scorecard(first, "Ian's evidence: clear reasoning about partitions.", "4")
    assert "submitted" in first.content().lower()

    second = _login(browser, server, "ivy@acme.test")
    second.goto(application_url)
    assert "Ian's evidence" not in second.content(), "independent until Ivy submits"
    ivy = own_scorecard(second)
    second.goto(f"{ivy}scorecard/")
    _fill_scorecard(second, "Ivy's evidence: strong on failure modes.", "3")
    second.goto(application_url)
    assert "Ian&#x27;s evidence" in second.content() or "Ian's evidence" in second.content()

    manager = _login(browser, server, "manager@acme.test")
    manager.goto(application_url + "debrief/")
    assert "Ian Interviewer" in manager.content() and "Ivy Chen" in manager.content()
    _shot(manager, "debrief")
    manager.locator("form.decision-form input[type=radio][value=hire]").check(force=True)
    manager.locator("form.decision-form textarea").fill(
        "Both interviewers saw solid design judgement."
    )
    _submit(manager, manager.locator("form.decision-form button[type=submit]"))
    assert "Both interviewers saw solid design judgement." in manager.content()
