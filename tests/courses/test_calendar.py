"""iCalendar feeds: one training's, and the public catalogue's."""

import datetime as dt

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ExpertFactory, SessionFactory, TrainingFactory

pytestmark = pytest.mark.django_db


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response, icalendar.Calendar.from_ical(response.content)


def events_by_uid(calendar):
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def feed_url(training):
    return reverse("courses:training_calendar", kwargs={"slug": training.slug})


def test_training_feed_has_one_event_per_session_with_its_times(client):
    training = TrainingFactory(title="Управление границами", slug="border-management")
    first = SessionFactory(training=training, title="Введение", room="Зал 2")
    second = SessionFactory(
        training=training,
        starts_at=first.starts_at + dt.timedelta(days=1),
        ends_at=first.starts_at + dt.timedelta(days=1, hours=2),
    )
    first.trainers.add(
        ExpertFactory(given_name="ნინო", family_name="ბერიძე"),
        ExpertFactory(given_name="ليلى", family_name="حداد"),
    )
    response, calendar = fetch(client, feed_url(training))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="border-management.ics"'
    assert str(calendar["PRODID"]) == "-//RTCM//Regional Training Center on Migration//EN"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Управление границами"
    events = events_by_uid(calendar)
    assert set(events) == {f"session-{first.pk}@rtcm", f"session-{second.pk}@rtcm"}
    for session in (first, second):
        event = events[f"session-{session.pk}@rtcm"]
        assert event.decoded("DTSTART") == session.starts_at
        assert event.decoded("DTEND") == session.ends_at
        assert event.decoded("DTSTART").utcoffset() is not None
    event = events[f"session-{first.pk}@rtcm"]
    assert str(event["SUMMARY"]) == "Управление границами — Введение"
    assert str(event["LOCATION"]) == "Зал 2, Tashkent, Uzbekistan"
    url = "https://rtcm.example.org/trainings/border-management/"
    assert str(event["URL"]) == url
    description = str(event["DESCRIPTION"])
    assert "ნინო ბერიძე" in description
    assert "ليلى حداد" in description
    assert url in description
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["SEQUENCE"] == 0
    assert "DTSTAMP" in event


def test_public_feed_never_carries_the_online_link_but_the_registrants_copy_does(client):
    from courses.calendar import training_calendar

    training = TrainingFactory(
        format="online", online_url="https://meet.example.org/rtcm", venue_city="", venue_country=""
    )
    SessionFactory(training=training)
    response, calendar = fetch(client, feed_url(training))
    (event,) = calendar.walk("VEVENT")
    assert str(event["LOCATION"]) == "Online"
    assert b"meet.example.org" not in response.content
    (private,) = training_calendar(training, private=True).walk("VEVENT")
    assert str(private["LOCATION"]) == "https://meet.example.org/rtcm"


def test_training_without_sessions_gives_one_all_day_event_with_exclusive_end(client):
    start = timezone.localdate() + dt.timedelta(days=10)
    training = TrainingFactory(start_date=start, end_date=start + dt.timedelta(days=2))
    _, calendar = fetch(client, feed_url(training))
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == start
    assert not isinstance(event.decoded("DTSTART"), dt.datetime)
    assert event.decoded("DTEND") == start + dt.timedelta(days=3)


def test_draft_training_feed_is_404(client):
    training = TrainingFactory(status="draft")
    assert client.get(feed_url(training)).status_code == 404


def test_cancelled_training_feed_marks_events_cancelled(client):
    training = TrainingFactory(status="cancelled")
    SessionFactory(training=training)
    _, calendar = fetch(client, feed_url(training))
    (event,) = calendar.walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"


def test_catalogue_feed_lists_sessions_of_open_trainings_only(client):
    open_session = SessionFactory(training=TrainingFactory(title="Реадмиссия"))
    SessionFactory(training=TrainingFactory(status="draft"))
    SessionFactory(training=TrainingFactory(status="cancelled"))
    response, calendar = fetch(client, reverse("courses:catalogue_calendar"))
    assert response["Content-Disposition"] == 'attachment; filename="rtcm-trainings.ics"'
    assert str(calendar["X-WR-CALNAME"]) == "RTCM trainings"
    events = events_by_uid(calendar)
    assert list(events) == [f"session-{open_session.pk}@rtcm"]
    assert str(events[f"session-{open_session.pk}@rtcm"]["SUMMARY"]).startswith("Реадмиссия — ")


def add_trainings_with_sessions(count):
    for _ in range(count):
        training = TrainingFactory()
        for _ in range(2):
            SessionFactory(training=training).trainers.add(ExpertFactory())


def test_catalogue_feed_query_count_is_constant(client, django_assert_num_queries):
    url = reverse("courses:catalogue_calendar")
    add_trainings_with_sessions(2)
    # trainings, sessions, trainers
    with django_assert_num_queries(3):
        _, calendar = fetch(client, url)
    assert len(calendar.walk("VEVENT")) == 4
    add_trainings_with_sessions(6)
    with django_assert_num_queries(3):
        _, calendar = fetch(client, url)
    assert len(calendar.walk("VEVENT")) == 16


def test_pages_link_to_the_feeds(client):
    training = TrainingFactory()
    assert feed_url(training) in client.get(training.get_absolute_url()).content.decode()
    catalogue = client.get(reverse("courses:training_list")).content.decode()
    assert reverse("courses:catalogue_calendar") in catalogue
