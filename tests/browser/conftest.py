"""A real Hireloop server (production server, fresh data folder, demo data) and Debian's
Chromium, shared by the browser tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    # Not under pytest's own temporary folder (closed to other users): the API grader's
    # sandboxed services run as an unprivileged user and must reach the dependency cache.
    data = Path(tempfile.mkdtemp(prefix="hireloop-browser-"))
    data.chmod(0o711)
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
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    """Chromium for one module's tests. Not for the session: Playwright's sync API keeps an
    event loop running in this thread while it is open, and Django then refuses to open a
    database connection (SynchronousOnlyOperation) in any later test on the same worker."""
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
