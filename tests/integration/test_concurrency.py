"""Concurrent registrations never overbook a training on PostgreSQL.

Every thread has its own database connection. To make the race certain
rather than lucky, both tests widen the window between counting the seats
and writing the registration (a short sleep after the count). With the
training's row lock the window does not matter; without it, the twin test
shows the overbooking the lock prevents.
"""

import threading
import time

import pytest
from django.db import connection, connections

from participants import selectors, services
from participants.models import Registration
from tests.factories import TrainingFactory, person_data

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

REGISTRANTS = 100
CAPACITY = 20


def _thread_budget() -> int:
    """Threads that fit in the server's connections, up to one per registrant."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        limit = int(cursor.fetchone()[0])
        cursor.execute("SELECT count(*) FROM pg_stat_activity")
        in_use = int(cursor.fetchone()[0])
    return max(2, min(REGISTRANTS, limit - in_use - 5))


def _submit_all_at_once(training) -> list[BaseException]:
    threads_count = _thread_budget()
    barrier = threading.Barrier(threads_count)
    emails = [f"person{i}@example.org" for i in range(REGISTRANTS)]
    chunks = [emails[i::threads_count] for i in range(threads_count)]
    errors: list[BaseException] = []

    def worker(my_emails):
        try:
            barrier.wait(timeout=60)
            for email in my_emails:
                data = person_data(email=email)
                data.pop("consent")
                services.registration_submit(training=training, participant_data=data)
        except BaseException as error:  # collected and reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return errors


@pytest.fixture
def slow_seat_count(monkeypatch):
    real_count = selectors.training_seats_taken

    def count_then_pause(*, training):
        taken = real_count(training=training)
        time.sleep(0.02)
        return taken

    monkeypatch.setattr(selectors, "training_seats_taken", count_then_pause)


def test_100_concurrent_registrations_for_20_seats_confirm_exactly_20(slow_seat_count):
    training = TrainingFactory(capacity=CAPACITY)
    errors = _submit_all_at_once(training)
    assert errors == []
    statuses = list(Registration.objects.filter(training=training).values_list("status", flat=True))
    assert statuses.count("confirmed") == CAPACITY
    assert statuses.count("waitlisted") == REGISTRANTS - CAPACITY


def test_without_the_row_lock_the_same_race_overbooks(slow_seat_count, monkeypatch):
    from courses.models import Training

    monkeypatch.setattr(
        services, "_lock_training", lambda training_id: Training.objects.get(pk=training_id)
    )
    training = TrainingFactory(capacity=CAPACITY)
    errors = _submit_all_at_once(training)
    assert errors == []
    confirmed = Registration.objects.filter(training=training, status="confirmed").count()
    assert confirmed > CAPACITY, "the unlocked twin should overbook; the test cannot see the bug"
