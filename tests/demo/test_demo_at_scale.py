"""A bigger demo (3,000 people, 120 trainings for 30 experts), seeded once: most of its
trainings copy a story the services decided, and the copies are what the services
would write."""

import pytest
from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef

from courses.models import Session, Training
from experts.models import Expert
from participants.models import Registration
from rtcm.demo import registrations
from tests.demo.seeding import demo_fixture

pytestmark = pytest.mark.django_db

Trainers = Session.trainers.through

_demo_database, seeded = demo_fixture(size=3000)


def test_a_bigger_center_still_books_nobody_twice(seeded):
    # 120 trainings for the same 30 experts: the team is often busy elsewhere.
    overlapping = Trainers.objects.filter(
        expert_id=OuterRef("expert_id"),
        session__starts_at__lt=OuterRef("session__ends_at"),
        session__ends_at__gt=OuterRef("session__starts_at"),
    ).exclude(pk=OuterRef("pk"))
    assert Training.objects.count() == 120
    assert not Trainers.objects.filter(Exists(overlapping)).exists()
    assert not Trainers.objects.exclude(expert__status=Expert.Status.ACTIVE).exists()


def history(registration):
    """Everything the services write about one registration, but its ids and token."""
    return {
        "row": (
            registration.status,
            registration.seat_region_id,
            registration.region_id,
            registration.source,
            registration.submitted_at,
            registration.status_changed_at,
            registration.waitlisted_at,
            registration.decision_reason,
        ),
        "events": list(
            registration.events.order_by("created_at", "pk").values_list(
                "from_status", "to_status", "actor_kind", "actor_id", "note", "created_at"
            )
        ),
        "mail": list(
            registration.notifications.order_by("created_at", "pk").values_list(
                "kind", "recipient", "language", "status", "created_at", "sent_at"
            )
        ),
    }


def twin_of(training):
    """A new training like ``training``, still taking registrations."""
    twin = Training.objects.get(pk=training.pk)
    twin.pk = None
    twin._state.adding = True
    twin.slug = f"{training.slug}-twin"
    twin.status = Training.Status.OPEN
    twin.save()
    return twin


def test_most_trainings_copy_a_story_the_services_decided(seeded):
    copies = [story for story in seeded.stories.values() if story.is_copy]
    played = {slug for slug, story in seeded.stories.items() if not story.is_copy}
    assert len(copies) > len(played) >= 14
    assert {story.original for story in copies} <= played


def test_a_copied_story_played_through_the_services_writes_the_same_rows(seeded):
    # One copy of each kind of training (status, approval, past/running/upcoming).
    chosen = {}
    for story in seeded.stories.values():
        if story.is_copy:
            chosen.setdefault(story.kind, story)
    assert len(chosen) >= 4
    emails = [person.email for person in seeded.people]
    coordinator = User.objects.get(username="demo-coordinator")
    statuses = set()
    for story in chosen.values():
        training = Training.objects.get(slug=story.slug)
        twin = twin_of(training)

        played = registrations.play_story(story, twin, emails, coordinator)
        registrations.mark_notifications_sent([twin])

        copied = {
            row.participant.email: row
            for row in Registration.objects.filter(training=training).select_related("participant")
        }
        assert len(copied) == len(played) == len(story.people)
        for person, registration in played.items():
            assert history(copied[emails[person]]) == history(registration), story.slug
            statuses.add(registration.status)
    assert statuses >= {"confirmed", "waitlisted", "cancelled"}
