"""The staff's admin: who may open it, and that its forms and actions obey the services."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import coordinator_user, network_officer_user, past_training, staff_user
from tests.volunteers.factories import AssignmentFactory, VolunteerFactory
from volunteers.models import Assignment, ServiceCertificate, Volunteer, VolunteerMessage

pytestmark = pytest.mark.django_db

PAGES = [
    "admin:volunteers_volunteer_changelist",
    "admin:volunteers_assignment_changelist",
    "admin:volunteers_servicecertificate_changelist",
    "admin:volunteers_volunteermessage_changelist",
]


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_the_sign_in(client, page):
    VolunteerFactory(email="hidden@example.org")
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("page", PAGES)
def test_a_librarian_cannot_open_them(client, page):
    VolunteerFactory(email="hidden@example.org")
    client.force_login(staff_user("librarian", roles=("librarian",)))
    response = client.get(reverse(page))
    assert response.status_code == 403
    assert "hidden@example.org" not in response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_a_network_officer_opens_them(client, page):
    volunteer = VolunteerFactory(email="seen@example.org", given_name="Ləman")
    AssignmentFactory(volunteer=volunteer)
    client.force_login(network_officer_user())
    assert client.get(reverse(page)).status_code == 200


def test_the_volunteers_list_filters_by_skill(client):
    VolunteerFactory(given_name="Interpreter", skills=["interpretation"])
    VolunteerFactory(given_name="Driver", skills=["logistics"])
    client.force_login(network_officer_user())
    page = client.get(
        reverse("admin:volunteers_volunteer_changelist"), {"skill": "interpretation"}
    ).content.decode()
    assert "Interpreter" in page
    assert "Driver" not in page


def test_a_coordinator_sees_volunteers_but_does_not_vet_them(client):
    volunteer = VolunteerFactory(status=Volunteer.Status.APPLICANT)
    client.force_login(coordinator_user())
    url = reverse("admin:volunteers_volunteer_changelist")
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "accept", "_selected_action": [volunteer.pk]})
    assert Volunteer.objects.get(pk=volunteer.pk).status == Volunteer.Status.APPLICANT
    assert response.status_code in (200, 302)
    assert client.get(reverse("admin:volunteers_servicecertificate_add")).status_code == 403


def test_the_accept_action_goes_through_the_service(client, committed):
    volunteer = VolunteerFactory(status=Volunteer.Status.APPLICANT)
    officer = network_officer_user()
    client.force_login(officer)
    with committed():
        client.post(
            reverse("admin:volunteers_volunteer_changelist"),
            {"action": "accept", "_selected_action": [volunteer.pk]},
        )
    volunteer.refresh_from_db()
    assert volunteer.status == Volunteer.Status.ACTIVE
    assert volunteer.status_changed_by == officer
    assert VolunteerMessage.objects.filter(kind=VolunteerMessage.Kind.ACCEPTED).count() == 1


def _local(value: dt.datetime) -> dict:
    value = timezone.localtime(value)
    return {"0": value.strftime("%Y-%m-%d"), "1": value.strftime("%H:%M:%S")}


def _assignment_post(volunteer, starts_at, ends_at, event="Press day") -> dict:
    start, end = _local(starts_at), _local(ends_at)
    return {
        "volunteer": volunteer.pk,
        "event": event,
        "role": "social_media",
        "starts_at_0": start["0"],
        "starts_at_1": start["1"],
        "ends_at_0": end["0"],
        "ends_at_1": end["1"],
        "notes": "",
    }


def test_the_assignment_form_keeps_the_clash_check(client):
    existing = AssignmentFactory(event="Migration School open day")
    client.force_login(coordinator_user())
    url = reverse("admin:volunteers_assignment_add")
    response = client.post(
        url,
        _assignment_post(
            existing.volunteer,
            existing.starts_at + dt.timedelta(hours=1),
            existing.ends_at + dt.timedelta(hours=1),
        ),
    )
    assert response.status_code == 200
    assert "already assigned at that time" in response.content.decode()
    assert Assignment.objects.count() == 1
    response = client.post(
        url,
        _assignment_post(
            existing.volunteer, existing.ends_at, existing.ends_at + dt.timedelta(hours=2)
        ),
    )
    assert response.status_code == 302
    assert Assignment.objects.count() == 2


def test_mark_completed_and_issue_a_certificate_from_the_admin(client):
    training = past_training()
    volunteer = VolunteerFactory()
    assignment = AssignmentFactory(
        volunteer=volunteer,
        training=training,
        event="",
        starts_at=training.sessions.order_by("starts_at").first().starts_at,
        ends_at=training.sessions.order_by("-ends_at").first().ends_at,
    )
    officer = network_officer_user()
    client.force_login(officer)
    client.post(
        reverse("admin:volunteers_assignment_changelist"),
        {"action": "mark_completed", "_selected_action": [assignment.pk]},
    )
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.COMPLETED
    assert str(assignment.hours) == "12.0"
    today = timezone.localdate()
    response = client.post(
        reverse("admin:volunteers_servicecertificate_add"),
        {
            "volunteer": volunteer.pk,
            "period_start": (today - dt.timedelta(days=30)).isoformat(),
            "period_end": today.isoformat(),
            "language": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    certificate = ServiceCertificate.objects.get()
    assert certificate.issued_by == officer
    pdf = client.get(reverse("admin:volunteers_servicecertificate_pdf", args=[certificate.pk]))
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_an_assignment_to_a_training_takes_its_times_from_the_admin_form(client):
    training = past_training(title="Counter-trafficking")
    volunteer = VolunteerFactory()
    client.force_login(coordinator_user())
    response = client.post(
        reverse("admin:volunteers_assignment_add"),
        {"volunteer": volunteer.pk, "training": training.pk, "role": "interpretation", "notes": ""},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assignment = Assignment.objects.get()
    assert assignment.starts_at == training.sessions.order_by("starts_at").first().starts_at
    assert assignment.programme_id == training.programme_id


def test_an_event_needs_its_times_in_the_admin_form(client):
    client.force_login(coordinator_user())
    response = client.post(
        reverse("admin:volunteers_assignment_add"),
        {"volunteer": VolunteerFactory().pk, "event": "Open day", "role": "it", "notes": ""},
    )
    assert response.status_code == 200
    assert "An event needs its start and end." in response.content.decode()
    assert not Assignment.objects.exists()


def test_an_officer_edits_a_volunteer_through_the_service(client):
    volunteer = VolunteerFactory(email="old@example.org", skills=["it"], languages=["az"])
    other = VolunteerFactory(email="taken@example.org")
    client.force_login(network_officer_user())
    url = reverse("admin:volunteers_volunteer_change", args=[volunteer.pk])
    assert client.get(url).status_code == 200
    data = {
        "given_name": "Ləman",
        "family_name": "Əliyeva",
        "given_name_latin": "",
        "family_name_latin": "",
        "email": "TAKEN@example.org",
        "phone": "",
        "country": "AZ",
        "city": "Şəki",
        "date_of_birth": "",
        "languages": ["az", "ru"],
        "skills": ["logistics", "it"],
        "availability": "",
        "motivation": "",
        "correspondence_language": "az",
        "staff_notes": "",
    }
    for prefix in ("assignments", "consent_records", "messages"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(url, data)
    assert response.status_code == 200  # the e-mail is another volunteer's
    assert Volunteer.objects.get(pk=volunteer.pk).email == "old@example.org"
    data["email"] = "new@example.org"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    volunteer.refresh_from_db()
    assert (volunteer.given_name, volunteer.city, volunteer.email) == (
        "Ləman",
        "Şəki",
        "new@example.org",
    )
    assert volunteer.skills == ["logistics", "it"]
    assert other.email == "taken@example.org"


def test_a_coordinator_reads_a_volunteer_without_changing_it(client):
    volunteer = VolunteerFactory()
    client.force_login(coordinator_user())
    url = reverse("admin:volunteers_volunteer_change", args=[volunteer.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()


def test_lost_messages_are_requeued_by_the_beat(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "volunteers.tasks.volunteer_messages_requeue_stale" in tasks
