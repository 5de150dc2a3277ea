"""Certificate rules (issue 13): issued once the training has ended; before that only on an
explicit "issue early" with a reason, kept on each certificate; cancelling a registration
whose certificate was issued revokes it ("registration cancelled"), in the same transaction."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from courses.models import Training
from participants import services
from participants.models import Certificate, Registration
from participants.services.certificates import TrainingNotEnded
from rtcm.core.models import Job
from tests.factories import (
    RegistrationFactory,
    TrainingFactory,
    attend,
    coordinators_run_every_training,
    past_training,
    session_on,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _coordinators_run_every_training(db):
    with coordinators_run_every_training():
        yield


@pytest.fixture
def running():
    """Started two days ago, ends tomorrow; its two sessions so far were attended."""
    today = timezone.localdate()
    training = TrainingFactory(
        start_date=today - dt.timedelta(days=2),
        end_date=today + dt.timedelta(days=1),
        status=Training.Status.CLOSED,
        min_attendance_percent=50,
    )
    for day in (2, 1):
        session_on(training, today - dt.timedelta(days=day), hours=3)
    return training


@pytest.fixture
def ended():
    """Ended a week ago, still "registration closed" (not marked completed yet)."""
    training = past_training(sessions=2)
    Training.objects.filter(pk=training.pk).update(status=Training.Status.CLOSED)
    training.refresh_from_db()
    return training


def attended(training):
    registration = RegistrationFactory(training=training)
    attend(registration, 2)
    return registration


def test_nothing_is_issued_before_the_end_without_a_reason(running):
    registration = attended(running)
    for issue in (
        lambda: services.certificates_ensure_for_training(training=running),
        lambda: services.certificate_issue(registration=registration),
        lambda: services.certificates_issue_for_training(training=running, actor=None),
        lambda: services.certificate_issue(registration=registration, early_reason="   "),
    ):
        with pytest.raises(TrainingNotEnded) as refused:
            issue()
        assert refused.value.field == "early_reason"
    assert not Certificate.objects.exists()
    assert not Job.objects.exists()


def test_issuing_early_keeps_the_reason(running, coordinator, django_capture_on_commit_callbacks):
    first, second = attended(running), attended(running)
    certificate = services.certificate_issue(
        registration=first, actor=coordinator, early_reason="Leaves for a posting abroad"
    )
    assert certificate.issued_early_reason == "Leaves for a posting abroad"
    with django_capture_on_commit_callbacks(execute=True):
        services.certificates_issue_for_training(
            training=running, actor=coordinator, early_reason="Ceremony on the last morning"
        )
    reasons = dict(Certificate.objects.values_list("registration", "issued_early_reason"))
    assert reasons == {
        first.pk: "Leaves for a posting abroad",
        second.pk: "Ceremony on the last morning",
    }


def test_after_the_end_certificates_need_no_reason(ended, django_capture_on_commit_callbacks):
    registration = attended(ended)
    with django_capture_on_commit_callbacks(execute=True):
        services.certificates_issue_for_training(training=ended, actor=None, early_reason="x")
    certificate = Certificate.objects.get(registration=registration)
    assert certificate.issued_early_reason == ""
    assert certificate.pdf


def test_the_page_offers_issue_early_with_a_reason_only_before_the_end(
    running, ended, coordinator_client, django_capture_on_commit_callbacks
):
    registration = attended(running)
    url = reverse("staff:training_certificates", kwargs={"slug": running.slug})
    page = coordinator_client.get(url).content.decode()
    assert "Issue early" in page
    assert 'name="early_reason"' in page
    response = coordinator_client.post(url, {"action": "issue_all", "early_reason": ""})
    assert response.status_code == 302
    assert response["Location"] == url
    assert "say why" in str(list(get_messages(response.wsgi_request))[-1])
    response = coordinator_client.post(
        url, {"action": "issue", "registration": registration.pk, "early_reason": ""}
    )
    assert not Certificate.objects.exists()
    assert not Job.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            url, {"action": "issue_all", "early_reason": "The ministry asked for them today"}
        )
    assert response["Location"] == reverse("jobs:detail", kwargs={"pk": Job.objects.get().pk})
    assert Certificate.objects.get().issued_early_reason == "The ministry asked for them today"
    page = coordinator_client.get(url).content.decode()
    assert "Issued before the end:" in page
    assert "The ministry asked for them today" in page

    ended_url = reverse("staff:training_certificates", kwargs={"slug": ended.slug})
    page = coordinator_client.get(ended_url).content.decode()
    assert "Issue early" not in page
    assert 'name="early_reason"' not in page
    assert "Issue certificates" in page


def test_the_api_asks_for_the_reason_before_the_end(running, coordinator):
    from rest_framework.test import APIClient

    attended(running)
    client = APIClient()
    client.force_authenticate(coordinator)
    url = f"/api/v1/trainings/{running.slug}/certificates/"
    refused = client.post(url, {}, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "training_not_ended"
    assert "say why" in refused.json()["early_reason"][0]
    assert not Job.objects.exists()
    started = client.post(url, {"early_reason": "Closing ceremony moved"}, format="json")
    assert started.status_code == 202
    assert Job.objects.get().params["early_reason"] == "Closing ceremony moved"


@pytest.mark.parametrize("who", ["participant", "staff", "staff move", "bulk"])
def test_cancelling_revokes_the_issued_certificate(ended, coordinator, who):
    registration = attended(ended)
    other = attended(ended)
    services.certificates_ensure_for_training(training=ended)
    if who == "participant":
        services.registration_cancel(registration=registration)
    elif who == "staff":
        services.registration_cancel(registration=registration, actor=coordinator, reason="Left")
    elif who == "staff move":
        services.registration_move(
            registration=registration, status=Registration.Status.CANCELLED, actor=coordinator
        )
    else:
        services.registrations_bulk_decide(
            registrations=[registration], action="cancel", actor=coordinator, reason="Left"
        )
    certificate = Certificate.objects.get(registration=registration)
    assert certificate.revoked_at is not None
    assert certificate.revoked_reason == "registration cancelled"
    assert certificate.revoked_by == (None if who == "participant" else coordinator)
    assert Certificate.objects.get(registration=other).revoked_at is None


def test_cancelling_the_training_revokes_the_certificates_issued_early(running, coordinator):
    # The third way to cancel a registration (the whole training) keeps the rule too.
    from courses import services as course_services

    registration = attended(running)
    services.certificates_ensure_for_training(training=running, early_reason="Ceremony moved")
    course_services.training_cancel(training=running, actor=coordinator, reason="Venue closed")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    certificate = Certificate.objects.get(registration=registration)
    assert certificate.revoked_reason == "registration cancelled"
    assert certificate.revoked_by == coordinator


def test_the_revocation_is_in_the_cancelling_transaction(ended, monkeypatch):
    """If the cancel fails after the revocation (here: promoting the next person),
    both roll back: the person stays confirmed with a valid certificate."""
    from participants.services import registrations

    registration = attended(ended)
    services.certificates_ensure_for_training(training=ended)

    def broken(**kwargs):
        raise RuntimeError("the waiting list is unreachable")

    monkeypatch.setattr(registrations, "_promote_waitlisted", broken)
    with pytest.raises(RuntimeError):
        services.registration_cancel(registration=registration)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert Certificate.objects.get(registration=registration).revoked_at is None
