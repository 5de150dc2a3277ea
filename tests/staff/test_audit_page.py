"""The managers' audit log page (/staff/audit/): who sees it, what its filters find."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rtcm.core import audit
from rtcm.core.models import AuditEvent
from rtcm.core.roles import MANAGER
from tests.factories import ExpertFactory, TrainingFactory, coordinator_user, staff_user

pytestmark = pytest.mark.django_db

URL = reverse("staff:audit")


@pytest.fixture
def manager():
    return staff_user("manager", roles=(MANAGER,))


@pytest.fixture
def manager_client(manager):
    client = Client()
    client.force_login(manager)
    return client


def _rows(response, css_class: str) -> list[str]:
    """The ids of the listed rows (``data-entry`` / ``data-event``)."""
    html = response.content.decode()
    attribute = "data-entry" if css_class == "audit-change" else "data-event"
    return [chunk.split('"', 2)[1] for chunk in html.split(f'class="{css_class}" {attribute}=')[1:]]


def test_a_manager_sees_changes_and_events(manager_client, manager):
    coordinator = coordinator_user("alice")
    with set_actor(coordinator, remote_addr="198.51.100.7"):
        training = TrainingFactory(title="Readmission basics")
    audit.audit_event(None, audit.Kind.EXPORT, actor=coordinator, obj=training, summary="x.csv")

    changes = manager_client.get(URL)
    events = manager_client.get(URL, {"tab": "events"})

    assert changes.status_code == events.status_code == 200
    entry = LogEntry.objects.get_for_object(training).get()
    assert _rows(changes, "audit-change")[0] == str(entry.pk)
    page = changes.content.decode()
    assert "Readmission basics" in page
    assert "alice" in page
    assert "198.51.100.7" in page
    assert "<code>title</code>" in page  # the changed fields
    export = AuditEvent.objects.get(kind="export")
    assert _rows(events, "audit-event")[0] == str(export.pk)  # newest first
    assert "x.csv" in events.content.decode()


def test_a_coordinator_is_refused_and_anonymous_sent_to_sign_in(coordinator_client):
    assert coordinator_client.get(URL).status_code == 403
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_dashboard_links_the_log_for_managers_only(manager_client, coordinator_client):
    audit_link = f'href="{URL}"'
    assert audit_link in manager_client.get(reverse("staff:dashboard")).content.decode()
    assert audit_link not in coordinator_client.get(reverse("staff:dashboard")).content.decode()


def test_the_change_filters_find_what_they_say(manager_client):
    alice, bob = coordinator_user("alice"), coordinator_user("bob")
    with set_actor(alice, remote_addr="198.51.100.7"):
        readmission = TrainingFactory(title="Readmission basics")
    with set_actor(bob, remote_addr="198.51.100.8"):
        border = TrainingFactory(title="Border management")
        border.title = "Border management II"
        border.save()
        expert = ExpertFactory()
    entries = {
        "readmission": LogEntry.objects.get_for_object(readmission).get().pk,
        "border created": LogEntry.objects.get_for_object(border)
        .get(action=LogEntry.Action.CREATE)
        .pk,
        "border changed": LogEntry.objects.get_for_object(border)
        .get(action=LogEntry.Action.UPDATE)
        .pk,
        "expert": LogEntry.objects.get_for_object(expert).get().pk,
    }

    def found(**params) -> set[str]:
        response = manager_client.get(URL, params)
        assert response.status_code == 200
        ids = {int(pk) for pk in _rows(response, "audit-change")}
        return {name for name, pk in entries.items() if pk in ids}

    assert found() == set(entries)
    assert found(who="alice") == {"readmission"}
    assert found(action="update") == {"border changed"}
    assert found(object_type="experts.expert") == {"expert"}
    assert found(q="border management") == {"border created", "border changed"}
    assert found(address="198.51.100.8") == {"border created", "border changed", "expert"}
    today = timezone.localdate()
    LogEntry.objects.filter(pk=entries["readmission"]).update(
        timestamp=timezone.now() - dt.timedelta(days=10)
    )
    assert found(until=(today - dt.timedelta(days=5)).isoformat()) == {"readmission"}
    assert "readmission" not in found(since=(today - dt.timedelta(days=5)).isoformat())


def test_the_event_filters_find_what_they_say(manager_client):
    alice = coordinator_user("alice")
    training = TrainingFactory()
    signed_in = audit.audit_event(None, audit.Kind.SIGN_IN, actor=alice)
    failed = audit.audit_event(None, audit.Kind.SIGN_IN_FAILED, actor_label="mallory")
    exported = audit.audit_event(
        None, audit.Kind.EXPORT, actor=alice, obj=training, summary="a.csv"
    )
    AuditEvent.objects.filter(pk=failed.pk).update(remote_addr="203.0.113.9")
    events = {"signed in": signed_in.pk, "failed": failed.pk, "exported": exported.pk}

    def found(**params) -> set[str]:
        response = manager_client.get(URL, {"tab": "events", **params})
        assert response.status_code == 200
        ids = {int(pk) for pk in _rows(response, "audit-event")}
        return {name for name, pk in events.items() if pk in ids}

    assert {"signed in", "failed", "exported"} <= found()
    assert found(who="mallory") == {"failed"}
    assert found(who="alice") == {"signed in", "exported"}
    assert found(action="export") == {"exported"}
    assert found(object_type="courses.training") == {"exported"}
    assert found(q="a.csv") == {"exported"}
    assert found(address="203.0.113.9") == {"failed"}


def test_a_malformed_filter_is_refused_with_the_form(manager_client):
    response = manager_client.get(URL, {"address": "not an address", "since": "yesterday"})
    assert response.status_code == 400
    assert "is-invalid" in response.content.decode()


def test_the_pages_query_count_stays_the_same_as_rows_grow(
    manager_client, django_assert_num_queries
):
    user = coordinator_user("alice")
    with set_actor(user, remote_addr="198.51.100.7"):
        for _ in range(3):
            TrainingFactory()
    for _ in range(3):
        audit.audit_event(None, audit.Kind.EXPORT, actor=user, summary="a.csv")
    # session, user, roles, count, page
    with django_assert_num_queries(5):
        few_changes = manager_client.get(URL)
    with django_assert_num_queries(5):
        manager_client.get(URL, {"tab": "events"})

    with set_actor(user, remote_addr="198.51.100.7"):
        for _ in range(60):
            TrainingFactory()
    for _ in range(60):
        audit.audit_event(None, audit.Kind.EXPORT, actor=user, summary="a.csv")
    with django_assert_num_queries(5):
        many_changes = manager_client.get(URL)
    with django_assert_num_queries(5):
        many_events = manager_client.get(URL, {"tab": "events"})

    assert len(_rows(few_changes, "audit-change")) < len(_rows(many_changes, "audit-change"))
    assert len(_rows(many_changes, "audit-change")) == 50  # paginated
    assert len(_rows(many_events, "audit-event")) == 50
    older = manager_client.get(URL, {"tab": "events", "page": 2})
    assert 1 <= len(_rows(older, "audit-event")) <= 50
