"""The audit log (rtcm.core.audit): who changed which row, signed in, exported, downloaded
or made a token — when, and from the address ``client_address`` trusts."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from courses.models import Training
from rtcm.core import audit
from rtcm.core.models import AuditEvent
from rtcm.core.roles import MANAGER
from tests.factories import (
    ExpertFactory,
    ParticipantFactory,
    RegistrationFactory,
    SessionFactory,
    TrainingFactory,
    coordinator_user,
    network_officer_user,
    staff_user,
)

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
CLIENT_ADDRESS = "198.51.100.7"
FORGED = "203.0.113.66"


def _training_of(user) -> Training:
    training = TrainingFactory(status=Training.Status.OPEN)
    training.coordinators.add(user)
    return training


def _close(client, training, **extra):
    return client.post(
        reverse("training-status", kwargs={"slug": training.slug}),
        {"action": "close"},
        format="json",
        **extra,
    )


def test_a_staff_change_to_a_training_records_who_from_where_and_the_changed_fields(settings):
    settings.RTCM_TRUSTED_PROXIES = 0
    owner = coordinator_user("owner")
    training = _training_of(owner)
    client = APIClient()
    client.force_login(owner)

    response = _close(
        client, training, REMOTE_ADDR=CLIENT_ADDRESS, HTTP_X_FORWARDED_FOR=f"{FORGED}, {FORGED}"
    )

    assert response.status_code == 200
    entry = LogEntry.objects.get_for_object(training).get(
        action=LogEntry.Action.UPDATE, changes__has_key="status"
    )
    assert entry.actor == owner
    assert entry.remote_addr == CLIENT_ADDRESS  # not the forged X-Forwarded-For
    assert entry.remote_port is None
    assert entry.changes_dict["status"] == ["open", "closed"]
    assert entry.object_repr == training.title


def test_behind_a_trusted_proxy_the_address_is_the_one_the_proxy_saw(settings):
    settings.RTCM_TRUSTED_PROXIES = 1
    owner = coordinator_user("owner")
    training = _training_of(owner)
    client = APIClient()
    client.force_login(owner)

    _close(
        client,
        training,
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=f"{FORGED}, {CLIENT_ADDRESS}",
    )

    entry = LogEntry.objects.get_for_object(training).get(
        action=LogEntry.Action.UPDATE, changes__has_key="status"
    )
    assert entry.remote_addr == CLIENT_ADDRESS


def test_a_change_made_with_an_api_token_names_the_token_user():
    officer = network_officer_user()
    expert = ExpertFactory()
    token = Token.objects.create(user=officer)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = client.delete(
        reverse("staff-expert-detail", kwargs={"pk": expert.pk}), REMOTE_ADDR=CLIENT_ADDRESS
    )

    assert response.status_code == 204
    entry = LogEntry.objects.get(
        action=LogEntry.Action.DELETE, object_pk=str(expert.pk), content_type__model="expert"
    )
    assert entry.actor == officer
    assert entry.remote_addr == CLIENT_ADDRESS


def test_coordinators_added_to_a_training_are_recorded():
    training = TrainingFactory()
    coordinator = coordinator_user("new-coordinator")
    training.coordinators.add(coordinator)
    entry = LogEntry.objects.get_for_object(training).latest("timestamp")
    assert entry.changes_dict["coordinators"]["operation"] == "add"
    assert entry.changes_dict["coordinators"]["objects"] == ["new-coordinator"]


def _sign_in(client, password, **extra):
    return client.post(
        reverse("admin:login") + "?next=/admin/",
        {"username": "chief", "password": password},
        REMOTE_ADDR=CLIENT_ADDRESS,
        HTTP_X_FORWARDED_FOR=FORGED,
        HTTP_USER_AGENT="Firefox " + "x" * 500,
        **extra,
    )


def test_a_failed_sign_in_a_sign_in_and_a_sign_out_are_recorded(settings):
    settings.RTCM_TRUSTED_PROXIES = 0
    chief = User.objects.create_user("chief", password=PASSWORD, is_staff=True, is_superuser=True)
    client = Client()

    assert _sign_in(client, "a wrong guess").status_code == 200
    assert _sign_in(client, PASSWORD).status_code == 302
    assert client.post(reverse("admin:logout"), REMOTE_ADDR=CLIENT_ADDRESS).status_code == 200

    failed, signed_in, signed_out = AuditEvent.objects.order_by("at", "pk")
    assert (failed.kind, failed.actor, failed.actor_label) == ("sign_in_failed", None, "chief")
    assert (signed_in.kind, signed_in.actor) == ("sign_in", chief)
    assert (signed_out.kind, signed_out.actor) == ("sign_out", chief)
    assert {event.remote_addr for event in (failed, signed_in, signed_out)} == {CLIENT_ADDRESS}
    assert failed.user_agent.startswith("Firefox ")
    assert len(failed.user_agent) == 200
    assert "wrong guess" not in str(AuditEvent.objects.values_list())


def test_an_export_of_registrations_records_an_event(coordinator):
    training = _training_of(coordinator)
    client = Client()
    client.force_login(coordinator)
    url = reverse("staff_io:training_export", kwargs={"slug": training.slug, "format": "csv"})

    response = client.get(url, REMOTE_ADDR=CLIENT_ADDRESS)

    assert response.status_code == 200
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT)
    assert event.actor == coordinator
    assert (event.object_type, event.object_id) == ("courses.training", str(training.pk))
    assert event.summary == "registrations.csv"
    assert event.remote_addr == CLIENT_ADDRESS


def test_a_staff_download_of_a_sign_in_sheet_records_an_event(coordinator):
    session = SessionFactory(training=_training_of(coordinator))
    client = Client()
    client.force_login(coordinator)
    response = client.get(reverse("staff:sign_in_sheet", kwargs={"pk": session.pk}))
    assert response.status_code == 200
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.DOWNLOAD)
    assert (event.actor, event.object_type, event.object_id) == (
        coordinator,
        "courses.session",
        str(session.pk),
    )


def test_a_token_made_in_the_admin_records_who_made_it_for_whom_and_not_the_key():
    root = User.objects.create_superuser("root", password=PASSWORD)
    owner = staff_user("api-user")
    client = Client()
    client.force_login(root)

    response = client.post(
        reverse("admin:authtoken_tokenproxy_add"), {"user": owner.pk}, REMOTE_ADDR=CLIENT_ADDRESS
    )

    assert response.status_code in (200, 302)
    token = Token.objects.get(user=owner)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.TOKEN_CREATED)
    assert (event.actor, event.remote_addr) == (root, CLIENT_ADDRESS)
    assert (event.object_type, event.object_id) == ("auth.user", str(owner.pk))
    assert event.summary == "API token for api-user"
    assert token.key not in str(AuditEvent.objects.values_list())
    assert not LogEntry.objects.filter(content_type__app_label="authtoken").exists()


def test_a_token_made_outside_a_request_is_recorded_without_an_actor():
    owner = staff_user("api-user")
    Token.objects.create(user=owner)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.TOKEN_CREATED)
    assert (event.actor, event.remote_addr, event.object_id) == (None, None, str(owner.pk))


def test_no_password_hash_ever_enters_the_log():
    user = User.objects.create_user("someone", password="first password 1", is_staff=True)
    user.set_password("second password 2")
    user.first_name = "Some"
    user.save()
    user.groups.add(*staff_user("other", roles=(MANAGER,)).groups.all())
    logged = str(list(LogEntry.objects.values_list()))
    assert user.password not in logged
    assert "md5$" not in logged
    assert "password" not in logged
    assert "last_login" not in logged
    change = LogEntry.objects.get_for_object(user).get(
        action=LogEntry.Action.UPDATE, changes__has_key="first_name"
    )
    assert change.changes_dict == {"first_name": ["", "Some"]}  # the new password: not there


def test_retention_deletes_only_rows_older_than_the_setting(settings):
    settings.RTCM_AUDIT_RETENTION_DAYS = 30
    now = timezone.now()
    training = TrainingFactory()  # its creation is logged now
    old_entry = LogEntry.objects.get_for_object(training).get()
    LogEntry.objects.filter(pk=old_entry.pk).update(timestamp=now - dt.timedelta(days=31))
    kept_entry = LogEntry.objects.log_create(
        training, action=LogEntry.Action.UPDATE, changes={"title": ["a", "b"]}
    )
    LogEntry.objects.filter(pk=kept_entry.pk).update(timestamp=now - dt.timedelta(days=29))
    old_event = audit.audit_event(None, audit.Kind.EXPORT, summary="old")
    AuditEvent.objects.filter(pk=old_event.pk).update(at=now - dt.timedelta(days=31))
    kept_event = audit.audit_event(None, audit.Kind.EXPORT, summary="recent")

    assert audit.audit_log_prune(now=now) == (1, 1)

    assert list(LogEntry.objects.values_list("pk", flat=True)) == [kept_entry.pk]
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [kept_event.pk]


def test_the_beat_task_prunes_through_the_service(settings):
    from rtcm.core.tasks import audit_log_prune

    settings.RTCM_AUDIT_RETENTION_DAYS = 1
    event = audit.audit_event(None, audit.Kind.EXPORT)
    AuditEvent.objects.filter(pk=event.pk).update(at=timezone.now() - dt.timedelta(days=2))
    assert audit_log_prune.delay().get() == [0, 1]
    assert not AuditEvent.objects.exists()
    assert "audit-log-prune" in settings.CELERY_BEAT_SCHEDULE


def _logged() -> str:
    return str(list(LogEntry.objects.values_list())) + str(list(AuditEvent.objects.values_list()))


def test_audit_forget_scrubs_an_erased_participant_out_of_the_log():
    participant = ParticipantFactory(
        given_name="Алишер",
        family_name="Навоий",
        email="alisher@example.org",
        phone="+998901234567",
    )
    registration = RegistrationFactory(participant=participant)
    participant.phone = "+998907654321"
    participant.save()
    audit.audit_event(None, audit.Kind.EXPORT, obj=participant, summary="privacy export: Алишер")
    old = ["Алишер Навоий", "alisher@example.org", "+998901234567", "+998907654321"]

    # the erasure: anonymise, then scrub the log in the same transaction
    participant.given_name, participant.family_name = "Erased", "Person"
    participant.email, participant.phone = "erased-1@invalid", ""
    participant.save()
    scrubbed = audit.audit_forget(participant, registration, texts=old)

    assert scrubbed >= 5  # created, two changes, the registration, the event
    logged = _logged()
    for text in [*old, "Алишер", "Навоий", "alisher"]:
        assert text not in logged
    changes = LogEntry.objects.get_for_object(participant).filter(action=LogEntry.Action.UPDATE)
    assert {"given_name", "email", "phone"} <= set(changes.first().changes_dict)
    assert LogEntry.objects.get_for_object(registration).get().object_repr == audit.ERASED
    assert AuditEvent.objects.get().summary == audit.ERASED


def test_audit_forget_scrubs_an_erased_expert_where_another_row_names_them():
    expert = ExpertFactory(given_name="Ана", family_name="Гиоргадзе", email="ana@example.org")
    other = ExpertFactory(given_name="Nino", family_name="Beridze")
    session = SessionFactory(title="Border management")
    session.trainers.add(expert, other)  # the session's log names both trainers

    audit.audit_forget(expert, texts=["Ана Гиоргадзе", "ana@example.org"])

    logged = _logged()
    for text in ("Ана", "Гиоргадзе", "ana@example.org"):
        assert text not in logged
    booking = LogEntry.objects.get_for_object(session).get(changes__has_key="trainers")
    assert sorted(booking.changes_dict["trainers"]["objects"]) == sorted(
        [audit.ERASED, "Nino Beridze"]
    )
    assert booking.object_repr == str(session)  # no one erased there
