"""A real Celery worker process on the real broker, for integration tests."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from rtcm.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path):
    """Start ``celery worker`` on a queue of its own, against the test database.

    Yields the folder the worker's e-mails are written to. The queue name is
    unique per test, so no task of another run reaches this worker.
    """
    queue = f"rtcm-test-{uuid.uuid4().hex[:10]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    database = settings.DATABASES["default"]
    with django_db_blocker.unblock():
        test_db_name = connection.settings_dict["NAME"]
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{test_db_name}"
        ),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_FILE_PATH": str(mail_dir),
        "RTCM_SITE_URL": settings.SITE_URL,
        "RTCM_VAR_DIR": str(tmp_path / "var"),
    }
    env.pop("EMAIL_URL", None)
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "rtcm",
            "worker",
            "--pool",
            "solo",
            "--queues",
            queue,
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    previous_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    try:
        _wait_until_ready(tmp_path / "worker.log", process)
        yield mail_dir
    finally:
        celery_app.conf.task_default_queue = previous_queue
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_until_ready(log_path: Path, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the Celery worker exited early:\n{log_path.read_text()}")
        if "ready." in log_path.read_text():
            return
        time.sleep(0.2)
    pytest.fail(f"the Celery worker did not start in {timeout}s:\n{log_path.read_text()}")
