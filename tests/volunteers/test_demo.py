"""The demo's volunteers: names in many scripts, every status, hours on past trainings."""

import pytest

from rtcm.demo.volunteers import seed_volunteers
from tests.factories import past_training
from volunteers import selectors
from volunteers.models import Assignment, Volunteer

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_volunteers_once():
    past_training(title="Labour migration")
    assert seed_volunteers() == 12
    names = " ".join(f"{v.given_name} {v.family_name}" for v in Volunteer.objects.all())
    for letter in ("ə", "Д", "ل", "ნ", "Ա"):  # Azerbaijani, Cyrillic, Arabic, Georgian, Armenian
        assert letter in names
    statuses = set(Volunteer.objects.values_list("status", flat=True))
    assert statuses == {"applicant", "active", "inactive", "declined"}
    assert Assignment.objects.filter(status=Assignment.Status.COMPLETED).exists()
    assert selectors.volunteer_hours() > 0
    hours = selectors.volunteer_hours()
    assert seed_volunteers() == 0
    assert Volunteer.objects.count() == 12
    assert selectors.volunteer_hours() == hours


def test_the_demo_works_without_trainings():
    assert seed_volunteers() == 12
    assert not Assignment.objects.exists()
