"""The embedded mode queues concurrent writers instead of failing (issue 12, part 6).

Eight threads register three people each through the API, at once, against a file
SQLite database with the project's settings (``tests/core/sqlite_writers.py``, in a
subprocess: pytest-django's SQLite test database lives in memory). Before
``transaction_mode: IMMEDIATE`` 18 of the 24 answered ``500 database is locked``
(``python -m tests.core.sqlite_writers --old-settings`` still shows it)."""

import json
import os
import subprocess
import sys

from django.conf import settings

from tests.core import sqlite_writers


def test_eight_concurrent_writers_on_sqlite_all_succeed(tmp_path):
    # The embedded mode: no deployment variables, no broker, no mail server.
    inherited = {"DJANGO_DEBUG", "DJANGO_ALLOWED_HOSTS", "DJANGO_SECRET_KEY"}
    env = {
        **{name: value for name, value in os.environ.items() if name not in inherited},
        "DATABASE_URL": f"sqlite:///{(tmp_path / 'rtcm.sqlite3').as_posix()}",
        "RTCM_VAR_DIR": str(tmp_path),
        "CELERY_BROKER_URL": "",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "EMAIL_URL": "",
    }
    result = subprocess.run(
        [sys.executable, "-m", "tests.core.sqlite_writers"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    total = sqlite_writers.WRITERS * sqlite_writers.PER_WRITER
    assert outcome == {"statuses": [201] * total, "stored": total}, result.stderr[-3000:]
