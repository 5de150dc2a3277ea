"""A worker killed with ``kill -9`` in the middle of a 200-certificate batch: another
worker finishes the job, and nobody gets two certificates, none is missing, no
serial number is skipped.

How the batch survives. Tasks are acknowledged late: the render chunks the dead
worker held stay unacknowledged in Redis and come back after
``CELERY_VISIBILITY_TIMEOUT`` (5 s here, instead of an hour). A PDF is attached
to its certificate only if none is yet (under the row's lock), so a chunk run
twice renders nothing twice; the chunk that finds every PDF stored closes the job.

What a kill may leave: a PDF written to storage whose certificate row the dead
process had not updated yet — an orphan file, at most one per killed process,
never referenced, never served (storage is private; names carry a random part).
We keep it rather than sweep the folder: a sweep cannot tell such a file from one
that a live render has just written and is about to attach. The test allows one
per killed process and checks that each is named after one of the batch's serials.
"""

import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from participants import services
from participants.models import Attendance, Certificate, Notification, Participant, Registration
from rtcm.core.models import Job
from tests.factories import ParticipantFactory, past_training

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PEOPLE = 200
WORKER_PROCESSES = 2
VISIBILITY_TIMEOUT = 5
KILL_AFTER = 50  # PDFs stored: a few chunks done, a few running, most still queued
NAMES = [
    ("Maria", "Popescu"),
    ("Ləman", "Məmmədova"),
    ("Нурлан", "Абдуллаев"),
    ("ნინო", "ბერიძე"),
    ("Անի", "Հովհաննիսյան"),
    ("محمد", "العلي"),
]


def completed_training_with_everyone_present(people: int):
    training = past_training(sessions=2, slug="batch", capacity=people)
    participants = Participant.objects.bulk_create(
        ParticipantFactory.build(
            given_name=NAMES[i % len(NAMES)][0],
            family_name=f"{NAMES[i % len(NAMES)][1]} {i}",
            email=f"batch{i}@example.org",
        )
        for i in range(people)
    )
    now = timezone.now()
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
        for session in training.sessions.all()
    )
    return training


def wait_for(condition, *, timeout: float, step: float = 0.05, message: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    pytest.fail(message)


def test_a_worker_killed_mid_batch_loses_nothing_and_duplicates_nothing(celery_workers):
    training = completed_training_with_everyone_present(PEOPLE)
    worker_env = {"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)}
    first = celery_workers.start(pool="prefork", concurrency=WORKER_PROCESSES, env=worker_env)
    certificates = Certificate.objects.filter(registration__training=training)

    started_at = time.monotonic()
    job = services.certificates_issue_for_training(training=training, actor=None)

    # Kill the worker while it is rendering: some PDFs stored, most still to do.
    rendered = wait_for(
        lambda: (n := certificates.exclude(pdf="").count()) >= KILL_AFTER and n,
        timeout=120,
        message=f"the worker stored no {KILL_AFTER} PDFs within 120 s",
    )
    assert rendered <= 150, f"{rendered} PDFs before the kill: the batch ran too fast to test"
    celery_workers.kill(first)
    killed_at = time.monotonic()
    at_kill = certificates.exclude(pdf="").count()
    assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING
    assert at_kill < PEOPLE

    # A new worker takes back, at start, what the dead one held past the visibility timeout.
    time.sleep(max(0.0, killed_at + VISIBILITY_TIMEOUT + 1 - time.monotonic()))
    second = celery_workers.start(pool="prefork", concurrency=WORKER_PROCESSES, env=worker_env)
    job = wait_for(
        lambda: (j := Job.objects.get(pk=job.pk)).is_finished and j,
        timeout=180,
        step=0.5,
        message=(
            f"the job did not finish within 180 s of the restart: "
            f"{Job.objects.get(pk=job.pk).status}, {certificates.exclude(pdf='').count()} PDFs\n"
            f"{celery_workers.log(second)[-3000:]}"
        ),
    )
    finished_at = time.monotonic()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert (job.done, job.total) == (PEOPLE, PEOPLE)

    # One certificate per person, gap-free serials, one PDF each, stored.
    rows = list(certificates.values_list("registration_id", "serial", "year", "number", "pdf"))
    assert len(rows) == PEOPLE
    assert len({registration for registration, *_ in rows}) == PEOPLE
    assert len({serial for _, serial, *_ in rows}) == PEOPLE
    assert len({year for _, _, year, _, _ in rows}) == 1
    assert sorted(number for *_, number, _ in rows) == list(range(1, PEOPLE + 1))
    pdfs = {pdf for *_, pdf in rows}
    assert "" not in pdfs
    assert len(pdfs) == PEOPLE
    media = Path(settings.MEDIA_ROOT)
    assert all((media / name).is_file() for name in pdfs)
    # The person hears of it once: one e-mail logged per stored PDF.
    assert Notification.objects.filter(kind=Notification.Kind.CERTIFICATE).count() == PEOPLE

    # Nothing else in the folder but what a killed render may have left (see above).
    on_disk = {
        path.relative_to(media).as_posix() for path in (media / "certificates").rglob("*.pdf")
    }
    orphans = on_disk - pdfs
    serials = {serial for _, serial, *_ in rows}
    assert len(orphans) <= WORKER_PROCESSES, orphans
    assert all(os.path.basename(name).rsplit("-", 1)[0] in serials for name in orphans)
    print(
        f"\nkilled at {at_kill}/{PEOPLE} PDFs after {killed_at - started_at:.1f} s; "
        f"job done {finished_at - killed_at:.1f} s after the kill; "
        f"orphan files left by the kill: {len(orphans)}"
    )
