"""The staff admin: status changes through the services, quotas validated, trail shown."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from courses.models import TrainingQuota
from participants.models import RegistrationEvent
from tests.factories import RegistrationFactory, TrainingFactory

pytestmark = pytest.mark.django_db


def test_move_form_changes_status_through_the_service_and_records_who(admin_client):
    training = TrainingFactory(capacity=1)
    registration = RegistrationFactory(training=training, status="pending")
    response = admin_client.post(
        reverse("admin:participants_registration_move", args=[registration.pk]),
        {"status": "confirmed", "note": "Speaker from the ministry"},
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == "confirmed"
    event = RegistrationEvent.objects.get(registration=registration)
    assert (event.actor.username, event.note) == ("admin", "Speaker from the ministry")
    page = admin_client.get(
        reverse("admin:participants_registration_change", args=[registration.pk])
    )
    assert "Speaker from the ministry" in page.content.decode()


def test_move_into_a_full_training_is_refused_with_a_message(admin_client):
    training = TrainingFactory(capacity=1)
    RegistrationFactory(training=training)
    waiting = RegistrationFactory(training=training, status="waitlisted")
    response = admin_client.post(
        reverse("admin:participants_registration_move", args=[waiting.pk]),
        {"status": "confirmed"},
        follow=True,
    )
    assert "No seat is free for this person" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == "waitlisted"


def test_move_needs_staff(client):
    registration = RegistrationFactory(status="pending")
    User.objects.create_user("someone", password="pw-123456789")
    client.login(username="someone", password="pw-123456789")
    client.post(
        reverse("admin:participants_registration_move", args=[registration.pk]),
        {"status": "confirmed"},
    )
    registration.refresh_from_db()
    assert registration.status == "pending"


def test_approve_action_uses_the_service(admin_client):
    training = TrainingFactory(capacity=1, requires_approval=True)
    first = RegistrationFactory(training=training, status="pending")
    second = RegistrationFactory(training=training, status="pending")
    admin_client.post(
        reverse("admin:participants_registration_changelist"),
        {"action": "approve", "_selected_action": [first.pk, second.pk]},
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert sorted([first.status, second.status]) == ["confirmed", "waitlisted"]


def test_quotas_beyond_capacity_are_refused_in_the_training_form(admin_client):
    training = TrainingFactory(capacity=5)
    url = reverse("admin:courses_training_change", args=[training.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["modules"] = []
    data["target_regions"] = []
    data["languages"] = '["en"]'
    for prefix in ("sessions", "quotas", "questions", "registrations"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(
        {
            "quotas-TOTAL_FORMS": "2",
            "quotas-0-region": "central-asia",
            "quotas-0-seats": "4",
            "quotas-1-region": "middle-east",
            "quotas-1-seats": "3",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "more than the capacity" in response.content.decode()
    assert not TrainingQuota.objects.exists()
