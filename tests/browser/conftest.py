"""Playwright (sync API) driving Debian's Chromium; never `playwright install`: it fetches its own browser."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test's thread, where Django would refuse ORM calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # The test starts playback from script, without a click.
    "--autoplay-policy=no-user-gesture-required",
]


def _browser_required() -> bool:
    return os.environ.get("QA_REQUIRE_BROWSER", "").strip().lower() not in {"", "0", "false", "no"}


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
        if _browser_required():
            pytest.fail(f"QA_REQUIRE_BROWSER is set but {message}")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(locale="en-US", timezone_id="UTC")
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Every browser test also checks that the Content-Security-Policy blocked nothing on the pages it opened.
    blocked = []
    page.on(
        "console",
        lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None,
    )
    yield page
    context.close()
    assert blocked == [], "the Content-Security-Policy blocked something"
