"""What every browser test shares: Debian's Chromium driven by Playwright (`playwright install`
cannot download here), a recorder of what the pages asked for and what failed, the
Content-Security-Policy watch (csp.py), and logging in through the real login page.

Without /usr/bin/chromium the tests are skipped, unless REQUIRE_BROWSER=1 (CI) makes that a
failure.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connections

from tests.e2e.csp import CspWatch

CHROMIUM = "/usr/bin/chromium"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
# No sandbox (the CI container has no user namespaces), no GPU, nothing fetched behind the
# test's back (component updates, safe browsing): every request a page makes is the site's.
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DESKTOP = {"viewport": {"width": 1400, "height": 900}, "locale": "zh-CN"}


@pytest.fixture
def chromium_path():
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but Chromium not found at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    return CHROMIUM


@pytest.fixture
def browser(chromium_path, monkeypatch):
    """A headless Chromium for the test; each `browser.new_page()` has its own cookies."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test (and
    # the live server's) are ordinary synchronous code, so tell Django not to refuse them.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=chromium_path, headless=True, args=LAUNCH_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
            # Playwright runs the test in a greenlet with its own contextvars, so the test's
            # ORM calls got their own database connection (Django keeps connections per
            # context): close it, or PostgreSQL cannot drop the test database at the end.
            connections.close_all()


class Recorder:
    """Every request the watched pages made, the responses that failed (4xx/5xx, but for the
    absent /favicon.ico) as "status METHOD path", the console errors, and a CspWatch per page."""

    def __init__(self) -> None:
        self.requested: list[str] = []
        self.failed: list[str] = []
        self.console_errors: list[str] = []
        self.watches: list[CspWatch] = []

    def watch(self, page) -> CspWatch:
        csp = CspWatch(page)
        self.watches.append(csp)
        page.on("request", lambda request: self.requested.append(request.url))
        page.on("response", self._response)
        page.on(
            "console",
            lambda msg: self.console_errors.append(msg.text) if msg.type == "error" else None,
        )
        return csp

    def _response(self, r) -> None:
        if r.status >= 400 and not r.url.endswith("/favicon.ico"):
            self.failed.append(f"{r.status} {r.request.method} {urlsplit(r.url).path}")

    def hosts(self) -> set[str | None]:
        return {
            urlsplit(u).hostname for u in self.requested if urlsplit(u).scheme in ("http", "https")
        }

    def script_errors(self) -> list[str]:
        """Console errors but the browser's own "Failed to load resource" reports (a failed
        response is in `failed`, where the test says which ones it expects)."""
        return [e for e in self.console_errors if not e.startswith("Failed to load resource")]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def log_in(page, base: str, username: str, password: str, next_path: str = "/") -> None:
    """Through the real login page, landing on `next_path`."""
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(base + next_path)


def save_shot(page, tmp_path: Path, name: str) -> Path:
    """A full-page screenshot, copied to $SCREENSHOT_DIR when set (CI keeps them)."""
    shot = tmp_path / name
    page.screenshot(path=str(shot), full_page=True)
    if os.environ.get("SCREENSHOT_DIR"):
        Path(os.environ["SCREENSHOT_DIR"], name).write_bytes(shot.read_bytes())
    return shot
