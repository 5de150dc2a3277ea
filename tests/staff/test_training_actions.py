"""The life-cycle buttons of a training's staff page: publish, close, complete, cancel
(with its reason), through ``courses.services``; refusals shown as messages."""

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse

from courses.models import Training
from participants import services as registrations
from participants.models import Notification, Registration, RegistrationEvent
from rtcm.core.roles import COORDINATOR, MANAGER
from tests.factories import TrainingFactory, person_data, staff_user

pytestmark = pytest.mark.django_db

Status = Training.Status


def action_url(training, action):
    return reverse("staff:training_action", args=[training.slug, action])


def detail_url(training):
    return reverse("staff:training_detail", args=[training.slug])


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def register(training, email, language="en"):
    data = person_data(email=email, preferred_language=language)
    data.pop("consent")
    return registrations.registration_submit(training=training, participant_data=data)


@pytest.fixture
def owner():
    return staff_user("owner", roles=(COORDINATOR,))


@pytest.fixture
def client(owner):
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def training(owner):
    training = TrainingFactory(slug="run", title="Readmission", status=Status.DRAFT)
    training.coordinators.add(owner)
    return training


@pytest.mark.parametrize(
    ("start", "action", "end"),
    [
        (Status.DRAFT, "publish", Status.OPEN),
        (Status.OPEN, "close", Status.CLOSED),
        (Status.CLOSED, "complete", Status.COMPLETED),
    ],
)
def test_each_button_moves_the_training_through_its_service(client, training, start, action, end):
    Training.objects.filter(pk=training.pk).update(status=start)
    response = client.post(action_url(training, action))
    assert response.status_code == 302
    assert response["Location"] == detail_url(training)
    training.refresh_from_db()
    assert training.status == end
    assert texts(response)


def test_a_move_the_table_refuses_is_a_message_and_changes_nothing(client, training):
    response = client.post(action_url(training, "complete"))  # a draft cannot complete
    assert response.status_code == 302
    training.refresh_from_db()
    assert training.status == Status.DRAFT
    assert any("cannot be changed that way" in text for text in texts(response))


def test_actions_are_posts_only_except_the_cancel_confirmation(client, training):
    assert client.get(action_url(training, "publish")).status_code == 405
    assert client.get(action_url(training, "explode")).status_code == 404
    assert client.post(action_url(training, "explode")).status_code == 404
    training.refresh_from_db()
    assert training.status == Status.DRAFT


def test_the_page_shows_only_the_allowed_buttons(client, training):
    html = client.get(detail_url(training)).content.decode()
    assert 'data-action="publish"' in html
    assert 'data-action="cancel"' in html
    assert 'data-action="close"' not in html
    assert 'data-action="complete"' not in html


def test_cancel_asks_for_a_reason_first(client, training):
    page = client.get(action_url(training, "cancel"))
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    refused = client.post(action_url(training, "cancel"), {"reason": "  "})
    assert refused.status_code == 400
    assert 'id="id_reason-errors"' in refused.content.decode()
    training.refresh_from_db()
    assert training.status == Status.DRAFT


def test_cancelling_tells_everyone_once_and_a_second_cancel_is_refused(
    client, training, django_capture_on_commit_callbacks
):
    Training.objects.filter(pk=training.pk).update(status=Status.OPEN, capacity=1)
    training.refresh_from_db()
    register(training, "first@example.org", language="ru")
    register(training, "second@example.org")  # waitlisted
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action_url(training, "cancel"), {"reason": "The venue flooded"})
    assert response.status_code == 302
    training.refresh_from_db()
    assert training.status == Status.CANCELLED
    assert sorted(message.to[0] for message in mail.outbox) == [
        "first@example.org",
        "second@example.org",
    ]
    assert set(Registration.objects.values_list("status", flat=True)) == {"cancelled"}
    events = RegistrationEvent.objects.filter(to_status="cancelled").count()

    # Again, from a stale page (the confirmation form) and by a direct POST: refused,
    # nobody cancelled or told a second time.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(action_url(training, "cancel"), {"reason": "Twice"})
        page = client.get(action_url(training, "cancel"))
    assert again.status_code == page.status_code == 302
    assert any("cannot be cancelled" in text for text in texts(again))
    assert mail.outbox == []
    assert RegistrationEvent.objects.filter(to_status="cancelled").count() == events
    assert Notification.objects.filter(kind=Notification.Kind.TRAINING_CANCELLED).count() == 2
    html = client.get(detail_url(training)).content.decode()
    assert "training-actions" not in html  # a cancelled training offers no move


@pytest.mark.parametrize("role", [MANAGER, COORDINATOR])
def test_a_manager_or_another_coordinator_may_not_act(training, role):
    other = Client()
    other.force_login(staff_user("other", roles=(role,)))
    response = other.post(action_url(training, "publish"))
    # The manager sees the training (403); another coordinator does not (404).
    assert response.status_code == (403 if role == MANAGER else 404)
    training.refresh_from_db()
    assert training.status == Status.DRAFT


def test_actions_need_the_csrf_token(owner, training):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    assert strict.post(action_url(training, "publish")).status_code == 403
    training.refresh_from_db()
    assert training.status == Status.DRAFT
