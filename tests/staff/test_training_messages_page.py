"""The messages page of a training: who may send, who may read, preview then send, errors
beside their field, and a list whose query count does not grow with the messages."""

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.urls import reverse

from participants.models import MessageEmail, TrainingMessage
from rtcm.core.roles import COORDINATOR, LIBRARIAN, MANAGER, NETWORK_OFFICER
from tests.factories import RegistrationFactory, TrainingFactory, staff_user

pytestmark = pytest.mark.django_db

FORM = {"action": "preview", "statuses": ["confirmed"], "subject": "Room change", "body": "Room 4."}


@pytest.fixture
def training():
    return TrainingFactory(slug="readmission", title="Readmission in practice")


@pytest.fixture
def owner(training):
    user = staff_user("owner", roles=(COORDINATOR,))
    training.coordinators.add(user)
    return user


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def page(training) -> str:
    return reverse("staff:training_messages", kwargs={"slug": training.slug})


def people(training, count: int, status="confirmed"):
    return [
        RegistrationFactory(
            training=training,
            status=status,
            participant__given_name="Ləman",
            participant__family_name=f"Əliyeva{n:02d}",
        )
        for n in range(count)
    ]


def test_it_refuses_who_may_not_send(client, training):
    teammate = staff_user("teammate", roles=(COORDINATOR,))
    TrainingFactory().coordinators.add(teammate)
    expected = {
        staff_user("manager", roles=(MANAGER,)): (200, 403),
        teammate: (404, 404),
        staff_user("librarian", roles=(LIBRARIAN,)): (403, 403),
        staff_user("officer", roles=(NETWORK_OFFICER,)): (403, 403),
        staff_user("outsider"): (403, 403),
    }
    people(training, 1)
    for user, (read, send) in expected.items():
        client.force_login(user)
        assert client.get(page(training)).status_code == read, user
        response = client.post(page(training), {**FORM, "action": "send"})
        assert response.status_code == send, user
    assert not TrainingMessage.objects.exists()
    client.logout()
    assert client.get(page(training)).status_code == 302  # to the sign-in


def test_a_manager_reads_the_list_without_the_form(client, training, owner_client):
    people(training, 1)
    owner_client.post(page(training), {**FORM, "action": "send"})
    client.force_login(staff_user("manager", roles=(MANAGER,)))
    response = client.get(page(training))
    assert response.context["form"] is None
    assert b'name="subject"' not in response.content
    assert len(response.context["sent"]) == 1
    assert "Room change" in response.content.decode()


def test_preview_counts_and_names_then_send_writes_as_many(
    owner_client, training, django_capture_on_commit_callbacks
):
    people(training, 7)
    people(training, 2, status="pending")

    response = owner_client.post(page(training), FORM)

    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview["count"] == 7
    assert preview["names"] == [f"Ləman Əliyeva{n:02d}" for n in range(5)]
    assert "<bdi>Ləman Əliyeva00</bdi>" in response.content.decode()
    assert "Send to 7 people" in response.content.decode()
    assert not TrainingMessage.objects.exists()  # a preview writes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(page(training), {**FORM, "action": "send"}, follow=True)

    assert response.redirect_chain == [(page(training), 302)]
    assert "The message is being sent to 7 people." in response.content.decode()
    message = TrainingMessage.objects.get()
    assert message.recipient_count == MessageEmail.objects.count() == len(mail.outbox) == 7
    row = owner_client.get(page(training)).context["sent"][0]  # once the e-mails went out
    assert (row.recipient_count, row.sent_count, row.waiting_count, row.failed_count) == (
        7,
        7,
        0,
        0,
    )
    # Not sent yet (a mail server refusing): waiting.
    MessageEmail.objects.filter(pk__in=MessageEmail.objects.values("pk")[:2]).update(
        status=MessageEmail.Status.QUEUED
    )
    MessageEmail.objects.filter(pk=MessageEmail.objects.order_by("pk").last().pk).update(
        status=MessageEmail.Status.FAILED
    )
    response = owner_client.get(page(training))
    row = response.context["sent"][0]
    assert (row.sent_count, row.waiting_count, row.failed_count) == (4, 2, 1)
    assert "2 waiting" in response.content.decode()
    assert "1 failed" in response.content.decode()
    assert row.created_by.username == "owner"
    # The audit log tells who sent what.
    entry = LogEntry.objects.get_for_object(message).get()
    assert (entry.action, entry.actor.username) == (LogEntry.Action.CREATE, "owner")


def test_the_preview_needs_no_text_yet(owner_client, training):
    people(training, 2)
    response = owner_client.post(page(training), {**FORM, "subject": "", "body": ""})
    assert response.status_code == 200
    assert response.context["preview"]["count"] == 2
    assert not response.context["form"].errors


def test_a_double_submit_sends_once(owner_client, training, django_capture_on_commit_callbacks):
    people(training, 2)
    with django_capture_on_commit_callbacks(execute=True):
        first = owner_client.post(page(training), {**FORM, "action": "send"})
        second = owner_client.post(page(training), {**FORM, "action": "send"})
    assert first.status_code == 302
    assert second.status_code == 400
    assert "not sent twice" in second.content.decode()
    assert TrainingMessage.objects.count() == 1
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    ("changes", "field", "action"),
    [
        ({"subject": " "}, "subject", "send"),
        ({"body": ""}, "body", "send"),
        ({"statuses": []}, "statuses", "send"),
        ({"statuses": []}, "statuses", "preview"),
        ({"min_attendance_percent": "101"}, "min_attendance_percent", "send"),
        ({"min_attendance_percent": "-1"}, "min_attendance_percent", "preview"),
    ],
)
def test_bad_input_is_shown_beside_its_field(owner_client, training, changes, field, action):
    people(training, 1)
    response = owner_client.post(page(training), {**FORM, **changes, "action": action})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert not TrainingMessage.objects.exists()
    assert not MessageEmail.objects.exists()


@pytest.mark.parametrize("action", ["preview", "send"])
def test_nobody_matching_is_a_clear_error_and_nothing_is_sent(owner_client, training, action):
    people(training, 2, status="pending")
    response = owner_client.post(page(training), {**FORM, "action": action})
    assert response.status_code == 400
    assert response.context["form"].errors["statuses"] == ["Nobody matches: Confirmed."]
    assert not TrainingMessage.objects.exists()
    assert not mail.outbox


def test_the_page_query_count_does_not_grow_with_the_messages(
    owner_client, training, django_assert_num_queries
):
    people(training, 3)

    def send(n: int):
        owner_client.post(page(training), {**FORM, "action": "send", "subject": f"News {n}"})

    send(0)
    # Django session, user, the user's roles; the training; may the user change it;
    # the messages with their counts and senders.
    with django_assert_num_queries(6):
        response = owner_client.get(page(training))
    assert len(response.context["sent"]) == 1
    for n in range(1, 6):
        send(n)
    with django_assert_num_queries(6):
        response = owner_client.get(page(training))
    assert len(response.context["sent"]) == 6
