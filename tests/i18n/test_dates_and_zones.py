"""Dates in each language's own form, and session times on the venue's clock with the zone
named: the same for every reader, entered by staff on that clock, stored in UTC."""

import datetime as dt
import re
import zoneinfo

import icalendar
import pytest
from django.forms import inlineformset_factory
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from courses.forms import SessionForm, SessionInlineForm, SessionInlineFormSet
from courses.models import Session, Training
from courses.timezones import session_times, zone_label
from rtcm.reports.forms import dates_text
from tests.factories import SessionFactory, TrainingFactory, coordinator_user

pytestmark = pytest.mark.django_db

FEB_14 = dt.date(2027, 2, 14)  # a Sunday
JULY_14 = dt.date(2027, 7, 14)  # summer time in Chisinau (UTC+3; winter UTC+2)
UTC = dt.UTC


def page(client: Client, url: str, language: str) -> str:
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()
    return " ".join(response.content.decode().split())


def training_on(day: dt.date, zone: str = "Asia/Baku", **fields) -> Training:
    return TrainingFactory(
        start_date=day, end_date=day + dt.timedelta(days=2), time_zone=zone, **fields
    )


def utc(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=UTC)


# --- dates in each language ---


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "14 February 2027"),
        ("ru", "14 февраля 2027"),
        ("az", "14 fevral 2027"),
        ("ar", "14 فبراير 2027"),
    ],
)
def test_the_training_page_writes_its_dates_in_the_reader_s_form(client, language, expected):
    training = training_on(FEB_14)
    html = page(client, training.get_absolute_url(), language)
    assert expected in html
    assert "Февраль 2027" not in html  # the nominative, as Django's ``F`` had it
    assert "2027 г." not in html


def test_the_catalogue_card_writes_the_genitive_too(client):
    training_on(FEB_14, title="Readmission and reintegration")
    html = page(client, reverse("courses:training_list"), "ru")
    assert "14 февраля 2027" in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "14–16 February 2027"),
        ("ru", "14–16 февраля 2027"),
        ("az", "14–16 fevral 2027"),
        ("ar", "14–16 فبراير 2027"),
    ],
)
def test_a_report_s_period_reads_in_the_language(language, expected):
    with translation.override(language):
        assert dates_text(FEB_14, FEB_14 + dt.timedelta(days=2)) == expected


def test_a_month_and_day_range_across_months_in_russian():
    with translation.override("ru"):
        assert dates_text(dt.date(2027, 1, 30), FEB_14) == "30 января – 14 февраля 2027"


# --- session times on the venue's clock ---


@pytest.mark.parametrize("language", ["en", "ru", "az", "ar"])
def test_a_bishkek_session_reads_10_00_with_its_zone_for_every_reader(client, language):
    training = training_on(FEB_14, "Asia/Bishkek")
    SessionFactory(training=training, starts_at=utc(FEB_14, 4), ends_at=utc(FEB_14, 7))
    # The server's (or a reader's) own zone plays no part.
    with timezone.override(zoneinfo.ZoneInfo("Asia/Amman")):
        html = page(client, training.get_absolute_url(), language)
    assert "10:00–13:00" in html
    assert "UTC+6" in html
    assert "07:00" not in html  # Amman's clock
    with translation.override(language):
        assert zone_label("Asia/Bishkek", utc(FEB_14, 4)) in html


def test_the_zone_is_named_in_the_reader_s_language():
    at = utc(FEB_14, 4)
    with translation.override("en"):
        assert zone_label("Asia/Bishkek", at) == "Bishkek time, UTC+6"
        assert zone_label("Asia/Baku", at) == "Baku time, UTC+4"
        assert zone_label("Asia/Kathmandu", at) == "Kathmandu time, UTC+5:45"
        assert zone_label("America/Argentina/Buenos_Aires", at) == "Buenos Aires time, UTC-3"
        assert zone_label("UTC", at) == "UTC"
    with translation.override("ru"):
        assert "Бишкек" in zone_label("Asia/Bishkek", at)
    with translation.override("az"):
        assert "Bişkek" in zone_label("Asia/Bishkek", at)
    with translation.override("ar"):
        assert "بيشكيك" in zone_label("Asia/Bishkek", at)


def test_an_online_training_names_the_organisers_zone(client):
    training = training_on(FEB_14, "Asia/Baku", format=Training.Format.ONLINE, venue_city="")
    session = SessionFactory(training=training, starts_at=utc(FEB_14, 6), ends_at=utc(FEB_14, 9))
    for reader_zone in ("Asia/Amman", "Asia/Bishkek"):
        with timezone.override(zoneinfo.ZoneInfo(reader_zone)), translation.override("en"):
            assert str(session_times(session)) == "Sun 14 Feb, 10:00–13:00 (Baku time, UTC+4)"


@pytest.mark.parametrize(
    ("day", "utc_hour", "offset"),
    [(FEB_14, 8, "UTC+2"), (JULY_14, 7, "UTC+3")],
    ids=["winter", "summer"],
)
def test_a_zone_with_summer_time_gives_each_date_its_offset(day, utc_hour, offset):
    training = training_on(day, "Europe/Chisinau")
    session = SessionFactory(
        training=training, starts_at=utc(day, utc_hour), ends_at=utc(day, utc_hour + 2)
    )
    with translation.override("en"):
        times = session_times(session)
    assert times.hours == "10:00–12:00"
    assert times.zone == f"Chisinau time, {offset}"


def test_the_baku_zone_keeps_utc_plus_4_all_year():
    with translation.override("en"):
        assert zone_label("Asia/Baku", utc(JULY_14, 6)) == "Baku time, UTC+4"
        assert zone_label("Asia/Baku", utc(FEB_14, 6)) == "Baku time, UTC+4"


def test_a_session_past_midnight_names_its_last_day():
    training = training_on(FEB_14, "Asia/Baku")
    session = SessionFactory(training=training, starts_at=utc(FEB_14, 18), ends_at=utc(FEB_14, 21))
    with translation.override("en"):
        assert session_times(session).hours == "22:00 – Mon 15 Feb, 01:00"


@pytest.mark.parametrize("language", ["ru", "az", "ar"])
def test_session_dates_use_the_language_s_day_and_month(language):
    training = training_on(FEB_14, "Asia/Baku")
    session = SessionFactory(training=training, starts_at=utc(FEB_14, 6), ends_at=utc(FEB_14, 9))
    with translation.override(language):
        day = session_times(session).day
    assert {"ru": "14 февраля", "az": "14 fevral", "ar": "14 فبراير"}[language] in day


# --- iCalendar ---


def test_the_ical_feed_carries_the_instant_in_utc():
    training = training_on(FEB_14, "Asia/Bishkek")
    SessionFactory(training=training, starts_at=utc(FEB_14, 4), ends_at=utc(FEB_14, 7))
    response = Client().get(reverse("courses:training_calendar", kwargs={"slug": training.slug}))
    assert response.status_code == 200
    assert b"DTSTART:20270214T040000Z" in response.content
    (event,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    starts = event.decoded("DTSTART")
    assert starts.astimezone(zoneinfo.ZoneInfo("Asia/Bishkek")).time() == dt.time(10)


# --- staff enter the times on the venue's clock ---


def session_data(training: Training, starts: str, ends: str) -> dict:
    return {"training": training.pk, "title": "Opening", "starts_at": starts, "ends_at": ends}


@pytest.mark.parametrize("staff_zone", ["Asia/Baku", "Europe/Berlin"])
def test_the_session_form_reads_and_shows_the_venue_s_clock(staff_zone):
    training = training_on(FEB_14, "Asia/Bishkek")
    with timezone.override(zoneinfo.ZoneInfo(staff_zone)):
        form = SessionForm(data=session_data(training, "2027-02-14 10:00", "2027-02-14 13:00"))
        assert form.is_valid(), form.errors
        session = form.save()
        session.refresh_from_db()
        assert session.starts_at == utc(FEB_14, 4)
        assert session.ends_at == utc(FEB_14, 7)

        shown = SessionForm(instance=session)
        assert 'value="2027-02-14 10:00:00"' in str(shown["starts_at"])
        assert "UTC+6" in str(shown.fields["starts_at"].help_text)
        # Sent back unchanged, nothing has changed.
        again = SessionForm(
            instance=session, data=session_data(training, "2027-02-14 10:00", "2027-02-14 13:00")
        )
        assert again.is_valid(), again.errors
        assert again.changed_data == []


def test_a_baku_training_s_session_is_stored_four_hours_earlier_in_utc():
    training = training_on(FEB_14, "Asia/Baku")
    form = SessionForm(data=session_data(training, "2027-02-14 10:00", "2027-02-14 13:00"))
    assert form.is_valid(), form.errors
    assert form.save().starts_at == utc(FEB_14, 6)


def test_the_session_days_are_judged_on_the_venue_s_clock():
    """00:30 on the first day in Bishkek is still the day before in Baku: not refused."""
    training = training_on(FEB_14, "Asia/Bishkek")
    form = SessionForm(data=session_data(training, "2027-02-14 00:30", "2027-02-14 02:00"))
    assert form.is_valid(), form.errors


def test_the_formset_of_a_training_in_a_summer_time_zone_round_trips():
    training = training_on(JULY_14, "Europe/Chisinau")
    formset_class = inlineformset_factory(
        Training,
        Session,
        form=SessionInlineForm,
        formset=SessionInlineFormSet,
        fields=["title", "starts_at", "ends_at"],
        extra=1,
    )
    data = {
        "sessions-TOTAL_FORMS": "1",
        "sessions-INITIAL_FORMS": "0",
        "sessions-0-title": "Opening",
        "sessions-0-starts_at": "2027-07-14 10:00",
        "sessions-0-ends_at": "2027-07-14 12:00",
    }
    formset = formset_class(data=data, instance=training, prefix="sessions")
    assert formset.is_valid(), formset.errors
    (session,) = formset.save()
    assert session.starts_at == utc(JULY_14, 7)  # UTC+3 in summer

    shown = formset_class(instance=training, prefix="sessions")
    assert 'value="2027-07-14 10:00:00"' in str(shown.forms[0]["starts_at"])


def test_the_admin_split_fields_round_trip_on_the_venue_s_clock(admin_client):
    training = training_on(FEB_14, "Asia/Bishkek")
    session = SessionFactory(training=training, starts_at=utc(FEB_14, 4), ends_at=utc(FEB_14, 7))
    url = reverse("admin:courses_session_change", args=[session.pk])
    html = admin_client.get(url).content.decode()
    assert re.search(
        r'name="starts_at_1"[^>]*value="10:00:00"|value="10:00:00"[^>]*name="starts_at_1"', html
    )


# --- staff pages ---


def test_the_attendance_sheet_and_today_show_the_venue_s_clock():
    coordinator = coordinator_user()
    today = timezone.localdate()
    training = training_on(today, "Asia/Bishkek")
    training.coordinators.add(coordinator)
    starts = timezone.make_aware(
        dt.datetime.combine(today, dt.time(10)), zoneinfo.ZoneInfo("Asia/Bishkek")
    )
    session = SessionFactory(
        training=training, starts_at=starts, ends_at=starts + dt.timedelta(hours=3)
    )
    client = Client()
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    for url in (reverse("staff:attendance_sheet", args=[session.pk]), reverse("staff:today")):
        html = client.get(url).content.decode()
        assert "10:00–13:00" in html, url
        assert "Bishkek time, UTC+6" in html, url
