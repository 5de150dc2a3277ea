"""A real browser: Playwright for Python driving Debian's Chromium against pytest-django's
``live_server`` (a server thread on a transactional test database).

Chromium is the system's (``.ci/run`` installs the ``chromium`` package; Playwright's own
browser download is never used). Without it the tests are skipped with the reason —
except under ``CI=true``, where that is a failure, as for the integration tests.
A failing test leaves a screenshot in ``var/e2e/``.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in this thread, and Django refuses
# database calls from a thread with a running loop (SynchronousOnlyOperation) — the
# test's own setup and checks here are ordinary synchronous code, so it is safe. Only
# for the browser tests: this conftest is loaded only when tests/e2e/ is collected.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e"
PASSWORD = "e2e-password"  # a test account's


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.e2e)


_SERIALIZED: dict[str, str] = {}  # the test database's rows after its migrations


def _migrations_rows_back() -> None:
    """Make sure the migrations' rows (regions, countries' regions …) are there.

    Each test flushes the database and pytest-django's ``serialized_rollback`` loads those
    rows back from ``connection._test_serialized_contents``. Once Playwright runs its
    event loop in this thread, Django's connection handler (context-local) may hand the
    test a new connection object that lacks that attribute, and the rows would silently
    stay missing: give it back the copy kept before Playwright started, and load it if
    the rows are gone.
    """
    from django.db import connections

    from rtcm.core.models import Region

    connection = connections["default"]
    serialized = _SERIALIZED.get("default")
    if serialized is None:
        return
    if getattr(connection, "_test_serialized_contents", None) is None:
        connection._test_serialized_contents = serialized
    if not Region.objects.exists():
        connection.creation.deserialize_db_from_string(serialized)


@pytest.fixture(scope="module")
def browser(django_db_setup, django_db_blocker):
    """Chromium, for one test file at a time: Playwright's event loop must stop before the
    worker goes on to other files, whose database connections would otherwise be
    context-local ones nobody closes (PostgreSQL then refuses to drop the test database)."""
    from django.db import connections

    serialized = getattr(connections["default"], "_test_serialized_contents", None)
    if serialized is not None:
        _SERIALIZED["default"] = serialized
    executable = shutil.which("chromium")
    if executable is None:
        reason = "needs Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: the browser tests must run, but they {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=["--no-sandbox"]
        )
        yield browser
        browser.close()
    connections.close_all()


@pytest.fixture(autouse=True)
def _static_files(settings):
    """The pages with their Bootstrap CSS (the layout at 390 px is part of what is tested)."""
    settings.WHITENOISE_USE_FINDERS = True


@pytest.fixture
def open_page(browser, live_server, request):
    """``open_page(viewport=PHONE)``: a fresh browser context (no cookies) and its page."""
    _migrations_rows_back()
    contexts = []

    def make(viewport=DESKTOP):
        context = browser.new_context(viewport=viewport, base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    failed = getattr(request.node, "rep_call", None)
    for number, context in enumerate(contexts):
        if failed is not None and failed.failed:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            for index, page in enumerate(context.pages):
                page.screenshot(path=SCREENSHOTS / f"{request.node.name}-{number}-{index}.png")
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Close the connections of this test's teardown (the flush, and tests/conftest.py
    loading the migrations' rows back). Beside Playwright's event loop, Django's
    context-local connection handler gives them connection objects of their own, which
    pytest-django never closes: dropping the test database on PostgreSQL would then
    find "1 other session using the database"."""
    result = yield
    from django.db import connections

    connections.close_all()
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


def sign_in(page, username: str, *, next_url: str = "/staff/") -> None:
    """Through the admin's sign-in form, as a person does."""
    page.goto(f"/admin/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(f"**{next_url}")


def no_sideways_scrolling(page) -> bool:
    """The page, with its stylesheets, is no wider than the viewport."""
    # <body class="d-flex">: Bootstrap is in, so the width measured is the real layout's.
    assert page.evaluate("getComputedStyle(document.body).display") == "flex"
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def staff_account(username: str, *roles: str):
    """A staff member who is not a superuser, holding ``roles``, with ``PASSWORD``."""
    from tests.factories import staff_user

    user = staff_user(username, roles=roles)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def register_through_the_form(page, slug: str, *, given_name: str, family_name: str, email: str):
    """A person fills the public registration form of training ``slug`` and submits it."""
    page.goto(f"/trainings/{slug}/register/")
    page.fill("#id_given_name", given_name)
    page.fill("#id_family_name", family_name)
    page.fill("#id_email", email)
    page.fill("#id_phone", "+7 701 123 45 67")
    page.select_option("#id_gender", "female")
    page.select_option("#id_nationality", "KZ")
    page.select_option("#id_country_of_residence", "KZ")
    page.fill("#id_organisation", "Migration Service")
    page.select_option("#id_organisation_type", "government")
    page.fill("#id_position", "Inspector")
    page.check("#id_consent")
    page.get_by_role("button", name="Submit registration").click()
    page.wait_for_url("**/registrations/**")
