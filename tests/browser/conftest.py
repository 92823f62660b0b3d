"""The admin driven in a real headless Chromium (Playwright for Python) against a live
server: the system's `chromium` package (Debian; `.ci/run` installs it), no downloaded
browser. Without Chromium the tests skip locally and fail in CI (CI_REQUIRE_BROWSER=1, or
the services leg's CI_REQUIRE_SERVICES=1), where a missing browser is a failure."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

# Screenshots of the run (the dashboard in EN and AR); var/ is git-ignored.
ARTIFACTS_DIR = Path(
    os.environ.get("BROWSER_ARTIFACTS_DIR") or settings.BASE_DIR / "var" / "artifacts"
)
PASSWORD = "browser-pw-1"


def chromium_path() -> str:
    """The system Chromium (CHROMIUM_PATH overrides), or skip / fail as the module says."""
    candidates = [os.environ.get("CHROMIUM_PATH", ""), "/usr/bin/chromium"]
    candidates += [shutil.which(name) or "" for name in ("chromium", "chromium-browser")]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    required = "1" in (os.environ.get("CI_REQUIRE_BROWSER"), os.environ.get("CI_REQUIRE_SERVICES"))
    if required:
        pytest.fail("CI requires Chromium for the browser tests (apt-get install chromium)")
    pytest.skip("no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)")


@pytest.fixture(scope="module")
def browser(django_db_setup) -> Iterator[object]:
    """One headless Chromium per module. Playwright's sync API runs an event loop in this
    thread while it is open, so Django's async-safety guard is lifted for exactly that
    time: the tests' own ORM calls (setup and checks, never concurrent with a request)
    stay synchronous. The test database is created before the loop starts."""
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def boss(django_user_model):
    return django_user_model.objects.create_superuser("boss", "boss@example.com", PASSWORD)


class ConsoleErrors(list):
    """JavaScript errors and console.error lines of a page (favicon 404s aside)."""

    def watch(self, page) -> None:
        page.on("pageerror", lambda exc: self.append(f"pageerror: {exc}"))
        page.on("console", self._console)

    def _console(self, msg) -> None:
        where = (msg.location or {}).get("url", "")
        if msg.type == "error" and not where.endswith("/favicon.ico"):
            self.append(f"console: {msg.text} ({where})")


def new_page(browser, live_server, *, locale: str = "en-US"):
    """A fresh browser context (its own cookies and language) and page, with console errors
    collected on `page.console_errors`."""
    context = browser.new_context(
        base_url=live_server.url, locale=locale, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = ConsoleErrors()
    errors.watch(page)
    page.console_errors = errors
    return page


def log_in(page, *, username: str = "boss", password: str = PASSWORD) -> None:
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
