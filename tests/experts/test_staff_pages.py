"""The network's staff pages: the list, the review page, the CV, the export and matching.

Network officers vet and export; coordinators read the list and the review
page and book trainers on the matching page; other staff (a librarian) and
anonymous visitors get nothing.
"""

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.core.signals import request_finished
from django.db import close_old_connections
from django.urls import reverse
from django.utils import timezone

from experts import services
from experts.models import Expert, ExpertMessage
from tests.factories import (
    ExpertFactory,
    ModuleFactory,
    RegistrationFactory,
    SessionFactory,
    TopicFactory,
    TrainingFactory,
    coordinators_run_every_training,
    cv_pdf,
    photo_jpeg,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _coordinators_run_every_training(db):
    """These tests are about what a coordinator does on their trainings; whose trainings
    those are (the per-training scope) is tests/access/'s."""
    with coordinators_run_every_training():
        yield


Status = Expert.Status


def applicant(**kwargs) -> Expert:
    kwargs.setdefault("status", Status.APPLICANT)
    return ExpertFactory(**kwargs)


def expert_with_cv(**kwargs) -> Expert:
    return services.expert_create(
        data={
            "given_name": "Нодира",
            "family_name": "Каримова",
            "email": "nodira@example.org",
            "country": "UZ",
            "staff_notes": "Met at the Almaty workshop",
            **kwargs,
        },
        cv=cv_pdf("Nodira Karimova, CV"),
        photo=photo_jpeg(),
        actor=None,
    )


def body(response) -> bytes:
    """A file response's content, its file closed without ending the test's connection."""
    content = b"".join(response.streaming_content)
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    return content


def assert_sign_in_redirect(response, url: str) -> None:
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


# --- who may see what ----------------------------------------------------------------


def test_the_list_is_for_network_officers_and_coordinators(
    anonymous_client, other_staff_client, network_officer_client, coordinator_client
):
    url = reverse("experts_staff:list")
    assert url == "/staff/experts/"
    assert_sign_in_redirect(anonymous_client.get(url), url)
    assert other_staff_client.get(url).status_code == 403
    assert network_officer_client.get(url).status_code == 200
    assert coordinator_client.get(url).status_code == 200


def test_the_review_page_is_for_network_officers_and_coordinators(
    anonymous_client, other_staff_client, network_officer_client, coordinator_client
):
    expert = applicant()
    url = reverse("experts_staff:detail", kwargs={"pk": expert.pk})
    assert_sign_in_redirect(anonymous_client.get(url), url)
    assert other_staff_client.get(url).status_code == 403
    assert network_officer_client.get(url).status_code == 200
    assert coordinator_client.get(url).status_code == 200


def test_the_matching_page_is_for_coordinators_and_network_officers(
    anonymous_client, other_staff_client, network_officer_client, coordinator_client
):
    training = TrainingFactory()
    url = reverse("experts_staff:matching", kwargs={"slug": training.slug})
    assert_sign_in_redirect(anonymous_client.get(url), url)
    assert other_staff_client.get(url).status_code == 403
    assert network_officer_client.get(url).status_code == 200
    assert coordinator_client.get(url).status_code == 200


def test_the_export_link_is_shown_to_network_officers_only(
    network_officer_client, coordinator_client
):
    export_url = reverse("experts_staff:export", kwargs={"fmt": "xlsx"})
    assert export_url in network_officer_client.get(reverse("experts_staff:list")).content.decode()
    assert export_url not in coordinator_client.get(reverse("experts_staff:list")).content.decode()


# --- the list --------------------------------------------------------------------------


def test_the_list_shows_every_status_with_counts_and_applicants_to_review(network_officer_client):
    waiting = applicant(family_name="Абдуллаева")
    applicant(family_name="Бекова")
    active = ExpertFactory(family_name="Гасанов", organisation="Ministry of Labour")
    ExpertFactory(status=Status.DECLINED, family_name="Declined")
    page = network_officer_client.get(reverse("experts_staff:list")).content.decode()
    assert "2 applications to review" in page
    assert 'data-status="applicant"' in page
    tabs = page[page.index('class="nav nav-tabs') : page.index("</ul>", page.index("nav-tabs"))]
    # Applicants first, then active, inactive, declined, all.
    assert tabs.index('data-status="applicant"') < tabs.index('data-status="active"')
    assert '<span class="badge text-bg-warning">2</span>' in tabs
    for expert in (waiting, active):
        assert reverse("experts_staff:detail", kwargs={"pk": expert.pk}) in page
    assert "Ministry of Labour" in page
    assert "4 experts" in page

    only_applicants = network_officer_client.get(
        reverse("experts_staff:list"), {"status": "applicant"}
    ).content.decode()
    assert "2 experts" in only_applicants
    assert "Гасанов" not in only_applicants


def test_the_list_filters_by_topic_language_and_search(network_officer_client):
    topic = TopicFactory(name="Readmission")
    wanted = ExpertFactory(family_name="Мамедова", topics=[topic], languages=["az", "ru"])
    ExpertFactory(family_name="Посторонний", languages=["az"])
    url = reverse("experts_staff:list")
    page = network_officer_client.get(url, {"topic": topic.slug, "language": "az"}).content.decode()
    assert "Мамедова" in page
    assert "Посторонний" not in page
    page = network_officer_client.get(url, {"q": "мамед"}).content.decode()
    assert "1 expert" in page
    assert reverse("experts_staff:detail", kwargs={"pk": wanted.pk}) in page
    # A broken filter is dropped, the others still apply.
    assert network_officer_client.get(url, {"language": "xx", "q": "мамед"}).status_code == 200


def test_the_list_shows_whether_a_profile_is_public(network_officer_client):
    ExpertFactory(family_name="Public")
    ExpertFactory(family_name="Private", public_profile_consent_at=None)
    page = network_officer_client.get(reverse("experts_staff:list")).content.decode()
    public_row = page[page.index("Public</a>") :]
    private_row = page[page.index("Private</a>") :]
    assert public_row.index(">yes<") < public_row.index("</tr>")
    assert private_row.index(">no<") < private_row.index("</tr>")


def test_the_list_is_paginated_by_fifty(network_officer_client):
    ExpertFactory.create_batch(51)
    page = network_officer_client.get(reverse("experts_staff:list"))
    assert len(page.context["page"].object_list) == 50
    assert "Page 1 of 2" in page.content.decode()


def test_list_page_query_count_is_pinned(network_officer_client, django_assert_num_queries):
    topics = [TopicFactory(), TopicFactory()]

    def add(count):
        for _ in range(count):
            ExpertFactory(topics=topics, languages=["ru", "en"])

    add(3)
    url = reverse("experts_staff:list")
    # session, user, roles (read once: the access and the export link ask the same
    # answer), topics, regions, status counts, page count, experts, their expertise,
    # their languages
    with django_assert_num_queries(10):
        network_officer_client.get(url, {"topic": topics[0].slug})
    add(27)
    with django_assert_num_queries(10):
        network_officer_client.get(url, {"topic": topics[0].slug})


# --- the export ---------------------------------------------------------------------------


def test_staff_export_has_emails_and_notes_and_is_for_network_officers_only(
    anonymous_client, other_staff_client, coordinator_client, network_officer_client
):
    expert_with_cv()
    ExpertFactory(family_name="Filtered-out", status=Status.DECLINED)
    url = reverse("experts_staff:export", kwargs={"fmt": "csv"})
    assert_sign_in_redirect(anonymous_client.get(url), url)
    assert other_staff_client.get(url).status_code == 403
    assert coordinator_client.get(url).status_code == 403
    response = network_officer_client.get(url, {"status": "applicant"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1  # the filter of the page applies
    assert rows[0]["E-mail"] == "nodira@example.org"
    assert rows[0]["Staff notes"] == "Met at the Almaty workshop"
    xlsx = network_officer_client.get(reverse("experts_staff:export", kwargs={"fmt": "xlsx"}))
    assert xlsx.status_code == 200
    assert xlsx.content.startswith(b"PK")
    assert network_officer_client.get("/staff/experts/export.pdf").status_code == 404


# --- the review page ----------------------------------------------------------------------


def test_the_review_page_shows_everything_staff_need(network_officer_client):
    expert = expert_with_cv(phone="+998 71 123 45 67")
    training = TrainingFactory(title="Labour migration in Central Asia")
    session = SessionFactory(training=training)
    session.trainers.add(expert)
    ExpertMessage.objects.create(
        expert=expert, kind="approved", note="Welcome aboard", recipient=expert.email, language="ru"
    )
    page = network_officer_client.get(
        reverse("experts_staff:detail", kwargs={"pk": expert.pk})
    ).content.decode()
    for text in (
        "nodira@example.org",
        "+998 71 123 45 67",
        "Met at the Almaty workshop",
        reverse("experts_staff:cv", kwargs={"pk": expert.pk}),
        "data:image/jpeg;base64,",
        "Labour migration in Central Asia",
        "Welcome aboard",
        "Record that the expert gave consent",
    ):
        assert text in page
    # An applicant may be approved or declined, nothing else.
    assert 'data-action="approve"' in page
    assert 'data-action="decline"' in page
    assert 'data-action="deactivate"' not in page


def test_coordinators_read_the_review_page_without_its_forms(coordinator_client):
    expert = expert_with_cv()
    page = coordinator_client.get(
        reverse("experts_staff:detail", kwargs={"pk": expert.pk})
    ).content.decode()
    assert "Met at the Almaty workshop" in page
    assert "vetting-form" not in page
    assert "consent-form" not in page


def test_approving_on_the_review_page_mails_the_expert_and_changes_the_status(
    network_officer_client, network_officer, django_capture_on_commit_callbacks
):
    expert = applicant(email="aziz@example.org")
    url = reverse("experts_staff:detail", kwargs={"pk": expert.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = network_officer_client.post(
            url,
            {"form": "vetting", "action": "approve", "approve-note": "Welcome to the network"},
        )
    assert response.status_code == 302
    assert response["Location"] == url
    expert.refresh_from_db()
    assert expert.status == Status.ACTIVE
    assert expert.status_changed_by == network_officer
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["aziz@example.org"]
    assert "Welcome to the network" in mail.outbox[0].body
    page = network_officer_client.get(url).content.decode()
    assert "Approved; an e-mail is on its way to aziz@example.org." in page


def test_declining_without_a_message_shows_the_error_and_changes_nothing(
    network_officer_client, django_capture_on_commit_callbacks
):
    expert = applicant()
    url = reverse("experts_staff:detail", kwargs={"pk": expert.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = network_officer_client.post(
            url, {"form": "vetting", "action": "decline", "decline-note": "   "}
        )
    assert response.status_code == 400
    page = response.content.decode()
    error = page[page.index('id="id_decline-note-errors"') :]
    assert error.index("Write a message to the applicant") < error.index("</div>")
    assert 'aria-describedby="id_decline-note_helptext id_decline-note-errors"' in page
    expert.refresh_from_db()
    assert expert.status == Status.APPLICANT
    assert not ExpertMessage.objects.exists()
    assert mail.outbox == []


def test_declining_with_a_message_mails_the_reason(
    network_officer_client, django_capture_on_commit_callbacks
):
    expert = applicant()
    with django_capture_on_commit_callbacks(execute=True):
        network_officer_client.post(
            reverse("experts_staff:detail", kwargs={"pk": expert.pk}),
            {"form": "vetting", "action": "decline", "decline-note": "Not enough experience yet"},
        )
    expert.refresh_from_db()
    assert expert.status == Status.DECLINED
    assert "Not enough experience yet" in mail.outbox[0].body


def test_deactivating_an_expert_booked_for_a_coming_session_is_refused_on_the_page(
    network_officer_client,
):
    expert = ExpertFactory()
    SessionFactory(training=TrainingFactory(title="Border management")).trainers.add(expert)
    response = network_officer_client.post(
        reverse("experts_staff:detail", kwargs={"pk": expert.pk}),
        {"form": "vetting", "action": "deactivate", "deactivate-note": ""},
    )
    assert response.status_code == 400
    assert "still booked to teach" in response.content.decode()
    expert.refresh_from_db()
    assert expert.status == Status.ACTIVE


def test_coordinators_cannot_post_on_the_review_page(coordinator_client):
    expert = applicant()
    url = reverse("experts_staff:detail", kwargs={"pk": expert.pk})
    response = coordinator_client.post(url, {"form": "vetting", "action": "approve"})
    assert response.status_code == 403
    response = coordinator_client.post(url, {"form": "notes", "notes-staff_notes": "x"})
    assert response.status_code == 403
    expert.refresh_from_db()
    assert (expert.status, expert.staff_notes) == (Status.APPLICANT, "")


def test_staff_notes_are_saved_from_the_review_page(network_officer_client):
    expert = applicant()
    url = reverse("experts_staff:detail", kwargs={"pk": expert.pk})
    response = network_officer_client.post(
        url, {"form": "notes", "notes-staff_notes": "Call back in May"}
    )
    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.staff_notes == "Call back in May"


def test_a_withdrawn_consent_is_recorded_and_the_profile_leaves_the_public(
    network_officer_client,
):
    expert = ExpertFactory()
    assert expert.is_public
    url = reverse("experts_staff:detail", kwargs={"pk": expert.pk})
    page = network_officer_client.get(url).content.decode()
    assert "Record that the expert withdrew consent" in page
    response = network_officer_client.post(url, {"form": "consent", "consent": "0"})
    assert response.status_code == 302
    expert.refresh_from_db()
    assert not expert.is_public
    assert expert.public_profile_consent_withdrawn_at is not None
    network_officer_client.post(url, {"form": "consent", "consent": "1"})
    expert.refresh_from_db()
    assert expert.is_public


# --- the CV -------------------------------------------------------------------------------


def test_the_cv_downloads_as_an_attachment_never_cached(network_officer_client, coordinator_client):
    expert = expert_with_cv()
    url = reverse("experts_staff:cv", kwargs={"pk": expert.pk})
    for client in (network_officer_client, coordinator_client):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="cv.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"
        assert body(response).startswith(b"%PDF")


def test_the_cv_is_refused_to_others(anonymous_client, other_staff_client):
    expert = expert_with_cv()
    url = reverse("experts_staff:cv", kwargs={"pk": expert.pk})
    assert_sign_in_redirect(anonymous_client.get(url), url)
    assert other_staff_client.get(url).status_code == 403


def test_no_cv_is_a_404(network_officer_client):
    expert = ExpertFactory()
    assert (
        network_officer_client.get(
            reverse("experts_staff:cv", kwargs={"pk": expert.pk})
        ).status_code
        == 404
    )


# --- matching -------------------------------------------------------------------------------


@pytest.fixture
def training_with_session():
    topic = TopicFactory(name="Return and reintegration")
    training = TrainingFactory(title="Reintegration of returnees", languages=["ru"])
    training.modules.add(ModuleFactory(topic=topic))
    session = SessionFactory(training=training, title="Counselling returnees")
    return training, session, topic


def test_the_matching_page_ranks_experts_with_reasons(
    network_officer_client, training_with_session
):
    training, _session, topic = training_with_session
    best = ExpertFactory(family_name="Best", topics=[topic], languages=["ru"])
    ExpertFactory(family_name="Speaks", languages=["ru"])
    ExpertFactory(family_name="Unrelated", languages=["ar"])
    ExpertFactory(family_name="Applicant", status=Status.APPLICANT, topics=[topic])
    page = network_officer_client.get(
        reverse("experts_staff:matching", kwargs={"slug": training.slug})
    ).content.decode()
    assert "Return and reintegration" in page
    assert page.index("Best") < page.index("Speaks")
    assert "Unrelated" not in page
    assert "Applicant" not in page
    assert "Covers 1 of 1 topics: Return and reintegration." in page
    assert reverse("experts_staff:detail", kwargs={"pk": best.pk}) in page
    # Network officers see the suggestions, not the booking forms.
    assert "assign-form" not in page


def test_the_matching_page_shows_the_participants_rating(coordinator_client, training_with_session):
    from experts.models import TrainerRating

    training, _session, topic = training_with_session
    expert = ExpertFactory(family_name="Rated", topics=[topic])
    taught = SessionFactory(training=TrainingFactory(title="Earlier training"))
    taught.trainers.add(expert)
    for score in (4, 5):
        registration = RegistrationFactory(training=taught.training)
        TrainerRating.objects.create(
            registration=registration, session=taught, expert=expert, score=score
        )
    page = coordinator_client.get(
        reverse("experts_staff:matching", kwargs={"slug": training.slug})
    ).content.decode()
    row = page[page.index(f'id="e{expert.pk}"') :]
    assert row.index("4.5 / 5 (2 ratings)") < row.index("</tr>")


def test_a_coordinator_assigns_a_suggested_expert_to_a_session(
    coordinator_client, training_with_session
):
    training, session, topic = training_with_session
    expert = ExpertFactory(family_name="Trainer", topics=[topic])
    url = reverse("experts_staff:matching", kwargs={"slug": training.slug})
    page = coordinator_client.get(url).content.decode()
    assert "assign-form" in page
    response = coordinator_client.post(
        url, {"action": "assign", "session": session.pk, "expert": expert.pk}, follow=True
    )
    assert response.status_code == 200
    assert list(session.trainers.all()) == [expert]
    assert "will teach “Counselling returnees”" in response.content.decode()

    response = coordinator_client.post(
        url, {"action": "remove", "session": session.pk, "expert": expert.pk}, follow=True
    )
    assert not session.trainers.exists()
    assert "no longer teaches" in response.content.decode()


def test_a_clash_is_named_and_nothing_is_assigned(coordinator_client, training_with_session):
    training, session, topic = training_with_session
    expert = ExpertFactory(family_name="Busy", topics=[topic])
    other = SessionFactory(
        training=TrainingFactory(title="Border management basics"),
        title="Risk analysis",
        starts_at=session.starts_at + dt.timedelta(hours=1),
        ends_at=session.ends_at + dt.timedelta(hours=1),
    )
    other.trainers.add(expert)
    url = reverse("experts_staff:matching", kwargs={"slug": training.slug})
    page = coordinator_client.get(url).content.decode()
    assert "Busy during 1 session" in page
    assert "Clashes:" in page
    response = coordinator_client.post(
        url, {"action": "assign", "session": session.pk, "expert": expert.pk}, follow=True
    )
    assert "Border management basics — Risk analysis" in response.content.decode()
    assert not session.trainers.exists()


def test_an_inactive_expert_cannot_be_assigned(coordinator_client, training_with_session):
    training, session, topic = training_with_session
    expert = ExpertFactory(family_name="Paused", status=Status.INACTIVE, topics=[topic])
    response = coordinator_client.post(
        reverse("experts_staff:matching", kwargs={"slug": training.slug}),
        {"action": "assign", "session": session.pk, "expert": expert.pk},
        follow=True,
    )
    assert "only active experts of the network can be trainers" in response.content.decode()
    assert not session.trainers.exists()


def test_a_session_of_another_training_cannot_be_used(coordinator_client, training_with_session):
    training, _session, topic = training_with_session
    elsewhere = SessionFactory()
    expert = ExpertFactory(topics=[topic])
    response = coordinator_client.post(
        reverse("experts_staff:matching", kwargs={"slug": training.slug}),
        {"action": "assign", "session": elsewhere.pk, "expert": expert.pk},
    )
    assert response.status_code == 400
    assert not elsewhere.trainers.exists()


def test_network_officers_cannot_assign_trainers(network_officer_client, training_with_session):
    training, session, topic = training_with_session
    expert = ExpertFactory(topics=[topic])
    response = network_officer_client.post(
        reverse("experts_staff:matching", kwargs={"slug": training.slug}),
        {"action": "assign", "session": session.pk, "expert": expert.pk},
    )
    assert response.status_code == 403
    assert not session.trainers.exists()


def test_matching_page_query_count_is_pinned(
    coordinator_client, training_with_session, django_assert_num_queries
):
    training, session, topic = training_with_session
    SessionFactory(training=training, starts_at=session.starts_at + dt.timedelta(days=1))
    session.trainers.add(ExpertFactory(topics=[topic]))

    def add(count):
        for _ in range(count):
            ExpertFactory(topics=[topic], languages=["ru", "en"])

    add(3)
    url = reverse("experts_staff:matching", kwargs={"slug": training.slug})
    # session, user, role (access), training, role (the booking forms), sessions and their
    # trainers (2), suggestions (12: with the training's sessions), topics, target regions
    with django_assert_num_queries(21):
        coordinator_client.get(url)
    add(17)
    with django_assert_num_queries(21):
        coordinator_client.get(url)


def test_the_dashboard_links_to_the_network_and_to_matching(coordinator_client):
    training = TrainingFactory(start_date=timezone.localdate() + dt.timedelta(days=5))
    page = coordinator_client.get(reverse("staff:dashboard")).content.decode()
    assert reverse("experts_staff:list") in page
    assert reverse("experts_staff:matching", kwargs={"slug": training.slug}) in page
