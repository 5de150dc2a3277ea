"""``staff:today``: today's sessions of the person's trainings, with their sheets; and the
dashboard's calendar as a list on a phone."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.models import Training
from tests.factories import SessionFactory, TrainingFactory, coordinator_user, staff_user

pytestmark = pytest.mark.django_db

TODAY = "/staff/today/"


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def training_today(coordinator=None, **fields):
    today = timezone.localdate()
    training = TrainingFactory(start_date=today, end_date=today, **fields)
    if coordinator is not None:
        training.coordinators.add(coordinator)
    return training


@pytest.fixture
def coordinator():
    return coordinator_user()


@pytest.fixture
def coordinator_client(coordinator):
    client = Client()
    client.force_login(coordinator)
    return client


def test_the_url_is_stable():
    assert reverse("staff:today") == TODAY


def test_it_lists_todays_sessions_of_my_trainings_with_their_sheets(
    coordinator, coordinator_client
):
    today = timezone.localdate()
    mine = training_today(coordinator, title="Readmission in practice", venue_city="Almaty")
    late = SessionFactory(
        training=mine, title="Afternoon", starts_at=at(today, 14), ends_at=at(today, 17), room="B2"
    )
    early = SessionFactory(
        training=mine, title="Morning", starts_at=at(today, 0, 1), ends_at=at(today, 0, 2)
    )
    tomorrow = today + dt.timedelta(days=1)
    SessionFactory(
        training=mine, title="Tomorrow's", starts_at=at(tomorrow, 9), ends_at=at(tomorrow, 10)
    )
    theirs = training_today(staff_user("other", roles=("coordinator",)), title="Someone else's")
    SessionFactory(
        training=theirs, title="Not mine", starts_at=at(today, 10), ends_at=at(today, 11)
    )
    called_off = training_today(coordinator, status=Training.Status.CANCELLED)
    SessionFactory(
        training=called_off, title="Called off", starts_at=at(today, 10), ends_at=at(today, 11)
    )

    response = coordinator_client.get(TODAY)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Morning") < html.index("Afternoon")  # by time
    for session in (early, late):
        assert reverse("staff:attendance_sheet", args=[session.pk]) in html
        assert reverse("staff:sign_in_sheet", args=[session.pk]) in html
    assert "14:00" in html
    assert "B2" in html
    assert "Almaty" in html
    assert "Readmission in practice" in html
    for absent in ("Tomorrow's", "Not mine", "Called off"):
        assert absent not in html


def test_a_manager_sees_every_training_s_sessions_of_today():
    training = training_today(title="Anyone's")
    today = timezone.localdate()
    SessionFactory(
        training=training, title="Opening", starts_at=at(today, 9), ends_at=at(today, 10)
    )
    client = Client()
    client.force_login(staff_user("manager", roles=("manager",)))
    assert "Opening" in client.get(TODAY).content.decode()


def test_a_day_without_sessions_says_so(coordinator_client):
    html = coordinator_client.get(TODAY).content.decode()
    assert "no-sessions-today" in html


def test_librarians_and_officers_are_refused_visitors_sent_to_sign_in():
    for role in ("librarian", "network officer"):
        client = Client()
        client.force_login(staff_user(role.replace(" ", "-"), roles=(role,)))
        assert client.get(TODAY).status_code == 403
    response = Client().get(TODAY)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_query_count_does_not_grow_with_sessions(
    coordinator, coordinator_client, django_assert_num_queries
):
    today = timezone.localdate()
    training = training_today(coordinator)
    SessionFactory(training=training, starts_at=at(today, 8), ends_at=at(today, 9))
    # session, user, roles, the sessions with their trainings
    with django_assert_num_queries(4):
        coordinator_client.get(TODAY)
    for hour in range(9, 18):
        SessionFactory(
            training=training_today(coordinator),
            starts_at=at(today, hour),
            ends_at=at(today, hour, 30),
        )
    with django_assert_num_queries(4):
        html = coordinator_client.get(TODAY).content.decode()
    assert html.count('class="card mb-3 today-session"') == 10


def test_the_dashboard_month_is_a_list_on_a_phone(coordinator, coordinator_client):
    today = timezone.localdate()
    training = training_today(coordinator, title="Border management today")
    session = SessionFactory(
        training=training, title="Opening", starts_at=at(today, 9), ends_at=at(today, 10)
    )
    html = coordinator_client.get(reverse("staff:dashboard")).content.decode()
    # The grid only from md up; a list below it, with the busy days only.
    assert 'class="table-responsive d-none d-md-block"' in html
    listing = html.split('class="list-group d-md-none staff-calendar-list"', 1)[1].split(
        "</ul>", 1
    )[0]
    assert "Border management today" in listing
    assert reverse("staff:attendance_sheet", args=[session.pk]) in listing
    assert listing.count("<li") == 1


def test_an_empty_month_lists_nothing_on_a_phone(coordinator_client):
    html = coordinator_client.get(reverse("staff:dashboard") + "?month=2001-01").content.decode()
    listing = html.split("staff-calendar-list", 1)[1].split("</ul>", 1)[0]
    assert "No training or session this month." in listing
