"""The dashboard as each role sees it: the center's calendar, links only where they lead."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from participants.models import Registration
from rtcm.core.roles import COORDINATOR, LIBRARIAN, MANAGER, NETWORK_OFFICER
from tests.factories import RegistrationFactory, SessionFactory, TrainingFactory, staff_user

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("staff:dashboard")
Status = Registration.Status


def test_each_role_sees_links_only_to_pages_it_may_open():
    # A librarian, a network officer, a manager and the coordinator of another training
    # see the center's calendar; the sheets, certificates and suggestions they could not
    # open are not linked (they used to lead to 403 and 404 pages).
    today = timezone.localdate()
    mine = TrainingFactory(title="Mine", start_date=today, end_date=today)
    theirs = TrainingFactory(title="Theirs", start_date=today, end_date=today)
    my_session = SessionFactory(training=mine, title="My session")
    their_session = SessionFactory(training=theirs, title="Their session")
    RegistrationFactory(training=theirs, status=Status.PENDING)
    coordinator = staff_user("mine", roles=(COORDINATOR,))
    mine.coordinators.add(coordinator)

    def page(user):
        client = Client()
        client.force_login(user)
        response = client.get(DASHBOARD)
        assert response.status_code == 200
        return response, response.content.decode()

    def sheet(session):
        return reverse("staff:attendance_sheet", args=[session.pk])

    for role in (LIBRARIAN, NETWORK_OFFICER):
        response, html = page(staff_user(role, roles=(role,)))
        assert "Their session" in html  # the calendar
        assert sheet(their_session) not in html
        assert sheet(my_session) not in html
        assert response.context["trainings"] == []
        assert 'id="pending-title"' not in html
    response, html = page(coordinator)
    assert sheet(my_session) in html
    assert sheet(their_session) not in html
    assert [t.title for t in response.context["trainings"]] == ["Mine"]
    assert reverse("experts_staff:matching", args=[mine.slug]) in html
    assert response.context["pending_count"] == 0
    response, html = page(staff_user("boss", roles=(MANAGER,)))
    assert sheet(my_session) in html
    assert sheet(their_session) in html
    assert {t.title for t in response.context["trainings"]} == {"Mine", "Theirs"}
    assert response.context["pending_count"] == 1
    assert "experts_staff" not in html
    assert "/staff/experts/trainings/" not in html
