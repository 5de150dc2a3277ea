"""The public pages: what the volunteers do, and the application (rules, e-mail, nothing
half-written)."""

import pytest
from django.core import mail
from django.urls import reverse

from rtcm.core.privacy import Purpose
from tests.volunteers.factories import VolunteerFactory, application
from volunteers.models import Volunteer, VolunteerConsent, VolunteerMessage

pytestmark = pytest.mark.django_db

INDEX = reverse("volunteers:index")
APPLY = reverse("volunteers:apply")


def test_urls_are_the_public_ones():
    assert INDEX == "/volunteers/"
    assert APPLY == "/volunteers/apply/"


def test_the_public_page_counts_active_volunteers_only(client, django_assert_num_queries):
    VolunteerFactory.create_batch(3)
    VolunteerFactory(status=Volunteer.Status.APPLICANT)
    VolunteerFactory(status=Volunteer.Status.INACTIVE, given_name="Скрытый")
    with django_assert_num_queries(1):  # the count; nothing grows with the rows
        response = client.get(INDEX)
    page = response.content.decode()
    assert "3 active volunteers work with the center today." in page
    assert APPLY in page
    assert "Скрытый" not in page  # no directory: nobody is named
    assert "example.org" not in page


def test_an_application_is_recorded_with_its_consent_and_mailed(client, committed):
    with committed():
        response = client.post(APPLY, application())
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:apply_done")
    volunteer = Volunteer.objects.get()
    assert volunteer.status == Volunteer.Status.APPLICANT
    assert volunteer.full_name == "Aysel Məmmədova"
    assert volunteer.family_name_latin == "Mammadova"
    assert volunteer.languages == ["az", "ru"]
    assert volunteer.skills == ["interpretation", "registration"]  # in the list's order
    assert volunteer.city == "Bakı"
    consent = VolunteerConsent.objects.get(volunteer=volunteer)
    assert consent.purpose == Purpose.VOLUNTEERING
    assert "Migration Volunteers" in consent.text
    message = VolunteerMessage.objects.get(volunteer=volunteer)
    assert message.kind == VolunteerMessage.Kind.APPLICATION_RECEIVED
    assert message.status == VolunteerMessage.Status.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["aysel@example.org"]
    assert "received your application to the Migration Volunteers" in mail.outbox[0].subject
    assert "Aysel" in mail.outbox[0].body
    assert client.get(reverse("volunteers:apply_done")).status_code == 200


def test_the_mail_is_in_the_language_the_applicant_read_the_form_in(client):
    client.post(APPLY, application(), headers={"accept-language": "ru"})
    volunteer = Volunteer.objects.get()
    assert volunteer.correspondence_language == "ru"
    assert VolunteerMessage.objects.get().language == "ru"


@pytest.mark.parametrize("email", ["aysel@example.org", "AYSEL@Example.ORG"])
def test_a_second_application_with_the_same_email_is_refused_beside_the_field(client, email):
    VolunteerFactory(email="aysel@example.org", status=Volunteer.Status.APPLICANT)
    response = client.post(APPLY, application(email=email, given_name="Другой"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["email"] == [
        "An application with this e-mail address has already reached the center. "
        "If you applied before, the volunteers' office will write to you."
    ]
    assert Volunteer.objects.count() == 1
    assert not VolunteerConsent.objects.exists()
    assert not VolunteerMessage.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("given_name", "Aysel123"),
        ("family_name", "<script>"),
        ("given_name_latin", "Айсель"),  # not Latin letters
        ("email", "not-an-email"),
        ("languages", ["xx"]),
        ("skills", ["juggling"]),
        ("given_name", ""),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_nothing_is_written(client, field, value):
    response = client.post(APPLY, application(**{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Volunteer.objects.exists()
    assert not VolunteerMessage.objects.exists()
    assert mail.outbox == []


def test_names_in_any_script_are_accepted(client):
    client.post(APPLY, application(given_name="ليلى", family_name="حداد", email="l@example.org"))
    client.post(
        APPLY, application(given_name="Արամ", family_name="Պետրոսյան", email="a@example.org")
    )
    client.post(
        APPLY, application(given_name="ნინო", family_name="კაპანაძე", email="n@example.org")
    )
    names = set(Volunteer.objects.values_list("given_name", flat=True))
    assert names == {"ليلى", "Արամ", "ნინო"}


def test_without_consent_nothing_is_written(client):
    response = client.post(APPLY, application(consent=None))
    assert response.status_code == 200
    assert response.context["form"].errors["consent"] == [
        "Please give your consent: without it the center cannot keep or review your application."
    ]
    assert not Volunteer.objects.exists()
    assert mail.outbox == []


def test_the_form_shows_the_consent_text_and_links_the_privacy_notice(client):
    page = client.get(APPLY).content.decode()
    assert "review my application to the Migration Volunteers" in page
    assert reverse("privacy") in page
    privacy = client.get(reverse("privacy")).content.decode()
    assert "review my application to the Migration Volunteers" in privacy
    assert "To review your application to the Migration Volunteers" in privacy


def test_applications_are_rate_limited(client, settings):
    settings.RTCM_VOLUNTEER_APPLY_RATE_PER_HOUR = 2
    for n in range(2):
        assert client.post(APPLY, application(email=f"p{n}@example.org")).status_code == 302
    response = client.post(APPLY, application(email="p3@example.org"))
    assert response.status_code == 429
    assert Volunteer.objects.count() == 2
