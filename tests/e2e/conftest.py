"""Browser tests: Playwright (Python) driving Debian's chromium against the live test server.

Every test in this folder is marked ``e2e``; without /usr/bin/chromium they are skipped with
the reason (CI installs the package)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("XG_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(os.environ.get("XG_E2E_SHOTS", "test-results/e2e"))

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by
# the test itself (fixtures) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    missing = not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM))
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)
            if missing:
                item.add_marker(
                    pytest.mark.skip(
                        reason=f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)"
                    )
                )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def new_page(browser, request):
    """``new_page(locale="zh-CN", width=1366)`` opens a fresh browser context."""
    contexts = []

    def _open(locale: str = "zh-CN", width: int = 1366, height: int = 900):
        ctx = browser.new_context(locale=locale, viewport={"width": width, "height": height})
        ctx.set_default_timeout(10_000)
        contexts.append(ctx)
        return ctx.new_page()

    yield _open
    for ctx in contexts:
        if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
            SHOTS.mkdir(parents=True, exist_ok=True)
            for i, pg in enumerate(ctx.pages):
                pg.screenshot(path=str(SHOTS / f"{request.node.name}-{i}.png"), full_page=True)
        ctx.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


def sign_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("[data-testid=login-submit]")
