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

from courses.models import TrainingQuota
from participants import services
from participants.models import Registration
from participants.services import registrations
from tests.factories import TrainingFactory, person_data

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

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


def _submit_all_at_once(training, countries=("UZ",), registrants=REGISTRANTS):
    """Submit ``registrants`` registrations from as many threads as connections allow,
    all released at once; the i-th person comes from ``countries[i % len(countries)]``."""
    threads_count = min(_thread_budget(), registrants)
    barrier = threading.Barrier(threads_count)
    people = [(f"person{i}@example.org", countries[i % len(countries)]) for i in range(registrants)]
    chunks = [people[i::threads_count] for i in range(threads_count)]
    errors: list[BaseException] = []

    def worker(my_people):
        try:
            barrier.wait(timeout=60)
            for email, country in my_people:
                data = person_data(email=email, nationality=country)
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
    # Patched where registration_submit looks it up (participants/services/registrations.py).
    real_count = registrations._seat_map

    def count_then_pause(training):
        seats = real_count(training)
        time.sleep(0.02)
        return seats

    monkeypatch.setattr(registrations, "_seat_map", count_then_pause)


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
        registrations, "_lock_training", lambda training_id: Training.objects.get(pk=training_id)
    )
    training = TrainingFactory(capacity=CAPACITY)
    errors = _submit_all_at_once(training)
    assert errors == []
    confirmed = Registration.objects.filter(training=training, status="confirmed").count()
    assert confirmed > CAPACITY, "the unlocked twin should overbook; the test cannot see the bug"


def test_300_concurrent_registrations_from_three_regions_respect_every_quota(slow_seat_count):
    training = TrainingFactory(capacity=25)
    quotas = {"central-asia": 10, "eastern-partnership": 10, "middle-east": 5}
    for region, seats in quotas.items():
        TrainingQuota.objects.create(training=training, region_id=region, seats=seats)

    errors = _submit_all_at_once(training, countries=("KZ", "GE", "JO"), registrants=300)

    assert errors == []
    rows = Registration.objects.filter(training=training)
    assert rows.filter(status="confirmed").count() == 25
    assert rows.filter(status="waitlisted").count() == 275
    for region, seats in quotas.items():
        assert rows.filter(status="confirmed", seat_region=region).count() == seats
        assert rows.filter(status="confirmed", region=region).count() == seats
