"""Creating and editing a training with its parts on the staff pages, as a coordinator who
is not a superuser: what is written, each refusal beside its field with nothing written,
who may open the pages, and a bounded number of queries."""

import datetime as dt
import io
import re

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.models import Question, Session, Signatory, Training, TrainingQuota
from participants.models import Registration
from rtcm.core.roles import COORDINATOR, LIBRARIAN, MANAGER, NETWORK_OFFICER
from tests.factories import (
    ExpertFactory,
    ModuleFactory,
    QuestionFactory,
    RegistrationFactory,
    SessionFactory,
    TrainingFactory,
    TrainingQuotaFactory,
    staff_user,
)

pytestmark = pytest.mark.django_db

CREATE = "/staff/trainings/new/"
PARTS = ("sessions", "quotas", "questions", "signatories")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner():
    return staff_user("owner", roles=(COORDINATOR,))


def day(offset: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=offset)


def moment(date: dt.date, hour: int) -> str:
    return f"{date:%Y-%m-%d}T{hour:02d}:00"


def png(name: str = "signature.png", size=(300, 100)) -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGBA", size, (0, 0, 0, 0)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def training_data(**overrides) -> dict:
    """The main form of a valid in-person training in a month, no parts.

    The title and description are a field per language (``title_en`` …): ``title=``
    and ``description=`` give the English ones.
    """
    data = {
        "title_en": "Training on return counselling",
        "description_en": "Three days.",
        "time_zone": "Asia/Bishkek",
        "certificate_language": "bilingual",
        "start_date": f"{day(30):%Y-%m-%d}",
        "end_date": f"{day(32):%Y-%m-%d}",
        "format": "in_person",
        "venue_city": "Bishkek",
        "venue_country": "KG",
        "online_url": "",
        "languages": ["en", "ru"],
        "capacity": "20",
        "waitlist_enabled": "on",
        "registration_opens_at": "",
        "registration_closes_at": "",
        "quota_release_at": "",
        "min_attendance_percent": "80",
        "min_hours": "0",
        "certificate_template": "",
    }
    for prefix in PARTS:
        data.update(management(prefix, total=0, initial=0))
    for name in ("title", "description"):
        if name in overrides:
            overrides[f"{name}_en"] = overrides.pop(name)
    data.update(overrides)
    return data


def management(prefix: str, *, total: int, initial: int) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def rows(prefix: str, items: list[dict], *, initial: int = 0) -> dict:
    data = management(prefix, total=len(items), initial=initial)
    for index, item in enumerate(items):
        data.update({f"{prefix}-{index}-{key}": value for key, value in item.items()})
    return data


def snapshot() -> tuple:
    """Everything the page may write, to show a refusal changed nothing."""
    return (
        list(Training.objects.order_by("pk").values()),
        list(Session.objects.order_by("pk").values()),
        list(TrainingQuota.objects.order_by("pk").values()),
        list(Question.objects.order_by("pk").values()),
        list(Signatory.objects.order_by("pk").values()),
        sorted(Training.coordinators.through.objects.values_list("training_id", "user_id")),
        sorted(Training.modules.through.objects.values_list("training_id", "module_id")),
        sorted(Session.trainers.through.objects.values_list("session_id", "expert_id")),
    )


def error_beside(html: str, field_id: str) -> str:
    """The text of the errors shown under the field ``field_id``."""
    match = re.search(rf'id="{field_id}-errors">(.*?)</div>', html, re.S)
    assert match, f"no error beside {field_id}"
    return match.group(1)


# --- creating -----------------------------------------------------------------------


def test_coordinator_creates_a_training_with_its_parts(owner):
    module = ModuleFactory()
    trainer = ExpertFactory()
    data = training_data(
        modules=[str(module.pk)],
        target_regions=["central-asia"],
        waitlist_after_start="on",
        requires_approval="on",
        **rows(
            "sessions",
            [
                {
                    "title": "Opening",
                    "starts_at": moment(day(30), 9),
                    "ends_at": moment(day(30), 12),
                    "module": str(module.pk),
                    "trainers": [str(trainer.pk)],
                },
                {"title": "", "starts_at": "", "ends_at": ""},  # an empty extra row
            ],
        ),
        **rows("quotas", [{"region": "central-asia", "seats": "5"}]),
        **rows("questions", [{"position": "1", "label": "Your role?", "kind": "short_text"}]),
        **rows("signatories", [{"position": "1", "name": "Aida", "title": "Director"}]),
    )
    data["signatories-0-signature"] = png()

    response = client_for(owner).post(CREATE, data)

    training = Training.objects.get(title="Training on return counselling")
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:training_detail", kwargs={"slug": training.slug})
    assert training.slug == "training-on-return-counselling"
    assert training.status == Training.Status.DRAFT
    assert training.waitlist_after_start
    assert training.requires_approval
    assert training.languages == ["en", "ru"]
    assert list(training.coordinators.all()) == [owner]  # they run what they create
    assert list(training.modules.all()) == [module]
    assert list(training.target_regions.values_list("pk", flat=True)) == ["central-asia"]
    session = training.sessions.get()
    assert (session.title, session.module, list(session.trainers.all())) == (
        "Opening",
        module,
        [trainer],
    )
    assert list(training.quotas.values_list("region_id", "seats")) == [("central-asia", 5)]
    assert list(training.questions.values_list("label", flat=True)) == ["Your role?"]
    signatory = training.signatories.get()
    assert signatory.signature.name.endswith(".png")
    with signatory.signature.open("rb") as image:
        assert image.read(8) == b"\x89PNG\r\n\x1a\n"


def test_a_training_is_never_given_the_reserved_slug_new(owner):
    response = client_for(owner).post(CREATE, training_data(title="New"))

    assert response.status_code == 302
    assert Training.objects.get(title="New").slug == "new-2"
    assert reverse("staff:training_create") == CREATE


def test_the_reserved_slug_is_refused_by_the_model_too():
    training = TrainingFactory.build(slug="new")
    with pytest.raises(Exception, match="reserved"):
        training.full_clean()


def test_create_page_offers_empty_rows_and_no_script(owner):
    response = client_for(owner).get(CREATE)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="sessions-TOTAL_FORMS" value="2"' in html
    assert 'name="signatories-1-signature"' in html
    assert "<script" not in html.split("<main", 1)[-1].split("</main>", 1)[0]
    assert 'enctype="multipart/form-data"' in html


# --- editing ------------------------------------------------------------------------


def test_coordinator_edits_a_published_training_with_registrations(owner):
    training = TrainingFactory(capacity=3, status=Training.Status.OPEN)
    training.coordinators.add(owner)
    session = SessionFactory(training=training, title="Day one")
    quota = TrainingQuotaFactory(training=training, seats=2)
    question = QuestionFactory(training=training, label="Old question")
    RegistrationFactory.create_batch(3, training=training)
    waiting = RegistrationFactory(training=training, status=Registration.Status.WAITLISTED)
    data = training_data(
        title="Renamed",
        start_date=f"{training.start_date:%Y-%m-%d}",
        end_date=f"{training.end_date:%Y-%m-%d}",
        capacity="5",
        **rows(
            "sessions",
            [
                {
                    "id": str(session.pk),
                    "title": "Day one, morning",
                    "starts_at": moment(training.start_date, 9),
                    "ends_at": moment(training.start_date, 12),
                }
            ],
            initial=1,
        ),
        **rows(
            "quotas",
            [{"id": str(quota.pk), "region": "central-asia", "seats": "1"}],
            initial=1,
        ),
        **rows(
            "questions",
            [
                {
                    "id": str(question.pk),
                    "position": "0",
                    "label": "Old question",
                    "kind": "short_text",
                    "DELETE": "on",
                }
            ],
            initial=1,
        ),
    )

    response = client_for(owner).post(
        reverse("staff:training_edit", kwargs={"slug": training.slug}), data
    )

    assert response.status_code == 302
    training.refresh_from_db()
    assert (training.title, training.capacity, training.slug) == ("Renamed", 5, training.slug)
    assert training.status == Training.Status.OPEN
    assert Session.objects.get(pk=session.pk).title == "Day one, morning"
    assert TrainingQuota.objects.get(pk=quota.pk).seats == 1
    assert not Question.objects.filter(pk=question.pk).exists()
    # A seat the new capacity opened went to the person waiting.
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED


def test_a_session_with_marks_or_a_question_with_answers_is_not_removed(owner):
    # Removing them would take the attendance (and certificates' eligibility) or the
    # registrants' answers with them: the page refuses, names them, writes nothing.
    from participants.models import Answer, Attendance

    training = TrainingFactory(capacity=3, status=Training.Status.OPEN)
    training.coordinators.add(owner)
    session = SessionFactory(training=training, title="Day one")
    question = QuestionFactory(training=training, label="Your unit?")
    registration = RegistrationFactory(training=training)
    Attendance.objects.create(registration=registration, session=session, present=True)
    Answer.objects.create(registration=registration, question=question, value="Border")
    data = training_data(
        title=training.title,
        start_date=f"{training.start_date:%Y-%m-%d}",
        end_date=f"{training.end_date:%Y-%m-%d}",
        capacity="3",
        **rows(
            "sessions",
            [
                {
                    "id": str(session.pk),
                    "title": "Day one",
                    "starts_at": moment(training.start_date, 9),
                    "ends_at": moment(training.start_date, 12),
                    "DELETE": "on",
                }
            ],
            initial=1,
        ),
        **rows(
            "questions",
            [
                {
                    "id": str(question.pk),
                    "position": "0",
                    "label": "Your unit?",
                    "kind": "short_text",
                    "DELETE": "on",
                }
            ],
            initial=1,
        ),
    )
    before = snapshot()

    response = client_for(owner).post(
        reverse("staff:training_edit", kwargs={"slug": training.slug}), data
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "“Day one” cannot be removed: attendance is recorded for it" in html
    assert "“Your unit?” cannot be removed: registrants have answered it." in html
    assert snapshot() == before
    assert Attendance.objects.count() == 1
    assert Answer.objects.count() == 1


def test_edit_page_shows_the_training_as_saved(owner):
    training = TrainingFactory(title="Training on readmission")
    training.coordinators.add(owner)
    SessionFactory(training=training, title="Welcome session")

    response = client_for(owner).get(reverse("staff:training_edit", kwargs={"slug": training.slug}))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Welcome session"' in html
    assert 'name="sessions-TOTAL_FORMS" value="3"' in html  # one row and two empty ones


def test_edit_page_queries_do_not_grow_with_rows(owner, django_assert_num_queries):
    training = TrainingFactory()
    training.coordinators.add(owner)
    client = client_for(owner)
    url = reverse("staff:training_edit", kwargs={"slug": training.slug})

    def add_rows():
        module = ModuleFactory()
        session = SessionFactory(training=training, module=module)
        session.trainers.add(ExpertFactory())
        QuestionFactory(training=training)
        Signatory.objects.create(training=training, name="Aida", title="Director")

    add_rows()
    TrainingQuotaFactory(training=training, region_id="central-asia")
    client.get(url)  # warm the session and the content types
    with django_assert_num_queries(20) as few:
        assert client.get(url).status_code == 200
    for _ in range(3):
        add_rows()
    TrainingQuotaFactory(training=training, region_id="eastern-partnership")
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


# --- bad input: a message beside the field, nothing written ------------------------


def _owned_training(owner, **kwargs) -> Training:
    training = TrainingFactory(**kwargs)
    training.coordinators.add(owner)
    return training


def _post_edit(owner, training, **overrides):
    data = training_data(
        title=training.title,
        start_date=f"{training.start_date:%Y-%m-%d}",
        end_date=f"{training.end_date:%Y-%m-%d}",
        capacity=str(training.capacity),
    )
    if "title" in overrides:
        overrides["title_en"] = overrides.pop("title")
    data.update(overrides)
    return client_for(owner).post(
        reverse("staff:training_edit", kwargs={"slug": training.slug}), data
    )


def test_a_session_outside_the_training_dates_is_refused(owner):
    training = _owned_training(owner)
    before = snapshot()

    response = _post_edit(
        owner,
        training,
        title="Changed title",
        **rows(
            "sessions",
            [
                {
                    "title": "Too late",
                    "starts_at": moment(training.end_date + dt.timedelta(days=1), 9),
                    "ends_at": moment(training.end_date + dt.timedelta(days=1), 12),
                }
            ],
        ),
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "after the training" in error_beside(html, "id_sessions-0-ends_at")
    assert f"<bdi>{training.title}</bdi>" in html  # the heading names it as saved
    assert 'value="Changed title"' in html  # the person's input comes back
    assert snapshot() == before


def test_a_new_training_session_outside_its_dates_is_refused_too(owner):
    before = snapshot()
    response = client_for(owner).post(
        CREATE,
        training_data(
            **rows(
                "sessions",
                [
                    {
                        "title": "Too early",
                        "starts_at": moment(day(29), 9),
                        "ends_at": moment(day(30), 12),
                    }
                ],
            ),
        ),
    )

    assert response.status_code == 400
    assert "before the training" in error_beside(
        response.content.decode(), "id_sessions-0-starts_at"
    )
    assert snapshot() == before


def test_quotas_over_the_capacity_are_refused(owner):
    training = _owned_training(owner, capacity=10)
    before = snapshot()

    response = _post_edit(
        owner,
        training,
        **rows(
            "quotas",
            [
                {"region": "central-asia", "seats": "6"},
                {"region": "eastern-partnership", "seats": "6"},
            ],
        ),
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "12 seats, more than the capacity (10)" in error_beside(html, "id_capacity")
    assert snapshot() == before


def test_a_capacity_below_the_confirmed_seats_is_refused(owner):
    training = _owned_training(owner, capacity=5)
    RegistrationFactory.create_batch(4, training=training)
    before = snapshot()

    response = _post_edit(owner, training, capacity="3", title="Changed title")

    assert response.status_code == 400
    assert "4 people hold a confirmed seat" in error_beside(
        response.content.decode(), "id_capacity"
    )
    assert snapshot() == before


def test_an_unknown_region_is_refused(owner):
    training = _owned_training(owner)
    before = snapshot()

    response = _post_edit(
        owner,
        training,
        target_regions=["atlantis"],
        **rows("quotas", [{"region": "atlantis", "seats": "2"}]),
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "not one of the center" in error_beside(html, "id_quotas-0-region")
    assert "not one of the center" in error_beside(html, "id_target_regions")
    assert snapshot() == before


def test_an_end_before_the_start_is_refused(owner):
    training = _owned_training(owner)
    session = SessionFactory(training=training)
    before = snapshot()

    response = _post_edit(
        owner,
        training,
        start_date=f"{training.end_date:%Y-%m-%d}",
        end_date=f"{training.start_date:%Y-%m-%d}",
        **rows(
            "sessions",
            [
                {
                    "id": str(session.pk),
                    "title": session.title,
                    "starts_at": moment(training.start_date, 12),
                    "ends_at": moment(training.start_date, 9),
                }
            ],
            initial=1,
        ),
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "end date is before the start date" in error_beside(html, "id_end_date")
    assert "must end after it starts" in error_beside(html, "id_sessions-0-ends_at")
    assert snapshot() == before


def test_a_certificate_template_that_does_not_compile_is_refused(owner):
    training = _owned_training(owner)
    before = snapshot()

    response = _post_edit(owner, training, certificate_template="<p>{% if %}</p>")

    assert response.status_code == 400
    assert "certificate template has an error" in error_beside(
        response.content.decode(), "id_certificate_template"
    )
    assert snapshot() == before


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("signature.png", b"<svg onload=alert(1)></svg>", "image/png"),
        SimpleUploadedFile("signature.png", b"\x89PNG\r\n\x1a\n not really", "image/png"),
        SimpleUploadedFile("signature.pdf", b"%PDF-1.4 a document", "application/pdf"),
    ],
    ids=["svg-named-png", "png-header-only", "pdf"],
)
def test_a_signature_that_is_not_an_image_is_refused(owner, upload):
    training = _owned_training(owner)
    before = snapshot()
    data = training_data(
        title="Changed title",
        start_date=f"{training.start_date:%Y-%m-%d}",
        end_date=f"{training.end_date:%Y-%m-%d}",
        **rows("signatories", [{"position": "1", "name": "Aida", "title": "Director"}]),
    )
    data["signatories-0-signature"] = upload

    response = client_for(owner).post(
        reverse("staff:training_edit", kwargs={"slug": training.slug}), data
    )

    assert response.status_code == 400
    assert "not an image of an accepted type" in error_beside(
        response.content.decode(), "id_signatories-0-signature"
    )
    assert snapshot() == before


def test_an_oversized_signature_is_refused(owner, settings):
    settings.RTCM_SIGNATURE_MAX_BYTES = 100
    training = _owned_training(owner)
    before = snapshot()
    data = training_data(
        start_date=f"{training.start_date:%Y-%m-%d}",
        end_date=f"{training.end_date:%Y-%m-%d}",
        title=training.title,
        **rows("signatories", [{"position": "1", "name": "Aida", "title": "Director"}]),
    )
    data["signatories-0-signature"] = png(size=(800, 400))

    response = client_for(owner).post(
        reverse("staff:training_edit", kwargs={"slug": training.slug}), data
    )

    assert response.status_code == 400
    assert "larger than the limit" in error_beside(
        response.content.decode(), "id_signatories-0-signature"
    )
    assert snapshot() == before


# --- who may open the pages ---------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (COORDINATOR, 200),
        (MANAGER, 403),
        (LIBRARIAN, 403),
        (NETWORK_OFFICER, 403),
        (None, 403),
    ],
)
def test_who_may_open_the_create_page(role, expected):
    user = staff_user("someone", roles=(role,) if role else ())
    assert client_for(user).get(CREATE).status_code == expected
    assert client_for(user).post(CREATE, training_data()).status_code in (
        {302} if expected == 200 else {expected}
    )
    assert Training.objects.exists() == (expected == 200)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("owner", 200),
        ("teammate", 404),  # another coordinator's training: not even confirmed to exist
        ("manager", 403),
        ("librarian", 403),
        ("officer", 403),
        ("superuser", 200),
    ],
)
def test_who_may_open_the_edit_page(owner, who, expected):
    users = {
        "owner": owner,
        "teammate": staff_user("teammate", roles=(COORDINATOR,)),
        "manager": staff_user("manager", roles=(MANAGER,)),
        "librarian": staff_user("librarian", roles=(LIBRARIAN,)),
        "officer": staff_user("officer", roles=(NETWORK_OFFICER,)),
        "superuser": User.objects.create_superuser("root", password="x"),
    }
    training = _owned_training(owner)
    url = reverse("staff:training_edit", kwargs={"slug": training.slug})
    client = client_for(users[who])
    assert client.get(url).status_code == expected
    before = snapshot()
    response = _post_edit(users[who], training, title="Taken over")
    if expected == 200:
        assert response.status_code == 302
    else:
        assert response.status_code == expected
        assert snapshot() == before


def test_anonymous_visitors_are_sent_to_the_sign_in(owner):
    training = _owned_training(owner)
    for url in (CREATE, reverse("staff:training_edit", kwargs={"slug": training.slug})):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
