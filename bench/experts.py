"""RTCM benchmark of the expert network: the directory, a profile, the API and matching.

Seeds a scratch database with the demo center, grows its network to
``--experts`` experts (random expertise, languages, countries across the three
regions; a share of them booked as trainers of the demo sessions and rated),
then times the public directory (browsing, a search, a filter), a profile, the
API list, and the matching of experts to a training (the selector, the staff
page and the API). Run with SQLite under a temporary folder (default), or with
``DATABASE_URL`` set to a scratch PostgreSQL database (its public schema is
dropped and rebuilt).

    .venv/bin/python bench/experts.py [--experts 2000] [--participants 5000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.run import _setup_django, _timed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experts", type=int, default=2_000)
    parser.add_argument("--participants", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    _setup_django(tempfile.mkdtemp(prefix="rtcm-bench-experts-"))

    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.utils import timezone

    setup_test_environment()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    settings.ALLOWED_HOSTS = ["*"]
    engine = connection.vendor
    if engine == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    call_command("seed_demo", participants=args.participants, verbosity=0)

    from courses.models import Session, Topic, Training
    from experts import selectors
    from experts.models import WORKING_LANGUAGE_NAMES, Expert, ExpertLanguage, TrainerRating
    from participants.models import Registration
    from rtcm.core.models import CountryRegion
    from rtcm.core.roles import COORDINATOR

    rows: list[tuple[str, str]] = []
    start = time.perf_counter()
    rng = random.Random(7)
    countries = list(CountryRegion.objects.values_list("country", flat=True))
    topics = list(Topic.objects.values_list("pk", flat=True))
    languages = sorted(
        set(WORKING_LANGUAGE_NAMES)
        & {"en", "ru", "ar", "az", "hy", "ka", "uz", "kk", "tr", "fa", "tg", "ky", "uk", "ro"}
    )
    missing = max(0, args.experts - Expert.objects.count())
    now = timezone.now()
    Expert.objects.bulk_create(
        [
            Expert(
                given_name=rng.choice(["Aziz", "Нино", "Леман", "Սոնա", "سارة", "Ləman", "Ivan"]),
                family_name=f"Bench {n}",
                slug=f"bench-expert-{n}",
                email=f"bench-expert-{n}@example.org",
                country=rng.choice(countries),
                organisation=rng.choice(["Ministry of Interior", "State Migration Service", "IOM"]),
                position="Expert",
                bio="Border management, readmission and labour migration casework. " * 3,
                status=Expert.Status.ACTIVE,
                public_profile_consent_at=now if rng.random() < 0.9 else None,
            )
            for n in range(missing)
        ],
        batch_size=1000,
    )
    bench_experts = list(
        Expert.objects.filter(slug__startswith="bench-expert-").values_list("pk", flat=True)
    )
    Expert.expertise.through.objects.bulk_create(
        [
            Expert.expertise.through(expert_id=pk, topic_id=topic)
            for pk in bench_experts
            for topic in rng.sample(topics, rng.randint(1, 3))
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )
    ExpertLanguage.objects.bulk_create(
        [
            ExpertLanguage(expert_id=pk, code=code)
            for pk in bench_experts
            for code in rng.sample(languages, rng.randint(1, 3))
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )
    # A quarter of them teach one session each (no overlap check: timing only).
    sessions = list(Session.objects.values_list("pk", flat=True))
    Session.trainers.through.objects.bulk_create(
        [
            Session.trainers.through(session_id=rng.choice(sessions), expert_id=pk)
            for pk in bench_experts[: len(bench_experts) // 4]
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )
    rated = list(
        Session.trainers.through.objects.filter(expert_id__in=bench_experts).values_list(
            "session_id", "expert_id", "session__training_id"
        )[:2000]
    )
    registrations = {}
    for training_id, registration_id in Registration.objects.values_list("training_id", "pk"):
        registrations.setdefault(training_id, registration_id)
    TrainerRating.objects.bulk_create(
        [
            TrainerRating(
                registration_id=registrations[training_id],
                session_id=session_id,
                expert_id=expert_id,
                score=rng.randint(2, 5),
            )
            for session_id, expert_id, training_id in rated
            if training_id in registrations
        ],
        ignore_conflicts=True,
    )
    rows.append(
        (
            f"grow the network to {Expert.objects.count():,} experts",
            f"{time.perf_counter() - start:.1f} s",
        )
    )

    training = (
        Training.objects.filter(status="open").exclude(modules=None).order_by("start_date").first()
    )
    staff = User.objects.create_user(
        "bench-coordinator", is_staff=True
    )  # no password: forced login
    staff.groups.add(Group.objects.get(name=COORDINATOR))
    anonymous, coordinator = Client(), Client()
    coordinator.force_login(staff)
    expert = selectors.public_experts().order_by("pk").first()
    topic = Topic.objects.order_by("pk").first()
    pages = {
        "directory, first page": (anonymous, "/experts/"),
        "directory, search “border”": (anonymous, "/experts/?q=border"),
        "directory, topic + language filter": (
            anonymous,
            f"/experts/?topic={topic.slug}&language=ru",
        ),
        "profile page": (anonymous, expert.get_absolute_url()),
        "API directory list": (anonymous, "/api/v1/experts/"),
        "matching page (staff)": (coordinator, f"/staff/experts/trainings/{training.slug}/"),
        "matching API": (
            coordinator,
            f"/api/v1/trainings/{training.slug}/expert-suggestions/",
        ),
    }
    for label, (client, url) in pages.items():
        status = client.get(url).status_code
        if status != 200:
            raise SystemExit(f"{url} answers {status}, not 200")
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        median, p95 = _timed(lambda client=client, url=url: client.get(url), args.repeat)
        rows.append(
            (f"{label} ({len(queries)} queries)", f"median {median:.1f} ms · p95 {p95:.1f} ms")
        )
    active = Expert.objects.filter(status="active").count()
    for limit in (20, None):
        median, p95 = _timed(
            lambda limit=limit: selectors.training_suggestions(training, limit=limit), args.repeat
        )
        shown = f"top {limit}" if limit else "all, each explained"
        rows.append(
            (
                f"training_suggestions ({active:,} active experts, {shown})",
                f"median {median:.1f} ms · p95 {p95:.1f} ms",
            )
        )

    print(f"\nRTCM expert-network benchmarks on {engine} ({args.repeat} runs each)\n")
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"  {label.ljust(width)}  {value}")


if __name__ == "__main__":
    main()
