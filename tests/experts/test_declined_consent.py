"""A declined expert cannot give consent to a public profile: the rule is the service's
(``experts.services.expert_can_give_consent``), so every door — the consent link, the
staff page and the staff API — refuses it alike. Withdrawing is always possible."""

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from experts import services
from experts.models import Expert
from experts.notifications import consent_token
from tests.factories import ExpertFactory, network_officer_user

pytestmark = pytest.mark.django_db

DECLINED = Expert.Status.DECLINED


@pytest.fixture
def declined():
    return ExpertFactory(status=DECLINED, public_profile_consent_at=None)


def test_the_service_refuses_consent_from_a_declined_expert(declined):
    assert not services.expert_can_give_consent(declined)
    with pytest.raises(services.ConsentRefused) as refused:
        services.expert_set_consent(expert=declined, consent=True)
    assert refused.value.field == "consent"
    assert refused.value.status_code == 409
    declined.refresh_from_db()
    assert declined.public_profile_consent_at is None


def test_a_declined_expert_may_still_withdraw_a_consent_given_before():
    expert = ExpertFactory(status=DECLINED, public_profile_consent_at=timezone.now())
    services.expert_set_consent(expert=expert, consent=False)
    expert.refresh_from_db()
    assert expert.public_profile_consent_at is None
    # Giving again what is already given changes nothing (and is no refusal).
    consenting = ExpertFactory(status=DECLINED, public_profile_consent_at=timezone.now())
    services.expert_set_consent(expert=consenting, consent=True)


@pytest.mark.parametrize("status", [Expert.Status.APPLICANT, Expert.Status.ACTIVE])
def test_others_may_give_consent(status):
    expert = ExpertFactory(status=status, public_profile_consent_at=None)
    assert services.expert_can_give_consent(expert)
    services.expert_set_consent(expert=expert, consent=True)
    expert.refresh_from_db()
    assert expert.public_profile_consent_at is not None


def test_a_forged_post_on_the_consent_link_is_refused(client, declined):
    url = reverse("experts:consent", kwargs={"token": consent_token(declined)})
    response = client.post(url, {"consent": "give"})
    assert response.status_code == 400
    assert "consent to a public profile cannot be given" in response.content.decode()
    declined.refresh_from_db()
    assert declined.public_profile_consent_at is None


def test_the_staff_page_refuses_it_with_a_message(client, declined):
    client.force_login(network_officer_user())
    url = reverse("experts_staff:detail", kwargs={"pk": declined.pk})
    response = client.post(url, {"form": "consent", "consent": "1"}, follow=True)
    assert "consent to a public profile cannot be given" in response.content.decode()
    declined.refresh_from_db()
    assert declined.public_profile_consent_at is None


def test_the_staff_api_refuses_it_with_a_409(declined):
    client = APIClient()
    client.force_authenticate(network_officer_user())
    response = client.post(
        f"/api/v1/staff/experts/{declined.pk}/consent/", {"consent": True}, format="json"
    )
    assert response.status_code == 409
    assert "cannot be given" in str(response.json())
    declined.refresh_from_db()
    assert declined.public_profile_consent_at is None
