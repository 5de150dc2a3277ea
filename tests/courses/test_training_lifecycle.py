"""A training's life-cycle (``courses.services``): the transitions table, the cancel
cascade (registrations cancelled, people told in their language), capacity and quotas,
the admin's actions and the staff API."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from courses import services
from courses.models import Training, TrainingQuota
from participants import services as registrations
from participants.models import Notification, Registration, RegistrationEvent
from rtcm.core.errors import DomainError
from tests.factories import (
    RegistrationFactory,
    TrainingFactory,
    coordinator_user,
    person_data,
)

pytestmark = pytest.mark.django_db

Status = Training.Status
RStatus = Registration.Status
ALL_MOVES = {
    # (from, action) → to; every pair not listed is refused.
    (Status.DRAFT, "publish"): Status.OPEN,
    (Status.OPEN, "close"): Status.CLOSED,
    (Status.CLOSED, "complete"): Status.COMPLETED,
    (Status.DRAFT, "cancel"): Status.CANCELLED,
    (Status.OPEN, "cancel"): Status.CANCELLED,
    (Status.CLOSED, "cancel"): Status.CANCELLED,
}


def register(training, email, language="en", **overrides):
    data = person_data(email=email, preferred_language=language, **overrides)
    data.pop("consent")
    return registrations.registration_submit(training=training, participant_data=data)


# --- the transitions table ------------------------------------------------------------------


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("action", ["publish", "close", "complete", "cancel"])
def test_every_move_of_the_table_is_allowed_and_every_other_refused(status, action):
    training = TrainingFactory(status=status)
    target = ALL_MOVES.get((status, action))
    if target is None:
        with pytest.raises(services.TrainingTransitionRefused) as refused:
            services.training_transition(training=training, action=action)
        assert refused.value.status_code == 409
        assert refused.value.field == "status"
        training.refresh_from_db()
        assert training.status == status
    else:
        services.training_transition(training=training, action=action)
        training.refresh_from_db()
        assert training.status == target


def test_allowed_actions_follow_the_table():
    assert services.training_allowed_actions(TrainingFactory(status=Status.DRAFT)) == [
        "publish",
        "cancel",
    ]
    assert services.training_allowed_actions(TrainingFactory(status=Status.CLOSED)) == [
        "complete",
        "cancel",
    ]
    assert services.training_allowed_actions(TrainingFactory(status=Status.COMPLETED)) == []


def test_an_unknown_action_is_refused_readably():
    with pytest.raises(services.TrainingTransitionRefused, match="Unknown action: reopen"):
        services.training_transition(training=TrainingFactory(), action="reopen")


def test_the_status_is_read_under_the_lock_not_from_a_stale_object():
    training = TrainingFactory(status=Status.OPEN)
    stale = Training.objects.get(pk=training.pk)
    services.training_close(training=training)
    with pytest.raises(services.TrainingTransitionRefused):
        services.training_close(training=stale)  # still "open" in memory


def test_the_named_functions_move_as_the_table_says():
    training = TrainingFactory(status=Status.DRAFT)
    services.training_publish(training=training)
    assert training.status == Status.OPEN
    services.training_close(training=training)
    services.training_complete(training=training)
    training.refresh_from_db()
    assert training.status == Status.COMPLETED


# --- cancelling: registrations cancelled, people told --------------------------------------


def test_cancelling_cancels_every_active_registration_and_mails_each_in_their_language(
    django_capture_on_commit_callbacks, coordinator
):
    training = TrainingFactory(capacity=2, title="Readmission")
    nurlan = register(training, "nurlan@example.org", language="ru")
    anna = register(training, "anna@example.org", language="en")
    waiting = register(training, "wait@example.org", language="en")
    rejected = RegistrationFactory(training=training, status=RStatus.REJECTED)
    assert [nurlan.status, anna.status, waiting.status] == [
        RStatus.CONFIRMED,
        RStatus.CONFIRMED,
        RStatus.WAITLISTED,
    ]
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.training_cancel(training=training, actor=coordinator, reason="The venue flooded")

    statuses = dict(Registration.objects.filter(training=training).values_list("pk", "status"))
    assert statuses == {
        nurlan.pk: RStatus.CANCELLED,
        anna.pk: RStatus.CANCELLED,
        waiting.pk: RStatus.CANCELLED,
        rejected.pk: RStatus.REJECTED,  # not active: left alone, not told
    }
    # Nobody is promoted into a cancelled training; each change is recorded.
    events = RegistrationEvent.objects.filter(to_status=RStatus.CANCELLED)
    assert events.count() == 3
    assert set(events.values_list("actor", flat=True)) == {coordinator.pk}
    assert set(events.values_list("note", flat=True)) == {"The venue flooded"}

    sent = {message.to[0]: message for message in mail.outbox}
    assert set(sent) == {"nurlan@example.org", "anna@example.org", "wait@example.org"}
    english = sent["anna@example.org"]
    assert english.subject == "Training cancelled: Readmission"
    assert "“\u2068Readmission\u2069” is cancelled, and so is your registration" in english.body
    assert "Reason: \u2068The venue flooded\u2069" in english.body
    russian = sent["nurlan@example.org"]
    with translation.override("ru"):
        assert russian.subject == translation.gettext("Training cancelled: %(title)s") % {
            "title": "Readmission"
        }
    assert "Уважаемый(ая) \u2068Нурлан\u2069," in russian.body
    assert "Причина: \u2068The venue flooded\u2069" in russian.body
    logged = Notification.objects.filter(kind=Notification.Kind.TRAINING_CANCELLED)
    assert dict(logged.values_list("recipient", "language")) == {
        "nurlan@example.org": "ru",
        "anna@example.org": "en",
        "wait@example.org": "en",
    }
    assert all(n.sent_at is not None for n in logged)


def test_cancelling_twice_frees_nothing_twice(django_capture_on_commit_callbacks):
    training = TrainingFactory()
    register(training, "one@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.training_cancel(training=training)
    mail.outbox.clear()
    with pytest.raises(services.TrainingTransitionRefused):
        services.training_cancel(training=training)
    assert mail.outbox == []
    assert Notification.objects.filter(kind=Notification.Kind.TRAINING_CANCELLED).count() == 1
    assert RegistrationEvent.objects.filter(to_status=RStatus.CANCELLED).count() == 1


def test_a_refused_cancellation_changes_no_registration():
    training = TrainingFactory(status=Status.COMPLETED)
    registration = RegistrationFactory(training=training)
    with pytest.raises(services.TrainingTransitionRefused):
        services.training_cancel(training=training)
    registration.refresh_from_db()
    assert registration.status == RStatus.CONFIRMED
    assert not Notification.objects.exists()


def test_a_failing_receiver_rolls_the_cancellation_back(monkeypatch):
    training = TrainingFactory()
    registration = register(training, "one@example.org")

    def explode(**kwargs):
        raise RuntimeError("mail queue down")

    monkeypatch.setattr(registrations, "registrations_cancel_for_training", explode)
    with pytest.raises(RuntimeError):
        services.training_cancel(training=training)
    training.refresh_from_db()
    registration.refresh_from_db()
    assert training.status == Status.OPEN
    assert registration.status == RStatus.CONFIRMED


def test_the_manage_page_offers_no_cancel_once_the_training_is_cancelled(client):
    training = TrainingFactory()
    registration = register(training, "one@example.org")
    assert registrations.registration_can_cancel(registration)
    services.training_cancel(training=training)
    registration.refresh_from_db()
    assert not registrations.registration_can_cancel(registration)
    page = client.get(registration.get_absolute_url()).content.decode()
    assert 'value="cancel"' not in page


# --- capacity and quotas ----------------------------------------------------------------------


def test_capacity_below_the_confirmed_seats_is_refused():
    training = TrainingFactory(capacity=5)
    for n in range(3):
        register(training, f"p{n}@example.org")
    with pytest.raises(ValidationError) as refused:
        services.training_check_capacity(training=training, capacity=2)
    assert "3 people hold a confirmed seat" in refused.value.message_dict["capacity"][0]
    services.training_check_capacity(training=training, capacity=3)  # exactly enough


def test_capacity_below_the_quotas_is_refused():
    training = TrainingFactory(capacity=10)
    TrainingQuota.objects.create(training=training, region_id="central-asia", seats=6)
    with pytest.raises(ValidationError, match="quotas add up to 6 seats"):
        services.training_check_capacity(training=training, capacity=5)
    assert services.training_quotas_problem(capacity=6, quota_seats=[4, 2]) is None
    assert "7 seats" in services.training_quotas_problem(capacity=6, quota_seats=[4, 3])


# --- the admin --------------------------------------------------------------------------------

CHANGELIST = "admin:courses_training_changelist"


def admin_action(client, action, trainings, **extra):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [t.pk for t in trainings], **extra},
        follow=True,
    )


def test_the_admin_shows_the_status_read_only(admin_client):
    training = TrainingFactory(status=Status.DRAFT)
    response = admin_client.get(reverse("admin:courses_training_change", args=[training.pk]))
    form = response.context["adminform"].form
    assert "status" not in form.fields
    assert "Draft" in response.content.decode()


def test_the_admin_publish_action_goes_through_the_service(admin_client):
    draft = TrainingFactory(status=Status.DRAFT, title="Draft one")
    done = TrainingFactory(status=Status.COMPLETED, title="Done one")
    response = admin_action(admin_client, "training_publish", [draft, done])
    page = response.content.decode()
    draft.refresh_from_db()
    done.refresh_from_db()
    assert draft.status == Status.OPEN
    assert done.status == Status.COMPLETED
    assert "Draft one" in page
    assert "Done one: A training that is “Completed” cannot be changed that way" in page


def test_the_admin_cancel_action_asks_first_then_cancels_and_mails(
    admin_client, django_capture_on_commit_callbacks
):
    training = TrainingFactory(title="Border management")
    register(training, "one@example.org")
    register(training, "two@example.org")

    page = admin_action(admin_client, "training_cancel_action", [training])
    assert "2 confirmed people" in page.content.decode()
    training.refresh_from_db()
    assert training.status == Status.OPEN  # nothing changes before the confirmation

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        admin_action(
            admin_client,
            "training_cancel_action",
            [training],
            confirm="yes",
            reason="Postponed to spring",
        )
    training.refresh_from_db()
    assert training.status == Status.CANCELLED
    assert not Registration.objects.filter(training=training, status=RStatus.CONFIRMED).exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["one@example.org", "two@example.org"]
    assert all("Postponed to spring" in m.body for m in mail.outbox)


def test_the_admin_refuses_a_capacity_below_the_confirmed_seats(admin_client):
    training = TrainingFactory(capacity=5)
    for n in range(3):
        register(training, f"p{n}@example.org")
    url = reverse("admin:courses_training_change", args=[training.pk])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"modules": [], "target_regions": [], "coordinators": [], "languages": '["en"]'})
    data.update({"start_date": f"{training.start_date}", "end_date": f"{training.end_date}"})
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data["capacity"] = "2"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "3 people hold a confirmed seat" in response.content.decode()
    training.refresh_from_db()
    assert training.capacity == 5
    data["capacity"] = "3"
    assert admin_client.post(url, data).status_code == 302
    training.refresh_from_db()
    assert training.capacity == 3


# --- the staff API ----------------------------------------------------------------------------


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def status_url(training) -> str:
    return reverse("training-status", kwargs={"slug": training.slug})


def test_the_api_moves_a_training_of_its_coordinator(django_capture_on_commit_callbacks):
    owner = coordinator_user("owner")
    training = TrainingFactory(status=Status.DRAFT)
    training.coordinators.add(owner)
    client = api(owner)

    got = client.get(status_url(training))
    assert got.status_code == 200
    assert got.json() == {
        "slug": training.slug,
        "status": "draft",
        "allowed_actions": ["publish", "cancel"],
    }
    published = client.post(status_url(training), {"action": "publish"}, format="json")
    assert published.status_code == 200
    assert published.json()["status"] == "open"
    register(training, "one@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = client.post(
            status_url(training), {"action": "cancel", "reason": "No trainers"}, format="json"
        )
    assert cancelled.json() == {"slug": training.slug, "status": "cancelled", "allowed_actions": []}
    assert Registration.objects.get(training=training).status == RStatus.CANCELLED
    assert [m.to[0] for m in mail.outbox if "cancelled" in m.subject] == ["one@example.org"]


def test_the_api_refuses_a_move_the_table_does_not_allow():
    owner = coordinator_user("owner")
    training = TrainingFactory(status=Status.COMPLETED)
    training.coordinators.add(owner)
    response = api(owner).post(status_url(training), {"action": "cancel"}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert "cannot be changed that way" in str(body)
    training.refresh_from_db()
    assert training.status == Status.COMPLETED
    bad = api(owner).post(status_url(training), {"action": "explode"}, format="json")
    assert bad.status_code == 400


def test_the_api_is_closed_to_other_coordinators_and_anonymous():
    training = TrainingFactory(status=Status.OPEN)
    training.coordinators.add(coordinator_user("owner"))
    outsider = coordinator_user("outsider")
    assert api(outsider).post(status_url(training), {"action": "close"}).status_code in (403, 404)
    assert api().post(status_url(training), {"action": "close"}).status_code in (401, 403)
    training.refresh_from_db()
    assert training.status == Status.OPEN


def test_domain_errors_of_the_life_cycle_are_one_family():
    assert issubclass(services.TrainingTransitionRefused, DomainError)
