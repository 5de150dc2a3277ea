"""Regional seat quotas: reserved seats, regional waiting lists, release to all."""

import datetime as dt

import pytest
from django.utils import timezone

from courses.models import TrainingQuota
from participants import selectors, services
from participants.models import Registration
from tests.factories import TrainingFactory, person_data

pytestmark = pytest.mark.django_db

COUNTRY = {"central-asia": "UZ", "eastern-partnership": "GE", "middle-east": "JO", "other": "DE"}


def quota_training(quotas: dict[str, int], capacity: int | None = None, **kwargs):
    training = TrainingFactory(capacity=capacity or sum(quotas.values()), **kwargs)
    for region, seats in quotas.items():
        TrainingQuota.objects.create(training=training, region_id=region, seats=seats)
    return training


counter = iter(range(10**6))


def submit(training, region):
    n = next(counter)
    data = person_data(email=f"p{n}@example.org", nationality=COUNTRY[region])
    data.pop("consent")
    return services.registration_submit(training=training, participant_data=data)


def test_registrant_takes_a_seat_of_their_regions_quota():
    training = quota_training({"central-asia": 1, "middle-east": 1})
    registration = submit(training, "central-asia")
    assert registration.status == "confirmed"
    assert registration.seat_region_id == "central-asia"
    assert registration.region_id == "central-asia"


def test_full_quota_waitlists_even_with_other_regions_seats_free():
    training = quota_training({"central-asia": 1, "middle-east": 1})
    submit(training, "central-asia")
    second = submit(training, "central-asia")
    assert second.status == "waitlisted"
    assert submit(training, "middle-east").status == "confirmed"


def test_seats_beyond_the_quotas_are_open_to_anyone():
    training = quota_training({"central-asia": 1}, capacity=2)
    submit(training, "central-asia")
    other = submit(training, "central-asia")
    assert other.status == "confirmed"
    assert other.seat_region_id is None
    assert submit(training, "eastern-partnership").status == "waitlisted"


def test_region_without_a_quota_waits_until_release():
    training = quota_training({"central-asia": 1})
    assert submit(training, "other").status == "waitlisted"


def test_freed_quota_seat_goes_to_the_first_waiting_person_of_that_region():
    training = quota_training({"central-asia": 1, "middle-east": 1})
    ca = submit(training, "central-asia")
    me = submit(training, "middle-east")
    me_waiting = submit(training, "middle-east")  # waited longer
    ca_waiting = submit(training, "central-asia")
    services.registration_cancel(registration=ca)
    ca_waiting.refresh_from_db()
    me_waiting.refresh_from_db()
    assert ca_waiting.status == "confirmed"
    assert me_waiting.status == "waitlisted"
    assert me.status == "confirmed"


def test_waitlist_position_is_within_the_region_before_release():
    training = quota_training({"central-asia": 1, "middle-east": 1})
    submit(training, "central-asia")
    submit(training, "middle-east")
    submit(training, "middle-east")
    ca_waiting = submit(training, "central-asia")
    assert selectors.registration_waitlist_position(registration=ca_waiting) == 1


def test_release_opens_unused_quota_seats_to_the_longest_waiting_of_any_region():
    release = timezone.now() + dt.timedelta(days=1)
    training = quota_training({"central-asia": 2, "middle-east": 1}, quota_release_at=release)
    submit(training, "central-asia")  # one CA quota seat stays unused
    submit(training, "middle-east")
    first = submit(training, "eastern-partnership")
    second = submit(training, "middle-east")
    assert first.status == second.status == "waitlisted"

    assert services.trainings_release_due_quotas() == 0  # not yet

    training.quota_release_at = timezone.now() - dt.timedelta(minutes=1)
    training.save()
    assert services.trainings_release_due_quotas() == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "confirmed"
    assert second.status == "waitlisted"
    # Safe to run twice.
    assert services.trainings_release_due_quotas() == 0


def test_after_release_new_registrants_take_any_free_seat():
    training = quota_training(
        {"central-asia": 2}, quota_release_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert submit(training, "middle-east").status == "confirmed"


def test_region_follows_the_editable_mapping_at_submission_time():
    from rtcm.core.models import CountryRegion

    CountryRegion.objects.filter(country="GE").update(region_id="central-asia")
    training = quota_training({"central-asia": 1})
    assert submit(training, "eastern-partnership").seat_region_id == "central-asia"


def test_staff_cannot_confirm_past_a_full_quota():
    from django.contrib.auth.models import User

    from rtcm.core.errors import TrainingFull

    staff = User.objects.create_user("staff", is_staff=True)
    training = quota_training({"central-asia": 1, "middle-east": 1})
    submit(training, "central-asia")
    waiting = submit(training, "central-asia")
    with pytest.raises(TrainingFull):
        services.registration_move(registration=waiting, status="confirmed", actor=staff)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.WAITLISTED
