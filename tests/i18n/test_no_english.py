"""Rendered in Azerbaijani and Arabic, the public pages and the e-mails hold no English
sentence of ours: the visible text (and the attributes people read: placeholders,
titles, labels, button values) is compared with every English msgid of the catalogue."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from participants import services
from participants.models import Notification
from participants.notifications import notification_message
from tests.factories import (
    ExpertFactory,
    ParticipantFactory,
    RegistrationFactory,
    SessionFactory,
    TrainingFactory,
    certificate_for,
    person_data,
)
from tests.i18n.test_mail_languages import english_in
from tests.library.test_search_and_pages import DocumentFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["az", "ar"]
READ_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")


def readable_text(content: bytes) -> str:
    """What a reader sees or hears: text outside scripts and styles, and the attributes
    a screen reader or a tooltip reads out."""
    document = lxml.html.fromstring(content)
    for element in document.xpath("//script | //style | //template"):
        element.drop_tree()
    parts = [document.text_content()]
    for attribute in READ_ATTRIBUTES:
        parts.extend(document.xpath(f"//@{attribute}"))
    parts.extend(document.xpath('//input[@type="submit" or @type="button"]/@value'))
    return " ".join(parts)


@pytest.fixture
def scene():
    """A center's public side with content in the reader's own languages."""
    today = timezone.localdate()
    training = TrainingFactory(
        title_az="Readmissiya üzrə təlim",
        title_ar="دورة تدريبية حول إعادة القبول",
        title_en="Readmission",
        description_az="Təlimin təsviri.",
        description_ar="وصف الدورة.",
        languages=["az", "ar"],
    )
    expert = ExpertFactory(given_name="Leyla", family_name="Əliyeva", bio_az="Ekspert.")
    session = SessionFactory(training=training, title_az="Açılış", title_ar="الافتتاح")
    session.trainers.add(expert)
    past = TrainingFactory(
        title_az="Keçmiş təlim",
        title_ar="دورة سابقة",
        start_date=today - dt.timedelta(days=20),
        end_date=today - dt.timedelta(days=18),
        status="completed",
    )
    person = ParticipantFactory(given_name="Gülnarə", family_name="Məmmədova")
    registration = RegistrationFactory(participant=person, training=training)
    done = RegistrationFactory(participant=person, training=past)
    certificate = certificate_for(done, 1)
    document = DocumentFactory(title_az="Sənəd", title_ar="وثيقة", description_ar="وصف")
    return {
        "training": training,
        "expert": expert,
        "registration": registration,
        "certificate": certificate,
        "document": document,
    }


def public_pages(s) -> dict[str, tuple[str, str, dict | None]]:
    training = s["training"]
    register = reverse("training_register", kwargs={"slug": training.slug})
    return {
        "home": ("get", reverse("home"), None),
        "about": ("get", reverse("about"), None),
        "privacy notice": ("get", reverse("privacy"), None),
        "catalogue": ("get", reverse("courses:training_list"), None),
        "catalogue, nothing found": ("get", reverse("courses:training_list") + "?q=zzzz", None),
        "training": ("get", training.get_absolute_url(), None),
        "registration form": ("get", register, None),
        "registration form with errors": ("post", register, {"email": "not an address"}),
        "check your inbox": ("get", reverse("participants:check_inbox"), None),
        "manage page": ("get", s["registration"].get_absolute_url(), None),
        "my trainings, signed out": ("get", reverse("participants:my_trainings"), None),
        "verify form": ("get", reverse("certificates:verify"), None),
        "verify, valid": (
            "get",
            reverse("certificates:verify_code", kwargs={"code": s["certificate"].code}),
            None,
        ),
        "library": ("get", reverse("library:home"), None),
        "library document": ("get", s["document"].get_absolute_url(), None),
        "expert directory": ("get", reverse("experts:directory"), None),
        "expert profile": ("get", s["expert"].get_absolute_url(), None),
        "expert application": ("get", reverse("experts:apply"), None),
        "expert application with errors": ("post", reverse("experts:apply"), {}),
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_public_pages_hold_no_english_sentence_of_ours(client, scene, language):
    client.cookies["django_language"] = language
    found = {}
    for name, (method, url, data) in public_pages(scene).items():
        response = getattr(client, method)(url, data or {})
        assert response.status_code in (200, 400), (name, response.status_code)
        assert f'lang="{language}"' in response.content.decode()[:300], name
        english = english_in(readable_text(response.content))
        if english:
            found[name] = english
    assert found == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_e_mails_hold_no_english_sentence_of_ours(scene, language):
    registration = scene["registration"]
    registration.participant.preferred_language = language
    registration.participant.save()
    registration.decision_reason = "Qrup artıq tamamlanıb / المجموعة مكتملة"
    found = {}
    for kind in Notification.Kind.values:
        notification = Notification(
            registration=registration,
            kind=kind,
            recipient=registration.participant.email,
            language=language,
        )
        message = notification_message(notification)
        (html, _mimetype) = message.alternatives[0]
        for part, text in (
            ("subject", message.subject),
            ("text", message.body),
            ("html", readable_text(html.encode())),
        ):
            english = english_in(text)
            if english:
                found[f"{kind} {part}"] = english
    assert found == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_registration_sends_its_e_mail_in_the_persons_language(
    scene, language, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_submit(
            training=scene["training"],
            participant_data=person_data(
                email=f"{language}@example.org", preferred_language=language
            ),
        )
    [message] = [m for m in mail.outbox if m.to == [f"{language}@example.org"]]
    assert english_in(message.subject + " " + message.body) == []
