"""A person's walk through the library in headless Debian Chromium, against the real server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("server")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["HIRELOOP_DATA_DIR"] = str(data)
    for step in (["migrate", "-v0"], ["content", "load"], ["demo"]):
        subprocess.run([BIN / "hireloop", *step], env=env, check=True, capture_output=True)
    port = _free_port()
    log = (data / "server.log").open("w")
    proc = subprocess.Popen(
        [BIN / "hireloop", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        # The first start collects and compresses static files, which takes a while on a busy
        # machine; give up early only if the server process has died.
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1)  # noqa: S310
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((data / "server.log").read_text()) from None
                time.sleep(0.2)
        yield url
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


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
    first.wait_for()
    assert "isolation" in first.inner_text().lower()
    assert (
        page.locator("#question-results .question-list a[href^='/library/questions/']").count()
        < total_before
    )

    first.click()
    page.wait_for_selector("h1")
    assert "isolation" in page.locator("h1").inner_text().lower()

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
