"""A participant registers through the public form on a phone."""

import pytest

from participants.models import Registration
from tests.e2e.conftest import PHONE, no_sideways_scrolling, register_through_the_form
from tests.factories import TrainingFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_participant_registers_on_a_phone(open_page):
    training = TrainingFactory(title="Return and reintegration", requires_approval=True)
    page = open_page(PHONE)
    page.goto(f"/trainings/{training.slug}/register/")
    assert no_sideways_scrolling(page)
    register_through_the_form(
        page,
        training.slug,
        given_name="Aigerim",
        family_name="Sadykova",
        email="aigerim@example.org",
    )
    assert "awaiting the coordinator's approval" in page.inner_text("main")
    assert no_sideways_scrolling(page)
    registration = Registration.objects.get(training=training)
    assert registration.participant.email == "aigerim@example.org"
    assert registration.status == Registration.Status.PENDING
    assert registration.source == Registration.Source.WEB
