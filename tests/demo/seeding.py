"""The demo seeded once per test module, not once per test.

At a module's top, ``_demo_database, seeded = demo_fixture()`` defines a module-scoped
fixture that seeds the demo once, in a transaction held open for the whole module
and rolled back at its end, and a test fixture ``seeded`` (or another ``name``)
giving what ``seed_demo()`` returned (``Seeded``). Each test runs in a savepoint
inside that transaction (pytest-django's ``django_db``), so what a test changes is
undone before the next one; its media folder is the module's, where the demo's
files (CVs, library PDFs) are.

The callbacks the seeding queues for after commit (the library's text extraction)
are run at the end of the seeding, as a commit would. Tests that need an empty
database go to another module: once the fixture is set up, every test of the
module runs inside the seeded transaction.
"""

import pytest
from django.db import transaction
from django.test import TestCase, override_settings

from rtcm.celery import app as celery_app
from rtcm.demo.seed import seed_demo


def demo_fixture(*, name: str = "seeded", **options):
    """The module-scoped seeding and the test fixture ``name``; ``options`` go to
    ``seed_demo()``."""

    @pytest.fixture(scope="module", name="_demo_database")
    def database(django_db_setup, django_db_blocker, tmp_path_factory):
        media = tmp_path_factory.mktemp("demo-media")
        # Module fixtures run before the per-test eager switch (conftest's _celery_mode):
        # on the stack the seed's tasks would otherwise go to the real broker.
        previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
        celery_app.conf.task_always_eager = celery_app.conf.task_eager_propagates = True
        with (
            django_db_blocker.unblock(),
            override_settings(MEDIA_ROOT=media),
            transaction.atomic(),
        ):
            try:
                with TestCase.captureOnCommitCallbacks(execute=True):
                    result = seed_demo(**options)
            finally:
                celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous
            yield result, media
            transaction.set_rollback(True)

    @pytest.fixture(name=name)
    def seeded(_demo_database, settings):
        # Requested by name, so that it is set up before the test's own transaction.
        result, media = _demo_database
        settings.MEDIA_ROOT = media
        return result

    return database, seeded
