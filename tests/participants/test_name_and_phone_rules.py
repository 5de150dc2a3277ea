"""Names and phone numbers are checked at every door: the rule is one pair of model
field validators (``rtcm.core.people``) on ``Participant`` and ``Expert``, so the
public form and API, the staff API, the admin and the services all refuse alike."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from experts import services as expert_services
from experts.models import Expert
from participants import services
from participants.models import Participant, Registration
from rtcm.core.people import validate_person_name, validate_phone_number
from tests.factories import (
    ExpertFactory,
    ParticipantFactory,
    TrainingFactory,
    network_officer_user,
    person_data,
)

pytestmark = pytest.mark.django_db

BAD_NAMES = ["R2D2", "<b>Anna</b>", "anna@example.org"]
GOOD_NAMES = ["Ləman", "محمد العلي", "ნინო", "Jean-Luc O'Neil", "Нурлан"]


@pytest.mark.parametrize("name", GOOD_NAMES)
def test_names_in_any_script_pass(name):
    validate_person_name(name)


@pytest.mark.parametrize("name", BAD_NAMES)
def test_names_with_digits_or_markup_are_refused(name):
    with pytest.raises(ValidationError):
        validate_person_name(name)


@pytest.mark.parametrize("phone", ["", "+998 71 123 45 67", "(371) 2.34-56"])
def test_phones_as_people_write_them_pass(phone):
    validate_phone_number(phone)


@pytest.mark.parametrize("phone", ["call me", "+998 71 ext 5", "12"])
def test_other_phones_are_refused(phone):
    with pytest.raises(ValidationError):
        validate_phone_number(phone)


# --- participants --------------------------------------------------------------------------


def registration_body(**overrides) -> dict:
    body = person_data(**overrides)
    body["consent"] = True
    return body


@pytest.mark.parametrize(("field", "value"), [("given_name", "R2D2"), ("phone", "call me")])
def test_the_public_api_refuses_them_naming_the_field(field, value):
    training = TrainingFactory()
    response = APIClient().post(
        reverse("training-register", kwargs={"slug": training.slug}),
        registration_body(**{field: value}),
        format="json",
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not Registration.objects.exists()


def test_the_registration_service_refuses_them_for_any_caller():
    data = person_data(family_name="Smith3")
    data.pop("consent")
    with pytest.raises(ValidationError) as refused:
        services.registration_submit(
            training=TrainingFactory(), participant_data=data, enforce_window=False
        )
    assert "family_name" in refused.value.message_dict
    assert not Participant.objects.exists()


def test_staff_filling_in_a_known_persons_empty_phone_checks_it_too():
    # Only staff (an import) fill in a known person's empty fields: a public
    # registration leaves the record as it is (tests/participants/test_privacy.py).
    known = ParticipantFactory(email="known@example.org", phone="")
    data = person_data(email="known@example.org", phone="call me")
    data.pop("consent")
    with pytest.raises(ValidationError) as refused:
        services.participant_get_or_create(data=data, fill_blanks=True)
    assert "phone" in refused.value.message_dict
    known.refresh_from_db()
    assert known.phone == ""


def test_a_contact_update_refuses_a_bad_phone():
    participant = ParticipantFactory()
    with pytest.raises(ValidationError):
        services.participant_update_contact(participant=participant, data={"phone": "call me"})
    participant.refresh_from_db()
    assert participant.phone == ""


def participant_admin_data(client, participant) -> dict:
    url = reverse("admin:participants_participant_change", args=[participant.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return data


def test_the_participant_admin_refuses_a_bad_name_and_phone(admin_client):
    participant = ParticipantFactory(given_name="Ləman", phone="")
    url = reverse("admin:participants_participant_change", args=[participant.pk])
    data = participant_admin_data(admin_client, participant)
    response = admin_client.post(url, {**data, "given_name": "L3man", "phone": "call me"})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "given_name" in errors
    assert "phone" in errors
    participant.refresh_from_db()
    assert participant.given_name == "Ləman"
    # The same form with good values saves: the refusal was the rule, not the form.
    assert admin_client.post(url, {**data, "phone": "+994 12 345 67 89"}).status_code == 302
    participant.refresh_from_db()
    assert participant.phone == "+994 12 345 67 89"


# --- experts ---------------------------------------------------------------------------------


def staff_api() -> APIClient:
    client = APIClient()
    client.force_authenticate(network_officer_user())
    return client


@pytest.mark.parametrize(("field", "value"), [("family_name", "Bond007"), ("phone", "call me")])
def test_the_staff_expert_api_refuses_them_naming_the_field(field, value):
    body = {"given_name": "Anush", "family_name": "Petrosyan", "email": "a@example.org"}
    body["country"] = "AM"
    response = staff_api().post("/api/v1/staff/experts/", {**body, field: value}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Expert.objects.exists()


def test_the_staff_expert_api_refuses_them_on_update_too():
    expert = ExpertFactory(given_name="Anush")
    response = staff_api().patch(
        f"/api/v1/staff/experts/{expert.pk}/", {"given_name": "{{Anush}}"}, format="json"
    )
    assert response.status_code == 400
    assert "given_name" in response.json()
    expert.refresh_from_db()
    assert expert.given_name == "Anush"


def test_the_expert_admin_refuses_a_bad_name(admin_client):
    data = {
        "given_name": "Anush1",
        "family_name": "Petrosyan",
        "email": "anush@example.org",
        "phone": "",
        "country": "AM",
        "organisation": "",
        "position": "",
        "bio": "",
        "correspondence_language": "en",
        "staff_notes": "",
        "languages": ["hy"],
        "messages-TOTAL_FORMS": "0",
        "messages-INITIAL_FORMS": "0",
    }
    response = admin_client.post(reverse("admin:experts_expert_add"), data)
    assert response.status_code == 200
    assert "given_name" in response.context["adminform"].form.errors
    assert not Expert.objects.exists()


def test_the_expert_service_refuses_them_for_any_caller():
    expert = ExpertFactory()
    with pytest.raises(ValidationError) as refused:
        expert_services.expert_update(expert=expert, data={"phone": "ring ring"})
    assert "phone" in refused.value.message_dict
