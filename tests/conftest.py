"""Shared fixtures.

Tests run on whatever ``DATABASE_URL`` names (SQLite when unset). Celery tasks
run eagerly in every test but those marked ``integration``, which send them to
the real broker and a real worker process. Integration tests need PostgreSQL
and Redis: without them they are skipped with the reason — except under
``CI=true``, where such a skip is a failure.
"""

import os

import pytest
from django.conf import settings

from rtcm.celery import app as celery_app


def _stack_missing_reason() -> str | None:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://…"
    if settings.CELERY_BROKER_URL.startswith("memory://"):
        return "needs Redis: set CELERY_BROKER_URL=redis://…"
    try:
        import redis

        redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2).ping()
    except Exception as error:
        return f"Redis at {settings.CELERY_BROKER_URL} does not answer: {error}"
    return None


def pytest_runtest_setup(item):
    if "integration" not in item.keywords:
        return
    reason = _stack_missing_reason()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true: integration tests must run, but this one {reason}")
    pytest.skip(f"integration test {reason}")


@pytest.fixture(autouse=True)
def _celery_mode(request):
    """Eager tasks unless the test is an integration test."""
    eager = "integration" not in request.keywords
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = eager
    celery_app.conf.task_eager_propagates = True  # a failing task fails the test
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_and_mail(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://rtcm.example.org"


# --- the three-person cast of access tests (owner / teammate / outsider) ---------------


@pytest.fixture
def coordinator():
    from tests.factories import coordinator_user

    return coordinator_user()


@pytest.fixture
def coordinator_client(coordinator):
    from django.test import Client

    client = Client()
    client.force_login(coordinator)
    return client


@pytest.fixture
def other_staff_client():
    """Staff, but not a coordinator (a librarian)."""
    from django.test import Client

    from tests.factories import staff_user

    client = Client()
    client.force_login(staff_user("librarian", roles=("librarian",)))
    return client


@pytest.fixture
def anonymous_client():
    from django.test import Client

    return Client()


@pytest.fixture
def network_officer():
    from tests.factories import network_officer_user

    return network_officer_user()


@pytest.fixture
def network_officer_client(network_officer):
    from django.test import Client

    client = Client()
    client.force_login(network_officer)
    return client


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (a request in another leaves it active)."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
