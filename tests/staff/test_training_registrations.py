"""A training's registrations page: filters, search, order, bulk decisions, one
registration's page; and the admin's actions and delete (through the services)."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from participants.models import Answer, Notification, Registration, RegistrationEvent
from rtcm.core.roles import COORDINATOR, LIBRARIAN, MANAGER
from tests.factories import (
    ParticipantFactory,
    QuestionFactory,
    RegistrationFactory,
    SessionFactory,
    TrainingFactory,
    TrainingQuotaFactory,
    staff_user,
)

pytestmark = pytest.mark.django_db

Status = Registration.Status
START = timezone.now() - dt.timedelta(days=3)


@pytest.fixture
def coordinator():
    return staff_user("coord", roles=(COORDINATOR,))


@pytest.fixture
def training(coordinator):
    training = TrainingFactory(slug="readmission", title="Readmission")
    training.coordinators.add(coordinator)
    return training


def register(training, name, *, minutes, status=Status.PENDING, country="AZ", **person):
    """A registration submitted ``minutes`` after START (rows written directly: reads)."""
    region = "central-asia" if country in ("UZ", "KZ") else "eastern-partnership"
    return RegistrationFactory(
        training=training,
        status=status,
        region_id=region,
        submitted_at=START + dt.timedelta(minutes=minutes),
        waitlisted_at=(
            START + dt.timedelta(minutes=minutes) if status == Status.WAITLISTED else None
        ),
        participant=ParticipantFactory(
            family_name=name,
            email=f"{name.lower()}@example.org",
            nationality=country,
            country_of_residence=country,
            **person,
        ),
    )


def page(training, **query):
    url = reverse("staff:training_registrations", kwargs={"slug": training.slug})
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def shown(response) -> list[str]:
    return [row.participant.family_name for row in response.context["rows"]]


def statuses(*registrations) -> list[str]:
    return [Registration.objects.get(pk=r.pk).status for r in registrations]


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- the list ---------------------------------------------------------------------------


def test_rows_are_in_submission_order_and_the_waitlist_in_its_order(client, coordinator, training):
    register(training, "Later", minutes=20)
    register(training, "First", minutes=1)
    waiting_second = register(training, "WaitB", minutes=5, status=Status.WAITLISTED)
    waiting_first = register(training, "WaitA", minutes=9, status=Status.WAITLISTED)
    waiting_first.waitlisted_at = START - dt.timedelta(days=1)
    waiting_first.save()
    client.force_login(coordinator)
    response = client.get(page(training))
    assert response.status_code == 200
    assert shown(response) == ["First", "WaitB", "WaitA", "Later"]
    assert [r.pk for r in response.context["waitlist"]] == [waiting_first.pk, waiting_second.pk]
    body = response.content.decode()
    for row in response.context["rows"]:  # each row links to its trail and e-mails
        detail = reverse("staff:registration_detail", kwargs={"slug": "readmission", "pk": row.pk})
        assert f'href="{detail}#trail"' in body
        assert f'href="{detail}#emails"' in body
    assert 'name="registrations"' in body  # the coordinator acts


def test_filters_by_status_region_country_organisation_type_and_answer(
    client, coordinator, training
):
    uz = register(training, "Uzbek", minutes=1, country="UZ", organisation_type="ngo")
    az = register(training, "Azeri", minutes=2, country="AZ")
    abroad = register(training, "Abroad", minutes=3, country="AZ", status=Status.CONFIRMED)
    abroad.participant.country_of_residence = "KZ"
    abroad.participant.save()
    question = QuestionFactory(training=training, kind="yes_no", label="Need a visa?")
    choice = QuestionFactory(
        training=training, kind="multiple_choice", label="Topics", choices="Return\nAsylum"
    )
    Answer.objects.create(registration=uz, question=question, value=True)
    Answer.objects.create(registration=az, question=question, value=False)
    Answer.objects.create(registration=az, question=choice, value=["Return", "Asylum"])
    Answer.objects.create(registration=abroad, question=choice, value=["Return"])
    client.force_login(coordinator)
    assert shown(client.get(page(training, status="confirmed"))) == ["Abroad"]
    assert shown(client.get(page(training, region="central-asia"))) == ["Uzbek"]
    assert shown(client.get(page(training, country="KZ"))) == ["Abroad"]  # residence
    assert shown(client.get(page(training, country="AZ"))) == ["Azeri", "Abroad"]
    assert shown(client.get(page(training, organisation_type="ngo"))) == ["Uzbek"]
    assert shown(client.get(page(training, question=question.pk, answer="yes"))) == ["Uzbek"]
    assert shown(client.get(page(training, question=choice.pk, answer="asylum"))) == ["Azeri"]
    assert shown(client.get(page(training, question=choice.pk, answer="return"))) == [
        "Azeri",
        "Abroad",
    ]


def test_search_by_name_email_or_organisation_in_any_case(client, coordinator, training):
    register(training, "Иванова", minutes=1, organisation="Миграционная служба")
    register(training, "Smith", minutes=2, organisation="IOM")
    client.force_login(coordinator)
    assert shown(client.get(page(training, q="иванова"))) == ["Иванова"]
    assert shown(client.get(page(training, q="МИГРАЦИОННАЯ"))) == ["Иванова"]
    assert shown(client.get(page(training, q="smith@example"))) == ["Smith"]
    assert shown(client.get(page(training, q="iom"))) == ["Smith"]


def test_an_answer_without_its_question_is_told_beside_the_field(client, coordinator, training):
    register(training, "Anyone", minutes=1)
    client.force_login(coordinator)
    response = client.get(page(training, answer="yes"))
    assert response.status_code == 200
    assert "Choose the question this answer is to." in response.content.decode()
    assert shown(response) == ["Anyone"]  # no filter applied
    assert shown(client.get(page(training, status="bogus"))) == ["Anyone"]


def test_attendance_is_shown_once_sessions_are_held(client, coordinator, training):
    person = register(training, "Present", minutes=1, status=Status.CONFIRMED)
    client.force_login(coordinator)
    assert 'data-figure="attendance"' not in client.get(page(training)).content.decode()
    session = SessionFactory(
        training=training,
        starts_at=timezone.now() - dt.timedelta(hours=3),
        ends_at=timezone.now() - dt.timedelta(hours=1),
    )
    person.attendance.create(session=session, present=True)
    body = client.get(page(training)).content.decode()
    assert 'data-figure="attendance"' in body
    assert "Attendance 100 %" in body


def test_the_list_takes_the_same_queries_whatever_its_length(
    client, coordinator, training, django_assert_num_queries
):
    QuestionFactory(training=training)
    for n in range(2):
        register(training, f"Few{n}", minutes=n)
    register(training, "Waiting0", minutes=50, status=Status.WAITLISTED)
    client.force_login(coordinator)
    client.get(page(training))  # warm the session and the content types
    with django_assert_num_queries(11) as few:
        client.get(page(training, q="e"))
    for n in range(2, 12):
        register(training, f"Many{n}", minutes=n)
        register(training, f"Waiting{n}", minutes=50 + n, status=Status.WAITLISTED)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(page(training, q="e"))
    assert len(response.context["rows"]) == 23


# --- bulk decisions ---------------------------------------------------------------------


def test_bulk_approve_goes_in_submission_order_and_names_who_was_waitlisted(
    client, coordinator, training
):
    training.capacity = 3
    training.requires_approval = True
    training.save()
    TrainingQuotaFactory(training=training, region_id="central-asia", seats=2)
    a = register(training, "Aliyev", minutes=1, country="UZ")
    b = register(training, "Babayev", minutes=2, country="AZ")
    c = register(training, "Cavadov", minutes=3, country="AZ")
    d = register(training, "Davletov", minutes=4, country="UZ")
    e = register(training, "Ergashev", minutes=5, country="UZ")
    client.force_login(coordinator)
    response = client.post(
        page(training),
        # Ticked newest first: the order of the decision is still first come, first served.
        {"registrations": [e.pk, d.pk, c.pk, b.pk, a.pk], "action": "approve"},
        follow=True,
    )
    assert statuses(a, b, c, d, e) == [
        "confirmed",
        "confirmed",
        "waitlisted",
        "confirmed",
        "waitlisted",
    ]
    said = messages_of(response)
    assert said[0].startswith("3 confirmed: ")
    assert all(name in said[0] for name in ("Aliyev", "Babayev", "Davletov"))
    assert said[1].startswith("1 put on the waiting list (no seat left in their region): ")
    assert "Cavadov" in said[1]
    assert said[2].startswith("1 put on the waiting list (the training is full): ")
    assert "Ergashev" in said[2]
    assert RegistrationEvent.objects.filter(actor=coordinator).count() == 5


def test_bulk_reject_sends_the_one_reason_in_each_persons_language(
    client, coordinator, training, django_capture_on_commit_callbacks
):
    russian = register(training, "Petrova", minutes=1, preferred_language="ru")
    english = register(training, "Brown", minutes=2)
    confirmed = register(training, "Kept", minutes=3, status=Status.CONFIRMED)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            page(training),
            {
                "registrations": [russian.pk, english.pk, confirmed.pk],
                "action": "reject",
                "reason": "Группа уже набрана / the group is complete",
            },
            follow=True,
        )
    assert statuses(russian, english, confirmed) == ["rejected", "rejected", "confirmed"]
    said = messages_of(response)
    assert "2 rejected" in said[0]
    assert said[1].startswith("1 not changed (")
    assert "Kept" in said[1]
    [to_russian] = [m for m in mail.outbox if m.to == ["petrova@example.org"]]
    assert "Группа уже набрана" in to_russian.body
    assert "Причина" in to_russian.body  # the e-mail is in Russian
    [to_english] = [m for m in mail.outbox if m.to == ["brown@example.org"]]
    assert "Reason: \u2068Группа уже набрана / the group is complete\u2069" in to_english.body


def test_bulk_reject_without_a_reason_changes_nothing_and_says_why(client, coordinator, training):
    pending = register(training, "Pending", minutes=1)
    client.force_login(coordinator)
    response = client.post(page(training), {"registrations": [pending.pk], "action": "reject"})
    assert response.status_code == 200
    assert "Say why: the reason is sent to each person." in response.content.decode()
    assert 'id="id_reason-errors"' in response.content.decode()  # beside the field
    assert statuses(pending) == ["pending"]
    assert not RegistrationEvent.objects.exists()
    assert not Notification.objects.exists()


def test_bulk_with_nobody_ticked_or_another_trainings_row_changes_nothing(
    client, coordinator, training
):
    other = RegistrationFactory(status=Status.PENDING)
    client.force_login(coordinator)
    response = client.post(page(training), {"action": "approve"})
    assert "Tick at least one person." in response.content.decode()
    client.post(page(training), {"registrations": [other.pk], "action": "approve"})
    assert statuses(other) == ["pending"]
    assert not RegistrationEvent.objects.exists()


def test_bulk_cancel_promotes_the_first_waiting_person(
    client, coordinator, training, django_capture_on_commit_callbacks
):
    training.capacity = 1
    training.save()
    seated = register(training, "Seated", minutes=1, status=Status.CONFIRMED)
    second = register(training, "Second", minutes=3, status=Status.WAITLISTED)
    first = register(training, "First", minutes=2, status=Status.WAITLISTED)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            page(training), {"registrations": [seated.pk], "action": "cancel"}, follow=True
        )
    assert statuses(seated, first, second) == ["cancelled", "confirmed", "waitlisted"]
    said = messages_of(response)
    assert said[0] == "1 cancelled: " + str(seated.participant)
    assert said[1].endswith(str(first.participant))
    assert Notification.objects.filter(registration=first, kind="promoted").exists()


# --- one registration -------------------------------------------------------------------


def test_the_registration_page_shows_answers_trail_and_emails_and_moves(
    client, coordinator, training
):
    person = register(training, "Moved", minutes=1)
    question = QuestionFactory(training=training, label="Your position?")
    Answer.objects.create(registration=person, question=question, value="Inspector")
    url = reverse("staff:registration_detail", kwargs={"slug": training.slug, "pk": person.pk})
    client.force_login(coordinator)
    page_before = client.get(url)
    assert [value for value, _ in page_before.context["form"].fields["status"].choices] == [
        "confirmed",
        "waitlisted",
        "rejected",
        "cancelled",
    ]
    response = client.post(url, {"status": "rejected", "note": "Not a government officer"})
    assert response.status_code == 302
    body = client.get(url).content.decode()
    assert "Inspector" in body
    assert "Not a government officer" in body
    assert "<bdi>coord</bdi>" in body  # who moved it
    assert "Not accepted" in body  # the e-mail sent (its kind)
    assert statuses(person) == ["rejected"]


def test_a_move_without_a_reason_or_into_a_full_training_is_told_beside_the_field(
    client, coordinator, training
):
    training.capacity = 1
    training.save()
    register(training, "Seated", minutes=1, status=Status.CONFIRMED)
    waiting = register(training, "Waiting", minutes=2, status=Status.WAITLISTED)
    url = reverse("staff:registration_detail", kwargs={"slug": training.slug, "pk": waiting.pk})
    client.force_login(coordinator)
    response = client.post(url, {"status": "confirmed"})
    assert 'id="id_note-errors"' in response.content.decode()
    response = client.post(url, {"status": "confirmed", "note": "VIP"})
    assert response.status_code == 200
    assert "No seat is free for this person" in response.content.decode()
    assert statuses(waiting) == ["waitlisted"]
    assert not RegistrationEvent.objects.exists()


def test_another_trainings_registration_is_not_found_here(client, coordinator, training):
    other = RegistrationFactory()
    client.force_login(coordinator)
    url = reverse("staff:registration_detail", kwargs={"slug": training.slug, "pk": other.pk})
    assert client.get(url).status_code == 404


# --- who may -----------------------------------------------------------------------------


def test_managers_read_without_forms_and_may_not_post(client, training):
    pending = register(training, "Pending", minutes=1)
    client.force_login(staff_user("manager", roles=(MANAGER,)))
    response = client.get(page(training))
    assert response.status_code == 200
    assert shown(response) == ["Pending"]
    body = response.content.decode()
    assert 'name="registrations"' not in body
    assert "bulk-decision" not in body
    detail = reverse("staff:registration_detail", kwargs={"slug": training.slug, "pk": pending.pk})
    assert "move-form" not in client.get(detail).content.decode()
    assert (
        client.post(
            page(training), {"registrations": [pending.pk], "action": "approve"}
        ).status_code
        == 403
    )
    assert client.post(detail, {"status": "confirmed", "note": "x"}).status_code == 403
    assert statuses(pending) == ["pending"]


@pytest.mark.parametrize("roles", [(LIBRARIAN,), ()])
def test_other_roles_get_403(client, training, roles):
    client.force_login(staff_user("someone", roles=roles))
    assert client.get(page(training)).status_code == 403


def test_a_coordinator_of_another_training_gets_404(client, training):
    client.force_login(staff_user("teammate", roles=(COORDINATOR,)))
    assert client.get(page(training)).status_code == 404


# --- the admin: actions through the services, no delete ----------------------------------


def test_admin_cancel_action_promotes_the_first_waiting_person(
    client, coordinator, training, django_capture_on_commit_callbacks
):
    training.capacity = 1
    training.save()
    seated = register(training, "Seated", minutes=1, status=Status.CONFIRMED)
    first = register(training, "First", minutes=2, status=Status.WAITLISTED)
    second = register(training, "Second", minutes=3, status=Status.WAITLISTED)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:participants_registration_changelist"),
            {"action": "cancel", "_selected_action": [seated.pk]},
            follow=True,
        )
    assert statuses(seated, first, second) == ["cancelled", "confirmed", "waitlisted"]
    event = RegistrationEvent.objects.get(registration=first)
    assert (event.from_status, event.to_status) == ("waitlisted", "confirmed")
    assert Notification.objects.filter(registration=first, kind="promoted").exists()
    assert any(m.to == ["first@example.org"] for m in mail.outbox)
    said = messages_of(response)
    assert any("promoted" in line and "First" in line for line in said)


def test_admin_bulk_approve_in_submission_order_names_who_was_waitlisted(
    client, coordinator, training
):
    training.capacity = 1
    training.requires_approval = True
    training.save()
    early = register(training, "Early", minutes=1)
    late = register(training, "Late", minutes=2)
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:participants_registration_changelist"),
        {"action": "approve", "_selected_action": [late.pk, early.pk]},
        follow=True,
    )
    assert statuses(early, late) == ["confirmed", "waitlisted"]
    said = messages_of(response)
    assert said[0] == "1 confirmed: " + str(early.participant)
    assert said[1] == "1 put on the waiting list (the training is full): " + str(late.participant)


def test_admin_reject_asks_the_reason_first(client, coordinator, training):
    pending = register(training, "Pending", minutes=1)
    changelist = reverse("admin:participants_registration_changelist")
    client.force_login(coordinator)
    response = client.post(changelist, {"action": "reject", "_selected_action": [pending.pk]})
    assert response.status_code == 200
    assert statuses(pending) == ["pending"]
    response = client.post(
        changelist,
        {"action": "reject", "_selected_action": [pending.pk], "apply": "1", "reason": "Late"},
    )
    assert response.status_code == 302
    assert statuses(pending) == ["rejected"]
    assert Registration.objects.get(pk=pending.pk).decision_reason == "Late"


def test_admin_never_deletes_a_registration(client, coordinator, training, admin_client):
    """Deleting would free a seat without promoting, telling or a trail: not offered,
    not even to a superuser; the action that is offered cancels through the service."""
    person = register(training, "Kept", minutes=1, status=Status.CONFIRMED)
    delete = reverse("admin:participants_registration_delete", args=[person.pk])
    changelist = reverse("admin:participants_registration_changelist")
    client.force_login(coordinator)
    for user_client in (admin_client, client):
        assert user_client.get(delete).status_code == 403
        assert user_client.post(delete, {"post": "yes"}).status_code == 403
        body = user_client.get(changelist).content.decode()
        assert 'value="delete_selected"' not in body
        assert 'value="cancel"' in body
        user_client.post(
            changelist,
            {"action": "delete_selected", "_selected_action": [person.pk], "post": "yes"},
        )
    assert statuses(person) == ["confirmed"]
