"""seed_demo's options, each on an empty database (the demo seeded by the test itself)."""

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from courses.models import Training
from participants.models import Participant
from rtcm.demo.seed import SeedRefused, parse_size, seed_demo

pytestmark = pytest.mark.django_db


def test_demo_login_only_in_debug_mode(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refused when DEBUG is off"):
        call_command("seed_demo", "--demo-login", verbosity=0)
    assert not User.objects.filter(username="demo").exists()
    settings.DEBUG = True
    call_command("seed_demo", "--demo-login", verbosity=0)
    demo = User.objects.get(username="demo")
    assert demo.is_staff
    assert demo.check_password("rtcm-demo")


def test_it_scales_with_participants():
    call_command("seed_demo", "--participants", "600", verbosity=0)
    assert Participant.objects.count() == 600
    assert Training.objects.count() >= 24


@pytest.mark.parametrize(
    ("written", "size"),
    [
        ("200", 200),
        ("100000", 100_000),
        ("100_000", 100_000),
        ("100,000", 100_000),
        ("100k", 100_000),
        ("1.5K", 1_500),
        ("1m", 1_000_000),
        (0, 0),
    ],
)
def test_sizes_read_as_people_write_them(written, size):
    assert parse_size(written) == size


def test_a_size_that_is_no_number_or_negative_is_refused():
    with pytest.raises(CommandError, match="Not a number of participants"):
        call_command("seed_demo", "--participants", "lots", verbosity=0)
    with pytest.raises(CommandError, match="cannot be negative"):
        call_command("seed_demo", "--participants", "-5", verbosity=0)
    with pytest.raises(SeedRefused, match="cannot be negative"):
        seed_demo(size=-1)
    assert not Training.objects.exists()


def test_the_demo_coordinator_acts_in_the_story_but_cannot_sign_in():
    seed_demo(size=0)
    coordinator = User.objects.get(username="demo-coordinator")
    assert coordinator.is_staff
    assert not coordinator.is_active
    assert not coordinator.has_usable_password()
