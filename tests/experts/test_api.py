"""The expert network's API: the public directory, the staff records, vetting,
trainer bookings and matching."""

import datetime as dt
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from rest_framework.test import APIClient

from courses.models import Training
from experts import services
from experts.models import Expert, ExpertMessage
from rtcm.core.models import Region
from tests.factories import (
    ExpertFactory,
    ModuleFactory,
    SessionFactory,
    TopicFactory,
    TrainingFactory,
    coordinator_user,
    coordinators_run_every_training,
    cv_pdf,
    network_officer_user,
    photo_jpeg,
    staff_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _coordinators_run_every_training(db):
    """These tests are about what a coordinator does on their trainings; whose trainings
    those are (the per-training scope) is tests/access/'s."""
    with coordinators_run_every_training():
        yield


DIRECTORY = "/api/v1/experts/"
STAFF = "/api/v1/staff/experts/"
PUBLIC_FIELDS = {
    "slug",
    "given_name",
    "family_name",
    "full_name",
    "country",
    "region",
    "organisation",
    "position",
    "expertise",
    "languages",
    "bio",
    "photo",
    "url",
}


def api_for(user) -> APIClient:
    client = APIClient()
    if user.is_authenticated:
        client.force_authenticate(user)
    return client


@pytest.fixture
def anonymous():
    return api_for(AnonymousUser())


@pytest.fixture
def officer():
    return api_for(network_officer_user())


@pytest.fixture
def coordinator():
    return api_for(coordinator_user())


@pytest.fixture
def librarian():
    return api_for(staff_user("librarian", roles=("librarian",)))


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def media_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


# --- the public directory -------------------------------------------------------------


@pytest.fixture
def hidden_experts():
    """One expert of each kind that must never be public, all matching the search "хидден"."""
    bio = "Хидден эксперт по реадмиссии"
    return [
        ExpertFactory(slug="not-consenting", bio=bio, public_profile_consent_at=None),
        ExpertFactory(slug="applicant", bio=bio, status=Expert.Status.APPLICANT),
        ExpertFactory(slug="inactive", bio=bio, status=Expert.Status.INACTIVE),
        ExpertFactory(slug="declined", bio=bio, status=Expert.Status.DECLINED),
    ]


@pytest.mark.parametrize("who", ["anonymous", "officer", "coordinator"])
def test_directory_shows_only_public_profiles_whoever_asks(who, hidden_experts, request):
    client = request.getfixturevalue(who)
    ExpertFactory(slug="public", bio="Хидден эксперт по реадмиссии")
    assert slugs(client.get(DIRECTORY)) == ["public"]
    assert slugs(client.get(DIRECTORY, {"q": "хидден"})) == ["public"]
    assert client.get(f"{DIRECTORY}public/").status_code == 200
    for expert in hidden_experts:
        assert client.get(f"{DIRECTORY}{expert.slug}/").status_code == 404, expert.slug


def test_public_responses_never_carry_contact_details_nor_staff_data(anonymous):
    topic = TopicFactory(slug="readmission")
    expert = ExpertFactory(
        slug="aigerim",
        given_name="Айгерим",
        family_name="Нурланова",
        email="Aigerim.Private@example.org",
        phone="+7 701 555 12 34",
        staff_notes="Confidential: prefers not to travel",
        languages=["kk", "ru"],
        topics=[topic],
    )
    services.expert_update(expert=expert, data={}, cv=cv_pdf(), photo=photo_jpeg())
    listed = anonymous.get(DIRECTORY)
    detail = anonymous.get(f"{DIRECTORY}aigerim/")
    for response in (listed, detail):
        text = response.content.decode()
        for secret in (
            "Aigerim.Private",
            "aigerim.private",
            "701 555",
            "Confidential",
            "cv.pdf",
            "experts/cv/",
            "/cv/",
            "active",
        ):
            assert secret not in text, secret
    [row] = listed.json()["results"]
    assert set(row) == PUBLIC_FIELDS
    assert set(detail.json()) == PUBLIC_FIELDS | {"engagements"}
    assert row["full_name"] == "Айгерим Нурланова"
    assert row["country"] == "KZ"
    assert row["region"] == "central-asia"
    assert row["expertise"] == ["readmission"]
    assert row["languages"] == ["kk", "ru"]
    assert row["url"] == "http://testserver/experts/aigerim/"
    assert row["photo"] == "http://testserver/experts/aigerim/photo/"


def test_profile_without_photo_has_a_null_photo(anonymous):
    ExpertFactory(slug="no-photo")
    assert anonymous.get(f"{DIRECTORY}no-photo/").json()["photo"] is None


def test_withdrawn_consent_takes_the_profile_out_at_once(anonymous):
    expert = ExpertFactory(slug="leaving")
    assert slugs(anonymous.get(DIRECTORY)) == ["leaving"]
    services.expert_set_consent(expert=expert, consent=False)
    assert slugs(anonymous.get(DIRECTORY)) == []
    assert anonymous.get(f"{DIRECTORY}leaving/").status_code == 404


def test_directory_filters_by_topic_region_country_language_and_words(anonymous):
    readmission = TopicFactory(slug="readmission")
    borders = TopicFactory(slug="border-management")
    ExpertFactory(
        slug="kazakh",
        given_name="Гульнара",
        family_name="Абенова",
        country="KZ",
        languages=["kk", "ru"],
        topics=[readmission],
    )
    ExpertFactory(
        slug="georgian",
        given_name="Nino",
        family_name="Beridze",
        country="GE",
        organisation="Министерство юстиции",
        languages=["ka", "en"],
        topics=[borders],
    )
    ExpertFactory(
        slug="jordanian",
        given_name="Rami",
        family_name="Haddad",
        country="JO",
        languages=["ar", "en"],
        topics=[readmission, borders],
    )
    # by family name: Latin before Cyrillic
    assert slugs(anonymous.get(DIRECTORY, {"topic": "readmission"})) == ["jordanian", "kazakh"]
    assert slugs(anonymous.get(DIRECTORY, {"region": "eastern-partnership"})) == ["georgian"]
    assert slugs(anonymous.get(DIRECTORY, {"region": "middle-east"})) == ["jordanian"]
    assert slugs(anonymous.get(DIRECTORY, {"country": "KZ"})) == ["kazakh"]
    assert slugs(anonymous.get(DIRECTORY, {"language": "en"})) == ["georgian", "jordanian"]
    assert slugs(anonymous.get(DIRECTORY, {"q": "ГУЛЬНАРА"})) == ["kazakh"]
    assert slugs(anonymous.get(DIRECTORY, {"q": "гульнара абенова"})) == ["kazakh"]
    assert slugs(anonymous.get(DIRECTORY, {"q": "юстиции"})) == ["georgian"]
    assert slugs(anonymous.get(DIRECTORY, {"topic": "border-management", "language": "ar"})) == [
        "jordanian"
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("country", "XX"),
        ("language", "klingon"),
        ("topic", "no-such-topic"),
        ("topic", "not a slug"),
        ("region", "atlantis"),
        ("q", "x" * 201),
    ],
)
def test_bad_directory_parameters_are_a_400_naming_the_field(field, value, anonymous):
    response = anonymous.get(DIRECTORY, {field: value})
    assert response.status_code == 400
    assert field in response.json()


def test_profile_lists_public_engagements_with_sessions(anonymous):
    expert = ExpertFactory(slug="trainer")
    training = TrainingFactory(slug="readmission-course", title="Readmission in practice")
    session = SessionFactory(training=training, title="Case law")
    session.trainers.add(expert)
    draft = SessionFactory(training=TrainingFactory(status=Training.Status.DRAFT, title="Secret"))
    draft.trainers.add(expert)
    [engagement] = anonymous.get(f"{DIRECTORY}trainer/").json()["engagements"]
    assert engagement["slug"] == "readmission-course"
    assert engagement["title"] == "Readmission in practice"
    assert engagement["start_date"] == training.start_date.isoformat()
    assert engagement["end_date"] == training.end_date.isoformat()
    assert [s["title"] for s in engagement["sessions"]] == ["Case law"]
    assert dt.datetime.fromisoformat(engagement["sessions"][0]["starts_at"]) == session.starts_at


def test_directory_query_counts_are_constant(anonymous, django_assert_num_queries):
    topics = [TopicFactory(), TopicFactory()]

    def add(count):
        for _ in range(count):
            ExpertFactory(languages=["ru", "en"], topics=topics)

    add(3)
    # count, page, expertise, languages
    with django_assert_num_queries(4):
        assert len(slugs(anonymous.get(DIRECTORY))) == 3
    add(27)
    with django_assert_num_queries(4):
        assert len(slugs(anonymous.get(DIRECTORY))) == 20
    expert = Expert.objects.first()
    for _ in range(3):
        session = SessionFactory()
        session.trainers.add(expert)
    # the profile, expertise, languages, engagements
    with django_assert_num_queries(4):
        response = anonymous.get(f"{DIRECTORY}{expert.slug}/")
    assert len(response.json()["engagements"]) == 3


# --- staff records: access ------------------------------------------------------------


def test_staff_records_anonymous_is_refused(anonymous):
    expert = ExpertFactory()
    assert anonymous.get(STAFF).status_code in (401, 403)
    assert anonymous.get(f"{STAFF}{expert.pk}/").status_code in (401, 403)
    assert anonymous.post(STAFF, {"given_name": "X"}).status_code in (401, 403)
    assert anonymous.post(f"{STAFF}{expert.pk}/approve/").status_code in (401, 403)


def test_staff_records_librarian_is_refused(librarian):
    expert = ExpertFactory()
    assert librarian.get(STAFF).status_code == 403
    assert librarian.get(f"{STAFF}{expert.pk}/").status_code == 403
    assert librarian.delete(f"{STAFF}{expert.pk}/").status_code == 403
    assert Expert.objects.filter(pk=expert.pk).exists()


def test_coordinator_reads_staff_records_but_cannot_change_them(coordinator):
    expert = ExpertFactory(status=Expert.Status.APPLICANT, email="secret@example.org")
    assert coordinator.get(STAFF).status_code == 200
    detail = coordinator.get(f"{STAFF}{expert.pk}/")
    assert detail.status_code == 200
    assert detail.json()["email"] == "secret@example.org"
    body = {"given_name": "A", "family_name": "B", "email": "a@example.org", "country": "KZ"}
    assert coordinator.post(STAFF, body, format="json").status_code == 403
    assert coordinator.patch(f"{STAFF}{expert.pk}/", {"phone": "1"}, format="json").status_code == (
        403
    )
    assert coordinator.delete(f"{STAFF}{expert.pk}/").status_code == 403
    for verb in ("approve", "decline", "consent"):
        assert coordinator.post(f"{STAFF}{expert.pk}/{verb}/").status_code == 403
    expert.refresh_from_db()
    assert expert.status == Expert.Status.APPLICANT
    assert Expert.objects.count() == 1


def test_staff_list_shows_every_status_with_contact_details_and_filters(officer):
    ExpertFactory(slug="public", email="public@example.org", phone="+1 555")
    ExpertFactory(slug="applicant", status=Expert.Status.APPLICANT)
    ExpertFactory(slug="declined", status=Expert.Status.DECLINED)
    response = officer.get(STAFF)
    assert sorted(slugs(response)) == ["applicant", "declined", "public"]
    public = next(row for row in response.json()["results"] if row["slug"] == "public")
    assert public["email"] == "public@example.org"
    assert public["phone"] == "+1 555"
    assert public["status"] == "active"
    assert public["consents"] is True
    assert public["is_public"] is True
    assert public["allowed_actions"] == ["deactivate"]
    assert slugs(officer.get(STAFF, {"status": "applicant"})) == ["applicant"]
    assert officer.get(STAFF, {"status": "nonsense"}).status_code == 400
    assert "status" in officer.get(STAFF, {"status": "nonsense"}).json()


def test_staff_list_query_count_is_constant(officer, django_assert_num_queries):
    topic = TopicFactory()
    for _ in range(3):
        ExpertFactory(status=Expert.Status.APPLICANT, languages=["ru"], topics=[topic])
    # the roles (read once per request), count, page, expertise, languages
    with django_assert_num_queries(5):
        assert len(slugs(officer.get(STAFF))) == 3
    for _ in range(27):
        ExpertFactory(public_profile_consent_at=None, languages=["ar"], topics=[topic])
    with django_assert_num_queries(5):
        assert len(slugs(officer.get(STAFF))) == 20


# --- staff records: writes ------------------------------------------------------------


def test_network_officer_creates_an_expert_with_a_pdf_cv(officer, settings):
    TopicFactory(slug="readmission")
    TopicFactory(slug="labour-migration")
    response = officer.post(
        STAFF,
        {
            "given_name": "Ərəstun",
            "family_name": "Məmmədov",
            "email": "arastun@example.org",
            "phone": "+994 12 000 00 00",
            "country": "AZ",
            "organisation": "State Migration Service",
            "staff_notes": "Met at the Baku workshop",
            "expertise": ["readmission", "labour-migration"],
            "languages": ["az", "ru"],
            "public_profile_consent": "true",
            "cv": cv_pdf("Ərəstun Məmmədov, CV"),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    expert = Expert.objects.get()
    assert body["id"] == expert.pk
    assert body["status"] == "applicant"
    assert body["consents"] is True
    assert body["is_public"] is False
    assert body["url"] is None
    assert body["region"] == "eastern-partnership"
    assert sorted(body["expertise"]) == ["labour-migration", "readmission"]
    assert body["languages"] == ["az", "ru"]
    assert body["staff_notes"] == "Met at the Baku workshop"
    assert body["cv"] == f"http://testserver/staff/experts/{expert.pk}/cv/"
    assert body["cv_original_name"] == "cv.pdf"
    assert body["cv_size"] == expert.cv_size > 0
    assert expert.cv.name not in response.content.decode()
    assert expert.cv.storage.exists(expert.cv.name)
    assert not mail.outbox  # staff additions are not mailed


def test_refused_cv_is_a_400_naming_cv_and_nothing_is_stored(officer, settings):
    disguised = SimpleUploadedFile(
        "cv.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
    )
    response = officer.post(
        STAFF,
        {
            "given_name": "Nino",
            "family_name": "Beridze",
            "email": "nino@example.org",
            "country": "GE",
            "cv": disguised,
            "photo": photo_jpeg(),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert "cv" in response.json()
    assert not Expert.objects.exists()
    assert media_files(settings) == []


def test_refused_photo_is_a_400_naming_photo(officer, settings):
    response = officer.post(
        STAFF,
        {
            "given_name": "Nino",
            "family_name": "Beridze",
            "email": "nino@example.org",
            "country": "GE",
            "cv": cv_pdf(),
            "photo": SimpleUploadedFile("me.jpg", b"not an image", content_type="image/jpeg"),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert "photo" in response.json()
    assert not Expert.objects.exists()
    assert media_files(settings) == []


def test_duplicate_email_is_refused_naming_email(officer):
    ExpertFactory(email="Taken@Example.org")
    response = officer.post(
        STAFF,
        {"given_name": "A", "family_name": "B", "email": "taken@example.org", "country": "KZ"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_email"
    assert "email" in response.json()
    assert Expert.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"country": "XX"}, "country"),
        ({"given_name": ""}, "given_name"),
        ({"expertise": ["no-such-topic"]}, "expertise"),
        ({"languages": ["klingon"]}, "languages"),
        ({"correspondence_language": "tlh"}, "correspondence_language"),
    ],
)
def test_invalid_create_is_a_400_naming_the_field(change, field, officer):
    body = {"given_name": "A", "family_name": "B", "email": "a@example.org", "country": "KZ"}
    response = officer.post(STAFF, {**body, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Expert.objects.exists()


def test_network_officer_updates_clears_the_cv_and_deletes(
    officer, django_capture_on_commit_callbacks
):
    TopicFactory(slug="readmission")
    expert = ExpertFactory(email="old@example.org", languages=["ru"])
    services.expert_update(expert=expert, data={}, cv=cv_pdf())
    stored = expert.cv.name
    response = officer.patch(
        f"{STAFF}{expert.pk}/",
        {"position": "Senior adviser", "languages": ["en", "ru"], "expertise": ["readmission"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["position"] == "Senior adviser"
    assert response.json()["languages"] == ["en", "ru"]
    assert response.json()["expertise"] == ["readmission"]
    assert response.json()["email"] == "old@example.org"  # untouched by a partial update
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.patch(f"{STAFF}{expert.pk}/", {"clear_cv": True}, format="json")
    assert response.json()["cv"] is None
    assert response.json()["cv_original_name"] == ""
    assert not expert.cv.storage.exists(stored)
    ExpertFactory(email="taken@example.org")
    clash = officer.patch(f"{STAFF}{expert.pk}/", {"email": "TAKEN@example.org"}, format="json")
    assert clash.status_code == 409
    assert "email" in clash.json()
    expert.refresh_from_db()
    assert expert.email == "old@example.org"
    assert officer.delete(f"{STAFF}{expert.pk}/").status_code == 204
    assert not Expert.objects.filter(pk=expert.pk).exists()


def test_put_replaces_the_profile_fields(officer):
    expert = ExpertFactory(organisation="Old org")
    response = officer.put(
        f"{STAFF}{expert.pk}/",
        {
            "given_name": "Rami",
            "family_name": "Haddad",
            "email": "rami@example.org",
            "country": "JO",
            "organisation": "New org",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["full_name"] == "Rami Haddad"
    assert response.json()["organisation"] == "New org"
    assert response.json()["region"] == "middle-east"
    assert response.json()["slug"] == expert.slug  # bookmarks keep working


# --- vetting --------------------------------------------------------------------------


def test_approve_and_decline_mail_the_expert(officer, django_capture_on_commit_callbacks):
    applicant = ExpertFactory(status=Expert.Status.APPLICANT, email="a@example.org")
    other = ExpertFactory(status=Expert.Status.APPLICANT, email="b@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(
            f"{STAFF}{applicant.pk}/approve/", {"note": "Welcome aboard!"}, format="json"
        )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "active"
    assert response.json()["status_changed_at"]
    assert response.json()["is_public"] is True
    [welcome] = mail.outbox
    assert welcome.to == ["a@example.org"]
    assert "Welcome aboard!" in welcome.body
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(
            f"{STAFF}{other.pk}/decline/", {"note": "Outside our topics."}, format="json"
        )
    assert response.json()["status"] == "declined"
    assert mail.outbox[-1].to == ["b@example.org"]
    assert "Outside our topics." in mail.outbox[-1].body
    assert ExpertMessage.objects.filter(status=ExpertMessage.Status.SENT).count() == 2


def test_decline_without_a_note_is_a_400_naming_note(officer, django_capture_on_commit_callbacks):
    applicant = ExpertFactory(status=Expert.Status.APPLICANT)
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(f"{STAFF}{applicant.pk}/decline/", {"note": "  "}, format="json")
    assert response.status_code == 400
    assert "note" in response.json()
    applicant.refresh_from_db()
    assert applicant.status == Expert.Status.APPLICANT
    assert not mail.outbox


def test_invalid_transition_is_a_409(officer, django_capture_on_commit_callbacks):
    active = ExpertFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(f"{STAFF}{active.pk}/approve/", format="json")
        reactivate = officer.post(f"{STAFF}{active.pk}/reactivate/", format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert reactivate.status_code == 409
    assert not mail.outbox


def test_deactivate_and_reactivate(officer, django_capture_on_commit_callbacks):
    expert = ExpertFactory(email="e@example.org")
    booked = SessionFactory()
    booked.trainers.add(expert)
    refused = officer.post(f"{STAFF}{expert.pk}/deactivate/", format="json")
    assert refused.status_code == 409
    assert booked.title in refused.json()["detail"]
    booked.trainers.remove(expert)
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(
            f"{STAFF}{expert.pk}/deactivate/", {"note": "On leave"}, format="json"
        )
    assert response.json()["status"] == "inactive"
    assert response.json()["allowed_actions"] == ["reactivate"]
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(f"{STAFF}{expert.pk}/reactivate/", format="json")
    assert response.json()["status"] == "active"
    assert [message.to for message in mail.outbox] == [["e@example.org"], ["e@example.org"]]


def test_consent_action_records_the_experts_request(officer, anonymous):
    expert = ExpertFactory(slug="consenting")
    response = officer.post(f"{STAFF}{expert.pk}/consent/", {"consent": False}, format="json")
    assert response.status_code == 200
    assert response.json()["consents"] is False
    assert response.json()["public_profile_consent_at"] is None
    assert response.json()["public_profile_consent_withdrawn_at"]
    assert slugs(anonymous.get(DIRECTORY)) == []
    response = officer.post(f"{STAFF}{expert.pk}/consent/", {"consent": True}, format="json")
    assert response.json()["consents"] is True
    assert slugs(anonymous.get(DIRECTORY)) == ["consenting"]
    missing = officer.post(f"{STAFF}{expert.pk}/consent/", {}, format="json")
    assert missing.status_code == 400
    assert "consent" in missing.json()


# --- trainers of sessions -------------------------------------------------------------


def trainers_url(session) -> str:
    return f"/api/v1/sessions/{session.pk}/trainers/"


def test_coordinator_books_trainers_by_id_or_slug_and_removes_them(coordinator):
    session = SessionFactory()
    first = ExpertFactory(slug="first", given_name="Anna", family_name="Avetisyan")
    second = ExpertFactory(slug="second", given_name="Boris", family_name="Bondarenko")
    response = coordinator.post(trainers_url(session), {"expert": first.pk}, format="json")
    assert response.status_code == 201, response.content
    assert response.json() == [
        {"id": first.pk, "slug": "first", "full_name": "Anna Avetisyan", "status": "active"}
    ]
    response = coordinator.post(trainers_url(session), {"expert": "second"}, format="json")
    assert [row["slug"] for row in response.json()] == ["first", "second"]
    assert [row["slug"] for row in coordinator.get(trainers_url(session)).json()] == [
        "first",
        "second",
    ]
    assert set(session.trainers.all()) == {first, second}
    response = coordinator.delete(f"{trainers_url(session)}{first.pk}/")
    assert response.status_code == 204
    assert list(session.trainers.all()) == [second]
    assert coordinator.delete(f"{trainers_url(session)}999999/").status_code == 404
    assert coordinator.get("/api/v1/sessions/999999/trainers/").status_code == 404


def test_overlapping_booking_is_a_409_naming_the_other_session(coordinator):
    expert = ExpertFactory()
    busy = SessionFactory(
        training=TrainingFactory(title="Border management in Almaty"), title="Risk analysis"
    )
    busy.trainers.add(expert)
    same_time = SessionFactory(
        training=TrainingFactory(start_date=busy.training.start_date), title="Another session"
    )
    response = coordinator.post(trainers_url(same_time), {"expert": expert.pk}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "trainer_not_available"
    assert "Border management in Almaty" in body["detail"]
    assert "Risk analysis" in body["detail"]
    assert body["expert"] == [body["detail"]]
    assert not same_time.trainers.exists()


def test_inactive_expert_cannot_be_booked(coordinator):
    session = SessionFactory()
    expert = ExpertFactory(status=Expert.Status.INACTIVE)
    response = coordinator.post(trainers_url(session), {"expert": expert.slug}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "trainer_not_available"
    assert not session.trainers.exists()


@pytest.mark.parametrize("value", ["no-such-expert", 999999, ""])
def test_unknown_expert_is_a_400_naming_expert(value, coordinator):
    session = SessionFactory()
    response = coordinator.post(trainers_url(session), {"expert": value}, format="json")
    assert response.status_code == 400
    assert "expert" in response.json()


@pytest.mark.parametrize("who", ["anonymous", "librarian", "officer"])
def test_only_coordinators_book_trainers(who, request):
    client = request.getfixturevalue(who)
    session = SessionFactory()
    expert = ExpertFactory()
    expected = (401, 403) if who == "anonymous" else (403,)
    assert client.get(trainers_url(session)).status_code in expected
    assert (
        client.post(trainers_url(session), {"expert": expert.pk}, format="json").status_code
        in expected
    )
    session.trainers.add(expert)
    assert client.delete(f"{trainers_url(session)}{expert.pk}/").status_code in expected
    assert session.trainers.exists()


# --- matching -------------------------------------------------------------------------


def suggestions_url(training) -> str:
    return f"/api/v1/trainings/{training.slug}/expert-suggestions/"


@pytest.fixture
def matching_training():
    readmission = TopicFactory(slug="readmission", name="Readmission")
    returns = TopicFactory(slug="return", name="Return")
    training = TrainingFactory(slug="matching", languages=["ru"])
    training.modules.add(ModuleFactory(topic=readmission), ModuleFactory(topic=returns))
    training.target_regions.add(Region.objects.get(code="central-asia"))
    session = SessionFactory(training=training, title="Opening")
    return training, session, readmission, returns


def test_suggestions_rank_experts_with_reasons(coordinator, matching_training):
    training, session, readmission, returns = matching_training
    best = ExpertFactory(slug="best", country="KZ", languages=["ru"], topics=[readmission, returns])
    busy = ExpertFactory(slug="busy", country="KZ", languages=["ru"], topics=[readmission, returns])
    elsewhere = SessionFactory(
        training=TrainingFactory(start_date=training.start_date), title="Elsewhere"
    )
    elsewhere.trainers.add(busy)
    ExpertFactory(slug="language-only", country="GE", languages=["ru"])
    ExpertFactory(slug="no-match", languages=["fr"])
    ExpertFactory(slug="inactive", status=Expert.Status.INACTIVE, languages=["ru"])
    response = coordinator.get(suggestions_url(training))
    assert response.status_code == 200
    rows = response.json()
    assert [row["expert"]["slug"] for row in rows] == ["best", "busy", "language-only"]
    assert [row["rank"] for row in rows] == [1, 2, 3]
    top = rows[0]
    assert top["expert"] == {
        "id": best.pk,
        "slug": "best",
        "full_name": best.full_name,
        "country": "KZ",
        "region": "central-asia",
    }
    assert float(top["score"]) > float(rows[1]["score"]) > float(rows[2]["score"])
    assert top["topics_covered"] == ["readmission", "return"]
    assert top["topics_missing"] == []
    assert top["languages_matched"] == ["ru"]
    assert top["region_matched"] is True
    assert top["free"] is True
    assert top["clashes"] == []
    assert top["trainings_taught"] == 0
    assert top["rating_average"] is None
    assert top["rating_count"] == 0
    assert any("Readmission" in reason for reason in top["reasons"])
    assert rows[1]["free"] is False
    assert [clash["id"] for clash in rows[1]["clashes"]] == [session.pk]
    assert rows[1]["clashes"][0]["title"] == "Opening"
    assert any("Busy" in reason for reason in rows[1]["reasons"])
    assert rows[2]["topics_missing"] == ["readmission", "return"]
    assert rows[2]["region_matched"] is False
    limited = coordinator.get(suggestions_url(training), {"limit": 1}).json()
    assert [row["expert"]["slug"] for row in limited] == ["best"]


@pytest.mark.parametrize("limit", [0, 101, "many"])
def test_bad_suggestion_limit_is_a_400(limit, coordinator, matching_training):
    response = coordinator.get(suggestions_url(matching_training[0]), {"limit": limit})
    assert response.status_code == 400
    assert "limit" in response.json()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", (401, 403)),
        ("librarian", (403,)),
        ("officer", (200,)),
        ("coordinator", (200,)),
    ],
)
def test_suggestions_are_for_coordinators_and_network_officers(
    who, expected, request, matching_training
):
    client = request.getfixturevalue(who)
    assert client.get(suggestions_url(matching_training[0])).status_code in expected


def test_unknown_training_has_no_suggestions(coordinator):
    assert coordinator.get("/api/v1/trainings/nowhere/expert-suggestions/").status_code == 404


def test_suggestions_query_count_is_constant(
    coordinator, matching_training, django_assert_num_queries
):
    training, _session, readmission, _returns = matching_training

    def add(count):
        for _ in range(count):
            ExpertFactory(languages=["ru"], topics=[readmission])

    add(3)
    # role, training, then the selector's 12: topics, regions, sessions, candidates, their
    # topics, languages, trainings taught, ratings, clashes, the experts shown (+ 2 prefetches)
    with django_assert_num_queries(14):
        assert len(coordinator.get(suggestions_url(training)).json()) == 3
    add(17)
    with django_assert_num_queries(14):
        assert len(coordinator.get(suggestions_url(training)).json()) == 20


# --- the schema -----------------------------------------------------------------------


def test_openapi_schema_has_the_expert_endpoints_and_no_warnings(tmp_path):
    from drf_spectacular.drainage import GENERATOR_STATS

    GENERATOR_STATS.reset()  # count this generation's warnings only
    path = tmp_path / "schema.json"
    call_command("spectacular", "--fail-on-warn", "--format", "openapi-json", "--file", str(path))
    schema = json.loads(path.read_text())
    for endpoint in (
        "/api/v1/experts/",
        "/api/v1/experts/{slug}/",
        "/api/v1/staff/experts/",
        "/api/v1/staff/experts/{id}/",
        "/api/v1/staff/experts/{id}/approve/",
        "/api/v1/staff/experts/{id}/consent/",
        "/api/v1/sessions/{id}/trainers/",
        "/api/v1/sessions/{id}/trainers/{expert_id}/",
        "/api/v1/trainings/{slug}/expert-suggestions/",
    ):
        assert endpoint in schema["paths"], endpoint
    public = schema["components"]["schemas"]["Expert"]["properties"]
    assert not {"email", "phone", "cv", "staff_notes", "status"} & set(public)


def test_schema_keeps_one_country_enum_whatever_the_language(anonymous):
    # Choices frozen in the language of the first schema served would make a second enum.
    for language in ("ru", "en"):
        response = anonymous.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE=language)
        components = response.json()["components"]["schemas"]
        assert [name for name in components if "Country" in name] == ["CountryEnum"], language
        country = components["StaffExpertWrite"]["properties"]["country"]
        assert country == {"$ref": "#/components/schemas/CountryEnum"}
