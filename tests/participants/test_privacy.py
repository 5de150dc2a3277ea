"""A registration never reveals or changes an existing person's data (issue 12, part 1).

Anyone may type anyone's e-mail address: proving the e-mail is the key. The cast:
the owner of a known address, an outsider who registers with it, and a new person.
"""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.urls import reverse
from rest_framework.test import APIClient

from participants.models import ManageToken, Participant, Registration, token_hash
from tests.factories import (
    ParticipantFactory,
    RegistrationFactory,
    TrainingFactory,
    manage_links_in,
    person_data,
)

pytestmark = pytest.mark.django_db

SECRETS = ("Gulnara", "Tashkentova", "+998 90 111 22 33", "Agency for Migration", "Head of unit")


@pytest.fixture
def owner():
    return ParticipantFactory(
        given_name="Gulnara",
        family_name="Tashkentova",
        email="gulnara@example.org",
        phone="+998 90 111 22 33",
        organisation="Agency for Migration",
        position="Head of unit",
        preferred_language="en",
    )


def outsider_data(**overrides):
    """What an outsider types: the owner's address (in another letter case), their own details."""
    return person_data(
        email="Gulnara@Example.org",
        given_name="Mallory",
        family_name="Outsider",
        phone="+998 71 999 99 99",
        organisation="Nowhere Ltd",
        position="Impostor",
        preferred_language="en",
        **overrides,
    )


def record(participant: Participant) -> dict:
    participant.refresh_from_db()
    return {**model_to_dict(participant), "updated_at": participant.updated_at}


def register_url(training):
    return reverse("training_register", kwargs={"slug": training.slug})


def assert_reveals_nothing(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text
    assert manage_links_in(text) == []
    assert "/registrations/" not in text.replace(reverse("participants:check_inbox"), "").replace(
        reverse("participants:my_trainings"), ""
    )


def test_registering_with_a_known_address_on_the_form_reveals_and_changes_nothing(
    client, owner, django_capture_on_commit_callbacks
):
    before = record(owner)
    training = TrainingFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(register_url(training), outsider_data(), follow=True)

    assert response.redirect_chain[-1][0] == reverse("participants:check_inbox")
    page = response.content.decode()
    assert "Check your inbox" in page
    assert_reveals_nothing(page)
    assert record(owner) == before
    assert Participant.objects.count() == 1
    registration = Registration.objects.get()
    assert registration.participant == owner

    # The owner gets the link, by e-mail only; it opens their registration.
    [message] = mail.outbox
    assert message.to == ["gulnara@example.org"]
    assert manage_links_in(message.body) == [registration]


def test_registering_with_a_known_address_through_the_api_reveals_and_changes_nothing(
    owner, django_capture_on_commit_callbacks
):
    before = record(owner)
    training = TrainingFactory()
    payload = {**outsider_data(), "consent": True}
    with django_capture_on_commit_callbacks(execute=True):
        response = APIClient().post(
            f"/api/v1/trainings/{training.slug}/register/", payload, format="json"
        )

    assert response.status_code == 202, response.content
    body = response.json()
    assert set(body) == {"training", "detail"}
    assert body["training"] == training.slug
    assert_reveals_nothing(response.content.decode())
    assert record(owner) == before
    [message] = mail.outbox
    assert message.to == ["gulnara@example.org"]
    assert manage_links_in(message.body) == [Registration.objects.get(participant=owner)]


def test_a_known_person_already_registered_is_mailed_a_link_and_nothing_is_told(
    client, owner, django_capture_on_commit_callbacks
):
    training = TrainingFactory()
    RegistrationFactory(participant=owner, training=training)
    before = record(owner)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(register_url(training), outsider_data(), follow=True)
        api = APIClient().post(
            f"/api/v1/trainings/{training.slug}/register/",
            {**outsider_data(), "consent": True},
            format="json",
        )
    assert page.redirect_chain[-1][0] == reverse("participants:check_inbox")
    assert "already registered" not in page.content.decode()
    assert_reveals_nothing(page.content.decode())
    assert api.status_code == 202
    assert set(api.json()) == {"training", "detail"}
    assert record(owner) == before
    # The owner hears of it: a one-time "my trainings" link to their address.
    assert [m.to for m in mail.outbox] == [["gulnara@example.org"]] * 2
    assert "/registrations/my/" in mail.outbox[0].body


def test_a_known_persons_empty_fields_are_not_filled_in_from_a_public_form(client, owner):
    owner.phone = ""
    owner.position = ""
    owner.save()
    before = record(owner)
    client.post(register_url(TrainingFactory()), outsider_data())
    assert record(owner) == before


def test_the_owner_reads_and_changes_their_details_from_the_emailed_link(
    client, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(register_url(TrainingFactory()), outsider_data())
    [link] = manage_links_in_body(mail.outbox[0].body)
    page = client.get(link).content.decode()
    assert "+998 90 111 22 33" in page
    assert "Update my contact details" in page
    response = client.post(link, contact_change())
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.organisation == "Changed by the owner"


def test_a_new_person_lands_on_their_manage_page_at_once(client):
    response = client.post(register_url(TrainingFactory()), person_data(), follow=True)
    registration = Registration.objects.get()
    assert manage_links_in(response.redirect_chain[-1][0]) == [registration]
    page = response.content.decode()
    assert "Нурлан Абдуллаев" in page
    assert "Your seat is confirmed" in page or "your seat is confirmed" in page


def test_the_link_shown_on_submitting_does_not_show_or_change_contact_details(client):
    """It proves no inbox: whoever registered a new address first may not be its owner,
    who may later register too and update their details from the e-mailed link."""
    response = client.post(register_url(TrainingFactory()), person_data(), follow=True)
    link = response.redirect_chain[-1][0]
    page = response.content.decode()
    assert "+998 71 123 45 67" not in page
    assert "Ministry of Internal Affairs" not in page
    assert "link in the e-mail" in page
    assert client.get(link + "?edit=1").content.decode().count('name="action" value="contact"') == 0
    assert client.post(link, contact_change()).status_code == 403
    assert Participant.objects.get().organisation == "Ministry of Internal Affairs"


def test_a_new_person_through_the_api_gets_their_manage_link():
    training = TrainingFactory()
    response = APIClient().post(
        f"/api/v1/trainings/{training.slug}/register/",
        {**person_data(), "consent": True},
        format="json",
    )
    assert response.status_code == 201
    assert manage_links_in(response.json()["manage_url"]) == [Registration.objects.get()]


def test_manage_tokens_are_stored_hashed(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(register_url(TrainingFactory()), person_data(), follow=True)
    shown = token_of(response.redirect_chain[-1][0])
    emailed = token_of(manage_links_in_body(mail.outbox[0].body)[0])
    assert shown != emailed  # each link its own token: older links keep working
    stored = set(ManageToken.objects.values_list("token_hash", flat=True))
    assert stored == {token_hash(shown), token_hash(emailed)}
    dump = io.StringIO()
    call_command("dumpdata", "participants", stdout=dump)
    assert shown not in dump.getvalue()
    assert emailed not in dump.getvalue()
    assert "token" not in {f.name for f in Registration._meta.get_fields()}


def test_the_migration_hashes_the_existing_tokens():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("participants.migrations.0008_manage_tokens_hashed")
    registration = Registration.objects.create(
        participant=ParticipantFactory(),
        training=TrainingFactory(),
        status=Registration.Status.CONFIRMED,
        submitted_at="2026-01-01T00:00Z",
        status_changed_at="2026-01-01T00:00Z",
    )

    class OldRows:
        """Registrations as the migration sees them: with the plain token of before."""

        def order_by(self, *_fields):
            return self

        def values_list(self, *_fields):
            return self

        def iterator(self, _size):
            return iter([(registration.pk, "plain-old-token")])

    class Apps:
        def get_model(self, app_label, name):
            if name == "Registration":
                return type("OldRegistration", (), {"objects": OldRows()})
            return apps.get_model(app_label, name)

    migration.hash_existing_tokens(Apps(), None)
    link = ManageToken.objects.get(registration=registration)
    assert link.token_hash == token_hash("plain-old-token")
    assert link.emailed
    assert client_opens("/registrations/plain-old-token/") == registration


def client_opens(path: str) -> Registration | None:
    from participants.selectors import registration_get_by_token

    return registration_get_by_token(token=token_of(path))


def token_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def manage_links_in_body(body: str) -> list[str]:
    import re

    return re.findall(r"/registrations/[A-Za-z0-9_-]{20,}/", body)


def contact_change() -> dict:
    return {
        "action": "contact",
        "phone": "+998 90 111 22 44",
        "country_of_residence": "UZ",
        "organisation": "Changed by the owner",
        "organisation_type": "government",
        "position": "Head of unit",
        "preferred_language": "en",
    }
