"""The activity report counts as held only the trainings that took place in the period
(ended in it, or running up to its end); the period's trainings not started yet are listed
apart as scheduled. The home page's figures use the same definition. And the reports page:
this quarter pre-filled, trainings told apart by their dates and city, the jobs a link away."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.models import Training
from participants import selectors
from rtcm.core.roles import MANAGER
from rtcm.reports.builders import activity_report
from rtcm.reports.document import Report
from rtcm.reports.forms import dates_text, quarter_of
from tests.factories import RegistrationFactory, TrainingFactory, attend, session_on, staff_user

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """Tests run on 1 December 2026, whatever the clock says."""
    moment = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(12)))
    monkeypatch.setattr(timezone, "now", lambda: moment)


def figures(report: Report) -> dict:
    return {f.label: f.value for section in report.sections for f in section.figures}


def rows(report: Report, key: str) -> dict:
    table = next(t for t in report.tables if t.key == key)
    return {row[0]: row for row in table.rows}


def training(title, start, end, **fields):
    made = TrainingFactory(title=title, start_date=start, end_date=end, **fields)
    session_on(made, start, hours=3)
    return made


def test_a_period_with_no_past_training_lists_none_as_held():
    february = training("Readmission, February", dt.date(2027, 2, 8), dt.date(2027, 2, 10))
    RegistrationFactory(training=february)
    report = activity_report(start=dt.date(2027, 1, 1), end=dt.date(2027, 3, 31))
    assert figures(report)["Trainings held"] == 0
    assert figures(report)["Registrations (confirmed)"] == 0
    assert rows(report, "trainings") == {}
    assert list(rows(report, "trainings_scheduled")) == ["Readmission, February"]


def test_held_is_what_took_place_in_the_period():
    start, end = dt.date(2026, 10, 1), dt.date(2026, 12, 31)  # this quarter
    training("Ended in it", dt.date(2026, 9, 29), dt.date(2026, 10, 2))  # began the quarter before
    training("Running at its end", dt.date(2026, 11, 30), dt.date(2026, 12, 2))
    training("Next week", dt.date(2026, 12, 8), dt.date(2026, 12, 10))
    training("Next February", dt.date(2027, 2, 8), dt.date(2027, 2, 10))
    training("Before it", dt.date(2026, 9, 1), dt.date(2026, 9, 3))
    training("Called off", dt.date(2026, 10, 5), dt.date(2026, 10, 6), status="cancelled")
    training("Draft", dt.date(2026, 10, 5), dt.date(2026, 10, 6), status="draft")
    report = activity_report(start=start, end=end)
    assert set(rows(report, "trainings")) == {"Ended in it", "Running at its end"}
    assert figures(report)["Trainings held"] == 2
    assert set(rows(report, "trainings_scheduled")) == {"Next week"}


def test_a_scheduled_training_is_not_held_at_0_percent():
    later = training("Next week", dt.date(2026, 12, 8), dt.date(2026, 12, 10))
    RegistrationFactory(training=later)
    report = activity_report(start=dt.date(2026, 10, 1), end=dt.date(2026, 12, 31))
    assert "Next week" not in rows(report, "trainings")
    assert rows(report, "trainings_scheduled")["Next week"][1] == dt.date(2026, 12, 8)
    assert figures(report)["Unique participants"] == 0


def test_the_attendance_of_a_running_training_counts_the_sessions_held_so_far():
    running = TrainingFactory(
        title="Running", start_date=dt.date(2026, 11, 30), end_date=dt.date(2026, 12, 2)
    )
    for day in (30, 1):
        session_on(running, dt.date(2026, 11, day) if day == 30 else TODAY, hours=2, start=8)
    session_on(running, dt.date(2026, 12, 2), hours=2)  # tomorrow
    attend(RegistrationFactory(training=running), 2)
    report = activity_report(start=dt.date(2026, 10, 1), end=dt.date(2026, 12, 31))
    assert rows(report, "trainings")["Running"][-1] == 100


def test_the_headline_agrees_with_the_home_page():
    past = training("Held", dt.date(2026, 3, 2), dt.date(2026, 3, 4), status="completed")
    running = training("Running", dt.date(2026, 11, 30), dt.date(2026, 12, 2))
    future = training("Next February", dt.date(2027, 2, 8), dt.date(2027, 2, 10))
    for made, people in ((past, 3), (running, 2), (future, 4)):
        for _n in range(people):
            RegistrationFactory(training=made)
    home = selectors.center_totals()
    report = figures(activity_report(start=dt.date(2020, 1, 1), end=dt.date(2030, 12, 31)))
    assert home["trainings_held"] == report["Trainings held"] == 2
    assert home["participants_trained"] == report["Unique participants"] == 5
    page = Client().get(reverse("home")).content.decode()
    assert '<div class="fs-2 fw-bold">2</div>' in page


# --- the reports page ---


@pytest.fixture
def manager_client():
    client = Client()
    client.force_login(staff_user("manager", roles=(MANAGER,)))
    return client


def test_the_quarter_and_the_dates_read_as_people_write_them():
    assert quarter_of(dt.date(2026, 12, 1)) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert quarter_of(dt.date(2027, 2, 28)) == (dt.date(2027, 1, 1), dt.date(2027, 3, 31))
    assert quarter_of(dt.date(2026, 4, 1)) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert dates_text(dt.date(2027, 5, 12), dt.date(2027, 5, 16)) == "12–16 May 2027"
    assert dates_text(dt.date(2027, 5, 28), dt.date(2027, 6, 2)) == "28 May – 2 June 2027"
    assert dates_text(dt.date(2026, 12, 30), dt.date(2027, 1, 3)) == (
        "30 December 2026 – 3 January 2027"
    )
    assert dates_text(dt.date(2027, 5, 12), dt.date(2027, 5, 12)) == "12 May 2027"


def test_the_reports_page_prefills_this_quarter_and_tells_trainings_apart(manager_client):
    for city, start in (("Tashkent", dt.date(2027, 5, 12)), ("Tbilisi", dt.date(2026, 3, 2))):
        TrainingFactory(
            title="Readmission", venue_city=city, start_date=start, end_date=start + dt.timedelta(4)
        )
    TrainingFactory(
        title="Readmission",
        format=Training.Format.ONLINE,
        venue_city="",
        online_url="https://meet.example.org/r",
        start_date=dt.date(2026, 6, 1),
        end_date=dt.date(2026, 6, 1),
    )
    page = manager_client.get(reverse("reports:index")).content.decode()
    assert 'name="start" value="2026-10-01"' in page
    assert 'name="end" value="2026-12-31"' in page
    assert "Readmission — 12–16 May 2027, Tashkent" in page
    assert "Readmission — 2–6 March 2026, Tbilisi" in page
    assert "Readmission — 1 June 2026, Online" in page
    assert reverse("jobs:list") in page
