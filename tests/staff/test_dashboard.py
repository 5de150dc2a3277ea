"""The staff dashboard: who may see it, the month calendar, approvals, training figures."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.models import Training
from participants.models import Registration
from tests.factories import (
    ParticipantFactory,
    RegistrationFactory,
    SessionFactory,
    TrainingFactory,
    TrainingQuotaFactory,
    coordinator_user,
    coordinators_run_every_training,
    staff_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _coordinators_run_every_training(db):
    """These tests are about what a coordinator sees of their trainings; whose trainings
    those are (the per-training scope) is tests/access/'s."""
    with coordinators_run_every_training():
        yield


DASHBOARD = "/staff/"
Status = Registration.Status


@pytest.fixture
def coordinator_client():
    client = Client()
    client.force_login(coordinator_user())
    return client


@pytest.fixture
def other_staff_client():
    """Staff, but not a coordinator (a manager)."""
    client = Client()
    client.force_login(staff_user("manager", roles=("manager",)))
    return client


@pytest.fixture
def anonymous_client():
    return Client()


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def day_cell(page: str, day: dt.date) -> str:
    """The HTML of one day of the calendar grid."""
    start = page.index(f'<time datetime="{day:%Y-%m-%d}">')
    end = page.find("<time datetime=", start + 1)
    return page[start : end if end != -1 else page.index("</table>", start)]


# --- who may see it ----------------------------------------------------------------


def test_the_dashboard_is_for_staff_only(anonymous_client, other_staff_client, coordinator_client):
    from django.contrib.auth.models import User
    from django.test import Client

    assert reverse("staff:dashboard") == DASHBOARD
    response = anonymous_client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={DASHBOARD}"

    # Every staff member sees the overview (managers go on to reports from it)...
    assert other_staff_client.get(DASHBOARD).status_code == 200
    assert coordinator_client.get(DASHBOARD).status_code == 200
    # ...a signed-in person who is not staff does not.
    outsider = Client()
    outsider.force_login(User.objects.create_user("participant-account"))
    assert outsider.get(DASHBOARD).status_code == 403


def test_the_sign_in_comes_back_to_the_month_asked_for(anonymous_client):
    response = anonymous_client.get(DASHBOARD, {"month": "2031-03"})
    assert response["Location"] == f"{reverse('admin:login')}?next=/staff/%3Fmonth%3D2031-03"


def test_superusers_see_the_dashboard():
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="x"))
    assert client.get(DASHBOARD).status_code == 200


def test_inactive_coordinators_are_turned_away():
    user = coordinator_user("gone")
    client = Client()
    client.force_login(user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    # The session no longer authenticates an inactive user: back to the sign-in.
    assert client.get(DASHBOARD).status_code == 302


def test_the_navigation_links_staff_to_the_dashboard_and_the_admin(
    coordinator_client, anonymous_client
):
    page = coordinator_client.get(DASHBOARD).content.decode()
    assert f'href="{DASHBOARD}"' in page
    assert f'href="{reverse("admin:index")}"' in page
    public = anonymous_client.get(reverse("about")).content.decode()
    assert f'href="{DASHBOARD}"' not in public
    assert f'href="{reverse("admin:index")}"' not in public


# --- the month calendar ----------------------------------------------------------------


def test_the_calendar_shows_each_session_on_its_local_day(coordinator_client):
    training = TrainingFactory(
        title="Border management", start_date=dt.date(2031, 3, 11), end_date=dt.date(2031, 3, 13)
    )
    opening = SessionFactory(
        training=training, title="Opening", starts_at=local(dt.date(2031, 3, 11), 9)
    )
    # Half past midnight in the center's time zone is still the previous day in UTC.
    late = SessionFactory(
        training=training, title="Night drill", starts_at=local(dt.date(2031, 3, 12), 0, 30)
    )
    SessionFactory(
        training=TrainingFactory(start_date=dt.date(2031, 5, 5), end_date=dt.date(2031, 5, 6)),
        title="In May",
    )

    response = coordinator_client.get(DASHBOARD, {"month": "2031-03"})

    page = response.content.decode()
    assert "March 2031" in page
    assert "Opening" in day_cell(page, dt.date(2031, 3, 11))
    assert reverse("staff:attendance_sheet", args=[opening.pk]) in day_cell(
        page, dt.date(2031, 3, 11)
    )
    assert "Night drill" in day_cell(page, dt.date(2031, 3, 12))
    assert "Night drill" not in day_cell(page, dt.date(2031, 3, 11))
    assert reverse("staff:attendance_sheet", args=[late.pk]) in page
    # The training shows on every day it runs.
    for day in (11, 12, 13):
        assert "Border management" in day_cell(page, dt.date(2031, 3, day))
    assert "Border management" not in day_cell(page, dt.date(2031, 3, 14))
    calendar = page[: page.index("</table>")]
    assert "In May" not in calendar


def test_the_calendar_is_a_grid_of_whole_weeks_from_monday(coordinator_client):
    response = coordinator_client.get(DASHBOARD, {"month": "2031-03"})
    weeks = response.context["weeks"]
    # March 2031 starts on a Saturday and ends on a Monday.
    assert weeks[0][0]["date"] == dt.date(2031, 2, 24)
    assert weeks[-1][-1]["date"] == dt.date(2031, 4, 6)
    assert all(len(week) == 7 for week in weeks)
    assert [day["in_month"] for day in weeks[0]] == [False] * 5 + [True] * 2
    page = response.content.decode()
    assert page.index(">Mon<") < page.index(">Sun<")


@pytest.mark.parametrize(
    ("month", "previous", "following"),
    [
        ("2031-03", "2031-02", "2031-04"),
        ("2031-01", "2030-12", "2031-02"),
        ("2031-12", "2031-11", "2032-01"),
    ],
)
def test_previous_and_next_month_links(coordinator_client, month, previous, following):
    page = coordinator_client.get(DASHBOARD, {"month": month}).content.decode()
    assert f'href="?month={previous}"' in page
    assert f'href="?month={following}"' in page


@pytest.mark.parametrize("month", ["", "2031-13", "March", "0001-01", "2031-3-1"])
def test_a_malformed_month_shows_this_month(coordinator_client, month):
    response = coordinator_client.get(DASHBOARD, {"month": month})
    assert response.status_code == 200
    assert response.context["month"] == timezone.localdate().replace(day=1)


# --- approvals -------------------------------------------------------------------------


def test_pending_approvals_count_and_the_oldest_twenty(coordinator_client):
    training = TrainingFactory(requires_approval=True)
    start = timezone.now() - dt.timedelta(days=30)
    pending = [
        RegistrationFactory(
            training=training,
            status=Status.PENDING,
            submitted_at=start + dt.timedelta(hours=n),
            participant=ParticipantFactory(given_name="Pending", family_name=f"Person{n:02d}"),
        )
        for n in range(25)
    ]
    RegistrationFactory(training=training, status=Status.CONFIRMED)

    response = coordinator_client.get(DASHBOARD)

    page = response.content.decode()
    assert response.context["pending_count"] == 25
    assert re.search(r'class="badge[^"]*pending-count">25<', page)
    assert [r.pk for r in response.context["pending"]] == [r.pk for r in pending[:20]]
    for registration in pending[:20]:
        assert reverse("admin:participants_registration_change", args=[registration.pk]) in page
    for registration in pending[20:]:
        assert f"Person{registration.participant.family_name[-2:]}<" not in page
        assert reverse("admin:participants_registration_change", args=[registration.pk]) not in page


def test_no_pending_approvals(coordinator_client):
    page = coordinator_client.get(DASHBOARD).content.decode()
    assert "No registration is awaiting approval." in page


# --- trainings -------------------------------------------------------------------------


def test_open_trainings_show_seats_and_quota_use(coordinator_client):
    today = timezone.localdate()
    training = TrainingFactory(
        title="Labour migration",
        capacity=10,
        start_date=today + dt.timedelta(days=7),
        end_date=today + dt.timedelta(days=9),
    )
    TrainingQuotaFactory(training=training, region_id="central-asia", seats=4)
    TrainingQuotaFactory(training=training, region_id="middle-east", seats=2)
    for _n in range(2):
        RegistrationFactory(training=training, seat_region_id="central-asia")
    RegistrationFactory(training=training)  # an open seat
    for status in (Status.WAITLISTED, Status.WAITLISTED, Status.PENDING, Status.CANCELLED):
        RegistrationFactory(training=training, status=status)
    session = SessionFactory(training=training, title="Recruitment")

    response = coordinator_client.get(DASHBOARD)

    [shown] = response.context["trainings"]
    assert (
        shown.capacity,
        shown.confirmed_count,
        shown.waitlisted_count,
        shown.pending_count,
        shown.seats_left,
    ) == (10, 3, 2, 1, 7)
    quotas = {q.region_id: (q.seats, q.confirmed_count, q.seats_left) for q in shown.quotas.all()}
    assert quotas == {"central-asia": (4, 2, 2), "middle-east": (2, 0, 2)}
    page = response.content.decode()
    assert 'data-figure="seats-left">7<' in page
    assert 'data-figure="waitlisted">2<' in page
    assert re.search(r'data-region="central-asia"><td>Central Asia</td><td>4</td><td>2</td>', page)
    assert reverse("staff:attendance_sheet", args=[session.pk]) in page
    assert reverse("staff:sign_in_sheet", args=[session.pk]) in page


def test_a_full_training_has_no_seats_left_rather_than_fewer_than_none(coordinator_client):
    training = TrainingFactory(capacity=1)
    RegistrationFactory(training=training)
    RegistrationFactory(training=training)  # over capacity, e.g. moved in by staff
    [shown] = coordinator_client.get(DASHBOARD).context["trainings"]
    assert (shown.confirmed_count, shown.seats_left) == (2, 0)


def test_only_current_open_or_closed_trainings_are_listed(coordinator_client):
    today = timezone.localdate()
    ends_today = TrainingFactory(
        status=Training.Status.CLOSED,
        start_date=today - dt.timedelta(days=2),
        end_date=today,
    )
    upcoming = TrainingFactory(status=Training.Status.OPEN)
    TrainingFactory(status=Training.Status.DRAFT)
    TrainingFactory(status=Training.Status.CANCELLED)
    TrainingFactory(status=Training.Status.COMPLETED)
    TrainingFactory(
        status=Training.Status.CLOSED,
        start_date=today - dt.timedelta(days=3),
        end_date=today - dt.timedelta(days=1),
    )
    shown = coordinator_client.get(DASHBOARD).context["trainings"]
    assert [t.pk for t in shown] == [ends_today.pk, upcoming.pk]


# --- query count ---------------------------------------------------------------------------


def add_training(n: int) -> None:
    today = timezone.localdate()
    training = TrainingFactory(
        start_date=today + dt.timedelta(days=n), end_date=today + dt.timedelta(days=n + 1)
    )
    TrainingQuotaFactory(training=training, region_id="central-asia", seats=2)
    TrainingQuotaFactory(training=training, region_id="eastern-partnership", seats=2)
    SessionFactory(training=training)
    SessionFactory(training=training)
    RegistrationFactory(training=training, seat_region_id="central-asia")
    RegistrationFactory(training=training, status=Status.WAITLISTED)
    RegistrationFactory(training=training, status=Status.PENDING)


def test_dashboard_query_count_is_constant(coordinator_client, django_assert_num_queries):
    add_training(0)
    # Django session, user, the user's roles (the pending list's scope); calendar sessions,
    # calendar trainings, which of the sessions' trainings the person may open; pending count,
    # oldest pending; trainings with figures, their sessions, their quotas.
    with django_assert_num_queries(11):
        response = coordinator_client.get(DASHBOARD)
    assert len(response.context["trainings"]) == 1
    for n in range(1, 12):
        add_training(n)
    with django_assert_num_queries(11):
        response = coordinator_client.get(DASHBOARD)
    assert len(response.context["trainings"]) == 12
    assert response.context["pending_count"] == 12
