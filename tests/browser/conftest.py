"""Real-browser journeys: Debian's Chromium driven by Playwright's sync API against
pytest-django's live server.

Every test in this folder is marked `browser`, so `pytest -m "not browser"` (what
`make test` runs on a machine without Chromium) leaves them out. When a test that
uses `page` fails, a full-page screenshot is kept in test-artifacts/.
"""

import os
import re
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
BROWSER_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _chromium_path() -> str:
    executable = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if os.path.isfile(executable) and os.access(executable, os.X_OK):
        return executable
    if os.environ.get("CI"):
        pytest.fail(
            f"Chromium is required in CI for the browser journeys but {executable} "
            "is missing (apt-get install -y chromium, or set CHROMIUM).",
            pytrace=False,
        )
    pytest.fail(
        f"Chromium not found at {executable}: install it (apt-get install chromium) "
        "or set CHROMIUM, or leave the journeys out with -m 'not browser'.",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = _chromium_path()
    # Playwright's sync API runs an event loop in this thread for the rest of the
    # session; without this, Django's async-safety check refuses every ORM call
    # made from the tests (and from any test that runs after them).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


# The lists the data migrations fill (award forms, rating levels, fields).
REFERENCE_LISTS = [
    ("awards.migrations.0002_default_lists", "fill"),
    ("initiatives.migrations.0002_default_fields", "add_fields"),
]


@pytest.fixture(autouse=True)
def reference_lists(request):
    """Fill the data migrations' lists again before each live-server test: the
    test before it, whatever it was, ended with a flush of every table."""
    if "live_server" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    from importlib import import_module

    from django.apps import apps

    for module, function in REFERENCE_LISTS:
        getattr(import_module(module), function)(apps, None)


@pytest.fixture
def page(browser, live_server):
    # An English browser: the application must still answer in Vietnamese.
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-US",
        extra_http_headers={"Accept-Language": "en-US,en;q=0.9"},
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    page = getattr(item, "funcargs", {}).get("page")
    if page is None:
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / (re.sub(r"[^\w.-]+", "_", item.name) + ".png")
    try:
        page.screenshot(path=str(path), full_page=True)
    except Exception as error:  # the page may be gone; the failure matters more
        note = f"Could not save a screenshot to {path}: {error}"
    else:
        note = f"Screenshot of the failed step: {path}"
    print(note)
    report.sections.append(("Screenshot", note))
