"""The contact form: two logged e-mails (staff and the sender's copy), a honeypot, a rate
limit, and refusals beside the message field that write nothing."""

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from website import tasks
from website.models import ContactMessage

pytestmark = pytest.mark.django_db

URL = "/contact/"


def form_data(**overrides) -> dict:
    data = {
        "name": "Гульнара Абдуллаева",
        "email": "gulnara@example.org",
        "topic": "A training for our ministry",
        "message": "Could the center hold a training on readmission for our staff?",
        "website": "",
    }
    return {**data, **overrides}


def field_errors(response, name: str) -> list[str]:
    return response.context["form"].errors.get(name, [])


def test_the_urls_are_stable():
    assert reverse("website:contact") == URL
    assert reverse("website:contact_done") == "/contact/sent/"


def test_the_form_shows_with_a_hidden_honeypot(client):
    html = client.get(URL).content.decode()
    assert 'name="message"' in html
    assert '<div class="d-none" aria-hidden="true">' in html
    assert 'name="website"' in html
    assert "style=" not in html[html.index("<form method") :]


def test_a_message_is_logged_twice_and_mailed_to_staff_and_the_sender(
    client, settings, django_capture_on_commit_callbacks
):
    settings.RTCM_CONTACT_EMAIL = "office@rtcm.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("website:contact_done")
    rows = list(ContactMessage.objects.order_by("pk"))
    assert [(row.recipient, row.is_copy, row.status) for row in rows] == [
        ("office@rtcm.example.org", False, "sent"),
        ("gulnara@example.org", True, "sent"),
    ]
    assert all(row.topic == "A training for our ministry" for row in rows)
    assert len(mail.outbox) == 2
    to_staff, copy = sorted(mail.outbox, key=lambda m: m.to != ["office@rtcm.example.org"])
    assert to_staff.to == ["office@rtcm.example.org"]
    assert to_staff.reply_to == ["gulnara@example.org"]
    assert "A training for our ministry" in to_staff.subject
    assert "Гульнара Абдуллаева" in to_staff.body
    assert "readmission for our staff" in to_staff.body
    assert copy.to == ["gulnara@example.org"]
    assert copy.reply_to == ["office@rtcm.example.org"]
    assert "readmission for our staff" in copy.body
    assert client.get(reverse("website:contact_done")).status_code == 200


def test_the_copy_is_in_the_senders_language(client):
    client.post(URL, form_data(), HTTP_ACCEPT_LANGUAGE="ru")
    copy = ContactMessage.objects.get(is_copy=True)
    to_staff = ContactMessage.objects.get(is_copy=False)
    assert copy.language == "ru"
    assert to_staff.language == "en"


def test_a_filled_honeypot_is_thanked_and_nothing_is_written(client):
    response = client.post(URL, form_data(website="http://spam.example.com"))
    assert response.status_code == 302
    assert response["Location"] == reverse("website:contact_done")
    assert ContactMessage.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("message", "words"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("x" * 5001, "too long"),
        (
            "Buy now http://a.example.com http://b.example.com https://c.example.com "
            "www.d.example.com",
            "too many links",
        ),
    ],
)
def test_a_bad_message_is_refused_beside_the_field_and_nothing_is_written(client, message, words):
    response = client.post(URL, form_data(message=message))
    assert response.status_code == 200
    errors = field_errors(response, "message")
    assert errors
    assert words in " ".join(errors)
    html = response.content.decode()
    assert 'id="id_message-errors"' in html
    assert ContactMessage.objects.count() == 0
    assert mail.outbox == []


def test_three_links_and_five_thousand_characters_are_fine(client):
    text = "See https://a.example.org https://b.example.org www.c.example.org "
    response = client.post(URL, form_data(message=text + "x" * (5000 - len(text))))
    assert response.status_code == 302
    assert ContactMessage.objects.count() == 2


def test_other_fields_are_checked_too(client):
    response = client.post(URL, form_data(email="not-an-address", name="R2D2", topic=""))
    assert response.status_code == 200
    assert field_errors(response, "email")
    assert field_errors(response, "name")
    assert field_errors(response, "topic")
    assert ContactMessage.objects.count() == 0


def test_the_rate_limit_refuses_the_sixth_message_within_the_hour(client, settings):
    settings.RTCM_CONTACT_RATE_PER_HOUR = 5
    for _ in range(5):
        assert client.post(URL, form_data()).status_code == 302
    response = client.post(URL, form_data())
    assert response.status_code == 429
    assert "Too many messages" in response.content.decode()
    assert ContactMessage.objects.count() == 10
    # Another client is not limited; reading the form is free.
    assert client.get(URL).status_code == 200
    other = client.post(URL, form_data(), REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 302


def test_a_mail_server_down_leaves_the_rows_queued_for_the_sweep(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data())
    assert response.status_code == 302  # the sender is thanked all the same
    assert set(ContactMessage.objects.values_list("status", flat=True)) == {"queued"}
    monkeypatch.undo()
    ContactMessage.objects.update(created_at=timezone.now() - dt.timedelta(hours=1))
    assert tasks.contact_messages_requeue_stale() == 2
    assert len(mail.outbox) == 2
    assert set(ContactMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert tasks.contact_messages_requeue_stale() == 0
