"""The API: public reads and submission; coordinators' list and actions."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from rest_framework.test import APIClient

from participants.models import Registration
from rtcm.core.roles import COORDINATOR
from tests.factories import (
    ModuleFactory,
    RegistrationFactory,
    SessionFactory,
    TrainingFactory,
    coordinators_run_every_training,
    manage_links_in,
    person_data,
)

pytestmark = pytest.mark.django_db


def last_week():
    """A training that started last week: attendance is marked once a session has started."""
    return timezone.localdate() - dt.timedelta(days=7)


@pytest.fixture(autouse=True)
def _coordinators_run_every_training(db):
    """These tests are about what a coordinator does on their trainings; whose trainings
    those are (the per-training scope) is tests/access/'s."""
    with coordinators_run_every_training():
        yield


@pytest.fixture
def anonymous():
    return APIClient()


@pytest.fixture
def coordinator():
    user = User.objects.create_user("coord", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=COORDINATOR))
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def other_staff():
    """Staff, but not a coordinator (say, a librarian)."""
    client = APIClient()
    client.force_authenticate(User.objects.create_user("lib", password="x", is_staff=True))
    return client


def submit_payload(**overrides):
    data = person_data(**overrides)
    data["consent"] = True
    return data


def test_anyone_lists_public_trainings_with_seats_left(anonymous):
    training = TrainingFactory(capacity=5)
    TrainingFactory(status="draft")
    RegistrationFactory(training=training)
    response = anonymous.get("/api/v1/trainings/")
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["slug"] == training.slug
    assert item["seats_left"] == 4
    assert item["registration_open"] is True


def test_training_list_query_count_is_constant(anonymous, django_assert_num_queries):
    def add():
        training = TrainingFactory()
        training.modules.add(ModuleFactory())
        RegistrationFactory(training=training)

    add()
    with django_assert_num_queries(4):  # count, page, regions, modules+topic
        anonymous.get("/api/v1/trainings/")
    for _ in range(8):
        add()
    with django_assert_num_queries(4):
        anonymous.get("/api/v1/trainings/")


def test_training_detail_has_the_agenda(anonymous):
    session = SessionFactory(title="Labour migration schemes")
    response = anonymous.get(f"/api/v1/trainings/{session.training.slug}/")
    assert response.json()["sessions"][0]["title"] == "Labour migration schemes"


def test_api_submission_registers_and_returns_the_manage_link(anonymous):
    training = TrainingFactory()
    response = anonymous.post(
        f"/api/v1/trainings/{training.slug}/register/", submit_payload(), format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    registration = Registration.objects.get()
    assert body["status"] == "confirmed"
    assert manage_links_in(body["manage_url"]) == [registration]
    assert registration.source == "api"


def test_api_submission_names_the_bad_fields(anonymous):
    training = TrainingFactory()
    response = anonymous.post(
        f"/api/v1/trainings/{training.slug}/register/",
        submit_payload(email="nope", nationality="XX", consent=False),
        format="json",
    )
    assert response.status_code == 400
    assert {"email", "nationality"} <= set(response.json())
    assert Registration.objects.count() == 0


def test_api_duplicate_submission_says_check_your_inbox(anonymous):
    # Not a 409 "already registered": that would tell anyone who is registered
    # where (tests/participants/test_privacy.py).
    training = TrainingFactory()
    url = f"/api/v1/trainings/{training.slug}/register/"
    anonymous.post(url, submit_payload(email="a@example.org"), format="json")
    response = anonymous.post(url, submit_payload(email="A@EXAMPLE.ORG"), format="json")
    assert response.status_code == 202
    assert set(response.json()) == {"training", "detail"}
    assert Registration.objects.count() == 1


def test_api_submission_to_a_closed_training_is_409(anonymous):
    training = TrainingFactory(status="closed")
    response = anonymous.post(
        f"/api/v1/trainings/{training.slug}/register/", submit_payload(), format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "registration_closed"


def test_registrations_are_for_coordinators_only(anonymous, other_staff, coordinator):
    RegistrationFactory()
    assert anonymous.get("/api/v1/registrations/").status_code in (401, 403)
    assert other_staff.get("/api/v1/registrations/").status_code == 403
    assert coordinator.get("/api/v1/registrations/").status_code == 200


def test_registration_list_query_count_is_constant(coordinator, django_assert_num_queries):
    RegistrationFactory()
    # session user is forced: groups check, count, page
    with django_assert_num_queries(3):
        coordinator.get("/api/v1/registrations/")
    for _ in range(10):
        RegistrationFactory()
    with django_assert_num_queries(3):
        coordinator.get("/api/v1/registrations/")


def test_coordinator_approves_and_rejects_through_actions(coordinator):
    training = TrainingFactory(requires_approval=True, capacity=1)
    first = RegistrationFactory(training=training, status="pending")
    second = RegistrationFactory(training=training, status="pending")
    response = coordinator.post(f"/api/v1/registrations/{first.pk}/approve/")
    assert response.json()["status"] == "confirmed"
    response = coordinator.post(
        f"/api/v1/registrations/{second.pk}/reject/", {"reason": "Quota for your country is full."}
    )
    assert response.json()["status"] == "rejected"
    assert response.json()["decision_reason"] == "Quota for your country is full."
    again = coordinator.post(f"/api/v1/registrations/{first.pk}/approve/")
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"


@pytest.mark.parametrize("action", ["approve", "reject", "cancel"])
def test_an_action_on_a_malformed_registration_id_is_404(coordinator, action):
    """Found by schemathesis: ``null,null`` for the id was a 500 (ValueError in the lookup)."""
    RegistrationFactory(status="pending")
    response = coordinator.post(f"/api/v1/registrations/null,null/{action}/", {"reason": ""})
    assert response.status_code == 404


def test_openapi_schema_and_docs_are_served(anonymous):
    schema = anonymous.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/trainings/{slug}/register/" in schema.content
    docs = anonymous.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()


def test_training_filters_language_dates_and_search(anonymous):
    import datetime as dt

    from django.utils import timezone

    start = timezone.localdate() + dt.timedelta(days=60)
    TrainingFactory(title="Арабский курс", languages=["ar", "en"])
    TrainingFactory(title="Counter-trafficking", languages=["ru"], start_date=start, end_date=start)

    def slugs(**params):
        return [t["title"] for t in anonymous.get("/api/v1/trainings/", params).json()["results"]]

    assert slugs(language="ar") == ["Арабский курс"]
    assert slugs(language="ru") == ["Counter-trafficking"]
    assert slugs(search="trafficking") == ["Counter-trafficking"]
    assert slugs(starts_after=start.isoformat()) == ["Counter-trafficking"]
    assert anonymous.get("/api/v1/trainings/", {"status": "draft"}).status_code == 400


def test_sessions_and_curriculum_are_public_with_constant_queries(
    anonymous, django_assert_num_queries
):
    from courses.models import Curriculum
    from tests.factories import CurriculumFactory, ExpertFactory

    curriculum = CurriculumFactory(status=Curriculum.Status.APPROVED, approved_on="2026-01-15")
    ModuleFactory(curriculum=curriculum, title="Readmission")
    SessionFactory(training__status="draft")  # not public

    def add():
        SessionFactory().trainers.add(ExpertFactory())

    add()
    with django_assert_num_queries(3):  # count, page, trainers
        response = anonymous.get("/api/v1/sessions/")
    assert response.json()["count"] == 1
    for _ in range(6):
        add()
    with django_assert_num_queries(3):
        anonymous.get("/api/v1/sessions/")
    with django_assert_num_queries(2):  # curricula, modules + topic
        curricula = anonymous.get("/api/v1/curricula/").json()
    assert curricula[0]["modules"][0]["title"] == "Readmission"


def test_api_submission_with_answers_and_their_errors(anonymous):
    from courses.models import Question

    training = TrainingFactory()
    visa = Question.objects.create(
        training=training, label="Visa support?", kind="yes_no", required=True
    )
    diet = Question.objects.create(
        training=training, label="Diet", kind="multiple_choice", choices="Halal\nVegetarian"
    )
    url = f"/api/v1/trainings/{training.slug}/register/"
    bad = anonymous.post(url, submit_payload(answers={str(diet.pk): ["Pizza"]}), format="json")
    assert bad.status_code == 400
    assert {f"answers.{visa.pk}", f"answers.{diet.pk}"} <= set(bad.json())
    assert Registration.objects.count() == 0
    good = anonymous.post(
        url, submit_payload(answers={str(visa.pk): True, str(diet.pk): ["Halal"]}), format="json"
    )
    assert good.status_code == 201, good.json()
    values = dict(Registration.objects.get().answers.values_list("question_id", "value"))
    assert values == {visa.pk: True, diet.pk: ["Halal"]}


def test_attendance_through_the_api_for_coordinators_only(anonymous, other_staff, coordinator):
    session = SessionFactory(training=TrainingFactory(start_date=last_week()))
    confirmed = RegistrationFactory(training=session.training)
    waiting = RegistrationFactory(training=session.training, status="waitlisted")
    url = f"/api/v1/sessions/{session.pk}/attendance/"
    assert anonymous.post(url, {"registration": confirmed.pk, "present": True}).status_code in (
        401,
        403,
    )
    assert other_staff.post(url, {"registration": confirmed.pk, "present": True}).status_code == 403

    response = coordinator.post(url, {"registration": confirmed.pk, "present": True}, format="json")
    assert response.status_code == 200
    assert response.json() == [
        {"id": confirmed.pk, "participant": confirmed.participant.full_name, "present": True}
    ]
    refused = coordinator.post(url, {"registration": waiting.pk, "present": True}, format="json")
    assert refused.status_code == 409
    assert "Only confirmed participants" in refused.json()["detail"]


def test_attendance_body_that_is_not_one_mark_is_a_400(coordinator):
    """Found by schemathesis: a JSON list for the body was a 500 (``list.get``)."""
    session = SessionFactory()
    RegistrationFactory(training=session.training)
    url = f"/api/v1/sessions/{session.pk}/attendance/"
    for body in ([None, None], "present", {"present": True}, {"all_present": False}):
        response = coordinator.post(url, body, format="json")
        assert response.status_code == 400, body


def test_attendance_all_present_through_the_api(coordinator):
    session = SessionFactory(training=TrainingFactory(start_date=last_week()))
    first = RegistrationFactory(training=session.training)
    second = RegistrationFactory(training=session.training)
    url = f"/api/v1/sessions/{session.pk}/attendance/"
    response = coordinator.post(url, {"all_present": True}, format="json")
    assert response.status_code == 200
    assert {(row["id"], row["present"]) for row in response.json()} == {
        (first.pk, True),
        (second.pk, True),
    }


def test_staff_actions_through_the_api_are_in_the_audit_trail(coordinator):
    from participants.models import RegistrationEvent

    registration = RegistrationFactory(
        training=TrainingFactory(requires_approval=True), status="pending"
    )
    coordinator.post(f"/api/v1/registrations/{registration.pk}/approve/")
    event = RegistrationEvent.objects.get(registration=registration)
    assert event.actor.username == "coord"
