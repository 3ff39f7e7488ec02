"""A person's walk through the library in headless Debian Chromium, against the real server."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_search_open_a_question_and_a_scorecard(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server}/library/questions/")
    assert "/login/" in page.url
    page.fill("input[name=username]", "interviewer@acme.test")
    page.fill("input[name=password]", "hireloop-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/library/questions/")
    total_before = page.locator(
        "#question-results .question-list a[href^='/library/questions/']"
    ).count()

    page.fill("input[name=q]", "isolation levels")
    page.wait_for_function(
        "() => new URL(location.href).searchParams.get('q') === 'isolation levels'"
    )
    first = page.locator("#question-results .question-list a[href^='/library/questions/']").first
    # The URL changes before the results are swapped in; wait for the new results themselves.
    page.wait_for_function(
        "() => { const a = document.querySelector("
        "\"#question-results .question-list a[href^='/library/questions/']\");"
        " return a && a.textContent.toLowerCase().includes('isolation'); }"
    )
    assert "isolation" in first.inner_text().lower()
    assert (
        page.locator("#question-results .question-list a[href^='/library/questions/']").count()
        < total_before
    )

    first.click()  # leaving the search box must not search again and cancel this navigation
    # The list page has an h1 too: wait for the question's own page before reading it.
    page.wait_for_url(re.compile(r"/library/questions/\d+/$"))
    assert "isolation" in page.locator("h1").inner_text().lower()

    # Choosing a filter searches at once (the search box's own change event does not).
    page.go_back()
    page.select_option("#filter-seniority", "staff")
    page.wait_for_function("() => new URL(location.href).searchParams.get('seniority') === 'staff'")

    page.goto(f"{server}/library/scorecards/")
    page.locator("a", has_text="Technical phone screen").first.click()
    page.wait_for_selector("text=Strong no hire")
    page.emulate_media(media="print")
    assert page.locator("nav").first.is_hidden()
    page.emulate_media(media="screen")

    phone = browser.new_page(viewport={"width": 390, "height": 800})
    phone.context.add_cookies(page.context.cookies())
    phone.goto(f"{server}/library/questions/")
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, "no horizontal scrolling on a phone"
