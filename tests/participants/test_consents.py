"""Consent records of participants (issue 12, item 8): given at registration in the words
and version shown, optional ones only when ticked, withdrawn from the manage page."""

import datetime as dt
import importlib
import json

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from participants.imports import read_rows, validate_rows
from participants.models import Consent, Participant, Registration
from participants.services import registrations_import
from rtcm.core.privacy import CONSENT_TEXTS, consent_text
from tests.factories import (
    ParticipantFactory,
    RegistrationFactory,
    TrainingFactory,
    coordinators_run_every_training,
    person_data,
)
from tests.participants.test_import import people, xlsx_file

pytestmark = pytest.mark.django_db

REGISTRATION = CONSENT_TEXTS["registration"]
PHOTO = CONSENT_TEXTS["photo"]
NEWSLETTER = CONSENT_TEXTS["newsletter"]


def register_url(training):
    return reverse("training_register", kwargs={"slug": training.slug})


def shown(purpose: str, language: str) -> str:
    with translation.override(language):
        return str(consent_text(purpose).text)


def test_registering_in_russian_records_the_consent_text_and_version_shown(client):
    training = TrainingFactory()
    form_page = client.get(register_url(training), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    before = timezone.now()

    response = client.post(register_url(training), person_data(), HTTP_ACCEPT_LANGUAGE="ru")

    assert response.status_code == 302
    participant = Participant.objects.get()
    [consent] = participant.consents.all()
    assert consent.purpose == "registration"
    assert consent.version == REGISTRATION.version
    assert consent.language == "ru"
    assert consent.text == shown("registration", "ru")
    assert consent.text.startswith("Я согласен")  # the Russian the page showed
    assert consent.text in form_page
    assert before <= consent.given_at <= timezone.now()
    assert consent.withdrawn_at is None
    assert participant.consent_given_at is not None  # still set, as before


def test_the_form_links_the_privacy_notice_next_to_the_consent(client):
    page = client.get(register_url(TrainingFactory())).content.decode()
    assert f'href="{reverse("privacy")}"' in page
    assert 'name="photo_consent"' in page
    assert 'name="newsletter_consent"' in page


@pytest.mark.parametrize(
    ("ticked", "recorded"),
    [
        ({}, {"registration"}),
        ({"photo_consent": "on"}, {"registration", "photo"}),
        ({"newsletter_consent": "on"}, {"registration", "newsletter"}),
        (
            {"photo_consent": "on", "newsletter_consent": "on"},
            {"registration", "photo", "newsletter"},
        ),
    ],
)
def test_optional_consents_are_recorded_only_when_ticked(client, ticked, recorded):
    client.post(register_url(TrainingFactory()), person_data(**ticked))
    consents = Consent.objects.all()
    assert {consent.purpose for consent in consents} == recorded
    assert len(consents) == len(recorded)
    photo = consents.filter(purpose="photo").first()
    if photo:
        assert (photo.version, photo.text, photo.language) == (
            PHOTO.version,
            shown("photo", "en"),
            "en",
        )


def test_every_registration_records_its_consent_but_a_known_address_changes_no_choice(client):
    first, second = TrainingFactory(), TrainingFactory()
    client.post(register_url(first), person_data())
    # Someone types the same address for another training, ticking the newsletter:
    # the registration's consent is recorded, the person's choices are not changed.
    response = client.post(register_url(second), person_data(newsletter_consent="on"))
    assert response.url == reverse("participants:check_inbox")
    person = Participant.objects.get()
    assert list(person.consents.values_list("purpose", flat=True)) == [
        "registration",
        "registration",
    ]
    assert Registration.objects.filter(participant=person).count() == 2


def test_the_api_accepts_the_optional_consent_booleans():
    training = TrainingFactory()
    payload = {**person_data(), "consent": True, "photo_consent": True, "newsletter_consent": False}
    response = APIClient().post(
        f"/api/v1/trainings/{training.slug}/register/",
        payload,
        format="json",
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 201, response.content
    consents = Consent.objects.order_by("purpose")
    assert [(c.purpose, c.language, c.version) for c in consents] == [
        ("photo", "ru", PHOTO.version),
        ("registration", "ru", REGISTRATION.version),
    ]
    assert consents[1].text == shown("registration", "ru")


def test_the_api_without_the_booleans_records_the_registration_consent_only():
    training = TrainingFactory()
    response = APIClient().post(
        f"/api/v1/trainings/{training.slug}/register/",
        {**person_data(), "consent": True},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert list(Consent.objects.values_list("purpose", flat=True)) == ["registration"]


def test_the_api_refuses_a_registration_without_the_consent():
    training = TrainingFactory()
    response = APIClient().post(
        f"/api/v1/trainings/{training.slug}/register/",
        {**person_data(), "consent": False, "photo_consent": True},
        format="json",
    )
    assert response.status_code == 400
    assert "consent" in response.json()
    assert not Consent.objects.exists()


def test_the_schema_documents_the_consent_booleans(client):
    schema = json.loads(client.get("/api/schema/?format=json").content)
    submit = schema["components"]["schemas"]["RegistrationSubmit"]
    fields = submit["properties"]
    for name in ("consent", "photo_consent", "newsletter_consent"):
        assert fields[name]["type"] == "boolean"
    assert "/privacy/" in fields["consent"]["description"]
    assert "photographed" in fields["photo_consent"]["description"]
    assert "newsletter" in fields["newsletter_consent"]["description"]
    assert "consent" in submit["required"]
    assert not {"photo_consent", "newsletter_consent"} & set(submit["required"])


# --- the manage page ---------------------------------------------------------------------


@pytest.fixture
def consenting():
    """A registration whose person gave photo and newsletter consent, and its e-mailed link."""
    registration = RegistrationFactory()
    person = registration.participant
    given = timezone.now() - dt.timedelta(days=10)
    for purpose in ("registration", "photo", "newsletter"):
        entry = CONSENT_TEXTS[purpose]
        Consent.objects.create(
            participant=person,
            purpose=purpose,
            version=entry.version,
            text=str(entry.text),
            language="en",
            given_at=given,
        )
    url = reverse("participants:manage", kwargs={"token": registration.token})
    return registration, url


def test_the_manage_page_shows_the_optional_consents_ticked(client, consenting):
    _registration, url = consenting
    page = client.get(url).content.decode()
    assert 'name="photo_consent" id="id_photo_consent" class="form-check-input" checked' in page
    assert (
        'name="newsletter_consent" id="id_newsletter_consent" class="form-check-input" checked'
        in page
    )


def test_withdrawing_from_the_manage_page_stamps_withdrawn_at_and_keeps_the_row(client, consenting):
    registration, url = consenting
    person = registration.participant

    response = client.post(url, {"action": "consent", "newsletter_consent": "on"})

    assert response.status_code == 302
    photo = person.consents.get(purpose="photo")
    assert photo.withdrawn_at is not None
    assert person.consents.get(purpose="newsletter").withdrawn_at is None
    assert person.consents.get(purpose="registration").withdrawn_at is None
    page = client.get(url).content.decode()
    assert 'name="photo_consent" id="id_photo_consent" class="form-check-input">' in page

    # Given again: a new record, the withdrawn one kept as it was.
    withdrawn_at = photo.withdrawn_at
    client.post(url, {"action": "consent", "newsletter_consent": "on", "photo_consent": "on"})
    photos = list(person.consents.filter(purpose="photo").order_by("given_at"))
    assert len(photos) == 2
    assert photos[0].withdrawn_at == withdrawn_at
    assert photos[1].withdrawn_at is None
    assert photos[1].version == PHOTO.version


def test_saving_the_same_choices_again_records_nothing(client, consenting):
    registration, url = consenting
    choices = {"action": "consent", "newsletter_consent": "on", "photo_consent": "on"}
    client.post(url, choices)
    client.post(url, choices)
    assert registration.participant.consents.count() == 3
    assert not registration.participant.consents.filter(withdrawn_at__isnull=False).exists()


def test_the_link_shown_at_once_cannot_change_consents(client):
    response = client.post(register_url(TrainingFactory()), person_data(photo_consent="on"))
    url = response.url  # the new person's link: it proves no inbox
    page = client.get(url).content.decode()
    assert "consent-choices" not in page

    refused = client.post(url, {"action": "consent"})

    assert refused.status_code == 403
    assert Consent.objects.get(purpose="photo").withdrawn_at is None


# --- imports, admin, the records of the days before --------------------------------------


def test_imported_rows_record_the_consent_the_sending_agency_collected(admin_user):
    training = TrainingFactory()
    with coordinators_run_every_training():
        preview = validate_rows(training, read_rows(xlsx_file(people(2))))
        registrations_import(training=training, preview=preview, actor=admin_user)
    consents = list(Consent.objects.all())
    assert len(consents) == 2
    for consent in consents:
        assert consent.purpose == "registration"
        assert consent.version == REGISTRATION.version
        assert consent.text.startswith("Collected by the sending agency")
        assert shown("registration", "en") in consent.text


def test_staff_see_the_consents_read_only_in_the_participant_admin(admin_client, consenting):
    registration, _url = consenting
    page = admin_client.get(
        reverse("admin:participants_participant_change", args=[registration.participant.pk])
    ).content.decode()
    assert PHOTO.version in page
    assert shown("photo", "en") in page
    assert 'name="consents-0-purpose"' not in page  # shown, not editable


def test_the_data_step_turns_the_old_time_stamp_into_a_legacy_registration_consent():
    at = timezone.now() - dt.timedelta(days=400)
    ParticipantFactory(consent_given_at=at, preferred_language="ru")
    migration = importlib.import_module("participants.migrations.0009_privacy")

    migration.legacy_consents(apps, None)

    [consent] = Consent.objects.all()
    assert (consent.purpose, consent.version, consent.given_at) == ("registration", "legacy", at)
    assert (consent.language, consent.text) == ("ru", shown("registration", "ru"))
