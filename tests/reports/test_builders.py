"""Report builders: figures and tables checked against counts made independently here."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import Curriculum, Training
from participants.models import Attendance, Certificate, Participant, Registration
from participants.selectors import training_certificate_eligibility
from rtcm.reports.builders import activity_report, coverage_report, training_report
from rtcm.reports.document import Report, Table
from tests.factories import (
    CurriculumFactory,
    ExpertFactory,
    ModuleFactory,
    ParticipantFactory,
    RegistrationFactory,
    TopicFactory,
    TrainingFactory,
    certificate_for,
    session_on,
)

pytestmark = pytest.mark.django_db

START, END = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
CONFIRMED = Registration.Status.CONFIRMED


def table(report: Report, key: str) -> Table:
    return next(t for t in report.tables if t.key == key)


def figures(report: Report) -> dict:
    return {f.label: f for section in report.sections for f in section.figures}


def column(t: Table, name: str) -> dict:
    """First column → the column ``name``, for each row."""
    index = t.columns.index(name)
    return {row[0]: row[index] for row in t.rows}


@dataclass
class World:
    a: Training  # in the period, Central Asia, labour migration, in person
    b: Training  # in the period, EaP + Middle East, readmission, online
    previous: Training  # in the previous period
    people: dict = field(default_factory=dict)
    modules: dict = field(default_factory=dict)


def confirm(training, person, **kwargs):
    return RegistrationFactory(training=training, participant=person, **kwargs)


def mark(registration, session, present=True):
    return Attendance.objects.create(registration=registration, session=session, present=present)


@pytest.fixture
def world() -> World:
    labour = TopicFactory(name="Labour migration", slug="labour-migration")
    readmission = TopicFactory(name="Readmission", slug="readmission")
    border = TopicFactory(name="Border management", slug="border-management")
    curriculum = CurriculumFactory(
        status=Curriculum.Status.APPROVED, approved_on=dt.date(2025, 6, 1)
    )
    m1 = ModuleFactory(curriculum=curriculum, code="M1", topic=labour, position=1)
    m2 = ModuleFactory(curriculum=curriculum, code="M2", topic=readmission, position=2)
    m3 = ModuleFactory(curriculum=curriculum, code="M3", topic=border, position=3)

    a = TrainingFactory(
        title="Labour migration in Central Asia",
        start_date=dt.date(2026, 2, 10),
        end_date=dt.date(2026, 2, 12),
        status=Training.Status.COMPLETED,
    )
    a.modules.add(m1)
    a.target_regions.add("central-asia")
    b = TrainingFactory(
        title="Readmission online",
        start_date=dt.date(2026, 3, 5),
        end_date=dt.date(2026, 3, 6),
        format=Training.Format.ONLINE,
        venue_city="",
        venue_country="",
        online_url="https://meet.example.org/b",
        status=Training.Status.COMPLETED,
    )
    b.modules.add(m2)
    b.target_regions.add("eastern-partnership", "middle-east")
    previous = TrainingFactory(
        start_date=dt.date(2025, 11, 10),
        end_date=dt.date(2025, 11, 11),
        status=Training.Status.COMPLETED,
    )
    previous.modules.add(m1)
    previous.target_regions.add("central-asia")
    # Neither a draft nor a cancelled training is held, even covering M3.
    for status in (Training.Status.DRAFT, Training.Status.CANCELLED):
        skipped = TrainingFactory(start_date=dt.date(2026, 2, 1), status=status)
        skipped.modules.add(m3)
        skipped.target_regions.add("central-asia")

    gender, org = Participant.Gender, Participant.OrganisationType
    people = {
        "nurlan": ParticipantFactory(
            given_name="Нурлан",
            nationality="UZ",
            gender=gender.MALE,
            organisation_type=org.GOVERNMENT,
        ),
        "aigerim": ParticipantFactory(
            given_name="Айгерим", nationality="KZ", gender=gender.FEMALE, organisation_type=org.NGO
        ),
        "giorgi": ParticipantFactory(
            given_name="გიორგი",
            family_name="ბერიძე",
            nationality="GE",
            gender=gender.MALE,
            organisation_type=org.INTERNATIONAL,
        ),
        "anahit": ParticipantFactory(
            given_name="Անահիտ",
            nationality="AM",
            gender=gender.FEMALE,
            organisation_type=org.ACADEMIA,
        ),
        "omar": ParticipantFactory(
            given_name="عمر", nationality="JO", gender=gender.MALE, organisation_type=org.GOVERNMENT
        ),
        "leman": ParticipantFactory(nationality="AZ", gender=gender.FEMALE),
    }
    p = people
    a_sessions = [session_on(a, a.start_date + dt.timedelta(days=d), hours=3) for d in range(3)]
    b_sessions = [session_on(b, b.start_date + dt.timedelta(days=d), hours=2) for d in range(2)]
    previous_sessions = [
        session_on(previous, previous.start_date, hours=3, start=h) for h in (9, 13)
    ]

    # Training A: recorded region wins over the mapping (Giorgi is recorded Middle East).
    nurlan_a = confirm(a, p["nurlan"], region_id="central-asia")
    aigerim_a = confirm(a, p["aigerim"])  # no recorded region: KZ → Central Asia
    giorgi_a = confirm(a, p["giorgi"], region_id="middle-east", certificate_override="grant")
    confirm(a, p["omar"])  # JO → Middle East, never marked
    confirm(a, p["anahit"], status=Registration.Status.WAITLISTED)
    confirm(a, p["leman"], status=Registration.Status.CANCELLED)
    for session in a_sessions:
        mark(nurlan_a, session)
    mark(aigerim_a, a_sessions[0])
    mark(aigerim_a, a_sessions[1])
    mark(aigerim_a, a_sessions[2], present=False)
    mark(giorgi_a, a_sessions[0])
    mark(giorgi_a, a_sessions[1], present=False)
    certificate_for(nurlan_a, 1)
    certificate_for(aigerim_a, 2, revoked=True)

    # Training B: Nurlan again (two registrations, one person).
    nurlan_b = confirm(b, p["nurlan"])
    anahit_b = confirm(b, p["anahit"])
    confirm(b, p["leman"])
    confirm(b, p["omar"], status=Registration.Status.PENDING)
    mark(nurlan_b, b_sessions[0])
    mark(nurlan_b, b_sessions[1])
    mark(anahit_b, b_sessions[0])
    mark(anahit_b, b_sessions[1], present=False)
    certificate_for(nurlan_b, 3)

    aigerim_previous = confirm(previous, p["aigerim"])
    for session in previous_sessions:
        mark(aigerim_previous, session)

    e1, e2, e3 = ExpertFactory(), ExpertFactory(country="GE"), ExpertFactory()
    a_sessions[0].trainers.add(e1)
    a_sessions[1].trainers.add(e1)
    a_sessions[2].trainers.add(e2)
    b_sessions[0].trainers.add(e2)
    previous_sessions[0].trainers.add(e3)
    return World(a=a, b=b, previous=previous, people=people, modules={"M1": m1, "M2": m2, "M3": m3})


def add_people(training: Training, count: int, *, nationality: str = "TJ") -> None:
    """``count`` more confirmed people, present at the first session and absent at the rest."""
    sessions = list(training.sessions.order_by("starts_at"))
    for _ in range(count):
        registration = confirm(training, ParticipantFactory(nationality=nationality))
        for index, session in enumerate(sessions):
            mark(registration, session, present=index == 0)


def present_hours(**filters) -> Decimal:
    """Person-hours counted in Python over the few marks of the test."""
    marks = Attendance.objects.filter(present=True, registration__status=CONFIRMED, **filters)
    seconds = sum((m.session.ends_at - m.session.starts_at).total_seconds() for m in marks)
    return (Decimal(seconds) / 3600).quantize(Decimal("0.1"))


# --- one training ---


def test_training_report_counts_registrations_by_status(world):
    report = training_report(training=world.a)
    got = figures(report)
    for label, status in [
        ("Confirmed", CONFIRMED),
        ("Waitlisted", Registration.Status.WAITLISTED),
        ("Cancelled", Registration.Status.CANCELLED),
    ]:
        expected = Registration.objects.filter(training=world.a, status=status).count()
        assert got[label].value == expected
    assert got["Sessions"].value == 3
    assert got["Hours"].value == Decimal("9.0")
    assert report.kind == "training"
    assert report.title == world.a.title
    assert "Tashkent" in report.scope
    assert "10 February 2026" in report.scope


def test_training_report_lists_every_registrant_with_attendance(world):
    participants = table(training_report(training=world.a), "participants")
    assert len(participants.rows) == Registration.objects.filter(training=world.a).count()
    attendance = column(participants, "Attendance %")
    # Confirmed first; 3 of 3, 2 of 3 (66, rounded down), 1 of 3, none.
    assert attendance[world.people["nurlan"].full_name] == 100
    assert attendance[world.people["aigerim"].full_name] == 66
    assert attendance[world.people["giorgi"].full_name] == 33
    assert attendance[world.people["omar"].full_name] == 0
    assert attendance[world.people["anahit"].full_name] is None  # waitlisted
    assert [row[3] for row in participants.rows[:4]] == ["Confirmed"] * 4
    assert participants.numeric == [4]


def test_training_breakdowns_count_confirmed_people_by_recorded_region(world):
    report = training_report(training=world.a)
    by_region = column(table(report, "by_region"), "Participants")
    # Nurlan (recorded) and Aigerim (KZ, mapped); Giorgi recorded Middle East, Omar JO.
    assert by_region == {"Central Asia": 2, "Middle East": 2, "Eastern Partnership": 0, "Other": 0}
    confirmed = Registration.objects.filter(training=world.a, status=CONFIRMED)
    by_gender = column(table(report, "by_gender"), "Participants")
    assert by_gender == {
        "Male": confirmed.filter(participant__gender="male").count(),
        "Female": confirmed.filter(participant__gender="female").count(),
    }
    by_country = column(table(report, "by_country"), "Participants")
    assert by_country == {"Uzbekistan": 1, "Kazakhstan": 1, "Georgia": 1, "Jordan": 1}
    by_type = column(table(report, "by_organisation_type"), "Participants")
    assert by_type["Government"] == 2
    charts = {c.title: c for s in report.sections for c in s.charts}
    assert sum(charts["By region"].values) == confirmed.count()


def test_training_attendance_per_session(world):
    rows = table(training_report(training=world.a), "attendance_by_session").rows
    confirmed = Registration.objects.filter(training=world.a, status=CONFIRMED).count()
    for session, row in zip(world.a.sessions.order_by("starts_at"), rows, strict=True):
        present = Attendance.objects.filter(session=session, present=True).count()
        absent = Attendance.objects.filter(session=session, present=False).count()
        assert row[2:] == [present, absent, confirmed - present - absent]
    assert [row[2] for row in rows] == [3, 2, 1]


def test_training_certificates_counts_and_serials(world):
    report = training_report(training=world.a)
    got = figures(report)
    certificates = Certificate.objects.filter(registration__training=world.a)
    assert got["Certificates issued"].value == certificates.filter(revoked_at=None).count() == 1
    assert got["Revoked"].value == 1
    # Giorgi: granted by staff, no certificate yet — as the eligibility selector says.
    eligibility = training_certificate_eligibility(training=world.a)
    with_certificate = set(certificates.values_list("registration_id", flat=True))
    expected = sum(1 for pk, e in eligibility.items() if e.eligible and pk not in with_certificate)
    assert got["Eligible, not yet issued"].value == expected == 1
    rows = table(report, "certificates").rows
    assert [(row[0], row[3]) for row in rows] == [
        (f"RTCM-{timezone.now().year}-00001", "Valid"),
        (f"RTCM-{timezone.now().year}-00002", "Revoked"),
    ]


def test_training_modules_and_trainers(world):
    report = training_report(training=world.a)
    assert [row[0] for row in table(report, "modules").rows] == ["M1"]
    assert sorted(row[3] for row in table(report, "trainers").rows) == [1, 2]


def test_training_with_nobody_gives_an_empty_report():
    report = training_report(training=TrainingFactory())
    assert figures(report)["Confirmed"].value == 0
    assert figures(report)["Hours"].value == Decimal("0.0")
    for t in report.tables:
        assert t.rows == [], t.key


def test_training_report_queries_do_not_grow_with_participants(world):
    with CaptureQueriesContext(connection) as small:
        training_report(training=world.a)
    add_people(world.a, 12)
    with CaptureQueriesContext(connection) as large:
        report = training_report(training=world.a)
    assert len(large) == len(small) == 14
    assert figures(report)["Confirmed"].value == 16


# --- a period ---


def test_activity_figures_and_previous_period(world):
    report = activity_report(start=START, end=END)
    got = figures(report)
    held = [world.a, world.b]
    confirmed = Registration.objects.filter(training__in=held, status=CONFIRMED)
    assert got["Trainings held"].value == 2
    assert got["Registrations (confirmed)"].value == confirmed.count() == 7
    assert got["Unique participants"].value == len({r.participant_id for r in confirmed}) == 6
    assert got["Person-hours of training"].value == present_hours(registration__training__in=held)
    assert got["Person-hours of training"].value == Decimal("24.0")
    assert got["Certificates issued"].value == 2  # the revoked one does not count
    assert got["Experts engaged"].value == 2
    # Previous period: 3 October – 31 December 2025, the same 90 days.
    assert got["Trainings held"].previous == 1
    assert got["Registrations (confirmed)"].previous == 1
    assert got["Unique participants"].previous == 1
    assert got["Person-hours of training"].previous == present_hours(
        registration__training=world.previous
    )
    assert got["Certificates issued"].previous == 0
    assert got["Experts engaged"].previous == 1
    assert "3 October 2025" in report.sections[0].text
    assert report.scope == "1 January 2026 – 31 March 2026"


def test_activity_breakdowns(world):
    report = activity_report(start=START, end=END)
    by_region = table(report, "by_region")
    assert by_region.columns == ["Region", "Participants", "Registrations"]
    assert column(by_region, "Registrations") == {
        "Central Asia": 3,  # Nurlan ×2, Aigerim
        "Middle East": 2,  # Giorgi (recorded), Omar
        "Eastern Partnership": 2,  # Anahit, Ləman
        "Other": 0,
    }
    assert column(by_region, "Participants")["Central Asia"] == 2
    by_topic = table(report, "by_topic")
    assert column(by_topic, "Trainings") == {"Labour migration": 1, "Readmission": 1}
    assert column(by_topic, "Participants") == {"Labour migration": 4, "Readmission": 3}
    modules = {row[0].split()[0]: row[1:] for row in table(report, "by_module").rows}
    assert modules == {"M1": [1, 4], "M2": [1, 3]}
    assert sum(column(table(report, "by_gender"), "Registrations").values()) == 7


def test_activity_trainings_and_experts(world):
    report = activity_report(start=START, end=END)
    trainings = table(report, "trainings")
    assert [row[0] for row in trainings.rows] == [world.a.title, world.b.title]
    # A: 6 marks present of 4 people × 3 sessions; B: 3 of 3 × 2.
    assert [row[5:] for row in trainings.rows] == [[4, 50], [3, 50]]
    assert trainings.rows[1][4] == "Online"
    experts = table(report, "experts")
    assert sorted(row[2] for row in experts.rows) == [2, 2]


def test_activity_region_filter_keeps_targeted_trainings_and_their_people(world):
    report = activity_report(start=START, end=END, region="central-asia")
    got = figures(report)
    assert got["Trainings held"].value == 1  # only A targets Central Asia
    # Of A's confirmed people, only those of Central Asia (Giorgi is recorded Middle East).
    assert got["Registrations (confirmed)"].value == 2
    assert got["Person-hours of training"].value == present_hours(
        registration__training=world.a,
        registration__participant__in=[world.people["nurlan"], world.people["aigerim"]],
    )
    assert got["Trainings held"].previous == 1
    assert table(report, "trainings").rows[0][5] == 2
    assert report.scope.endswith("· Central Asia")


def test_activity_topic_and_format_filters(world):
    by_topic = activity_report(start=START, end=END, topic="readmission")
    assert [row[0] for row in table(by_topic, "trainings").rows] == [world.b.title]
    assert figures(by_topic)["Trainings held"].previous == 0
    assert by_topic.scope.endswith("· Readmission")
    online = activity_report(start=START, end=END, format=Training.Format.ONLINE)
    assert [row[0] for row in table(online, "trainings").rows] == [world.b.title]
    assert figures(online)["Registrations (confirmed)"].value == 3


def test_activity_report_rejects_a_period_ending_before_it_starts():
    with pytest.raises(ValueError, match="before it starts"):
        activity_report(start=END, end=START)


def test_activity_report_queries_do_not_grow_with_trainings_or_people(world):
    with CaptureQueriesContext(connection) as small:
        activity_report(start=START, end=END, region="central-asia", topic="labour-migration")
    add_people(world.a, 8)
    add_people(world.b, 8, nationality="UA")
    for n in range(3):
        extra = TrainingFactory(start_date=dt.date(2026, 1, 10 + n), status=Training.Status.CLOSED)
        extra.modules.add(world.modules["M1"])
        extra.target_regions.add("central-asia")
        session_on(extra, extra.start_date, hours=2).trainers.add(ExpertFactory())
        add_people(extra, 4)
    with CaptureQueriesContext(connection) as large:
        report = activity_report(
            start=START, end=END, region="central-asia", topic="labour-migration"
        )
    # One of them lists the scheduled trainings; three count by programme (a fourth finds
    # the donors when a training has a programme: tests/reports/test_programme_report.py).
    assert len(large) == len(small) == 27
    assert figures(report)["Trainings held"].value == 4


# --- curriculum coverage ---


def test_coverage_per_module_with_a_never_delivered_one(world):
    report = coverage_report(start=START, end=END)
    coverage = table(report, "coverage")
    rows = {row[0]: row for row in coverage.rows}
    assert rows["M1"][4:] == [1, 4, "Central Asia, Middle East"]
    assert rows["M2"][4:] == [1, 3, "Central Asia, Eastern Partnership"]
    assert rows["M3"][4:] == [0, 0, ""]  # only a draft and a cancelled training cover it
    assert coverage.highlight == [2]
    assert figures(report)["Modules never delivered"].value == 1
    chart = report.sections[0].charts[0]
    assert dict(zip(chart.labels, chart.values, strict=True)) == {"M1": 1, "M2": 1, "M3": 0}


def test_coverage_without_an_approved_curriculum():
    CurriculumFactory(status=Curriculum.Status.DRAFT)
    report = coverage_report(start=START, end=END)
    assert report.subtitle == "No approved curriculum"
    assert table(report, "coverage").rows == []


def test_coverage_queries_do_not_grow(world):
    with CaptureQueriesContext(connection) as small:
        coverage_report(start=START, end=END)
    add_people(world.a, 9)
    extra = TrainingFactory(start_date=dt.date(2026, 1, 20), status=Training.Status.COMPLETED)
    extra.modules.add(world.modules["M3"], world.modules["M2"])
    add_people(extra, 5, nationality="EG")
    with CaptureQueriesContext(connection) as large:
        report = coverage_report(start=START, end=END)
    assert len(large) == len(small) == 5
    assert table(report, "coverage").highlight == []


def test_labels_follow_the_active_language(world):
    from django.utils import translation
    from django.utils.translation import gettext as _

    with translation.override("ru"):
        report = training_report(training=world.a)
        participants = str(_("Participants"))
    assert participants == "Участники"
    assert "Мужской" in column(table(report, "by_gender"), participants)
    assert "Узбекистан" in column(table(report, "by_country"), participants)
