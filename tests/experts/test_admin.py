"""The admin of the network: uploads checked by content through the services, status
changes through actions, trainers of sessions checked for clashes."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.models import Session
from experts.models import Expert, ExpertMessage
from tests.factories import (
    ExpertFactory,
    SessionFactory,
    TopicFactory,
    TrainingFactory,
    cv_pdf,
    photo_jpeg,
)

pytestmark = pytest.mark.django_db

Status = Expert.Status
CHANGELIST = "/admin/experts/expert/"


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def expert_data(**overrides) -> dict:
    data = {
        "given_name": "Ануш",
        "family_name": "Петросян",
        "email": "anush@example.org",
        "phone": "",
        "country": "AM",
        "organisation": "Migration Service of Armenia",
        "position": "",
        "bio": "",
        "correspondence_language": "en",
        "staff_notes": "",
        "languages": ["hy", "ru"],
        "messages-TOTAL_FORMS": "0",
        "messages-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def add_url() -> str:
    return reverse("admin:experts_expert_add")


# --- adding and editing through the services --------------------------------------------


def test_an_expert_added_in_the_admin_goes_through_the_service(network_officer_client):
    topic = TopicFactory()
    response = network_officer_client.post(
        add_url(),
        expert_data(expertise=[topic.pk], cv=cv_pdf(), photo=photo_jpeg()),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    expert = Expert.objects.get()
    assert expert.status == Status.APPLICANT
    assert expert.slug  # made by the service
    assert expert.language_codes() == ["hy", "ru"]
    assert list(expert.expertise.all()) == [topic]
    assert (expert.cv_original_name, expert.cv_content_type) == ("cv.pdf", "application/pdf")
    # The photo is re-encoded: at most 800 pixels, no camera metadata.
    from PIL import Image

    with expert.photo.open("rb") as handle, Image.open(handle) as image:
        assert max(image.size) == 800
        assert not image.getexif()
    assert not expert.consents
    assert not ExpertMessage.objects.exists()  # staff additions are not mailed


def test_a_forbidden_cv_type_shows_the_error_and_stores_nothing(network_officer_client):
    fake = SimpleUploadedFile(
        "cv.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"
    )
    response = network_officer_client.post(add_url(), expert_data(cv=fake, photo=photo_jpeg()))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "HTML and SVG files are not accepted" in " ".join(errors["cv"])
    assert "HTML and SVG files are not accepted" in response.content.decode()
    assert not Expert.objects.exists()
    assert stored_files() == []


def test_an_executable_renamed_as_a_cv_is_refused(network_officer_client):
    fake = SimpleUploadedFile("cv.docx", b"MZ\x90\x00" + b"\x00" * 200, "application/msword")
    response = network_officer_client.post(add_url(), expert_data(cv=fake))
    assert response.status_code == 200
    assert "cv" in response.context["adminform"].form.errors
    assert not Expert.objects.exists()


def test_a_photo_that_is_not_an_image_is_refused(network_officer_client):
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a picture", "image/jpeg")
    response = network_officer_client.post(add_url(), expert_data(photo=fake))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["photo"] == ["The photo must be a JPEG, PNG or WebP image."]
    assert not Expert.objects.exists()
    assert stored_files() == []


def test_a_duplicate_email_in_any_case_is_refused_on_the_field(network_officer_client):
    ExpertFactory(email="Anush@Example.org")
    response = network_officer_client.post(add_url(), expert_data())
    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    assert Expert.objects.count() == 1


def test_a_refusal_of_the_service_comes_back_on_the_form_with_nothing_saved(
    network_officer_client, monkeypatch
):
    from experts import services
    from rtcm.core.errors import DomainError

    created = services.expert_create

    def refuse(**kwargs):
        created(**kwargs)  # written, then refused: the admin's transaction rolls it back
        raise DomainError("This organisation is not part of the network.", field="organisation")

    monkeypatch.setattr(services, "expert_create", refuse)
    response = network_officer_client.post(add_url(), expert_data())
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["organisation"] == ["This organisation is not part of the network."]
    assert form["given_name"].value() == "Ануш"  # the input is kept
    assert not Expert.objects.exists()


def change_data(page, **overrides) -> dict:
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: value for name, value in data.items() if value not in (None, False)}
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        prefix = inline.formset.prefix
        data[f"{prefix}-TOTAL_FORMS"] = management["TOTAL_FORMS"].value()
        data[f"{prefix}-INITIAL_FORMS"] = management["INITIAL_FORMS"].value()
    data.pop("cv", None)
    data.pop("photo", None)
    data.update(overrides)
    return data


def test_editing_keeps_status_and_consent_read_only(network_officer_client):
    expert = ExpertFactory(status=Status.APPLICANT, languages=["ru"])
    ExpertMessage.objects.create(
        expert=expert, kind="received", recipient=expert.email, language="ru"
    )
    url = reverse("admin:experts_expert_change", args=[expert.pk])
    page = network_officer_client.get(url)
    assert page.status_code == 200
    assert reverse("experts_staff:detail", kwargs={"pk": expert.pk}) in page.content.decode()
    data = change_data(page, organisation="OSCE", languages=["ru", "uz"], status="active")
    response = network_officer_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    expert.refresh_from_db()
    assert expert.organisation == "OSCE"
    assert expert.language_codes() == ["ru", "uz"]
    assert expert.status == Status.APPLICANT  # only through the actions and the review page


def test_a_new_cv_replaces_the_old_one_through_the_service(network_officer_client):
    expert = ExpertFactory()
    url = reverse("admin:experts_expert_change", args=[expert.pk])
    data = change_data(network_officer_client.get(url), cv=cv_pdf("New CV"))
    response = network_officer_client.post(url, data)
    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.cv_original_name == "cv.pdf"
    assert expert.cv_size > 0


# --- who may use it ---------------------------------------------------------------------


def test_coordinators_may_look_but_not_change(coordinator_client, other_staff_client):
    expert = ExpertFactory()
    assert coordinator_client.get(CHANGELIST).status_code == 200
    url = reverse("admin:experts_expert_change", args=[expert.pk])
    assert coordinator_client.get(url).status_code == 200
    assert coordinator_client.get(add_url()).status_code == 403
    response = coordinator_client.post(url, expert_data(email=expert.email))
    assert response.status_code == 403
    assert other_staff_client.get(CHANGELIST).status_code == 403
    assert other_staff_client.get(url).status_code == 403


def test_expert_messages_are_read_only(network_officer_client, coordinator_client):
    expert = ExpertFactory()
    message = ExpertMessage.objects.create(
        expert=expert, kind="approved", recipient=expert.email, language="en", note="Welcome"
    )
    listing = network_officer_client.get(reverse("admin:experts_expertmessage_changelist"))
    assert listing.status_code == 200
    assert expert.email in listing.content.decode()
    assert network_officer_client.get(reverse("admin:experts_expertmessage_add")).status_code == 403
    url = reverse("admin:experts_expertmessage_change", args=[message.pk])
    assert network_officer_client.get(url).status_code == 200
    network_officer_client.post(url, {"note": "Changed"})
    message.refresh_from_db()
    assert message.note == "Welcome"
    assert coordinator_client.get(url).status_code == 403


# --- actions -------------------------------------------------------------------------------


def test_the_approve_action_approves_through_the_service_and_mails(
    network_officer_client, network_officer, django_capture_on_commit_callbacks
):
    first = ExpertFactory(status=Status.APPLICANT, email="first@example.org")
    second = ExpertFactory(status=Status.APPLICANT, email="second@example.org")
    already = ExpertFactory(status=Status.ACTIVE, family_name="Already")
    with django_capture_on_commit_callbacks(execute=True):
        response = network_officer_client.post(
            CHANGELIST,
            {"action": "approve", "_selected_action": [first.pk, second.pk, already.pk]},
            follow=True,
        )
    page = response.content.decode()
    assert "2 applicants approved" in page
    assert "Гульнара Already is active: this cannot be done now." in page
    for expert in (first, second):
        expert.refresh_from_db()
        assert expert.status == Status.ACTIVE
        assert expert.status_changed_by == network_officer
    assert sorted(message.to[0] for message in mail.outbox) == [
        "first@example.org",
        "second@example.org",
    ]


def test_the_deactivate_action_reports_a_booked_expert(network_officer_client):
    booked = ExpertFactory(family_name="Booked")
    SessionFactory().trainers.add(booked)
    free = ExpertFactory(family_name="Free")
    response = network_officer_client.post(
        CHANGELIST, {"action": "deactivate", "_selected_action": [booked.pk, free.pk]}, follow=True
    )
    page = response.content.decode()
    assert "1 expert deactivated." in page
    assert "still booked to teach" in page
    booked.refresh_from_db()
    free.refresh_from_db()
    assert (booked.status, free.status) == (Status.ACTIVE, Status.INACTIVE)


def test_coordinators_are_offered_no_actions(coordinator_client):
    ExpertFactory()
    page = coordinator_client.get(CHANGELIST)
    assert page.status_code == 200
    assert 'name="action"' not in page.content.decode()


# --- trainers of sessions -------------------------------------------------------------------


def local(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def split(prefix: str, name: str, value: dt.datetime) -> dict:
    """A date-time as the admin's split widget posts it (``prefix`` of an inline form, or '')."""
    value = timezone.localtime(value)
    key = f"{prefix}-{name}" if prefix else name
    return {f"{key}_0": f"{value:%Y-%m-%d}", f"{key}_1": f"{value:%H:%M:%S}"}


def training_data(client, training, sessions: list[dict], initial: int = 0) -> dict:
    """The training's change form as it is, with ``sessions`` in its sessions inline."""
    url = reverse("admin:courses_training_change", args=[training.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"modules": [], "target_regions": [], "coordinators": [], "languages": '["en"]'})
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data["sessions-TOTAL_FORMS"] = str(len(sessions))
    data["sessions-INITIAL_FORMS"] = str(initial)
    for index, session in enumerate(sessions):
        prefix = f"sessions-{index}"
        data.update(
            {
                f"{prefix}-id": session.get("id", ""),
                f"{prefix}-training": training.pk,
                f"{prefix}-title_en": session["title"],  # a title per language (title_en …)
                f"{prefix}-room": "",
                f"{prefix}-module": "",
                f"{prefix}-trainers": [expert.pk for expert in session["trainers"]],
                **split(prefix, "starts_at", session["starts_at"]),
                **split(prefix, "ends_at", session["ends_at"]),
            }
        )
    return data


def test_one_expert_on_two_overlapping_sessions_of_the_inline_is_refused(admin_client):
    training = TrainingFactory()
    expert = ExpertFactory(given_name="Arman", family_name="Sarsenov")
    day = training.start_date
    data = training_data(
        admin_client,
        training,
        [
            {
                "title": "Opening",
                "starts_at": local(day, 9),
                "ends_at": local(day, 12),
                "trainers": [expert],
            },
            {
                "title": "Case studies",
                "starts_at": local(day, 11),
                "ends_at": local(day, 13),
                "trainers": [expert],
            },
        ],
    )
    response = admin_client.post(reverse("admin:courses_training_change", args=[training.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Arman Sarsenov also teaches “Opening” of this training at an overlapping time" in page
    assert not Session.objects.exists()


def test_trainers_free_at_both_times_are_saved_from_the_inline(admin_client):
    training = TrainingFactory()
    expert = ExpertFactory()
    day = training.start_date
    data = training_data(
        admin_client,
        training,
        [
            {
                "title": "Morning",
                "starts_at": local(day, 9),
                "ends_at": local(day, 12),
                "trainers": [expert],
            },
            {
                "title": "Afternoon",
                "starts_at": local(day, 13),
                "ends_at": local(day, 16),
                "trainers": [expert],
            },
        ],
    )
    response = admin_client.post(reverse("admin:courses_training_change", args=[training.pk]), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Session.objects.filter(trainers=expert).count() == 2


def test_swapping_the_times_of_two_sessions_with_the_same_trainer_is_allowed(admin_client):
    training = TrainingFactory()
    expert = ExpertFactory()
    day = training.start_date
    morning = SessionFactory(
        training=training, title="A", starts_at=local(day, 9), ends_at=local(day, 12)
    )
    afternoon = SessionFactory(
        training=training, title="B", starts_at=local(day, 13), ends_at=local(day, 16)
    )
    morning.trainers.add(expert)
    afternoon.trainers.add(expert)
    data = training_data(
        admin_client,
        training,
        [
            {
                "id": morning.pk,
                "title": "A",
                "starts_at": local(day, 13),
                "ends_at": local(day, 16),
                "trainers": [expert],
            },
            {
                "id": afternoon.pk,
                "title": "B",
                "starts_at": local(day, 9),
                "ends_at": local(day, 12),
                "trainers": [expert],
            },
        ],
        initial=2,
    )
    response = admin_client.post(reverse("admin:courses_training_change", args=[training.pk]), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    morning.refresh_from_db()
    assert timezone.localtime(morning.starts_at).hour == 13


def test_a_trainer_busy_in_another_training_is_refused_in_the_inline(admin_client):
    training = TrainingFactory()
    expert = ExpertFactory(given_name="Leyla", family_name="Aliyeva")
    day = training.start_date
    elsewhere = SessionFactory(
        training=TrainingFactory(title="Counter-trafficking"),
        title="Victim identification",
        starts_at=local(day, 10),
        ends_at=local(day, 11),
    )
    elsewhere.trainers.add(expert)
    data = training_data(
        admin_client,
        training,
        [
            {
                "title": "Opening",
                "starts_at": local(day, 9),
                "ends_at": local(day, 12),
                "trainers": [expert],
            }
        ],
    )
    response = admin_client.post(reverse("admin:courses_training_change", args=[training.pk]), data)
    assert response.status_code == 200
    assert "“Counter-trafficking — Victim identification”" in response.content.decode()
    assert not Session.objects.filter(training=training).exists()


def test_an_inactive_expert_cannot_be_made_trainer_in_the_session_admin(admin_client):
    session = SessionFactory()
    inactive = ExpertFactory(status=Status.INACTIVE, given_name="Paused", family_name="Expert")
    url = reverse("admin:courses_session_change", args=[session.pk])
    data = {
        "training": session.training.pk,
        "title": session.title,
        "room": "",
        "module": "",
        "trainers": [inactive.pk],
        **split("", "starts_at", session.starts_at),
        **split("", "ends_at", session.ends_at),
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "only active experts of the network can be trainers" in response.content.decode()
    assert not session.trainers.exists()


def test_the_trainer_autocomplete_offers_active_experts_only(admin_client):
    active = ExpertFactory(family_name="Activova")
    ExpertFactory(family_name="Applicantova", status=Status.APPLICANT)
    ExpertFactory(family_name="Inactivova", status=Status.INACTIVE)
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "courses", "model_name": "session", "field_name": "trainers", "term": "ova"},
    )
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(active.pk)]


def test_the_training_admin_links_to_suggested_experts(admin_client):
    training = TrainingFactory()
    page = admin_client.get(reverse("admin:courses_training_change", args=[training.pk]))
    assert (
        reverse("experts_staff:matching", kwargs={"slug": training.slug}) in page.content.decode()
    )


def test_the_admin_locks_the_trainers_rows_while_it_checks_them(admin_client):
    # As the booking service does: the lock holds until the admin's transaction
    # commits, so two people booking one expert at once cannot both pass.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks (it writes one transaction at a time)")
    training = TrainingFactory()
    expert = ExpertFactory()
    day = training.start_date
    data = training_data(
        admin_client,
        training,
        [
            {
                "title": "Morning",
                "starts_at": local(day, 9),
                "ends_at": local(day, 12),
                "trainers": [expert],
            }
        ],
    )
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.post(
            reverse("admin:courses_training_change", args=[training.pk]), data
        )
    assert response.status_code == 302
    locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    assert any('"experts_expert"' in sql and str(expert.pk) in sql for sql in locks)


def test_the_review_page_is_linked_only_for_those_who_may_open_it():
    # Managers read experts in the admin but the review page is the network's
    # (officers and coordinators): no link that leads to a 403.
    from rtcm.core.roles import COORDINATOR, MANAGER, NETWORK_OFFICER
    from tests.factories import ExpertFactory, staff_user

    expert = ExpertFactory()
    review = reverse("experts_staff:detail", kwargs={"pk": expert.pk})
    for role, linked in ((MANAGER, False), (NETWORK_OFFICER, True), (COORDINATOR, True)):
        client = Client()
        client.force_login(staff_user(role, roles=(role,)))
        pages = [
            client.get(reverse("admin:experts_expert_changelist")),
            client.get(reverse("admin:experts_expert_change", args=[expert.pk])),
        ]
        for page in pages:
            assert page.status_code == 200
            assert (review in page.content.decode()) is linked, role
        assert (client.get(review).status_code == 200) is linked, role
