"""Real Celery worker processes on the real broker, for integration tests."""

import os
import signal
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


class Workers:
    """The ``celery worker`` processes of one test, on a queue of the test's own.

    Every worker reads the test database and writes its files under ``var_dir``
    (``RTCM_VAR_DIR``: media in ``var_dir/media``, which the test process uses too)
    and its e-mails to ``mail_dir``. Each one leads a process group of its own
    (``start_new_session``), so that ``kill`` takes the main process and its
    pool's children at once, as a machine that dies would.
    """

    def __init__(self, *, queue: str, folder: Path, database_url: str):
        self.queue = queue
        self.folder = folder
        self.var_dir = folder / "var"
        self.mail_dir = folder / "mail"
        self.mail_dir.mkdir()
        self.database_url = database_url
        self.processes: list[subprocess.Popen] = []

    def start(
        self, *, pool: str = "solo", concurrency: int = 1, env: dict[str, str] | None = None
    ) -> subprocess.Popen:
        number = len(self.processes) + 1
        log_path = self.folder / f"worker-{number}.log"
        environment = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            # The tasks a task sends (render chunks, e-mails) stay on this test's queue.
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "RTCM_SITE_URL": settings.SITE_URL,
            "RTCM_VAR_DIR": str(self.var_dir),
            **(env or {}),
        }
        environment.pop("EMAIL_URL", None)
        with log_path.open("w") as log:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "rtcm",
                    "worker",
                    "--hostname",
                    f"worker{number}@%h",
                    "--pool",
                    pool,
                    "--concurrency",
                    str(concurrency),
                    "--queues",
                    self.queue,
                    "--loglevel",
                    "INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append(process)
        _wait_until_ready(log_path, process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """``kill -9`` the worker's whole process group: no warm shutdown, no ack."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def log(self, process: subprocess.Popen) -> str:
        number = self.processes.index(process) + 1
        return (self.folder / f"worker-{number}.log").read_text()

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is not None:
                continue
            process.terminate()  # warm shutdown: running tasks finish
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self._forget_queue()

    def _forget_queue(self) -> None:
        """Drop what is left of the test's queue: messages (e-mails not sent yet, say)
        and kombu's bindings (``_kombu.binding.<queue>``)."""
        try:
            import redis

            client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
            keys = list(client.scan_iter(match=f"*{self.queue}*"))
            if keys:
                client.delete(*keys)
        except Exception:  # noqa: S110 — tidying the broker is a courtesy, not a check
            pass


@pytest.fixture
def celery_workers(django_db_setup, django_db_blocker, tmp_path, settings):
    """Start real workers with ``celery_workers.start(...)``; all stop after the test.

    The test process sends its tasks to the same queue and reads and writes the
    same media folder as the workers.
    """
    database = settings.DATABASES["default"]
    with django_db_blocker.unblock():
        # This process's test database: test_rtcm_gw0, test_rtcm_gw1… under pytest-xdist.
        test_db_name = connection.settings_dict["NAME"]
    workers = Workers(
        queue=f"rtcm-test-{uuid.uuid4().hex[:10]}",
        folder=tmp_path,
        database_url=(
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{test_db_name}"
        ),
    )
    settings.MEDIA_ROOT = workers.var_dir / "media"
    previous_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = workers.queue
    try:
        yield workers
    finally:
        celery_app.conf.task_default_queue = previous_queue
        workers.stop_all()


@pytest.fixture
def celery_worker_process(celery_workers):
    """One worker (solo pool) on the test's own queue; yields the folder of its e-mails."""
    celery_workers.start()
    return celery_workers.mail_dir


def _wait_until_ready(log_path: Path, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the Celery worker exited early:\n{log_path.read_text()}")
        if "ready." in log_path.read_text():
            return
        time.sleep(0.2)
    pytest.fail(f"the Celery worker did not start in {timeout}s:\n{log_path.read_text()}")
