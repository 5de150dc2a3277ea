"""What a participant does alone: extra questions, contact details, "my trainings"."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from courses.models import Question
from participants.models import Answer, Registration, SignInLink
from tests.factories import (
    ParticipantFactory,
    RegistrationFactory,
    TrainingFactory,
    manage_links_in,
    person_data,
)

pytestmark = pytest.mark.django_db


def add_questions(training):
    return {
        "motivation": Question.objects.create(
            training=training,
            position=1,
            label="Why do you want to take part?",
            kind="long_text",
            required=True,
        ),
        "visa": Question.objects.create(
            training=training,
            position=2,
            label="Do you need visa support?",
            kind="yes_no",
            required=True,
        ),
        "diet": Question.objects.create(
            training=training,
            position=3,
            label="Dietary needs",
            kind="multiple_choice",
            choices="Vegetarian\nHalal\nGluten-free",
        ),
        "role": Question.objects.create(
            training=training,
            position=4,
            label="Your role",
            kind="single_choice",
            choices="Trainer\nManager",
        ),
    }


def test_extra_questions_are_asked_and_answers_stored(client):
    training = TrainingFactory()
    q = add_questions(training)
    page = client.get(reverse("training_register", kwargs={"slug": training.slug})).content.decode()
    assert "Why do you want to take part?" in page
    data = person_data(
        **{
            f"question_{q['motivation'].pk}": "Я работаю с мигрантами.",
            f"question_{q['visa'].pk}": "no",
            f"question_{q['diet'].pk}": ["Halal", "Gluten-free"],
            f"question_{q['role'].pk}": "Manager",
        }
    )
    response = client.post(reverse("training_register", kwargs={"slug": training.slug}), data)
    assert response.status_code == 302
    answers = {a.question_id: a.value for a in Answer.objects.all()}
    assert answers == {
        q["motivation"].pk: "Я работаю с мигрантами.",
        q["visa"].pk: False,
        q["diet"].pk: ["Halal", "Gluten-free"],
        q["role"].pk: "Manager",
    }
    manage = client.get(Registration.objects.get().get_absolute_url()).content.decode()
    assert "Halal; Gluten-free" in manage
    assert "Я работаю с мигрантами." in manage


def test_a_missing_required_answer_is_shown_beside_it_and_nothing_is_saved(client):
    training = TrainingFactory()
    q = add_questions(training)
    data = person_data(**{f"question_{q['diet'].pk}": ["Pizza"]})
    response = client.post(reverse("training_register", kwargs={"slug": training.slug}), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_question_{q["motivation"].pk}-errors"' in page
    assert f'id="id_question_{q["visa"].pk}-errors"' in page
    assert "Select a valid choice" in page
    assert Registration.objects.count() == 0
    assert Answer.objects.count() == 0


def test_choice_question_needs_two_choices():
    from django.core.exceptions import ValidationError

    question = Question(
        training=TrainingFactory(), label="Pick", kind="single_choice", choices="Only one"
    )
    with pytest.raises(ValidationError):
        question.full_clean()


def test_person_updates_contact_details_but_not_name_or_email(client):
    registration = RegistrationFactory(participant__phone="+995 32 200 00 00")
    url = registration.get_absolute_url()
    response = client.post(
        url,
        {
            "action": "contact",
            "phone": "+995 599 12 34 56",
            "country_of_residence": "GE",
            "organisation": "საქართველოს შსს",
            "organisation_type": "government",
            "position": "Head of unit",
            "preferred_language": "az",
            "family_name": "Changed",
            "email": "other@example.org",
        },
    )
    assert response.status_code == 302
    participant = registration.participant
    participant.refresh_from_db()
    assert participant.phone == "+995 599 12 34 56"
    assert participant.organisation == "საქართველოს შსს"
    assert participant.preferred_language == "az"
    assert participant.family_name.startswith("Məmmədova")
    assert participant.email != "other@example.org"


def test_bad_contact_details_are_refused_beside_the_field(client):
    registration = RegistrationFactory()
    response = client.post(
        registration.get_absolute_url(),
        {
            "action": "contact",
            "phone": "not a phone",
            "country_of_residence": "XX",
            "organisation": "",
            "organisation_type": "government",
            "preferred_language": "en",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_phone-errors"' in page
    assert 'id="id_country_of_residence-errors"' in page


def sign_in_link_from(message) -> str:
    return re.search(
        r"https://rtcm\.example\.org(/registrations/my/[^\s\"<]+/)", message.body
    ).group(1)


def test_my_trainings_through_a_one_time_link(client, django_capture_on_commit_callbacks):
    person = ParticipantFactory(email="Leyla@example.org", preferred_language="en")
    first = RegistrationFactory(participant=person, training__title="Border management")
    second = RegistrationFactory(
        participant=person, training__title="Labour migration", status="waitlisted"
    )
    RegistrationFactory(training__title="Someone else's")
    url = reverse("participants:my_trainings")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "leyla@EXAMPLE.org"}, follow=True)
    assert "a sign-in link is on its way" in response.content.decode()
    [message] = mail.outbox
    link = sign_in_link_from(message)

    page = client.get(link, follow=True).content.decode()
    assert "Border management" in page
    assert "Labour migration" in page
    assert "Someone else" not in page
    assert set(manage_links_in(page)) == {first, second}

    # Once only.
    other_client = type(client)()
    page = other_client.get(link, follow=True).content.decode()
    assert "expired or was already used" in page
    assert "Border management" not in page
    assert SignInLink.objects.get().used_at is not None


def test_unknown_email_gets_the_same_answer_and_no_mail(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("participants:my_trainings"), {"email": "nobody@example.org"}, follow=True
        )
    assert "a sign-in link is on its way" in response.content.decode()
    assert mail.outbox == []


def test_sign_in_requests_are_limited_per_hour(client, django_capture_on_commit_callbacks):
    ParticipantFactory(email="a@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            client.post(reverse("participants:my_trainings"), {"email": "a@example.org"})
    assert len(mail.outbox) == 3


def test_signing_out_forgets_the_person(client, django_capture_on_commit_callbacks):
    person = ParticipantFactory(preferred_language="en")
    RegistrationFactory(participant=person, training__title="Border management")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("participants:my_trainings"), {"email": person.email})
    client.get(sign_in_link_from(mail.outbox[0]))
    client.post(reverse("participants:sign_out"))
    assert (
        "Border management" not in client.get(reverse("participants:my_trainings")).content.decode()
    )


# --- the sign-in e-mail is a logged e-mail ---------------------------------------------


def test_the_sign_in_email_is_logged_and_sent_once_after_commit(django_capture_on_commit_callbacks):
    from participants import tasks
    from participants.services import participant_request_sign_in

    person = ParticipantFactory(email="leyla@example.org", preferred_language="en")
    with django_capture_on_commit_callbacks() as callbacks:
        assert participant_request_sign_in(email="leyla@example.org")
        link = SignInLink.objects.get()
        assert (link.status, link.recipient) == ("queued", person.email)
        assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    link.refresh_from_db()
    assert link.status == "sent"
    assert link.subject == mail.outbox[0].subject
    assert link.attempts == 1
    # A duplicate delivery of the task finds nothing to claim.
    assert tasks.send_sign_in_link.delay(link.pk, "the-token").get() == "not queued"
    assert len(mail.outbox) == 1


def test_the_sign_in_email_speaks_the_persons_language_in_its_direction(
    django_capture_on_commit_callbacks,
):
    from participants.services import participant_request_sign_in

    ParticipantFactory(email="rami@example.org", preferred_language="ar")
    with django_capture_on_commit_callbacks(execute=True):
        participant_request_sign_in(email="rami@example.org")
    [message] = mail.outbox
    html = message.alternatives[0][0]
    assert '<html lang="ar" dir="rtl">' in html
    from rtcm.core.center import center_name

    assert message.body.rstrip().endswith(center_name("ar"))
    assert center_name("ar") != settings.CENTER_NAME  # the center's Arabic name


def test_a_link_that_expired_before_its_email_left_is_not_sent():
    from participants import tasks

    person = ParticipantFactory()
    link = SignInLink.objects.create(
        participant=person,
        token_hash="x" * 64,
        expires_at=timezone.now() - dt.timedelta(seconds=1),
        recipient=person.email,
        language="en",
    )
    assert tasks.send_sign_in_link.delay(link.pk, "token").get() == "expired"
    link.refresh_from_db()
    assert link.status == "failed"
    assert mail.outbox == []


def test_my_trainings_query_count_is_constant(client, django_assert_num_queries):
    person = ParticipantFactory()
    session = client.session
    session["rtcm_participant_id"] = person.pk
    session.save()
    url = reverse("participants:my_trainings")
    RegistrationFactory(participant=person)
    # session, registrations with their trainings, one INSERT of fresh links
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200
    for _ in range(5):
        RegistrationFactory(participant=person)
    with django_assert_num_queries(3):
        page = client.get(url).content.decode()
    assert len(manage_links_in(page)) == 6
