"""RTCM benchmarks: print figures for the README's performance table.

Not tests: they time the things staff and participants wait for, on a database
seeded at scale. Run with ``make bench`` (SQLite under a temporary folder) or
with ``DATABASE_URL`` set to a scratch PostgreSQL database (its public schema is
dropped and rebuilt).

    .venv/bin/python bench/run.py [--participants 100000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _setup_django(var_dir: str) -> None:
    os.environ.setdefault("RTCM_VAR_DIR", var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rtcm.settings")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    os.environ.setdefault("EMAIL_URL", "dummymail://")
    import django

    django.setup()


def _timed(function, repeat: int) -> tuple[float, float]:
    """Median and 95th percentile in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    return statistics.median(samples), p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    var_dir = tempfile.mkdtemp(prefix="rtcm-bench-")
    _setup_django(var_dir)

    from django.conf import settings
    from django.core.management import call_command
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    # As the test client does: keep one connection, so queries can be counted.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    settings.ALLOWED_HOSTS = ["*"]
    engine = connection.vendor
    if engine == "postgresql":
        # A clean slate (flush would also drop the regions the migrations seed).
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)

    rows: list[tuple[str, str]] = []
    start = time.perf_counter()
    call_command("seed_demo", participants=args.participants, verbosity=0)
    rows.append(
        (f"seed_demo --participants {args.participants:,}", f"{time.perf_counter() - start:.1f} s")
    )

    from courses.models import Training
    from participants import services
    from participants.models import Registration

    client = Client()
    training = Training.objects.filter(status="open").order_by("-start_date").first()
    pages = {
        "home page": "/",
        "catalogue page": "/trainings/",
        "catalogue, past trainings, page 5": "/trainings/?past=on&page=5",
        "training page": training.get_absolute_url(),
        "API training list": "/api/v1/trainings/",
    }
    for label, url in pages.items():
        if client.get(url).status_code != 200:
            raise SystemExit(f"{url} does not answer 200")
        reset_queries()  # the log is capped; seeding filled it
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        # Counted now: the capture reads the connection's log lazily, and the timed
        # requests below clear it (with debug off, they log nothing).
        query_count = len(queries)
        median, p95 = _timed(lambda url=url: client.get(url), args.repeat)
        rows.append(
            (f"{label} ({query_count} queries)", f"median {median:.1f} ms · p95 {p95:.1f} ms")
        )

    big = Training.objects.create(
        title="Benchmark training",
        slug="benchmark-training",
        start_date=training.start_date,
        end_date=training.end_date,
        venue_city="Tashkent",
        venue_country="UZ",
        capacity=10**6,
        status="open",
    )
    counter = iter(range(10**6))

    def letters(n: int) -> str:
        # Names carry no digits (the name rule): 0 → "a", 25 → "z", 26 → "ba"…
        word = ""
        while True:
            n, digit = divmod(n, 26)
            word = "abcdefghijklmnopqrstuvwxyz"[digit] + word
            if n == 0:
                return word

    def submit() -> None:
        n = next(counter)
        services.registration_submit(
            training=big,
            participant_data={
                "given_name": "Bench",
                "family_name": f"Person {letters(n).capitalize()}",
                "email": f"bench{n}@example.org",
                "gender": "female",
                "nationality": "GE",
                "country_of_residence": "GE",
                "organisation": "Bench",
                "organisation_type": "ngo",
                "preferred_language": "en",
            },
        )

    median, p95 = _timed(submit, args.repeat * 5)
    rows.append(
        (
            "registration_submit (service, lock + count + write)",
            f"median {median:.1f} ms · p95 {p95:.1f} ms",
        )
    )
    rows.append(
        (
            "rows",
            f"{Registration.objects.count():,} registrations, "
            f"{Training.objects.count():,} trainings",
        )
    )

    size = f"{args.participants:,} participants, {args.repeat} runs each"
    print(f"\nRTCM benchmarks on {engine} ({size})\n")
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"  {label.ljust(width)}  {value}")


if __name__ == "__main__":
    main()
