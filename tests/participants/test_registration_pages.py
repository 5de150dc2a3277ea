"""The public registration form and the manage-registration page."""

import pytest
from django.urls import reverse

from participants.models import Participant, Registration
from tests.factories import (
    RegistrationFactory,
    SessionFactory,
    TrainingFactory,
    manage_links_in,
    person_data,
)

pytestmark = pytest.mark.django_db


def register_url(training):
    return reverse("training_register", kwargs={"slug": training.slug})


def test_it_registers_and_redirects_to_the_manage_page(client):
    training = TrainingFactory()
    response = client.post(register_url(training), person_data(), follow=True)
    registration = Registration.objects.get()
    assert manage_links_in(response.redirect_chain[-1][0]) == [registration]
    page = response.content.decode()
    assert "Нурлан Абдуллаев" in page
    assert "Your seat is confirmed" in page or "your seat is confirmed" in page
    assert registration.source == Registration.Source.WEB


def test_invalid_fields_are_shown_beside_them_and_typed_values_kept(client):
    training = TrainingFactory()
    data = person_data(email="not-an-email", phone="call me", given_name="R2D2")
    del data["consent"]
    response = client.post(register_url(training), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_email-errors"' in page
    assert 'id="id_phone-errors"' in page
    assert 'id="id_given_name-errors"' in page
    assert 'id="id_consent-errors"' in page
    assert 'value="Абдуллаев"' in page  # what was typed stays
    assert 'value="not-an-email"' in page
    assert Registration.objects.count() == 0
    assert Participant.objects.count() == 0


def test_registering_twice_any_case_says_check_your_inbox(client):
    # Not "already registered for this training": that would tell anyone who is
    # registered where (tests/participants/test_privacy.py).
    training = TrainingFactory()
    client.post(register_url(training), person_data(email="nurlan@example.org"))
    response = client.post(register_url(training), person_data(email="NURLAN@example.org"))
    assert response.status_code == 302
    assert response["Location"] == reverse("participants:check_inbox")
    assert Registration.objects.count() == 1


def test_closed_training_shows_closed_and_refuses_posts(client):
    training = TrainingFactory(status="closed")
    assert (
        "Registration for this training is closed"
        in client.get(register_url(training)).content.decode()
    )
    client.post(register_url(training), person_data())
    assert Registration.objects.count() == 0


def test_draft_training_has_no_public_form(client):
    training = TrainingFactory(status="draft")
    assert client.get(register_url(training)).status_code == 404


def test_form_requires_csrf_token():
    from django.test import Client

    training = TrainingFactory()
    response = Client(enforce_csrf_checks=True).post(register_url(training), person_data())
    assert response.status_code == 403
    assert Registration.objects.count() == 0


def test_manage_page_shows_status_and_waitlist_position(client):
    training = TrainingFactory(capacity=1)
    RegistrationFactory(training=training)
    first = RegistrationFactory(training=training, status="waitlisted")
    second = RegistrationFactory(training=training, status="waitlisted")
    page = client.get(second.get_absolute_url()).content.decode()
    assert "On the waiting list" in page
    assert "You are number 2 on the waiting list" in page
    assert "number 1" in client.get(first.get_absolute_url()).content.decode()


def test_manage_page_of_an_unknown_token_is_404(client):
    assert client.get(reverse("participants:manage", kwargs={"token": "guess"})).status_code == 404


def test_manage_page_is_not_cached_nor_indexed(client):
    registration = RegistrationFactory()
    response = client.get(registration.get_absolute_url())
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_cancel_needs_confirmation_then_frees_the_seat(client):
    training = TrainingFactory(capacity=1)
    confirmed = RegistrationFactory(training=training)
    waiting = RegistrationFactory(training=training, status="waitlisted")

    response = client.post(confirmed.get_absolute_url(), {"action": "cancel"})
    assert response.status_code == 400
    assert "Tick the box to confirm" in response.content.decode()
    confirmed.refresh_from_db()
    assert confirmed.status == "confirmed"

    response = client.post(
        confirmed.get_absolute_url(), {"action": "cancel", "confirm": "on"}, follow=True
    )
    assert "Your registration is cancelled" in response.content.decode()
    confirmed.refresh_from_db()
    waiting.refresh_from_db()
    assert confirmed.status == "cancelled"
    assert waiting.status == "confirmed"


def test_no_cancel_button_once_the_training_is_completed(client):
    registration = RegistrationFactory(training=TrainingFactory(status="completed"))
    page = client.get(registration.get_absolute_url()).content.decode()
    assert "Cancel my registration" not in page
    client.post(registration.get_absolute_url(), {"action": "cancel", "confirm": "on"})
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_manage_page_shows_the_agenda(client):
    session = SessionFactory(title="Readmission agreements in practice")
    registration = RegistrationFactory(training=session.training)
    assert (
        "Readmission agreements in practice"
        in client.get(registration.get_absolute_url()).content.decode()
    )
