"""Shared fixtures.

Tests run on whatever ``DATABASE_URL`` names (SQLite when unset). Celery tasks
run eagerly in every test but those marked ``integration``, which send them to
the real broker and a real worker process. Integration tests need PostgreSQL
and Redis: without them they are skipped with the reason — except under
``CI=true``, where such a skip is a failure.

``make test`` runs the suite in parallel (pytest-xdist, ``--dist loadfile``): each
worker process has a test database of its own (``test_<name>_gw0``, …; the Celery
workers of the integration tests are pointed at it) and every test its own
``tmp_path`` media folder, so tests share nothing but the Redis broker, where each
integration test has a queue of its own.
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


def _flushes_the_database(item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(fixtures)
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Put back the migrations' rows (regions, role groups and their permissions) that a
    transactional test's flush deleted, once its fixtures are gone.

    Run alone, pytest-django keeps transactional tests for last; under xdist a worker
    runs the files it is given in turn, and the next file needs those rows.
    """
    result = yield
    if nextitem is not None and _flushes_the_database(item):
        from django.db import connections
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            for connection in connections.all(initialized_only=True):
                contents = getattr(connection, "_test_serialized_contents", None)
                if contents:
                    connection.creation.deserialize_db_from_string(contents)
    return result


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Test users' passwords hashed in microseconds: PBKDF2's million rounds cost about
    half a second a user on a busy 2-core machine, and most tests make a staff user."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


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
def _site_menus_known_empty(_fresh_cache):
    """A test database holds no pages, so the website's header and footer menus are known
    empty: pinned query counts measure a page, not the menus' first read after the cache
    was cleared (a page a test saves drops them: website.apps; tests/website reads them
    cold)."""
    from website.selectors import site_menus_prime

    site_menus_prime()


@pytest.fixture(autouse=True)
def _identity_known_default(_fresh_cache):
    """Nor does it hold an identity row or a partner shown in the header: pinned query
    counts measure a page, not the first read of the identity (rtcm.core.identity) and the
    header's partners (courses.context_processors) after the cache was cleared. Saving
    either drops the cached answer; tests/core/test_identity.py reads them cold."""
    from courses.context_processors import header_partners_prime
    from rtcm.core.identity import identity_prime_default

    identity_prime_default()
    header_partners_prime()


@pytest.fixture(autouse=True)
def _staff_two_factor_optional(settings):
    """Tests sign staff in with ``force_login`` (no code): the second factor is offered,
    not required, unless a test sets ``RTCM_STAFF_2FA = "required"`` (tests/security/)."""
    settings.RTCM_STAFF_2FA = "optional"


@pytest.fixture(autouse=True)
def _media_and_mail(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://rtcm.example.org"
    # No test fetches a static file: spare each test client WhiteNoise's scan of the apps.
    settings.WHITENOISE_USE_FINDERS = False


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
