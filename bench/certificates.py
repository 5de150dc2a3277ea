"""Certificates: one render in-process, a whole batch through a real worker, and the
worker's memory over 1,000 certificates. Prints figures; not a test.

Needs PostgreSQL and Redis; the database's public schema is dropped and rebuilt,
so point it at a scratch database (``make bench-certificates`` does):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rtcm_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/2 .venv/bin/python bench/certificates.py

What it measures:

(a) ``participants.certificates.certificate_pdf`` alone, in this process, in a
    loop: seconds per certificate with the process's shared font configuration,
    and with a fresh ``FontConfiguration`` (and stylesheet) per render as plain
    WeasyPrint use would do; plus the HTML alone, and the whole service
    (``certificate_render``: render + storage + database) for comparison.
(b) A batch of 200 through the job, as staff start it: service → Redis → a
    ``celery worker --pool prefork --concurrency 2`` → storage → job succeeded.
    Wall time from the service call to the job's row saying "succeeded".
(c) The RSS of the worker's pool processes after 200 and after 1,000
    certificates (five batches of 200 on five trainings): flat or growing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NAMES = [  # given, family: Latin, Azerbaijani, Cyrillic, Georgian, Armenian, Arabic
    ("Maria", "Popescu"),
    ("Ləman", "Məmmədova"),
    ("Нурлан", "Абдуллаев"),
    ("ნინო", "ბერიძე"),
    ("Անի", "Հովհաննիսյան"),
    ("محمد", "العلي"),
    ("Gulnara", "Abdullayeva-Karimova"),
]


def _setup_django(var_dir: str, queue: str) -> None:
    os.environ["RTCM_VAR_DIR"] = var_dir
    os.environ["CELERY_TASK_DEFAULT_QUEUE"] = queue
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rtcm.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    os.environ.pop("EMAIL_URL", None)  # e-mails become files under the temporary var dir
    import django

    django.setup()


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _children(pid: int) -> list[int]:
    out = subprocess.run(  # noqa: S603 — a fixed command of ours, no shell
        ["ps", "--ppid", str(pid), "-o", "pid="],  # noqa: S607 — ps from the PATH
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return sorted(int(line) for line in out.split())


def _per_item(function, items, repeat: int) -> tuple[float, float]:
    """Median and mean seconds per call over ``repeat`` calls (cycling through ``items``)."""
    samples = []
    for i in range(repeat):
        start = time.perf_counter()
        function(items[i % len(items)])
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), statistics.fmean(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200, help="certificates per batch")
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=40, help="renders per in-process figure")
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    broker_url = os.environ.get("CELERY_BROKER_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")) or not broker_url:
        print(
            "bench/certificates.py skipped: it needs PostgreSQL and Redis — set "
            "DATABASE_URL=postgres://…/rtcm_bench (a scratch database: it is wiped) and "
            "CELERY_BROKER_URL=redis://…, or run `make bench-certificates`."
        )
        return

    var_dir = tempfile.mkdtemp(prefix="rtcm-bench-certificates-")
    queue = f"rtcm-bench-{uuid.uuid4().hex[:8]}"
    _setup_django(var_dir, queue)

    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)

    try:
        rows, memory = _run(args, var_dir, queue)
    finally:
        _forget_queue(broker_url, queue)
        shutil.rmtree(var_dir, ignore_errors=True)

    print(
        f"\nRTCM certificates on PostgreSQL + Redis, a prefork worker of "
        f"{args.concurrency} processes ({os.cpu_count()} CPUs here)\n"
    )
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"  {label.ljust(width)}  {value}")
    print()
    for line in memory:
        print(f"  {line}")


def _run(args, var_dir: str, queue: str) -> tuple[list[tuple[str, str]], list[str]]:
    import weasyprint
    from django.utils import timezone
    from weasyprint.text.fonts import FontConfiguration

    from courses.models import Session, Training
    from participants import services
    from participants.certificates import (
        certificate_css,
        certificate_html,
        certificate_pdf,
        training_facts,
    )
    from participants.models import (
        Attendance,
        Certificate,
        Notification,
        Participant,
        Registration,
    )
    from rtcm.core.models import Job
    from rtcm.core.pdf import StaticFilesOnlyFetcher, default_base_url

    def make_training(number: int, people: int) -> Training:
        start = timezone.localdate() - dt.timedelta(days=14)
        training = Training.objects.create(
            title=f"Return and reintegration — Возвращение и реинтеграция {number}",
            slug=f"bench-certificates-{number}",
            start_date=start,
            end_date=start + dt.timedelta(days=2),
            venue_city="Tashkent",
            venue_country="UZ",
            capacity=people,
            status=Training.Status.COMPLETED,
        )
        sessions = [
            Session.objects.create(
                training=training,
                title=f"Day {day + 1}",
                starts_at=timezone.make_aware(
                    dt.datetime.combine(start + dt.timedelta(days=day), dt.time(9))
                ),
                ends_at=timezone.make_aware(
                    dt.datetime.combine(start + dt.timedelta(days=day), dt.time(16))
                ),
            )
            for day in range(3)
        ]
        now = timezone.now()
        participants = Participant.objects.bulk_create(
            Participant(
                given_name=NAMES[i % len(NAMES)][0],
                family_name=f"{NAMES[i % len(NAMES)][1]} {i}",
                email=f"bench-{number}-{i}@example.org",
                gender="female" if i % 2 else "male",
                nationality="UZ",
                country_of_residence="UZ",
                organisation="Migration Agency",
                organisation_type="government",
                preferred_language="en",
                consent_given_at=now,
            )
            for i in range(people)
        )
        registrations = Registration.objects.bulk_create(
            Registration(
                participant=participant,
                training=training,
                status=Registration.Status.CONFIRMED,
                submitted_at=now,
                status_changed_at=now,
            )
            for participant in participants
        )
        Attendance.objects.bulk_create(
            Attendance(registration=registration, session=session, present=True)
            for registration in registrations
            for session in sessions
        )
        return training

    rows: list[tuple[str, str]] = []

    # --- (a) one certificate, in this process ----------------------------------------------
    solo = make_training(0, 40)
    services.certificates_ensure_for_training(training=solo)
    certificates = list(
        Certificate.objects.filter(registration__training=solo).select_related(
            "registration__participant", "registration__training"
        )
    )
    facts = training_facts(solo)
    start = time.perf_counter()
    size = len(certificate_pdf(certificates[0], facts))
    rows.append(
        ("first render in a fresh process (fonts loaded)", f"{time.perf_counter() - start:.3f} s")
    )
    median, mean = _per_item(lambda c: certificate_pdf(c, facts), certificates, args.repeat)
    rows.append(
        (
            "certificate_pdf, shared font configuration",
            f"{median:.4f} s per certificate (mean {mean:.4f}), {size:,} bytes",
        )
    )

    def fresh_font_configuration(certificate):
        fonts = FontConfiguration()
        css = weasyprint.CSS(
            string=certificate_css(),
            font_config=fonts,
            base_url=default_base_url(),
            url_fetcher=StaticFilesOnlyFetcher(),
        )
        weasyprint.HTML(
            string=certificate_html(certificate, facts),
            base_url=default_base_url(),
            url_fetcher=StaticFilesOnlyFetcher(),
        ).write_pdf(font_config=fonts, stylesheets=[css])

    median, mean = _per_item(fresh_font_configuration, certificates, args.repeat)
    rows.append(
        (
            "same, fresh FontConfiguration per render",
            f"{median:.4f} s per certificate (mean {mean:.4f})",
        )
    )
    median, mean = _per_item(lambda c: certificate_html(c, facts), certificates, args.repeat)
    rows.append(("  of which the HTML (template + QR code)", f"{median:.4f} s"))

    # The whole service for one certificate: render, storage, database, e-mail queued.
    ids = [c.pk for c in certificates]
    start = time.perf_counter()
    for pk in ids:
        services.certificate_render(certificate_id=pk, facts=facts)
    per = (time.perf_counter() - start) / len(ids)
    rows.append(("certificate_render (service: + storage + rows)", f"{per:.4f} s per certificate"))
    _forget_queue(os.environ["CELERY_BROKER_URL"], queue)  # its e-mails: not the worker's job

    # --- (b) and (c): batches through a real worker --------------------------------------------
    trainings = [make_training(n, args.people) for n in range(1, args.batches + 1)]
    log_path = Path(var_dir) / "worker.log"
    worker = _start_worker(args.concurrency, queue, log_path)
    memory: list[str] = []

    def pool_rss(label: str) -> None:
        pids = _children(worker.pid)
        replaced = "" if pids == pool else "  (pool processes replaced)"
        sizes = ", ".join(f"{_rss_kib(pid) / 1024:.1f}" for pid in pids)
        memory.append(f"worker pool RSS {label}: {sizes} MiB{replaced}")

    try:
        pool = _children(worker.pid)
        pool_rss("at start (no task yet)")
        batch_times = []
        for number, training in enumerate(trainings, start=1):
            start = time.perf_counter()
            job = services.certificates_issue_for_training(training=training, actor=None)
            while not (job := Job.objects.get(pk=job.pk)).is_finished:
                time.sleep(0.02)
            elapsed = time.perf_counter() - start
            if job.status != Job.Status.SUCCEEDED:
                raise SystemExit(f"batch {number} failed: {job.error}\n{log_path.read_text()}")
            batch_times.append(elapsed)
            # Let the worker send the batch's e-mails before the next batch starts.
            mail_start = time.perf_counter()
            unsent = Notification.objects.filter(registration__training=training).exclude(
                status=Notification.Status.SENT
            )
            while unsent.exists():
                time.sleep(0.05)
            mail = time.perf_counter() - mail_start
            rows.append(
                (
                    f"batch {number}: {args.people} certificates, job succeeded",
                    f"{elapsed:.2f} s = {args.people / elapsed:.1f} certificates/s "
                    f"(then the e-mails, with PDF: {mail:.2f} s more)",
                )
            )
            pool_rss(f"after {number * args.people:>5,} certificates")
        rows.insert(
            0,
            (
                f"whole batch of {args.people} (median of {len(batch_times)})",
                f"{statistics.median(batch_times):.2f} s = "
                f"{args.people / statistics.median(batch_times):.1f} certificates/s",
            ),
        )
        memory.append(f"worker main process RSS at the end: {_rss_kib(worker.pid) / 1024:.1f} MiB")
    finally:
        _stop_worker(worker)
    return rows, memory


def _start_worker(concurrency: int, queue: str, log_path: Path) -> subprocess.Popen:
    env = {**os.environ, "CELERY_TASK_ALWAYS_EAGER": "false", "DJANGO_LOG_LEVEL": "INFO"}
    with log_path.open("w") as log:
        process = subprocess.Popen(  # noqa: S603 — this Python running Celery, no shell
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "rtcm",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                str(concurrency),
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
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while "ready." not in log_path.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the worker did not start:\n{log_path.read_text()}")
        time.sleep(0.2)
    return process


def _stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _forget_queue(broker_url: str, queue: str) -> None:
    import redis

    client = redis.Redis.from_url(broker_url)
    keys = list(client.scan_iter(match=f"*{queue}*"))  # messages and kombu's bindings
    if keys:
        client.delete(*keys)


if __name__ == "__main__":
    main()
