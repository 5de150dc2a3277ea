"""Programmes and donors in the reports (issue 15): the programme report's figures checked
against counts made here from the rows the fixture wrote, its PDF and XLSX read back, the
activity report's programme and donor breakdown and filters, access, and query counts."""

import datetime as dt
import io
import subprocess
from dataclasses import dataclass, field
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from courses.models import Indicator, Programme, Training
from participants.models import Attendance, Certificate, Participant, Registration
from rtcm.core.models import Job
from rtcm.core.roles import LIBRARIAN, MANAGER
from rtcm.reports.builders import activity_report, programme_report
from rtcm.reports.document import Report, Table
from rtcm.reports.render import render_report
from tests.factories import (
    ExpertFactory,
    ParticipantFactory,
    RegistrationFactory,
    TrainingFactory,
    certificate_for,
    coordinator_user,
    session_on,
    staff_user,
)
from tests.reports.programme_factories import (
    IndicatorFactory,
    OrganisationFactory,
    ProgrammeFactory,
    VolunteerFactory,
    assignment,
    part,
)
from volunteers.models import Assignment

pytestmark = pytest.mark.django_db

CONFIRMED = Registration.Status.CONFIRMED
URL = "/staff/reports/"
API_URL = "/api/v1/reports/"
GRANT = "EU-RTCM-2025/017"
Metric = Indicator.Metric


def table(report: Report, key: str) -> Table:
    return next(t for t in report.tables if t.key == key)


def figures(report: Report) -> dict:
    return {f.label: f.value for section in report.sections for f in section.figures}


def column(t: Table, name: str) -> dict:
    index = t.columns.index(name)
    return {row[0]: row[index] for row in t.rows}


def hours_of(marks) -> Decimal:
    """Person-hours counted here, in Python, over the few marks of a test."""
    seconds = sum((m.session.ends_at - m.session.starts_at).total_seconds() for m in marks)
    return (Decimal(seconds) / 3600).quantize(Decimal("0.1"))


@dataclass
class World:
    programme: Programme  # two donors (EU, SDC), an implementing partner and a host
    school: Programme  # the EU's other programme
    p1: Training  # of the programme, held 40 days ago
    p2: Training  # of the programme, held 10 days ago
    school_training: Training
    loose: Training  # of no programme
    scheduled: Training  # of the programme, not started yet: never counted
    today: dt.date
    people: dict = field(default_factory=dict)
    donors: dict = field(default_factory=dict)

    @property
    def held(self) -> list[Training]:
        return [self.p1, self.p2]


def confirm(training, person, **kwargs) -> Registration:
    return RegistrationFactory(training=training, participant=person, **kwargs)


def mark(registration, session, present=True) -> Attendance:
    return Attendance.objects.create(registration=registration, session=session, present=present)


def held_training(programme, day: dt.date, **kwargs) -> Training:
    return TrainingFactory(
        programme=programme,
        start_date=day,
        end_date=day + dt.timedelta(days=1),
        status=Training.Status.COMPLETED,
        **kwargs,
    )


@pytest.fixture
def world() -> World:
    today = timezone.localdate()
    eu = OrganisationFactory(name="European Union", slug="eu")
    sdc = OrganisationFactory(name="Swiss Agency for Development", slug="sdc", country="CH")
    iom = OrganisationFactory(name="IOM", slug="iom", kind="international", country="")
    host = OrganisationFactory(name="State Migration Service", slug="sms", country="AZ")
    programme = ProgrammeFactory(
        title="Support to the establishment of the RTCM",
        slug="establishment",
        grant_code=GRANT,
        start_date=today - dt.timedelta(days=400),
        end_date=today + dt.timedelta(days=300),
    )
    part(programme, eu, "donor")
    part(programme, sdc, "donor")
    part(programme, iom, "implementing")
    part(programme, host, "host")
    school = ProgrammeFactory(title="Migration School", slug="migration-school")
    part(school, eu, "donor")

    p1 = held_training(programme, today - dt.timedelta(days=40), title="Readmission basics")
    p2 = held_training(
        programme,
        today - dt.timedelta(days=10),
        title="Labour migration online",
        format=Training.Format.ONLINE,
        venue_city="",
        venue_country="",
        online_url="https://meet.example.org/p2",
    )
    school_training = held_training(school, today - dt.timedelta(days=30), title="School day")
    loose = held_training(None, today - dt.timedelta(days=20), title="A training of no programme")
    scheduled = TrainingFactory(programme=programme, start_date=today + dt.timedelta(days=5))
    TrainingFactory(programme=programme, start_date=today - dt.timedelta(days=5), status="draft")

    g, o = Participant.Gender, Participant.OrganisationType
    people = {
        "aigerim": ParticipantFactory(
            given_name="Айгерим", nationality="KZ", gender=g.FEMALE, organisation_type=o.NGO
        ),
        "nurlan": ParticipantFactory(
            given_name="Нурлан", nationality="UZ", gender=g.MALE, organisation_type=o.GOVERNMENT
        ),
        "nino": ParticipantFactory(
            given_name="ნინო", nationality="GE", gender=g.FEMALE, organisation_type=o.INTERNATIONAL
        ),
        "omar": ParticipantFactory(
            given_name="عمر", nationality="JO", gender=g.MALE, organisation_type=o.ACADEMIA
        ),
        "leman": ParticipantFactory(nationality="AZ", gender=g.FEMALE),
        "farid": ParticipantFactory(given_name="Fərid", nationality="AZ", gender=g.MALE),
    }
    p = people
    s1 = [session_on(p1, p1.start_date, hours=3, start=h) for h in (9, 14)]
    s2 = [session_on(p2, p2.start_date, hours=4)]
    school_session = session_on(school_training, school_training.start_date, hours=2)
    loose_session = session_on(loose, loose.start_date, hours=5)
    s1[0].trainers.add(ExpertFactory())

    # p1: Aigerim, Nurlan confirmed; Omar waitlisted, Ləman cancelled (never counted).
    aigerim_1 = confirm(p1, p["aigerim"])
    nurlan_1 = confirm(p1, p["nurlan"])
    confirm(p1, p["omar"], status=Registration.Status.WAITLISTED)
    leman_1 = confirm(p1, p["leman"], status=Registration.Status.CANCELLED)
    mark(aigerim_1, s1[0])
    mark(aigerim_1, s1[1])
    mark(nurlan_1, s1[0])
    mark(nurlan_1, s1[1], present=False)
    mark(leman_1, s1[0])  # cancelled: her hours do not count
    certificate_for(aigerim_1, 1)
    certificate_for(nurlan_1, 2, revoked=True)
    # p2: Aigerim again (one person, two registrations), Nino.
    aigerim_2 = confirm(p2, p["aigerim"])
    nino_2 = confirm(p2, p["nino"])
    mark(aigerim_2, s2[0])
    mark(nino_2, s2[0])
    certificate_for(nino_2, 3)
    # The school and the loose training: other people, other figures.
    farid_s = confirm(school_training, p["farid"])
    mark(farid_s, school_session)
    certificate_for(farid_s, 4)
    nurlan_l = confirm(loose, p["nurlan"])
    omar_l = confirm(loose, p["omar"])
    mark(nurlan_l, loose_session)
    mark(omar_l, loose_session)
    certificate_for(nurlan_l, 5)

    v1, v2, v3 = VolunteerFactory(), VolunteerFactory(), VolunteerFactory()
    assignment(v1, day=p1.start_date, hours="4.5", training=p1)
    assignment(v2, day=p2.start_date, hours="3", event="Open day", programme=programme)
    assignment(v2, day=p1.start_date, hours="2", training=p1, role="interpretation")
    assignment(v1, day=p2.start_date, hours="5", training=p2, status="planned")
    assignment(v3, day=p1.start_date, hours="7", training=p1, status="cancelled")
    assignment(v3, day=school_training.start_date, hours="6", training=school_training)
    assignment(v3, day=p2.start_date, hours="8", event="School fair", programme=school)

    for position, (name, metric, target, manual) in enumerate(
        [
            ("Trainings delivered", Metric.TRAININGS, "4", None),
            ("Officials trained", Metric.PARTICIPANTS, "12", None),
            ("Women trained", Metric.WOMEN, "4", None),
            ("Countries reached", Metric.COUNTRIES, "5", None),
            ("Person-hours delivered", Metric.PERSON_HOURS, "40", None),
            ("Certificates awarded", Metric.CERTIFICATES, "3", None),
            ("Volunteer service", Metric.VOLUNTEER_HOURS, "10", None),
            ("Policy briefs published", Metric.MANUAL, "3", "2"),
        ]
    ):
        IndicatorFactory(
            programme=programme,
            position=position,
            name=name,
            metric=metric,
            target=Decimal(target),
            achieved_manual=Decimal(manual) if manual else None,
        )
    return World(
        programme=programme,
        school=school,
        p1=p1,
        p2=p2,
        school_training=school_training,
        loose=loose,
        scheduled=scheduled,
        today=today,
        people=people,
        donors={"eu": eu, "sdc": sdc},
    )


# --- independent counts, made here from the rows --------------------------------------


def confirmed_of(trainings) -> list[Registration]:
    return [
        r
        for r in Registration.objects.select_related("participant")
        if r.training_id in {t.pk for t in trainings} and r.status == CONFIRMED
    ]


def expected_for(trainings, volunteer_assignments) -> dict:
    registrations = confirmed_of(trainings)
    persons = {r.participant for r in registrations}
    marks = [
        m
        for m in Attendance.objects.select_related("session", "registration")
        if m.present
        and m.registration in registrations
        and m.session.training_id == m.registration.training_id
    ]
    certificates = [
        c
        for c in Certificate.objects.all()
        if c.registration_id in {r.pk for r in registrations} and c.revoked_at is None
    ]
    return {
        "trainings": len(trainings),
        "registrations": len(registrations),
        "persons": len(persons),
        "women": sum(1 for p in persons if p.gender == Participant.Gender.FEMALE),
        "countries": len({p.nationality.code for p in persons}),
        "person_hours": hours_of(marks),
        "certificates": len(certificates),
        "volunteer_hours": sum((a.hours for a in volunteer_assignments), Decimal("0")),
        "persons_by": {
            "country": _tally(p.nationality.name for p in persons),
            "gender": _tally(p.get_gender_display() for p in persons),
            "type": _tally(p.get_organisation_type_display() for p in persons),
        },
    }


def _tally(values) -> dict:
    counted: dict = {}
    for value in values:
        counted[value] = counted.get(value, 0) + 1
    return counted


def programme_assignments(world: World, *, start=None, end=None) -> list[Assignment]:
    picked = []
    for a in Assignment.objects.select_related("training"):
        ours = a.programme_id == world.programme.pk or (
            a.training is not None and a.training.programme_id == world.programme.pk
        )
        day = timezone.localtime(a.starts_at).date()
        in_period = (start is None or day >= start) and (end is None or day <= end)
        if ours and in_period and a.status == Assignment.Status.COMPLETED:
            picked.append(a)
    return picked


# --- the programme report -------------------------------------------------------------


def test_programme_figures_match_independent_counts(world):
    report = programme_report(programme=world.programme)
    got = figures(report)
    expected = expected_for(world.held, programme_assignments(world))
    assert got["Trainings held"] == expected["trainings"] == 2  # not the draft, not scheduled
    assert got["People trained"] == expected["persons"] == 3  # Aigerim once, Nurlan, Nino
    assert got["Registrations (confirmed)"] == expected["registrations"] == 4
    assert got["Women trained"] == expected["women"] == 2
    assert got["Countries reached"] == expected["countries"] == 3
    assert got["Person-hours of training"] == expected["person_hours"] == Decimal("17.0")
    assert got["Certificates issued"] == expected["certificates"] == 2  # revoked not counted
    assert got["Volunteer hours"] == expected["volunteer_hours"] == Decimal("9.5")
    assert got["Volunteers engaged"] == 2
    assert got["Assignments completed"] == 3
    details = column(table(report, "programme"), "Value")
    assert details["Grant code"] == GRANT
    assert details["Donors"] == "European Union, Swiss Agency for Development"
    assert details["Programme"] == world.programme.title
    assert report.kind == "programme"
    assert report.title == world.programme.title
    assert report.scope == f"The whole programme, to date · {GRANT}"


def test_people_reached_count_each_person_once(world):
    report = programme_report(programme=world.programme)
    expected = expected_for(world.held, [])["persons_by"]
    assert column(table(report, "by_country"), "Participants") == expected["country"]
    assert column(table(report, "by_gender"), "Participants") == expected["gender"]
    assert column(table(report, "by_organisation_type"), "Participants") == expected["type"]
    assert column(table(report, "by_country"), "Participants")["Kazakhstan"] == 1
    assert column(table(report, "by_country"), "Registrations")["Kazakhstan"] == 2


def test_trainings_held_listed_with_people_hours_and_certificates(world):
    rows = table(programme_report(programme=world.programme), "trainings").rows
    assert [row[0] for row in rows] == [world.p1.title, world.p2.title]
    for training, row in zip(world.held, rows, strict=True):
        registrations = confirmed_of([training])
        marks = Attendance.objects.filter(
            registration__in=registrations, present=True, session__training=training
        ).select_related("session")
        certificates = Certificate.objects.filter(
            registration__in=registrations, revoked_at__isnull=True
        )
        assert row[1:3] == [training.start_date, training.end_date]
        assert row[4:] == [len(registrations), hours_of(marks), certificates.count()]
    assert rows[0][3] == "Tashkent, Uzbekistan"
    assert rows[1][3] == "Online"


def test_partners_listed_with_their_roles(world):
    rows = table(programme_report(programme=world.programme), "partners").rows
    assert rows == [
        ["European Union", "Donor", "Germany"],
        ["Swiss Agency for Development", "Donor", "Switzerland"],
        ["IOM", "Implementing partner", "Not given"],
        ["State Migration Service", "Host", "Azerbaijan"],
    ]


def test_volunteer_hours_by_role_add_up(world):
    report = programme_report(programme=world.programme)
    by_role = table(report, "volunteers_by_role")
    assert column(by_role, "Hours") == {"Logistics": Decimal("7.5"), "Interpretation": Decimal("2")}
    assert sum(column(by_role, "Hours").values()) == figures(report)["Volunteer hours"]
    assert sum(column(by_role, "Assignments").values()) == 3


def test_indicators_target_against_achieved(world):
    report = programme_report(programme=world.programme)
    expected = expected_for(world.held, programme_assignments(world))
    rows = {row[0]: row[2:] for row in table(report, "indicators").rows}

    def percent(achieved, target):
        return int(Decimal(achieved) * 100 / Decimal(target))  # rounded down

    for name, key, target in [
        ("Trainings delivered", "trainings", 4),
        ("Officials trained", "persons", 12),
        ("Women trained", "women", 4),
        ("Countries reached", "countries", 5),
        ("Person-hours delivered", "person_hours", 40),
        ("Certificates awarded", "certificates", 3),
        ("Volunteer service", "volunteer_hours", 10),
    ]:
        assert rows[name] == [target, expected[key], percent(expected[key], target)], name
    assert rows["Policy briefs published"] == [3, Decimal("2"), 66]  # as staff reported it
    assert rows["Trainings delivered"][2] == 50
    assert rows["Person-hours delivered"][2] == 42  # 17 of 40
    kinds = [row[1] for row in table(report, "indicators").rows]
    assert kinds[0] == "Trainings held"
    assert kinds[-1] == "Reported by staff"


def test_a_period_narrows_trainings_people_and_volunteers(world):
    start, end = world.today - dt.timedelta(days=15), world.today
    report = programme_report(programme=world.programme, start=start, end=end)
    got = figures(report)
    expected = expected_for([world.p2], programme_assignments(world, start=start, end=end))
    assert [row[0] for row in table(report, "trainings").rows] == [world.p2.title]
    assert got["Trainings held"] == expected["trainings"] == 1
    assert got["People trained"] == expected["persons"] == 2
    assert got["Person-hours of training"] == expected["person_hours"] == Decimal("8.0")
    assert got["Volunteer hours"] == expected["volunteer_hours"] == Decimal("3")
    assert report.params["start"] == start.isoformat()
    assert report.scope.endswith(f"· {GRANT}")


def test_a_programme_with_nothing_yet_gives_an_empty_report():
    programme = ProgrammeFactory(grant_code="", start_date=None, end_date=None)
    IndicatorFactory(programme=programme, metric=Metric.TRAININGS, target=Decimal("0"))
    report = programme_report(programme=programme)
    got = figures(report)
    assert got["Trainings held"] == 0
    assert got["Volunteer hours"] == Decimal("0.0")
    details = column(table(report, "programme"), "Value")
    assert details["Grant code"] == details["Dates"] == details["Donors"] == "Not given"
    assert table(report, "indicators").rows[0][2:] == [Decimal("0"), 0, None]  # no target: no %


def test_programme_report_queries_do_not_grow_with_trainings(world):
    with CaptureQueriesContext(connection) as small:
        programme_report(programme=world.programme)
    for n in range(4):
        extra = held_training(world.programme, world.today - dt.timedelta(days=50 + n))
        session = session_on(extra, extra.start_date, hours=2)
        for _ in range(3):
            mark(confirm(extra, ParticipantFactory(nationality="TJ")), session)
        assignment(VolunteerFactory(), day=extra.start_date, hours="1", training=extra)
    with CaptureQueriesContext(connection) as large:
        report = programme_report(programme=world.programme)
    assert len(large) == len(small) == 16
    assert figures(report)["Trainings held"] == 6


# --- the files ------------------------------------------------------------------------


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return " ".join(text.split())  # a title may wrap in its table cell


def test_pdf_carries_title_grant_code_and_indicators(world, tmp_path):
    content, filename = render_report(programme_report(programme=world.programme), "pdf")
    assert content.startswith(b"%PDF")
    assert filename.startswith("rtcm-programme-report-")
    text = pdf_text(content, tmp_path)
    for expected in [
        world.programme.title,
        GRANT,
        "Programme report",
        "European Union",
        "Implementing partner",
        world.p1.title,
        "Volunteers by role",
        *Indicator.objects.filter(programme=world.programme).values_list("name", flat=True),
    ]:
        assert expected in text, expected


def test_xlsx_holds_the_indicators_and_trainings_as_numbers(world):
    content, filename = render_report(programme_report(programme=world.programme), "xlsx")
    assert filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    summary = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert summary[0][0] == world.programme.title
    assert ("Scope", f"The whole programme, to date · {GRANT}") in [row[:2] for row in summary]
    sheets = {sheet.title: sheet for sheet in workbook.worksheets}
    details = list(sheets["The programme"].iter_rows(values_only=True))
    assert ("Grant code", GRANT) in details
    indicators = next(s for title, s in sheets.items() if title.startswith("Indicators"))
    rows = list(indicators.iter_rows(values_only=True))
    assert rows[0] == ("Indicator", "Counted as", "Target", "Achieved", "Percent of target")
    by_name = {row[0]: row for row in rows[1:] if row and row[0]}
    assert by_name["Trainings delivered"][2:] == (4, 2, 50)
    assert by_name["Policy briefs published"][2:] == (3, 2, 66)
    trainings = list(sheets["Trainings held"].iter_rows(values_only=True))
    assert [row[0] for row in trainings[1:3]] == [world.p1.title, world.p2.title]
    assert trainings[1][1].date() == world.p1.start_date
    assert isinstance(trainings[1][4], int)


# --- the activity report: by programme and by donor -----------------------------------


def period(world: World) -> dict:
    return {"start": world.today - dt.timedelta(days=60), "end": world.today}


def test_activity_programme_breakdown_adds_up_to_the_totals(world):
    report = activity_report(**period(world))
    got = figures(report)
    by_programme = table(report, "by_programme")
    assert [row[0] for row in by_programme.rows] == [
        "Migration School",
        world.programme.title,
        "No programme",
    ]
    for name, label in [
        ("Trainings held", "Trainings held"),
        ("Registrations (confirmed)", "Registrations (confirmed)"),
        ("Person-hours of training", "Person-hours of training"),
        ("Certificates issued", "Certificates issued"),
    ]:
        assert sum(column(by_programme, name).values()) == got[label], name
    assert got["Trainings held"] == 4
    expected = expected_for(world.held, [])
    row = by_programme.rows[1][1:]
    assert row == [
        expected["trainings"],
        expected["registrations"],
        expected["person_hours"],
        expected["certificates"],
    ]
    loose = expected_for([world.loose], [])
    assert by_programme.rows[2][1:] == [1, 2, loose["person_hours"], loose["certificates"]]


def test_activity_donor_rows_equal_independent_counts(world):
    report = activity_report(**period(world))
    by_donor = {row[0]: row[1:] for row in table(report, "by_donor").rows}
    eu = expected_for([*world.held, world.school_training], [])
    sdc = expected_for(world.held, [])
    for name, expected in [("European Union", eu), ("Swiss Agency for Development", sdc)]:
        assert by_donor[name] == [
            expected["trainings"],
            expected["registrations"],
            expected["person_hours"],
            expected["certificates"],
        ], name
    assert by_donor["European Union"][0] == 3
    # The loose training has no donor; the programme's two donors each count it.
    assert sum(row[0] for row in by_donor.values()) == 5 != figures(report)["Trainings held"]


def test_activity_filter_by_programme(world):
    month_ahead = world.today + dt.timedelta(days=30)
    report = activity_report(
        start=world.today - dt.timedelta(days=60), end=month_ahead, programme="establishment"
    )
    assert [row[0] for row in table(report, "trainings").rows] == [world.p1.title, world.p2.title]
    assert figures(report)["Registrations (confirmed)"] == 4
    assert [row[0] for row in table(report, "by_programme").rows] == [world.programme.title]
    assert [row[0] for row in table(report, "trainings_scheduled").rows] == [world.scheduled.title]
    assert report.scope.endswith(f"· {world.programme.title}")


@pytest.mark.parametrize(
    ("donor", "titles"),
    [
        ("eu", ["Readmission basics", "School day", "Labour migration online"]),
        ("sdc", ["Readmission basics", "Labour migration online"]),
    ],
)
def test_activity_filter_by_donor(world, donor, titles):
    report = activity_report(**period(world), donor=donor)
    assert [row[0] for row in table(report, "trainings").rows] == titles
    assert figures(report)["Trainings held"] == len(titles)
    assert "No programme" not in [row[0] for row in table(report, "by_programme").rows]


def test_activity_report_queries_with_programmes_do_not_grow(world):
    with CaptureQueriesContext(connection) as small:
        activity_report(**period(world), donor="eu")
    for n in range(3):
        other = ProgrammeFactory()
        part(other, world.donors["eu"], "donor")
        extra = held_training(other, world.today - dt.timedelta(days=25 + n))
        mark(confirm(extra, ParticipantFactory()), session_on(extra, extra.start_date, hours=1))
    with CaptureQueriesContext(connection) as large:
        report = activity_report(**period(world), donor="eu")
    assert len(large) == len(small) == 27
    assert len(table(report, "by_programme").rows) == 5


# --- the job, the page, the API and the command ---------------------------------------


@pytest.fixture
def manager():
    return staff_user("manager", roles=(MANAGER,))


def test_manager_builds_the_programme_report_as_a_job(
    client, manager, world, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    page = client.get(URL)
    assert ("establishment", world.programme.title) in [
        (str(value), label) for value, label in page.context["form"].fields["programme"].choices
    ]
    assert {d.slug for d in page.context["form"].fields["donor"].queryset} == {"eu", "sdc"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL, {"kind": "programme", "programme": "establishment", "format": "pdf"}
        )
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == "succeeded", job.error
    assert job.params["programme"] == "establishment"
    assert job.params["title"] == f"Programme report: {world.programme.title}"
    download = client.get(reverse("jobs:download", args=[job.pk]))
    text = pdf_text(b"".join(download.streaming_content), tmp_path)
    assert GRANT in text
    assert "Policy briefs published" in text


def test_api_manager_starts_an_activity_report_filtered_by_donor(
    manager, world, django_capture_on_commit_callbacks
):
    client = APIClient()
    client.force_authenticate(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            API_URL,
            {
                "kind": "activity",
                "format": "xlsx",
                "donor": "sdc",
                "programme": "establishment",
                "start": (world.today - dt.timedelta(days=60)).isoformat(),
                "end": world.today.isoformat(),
            },
            format="json",
        )
    assert response.status_code == 202
    job = Job.objects.get()
    assert job.status == "succeeded", job.error
    assert (job.params["donor"], job.params["programme"]) == ("sdc", "establishment")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "programme"}, "programme"),
        ({"kind": "programme", "programme": "no-such-programme"}, "programme"),
        ({"kind": "programme", "programme": "establishment", "start": "2026-01-01"}, "end"),
        ({"kind": "programme", "programme": "establishment", "end": "2026-01-01"}, "start"),
        (
            {
                "kind": "programme",
                "programme": "establishment",
                "start": "2026-03-01",
                "end": "2026-01-01",
            },
            "end",
        ),
        (
            {"kind": "activity", "donor": "iom", "start": "2026-01-01", "end": "2026-03-31"},
            "donor",
        ),
    ],
)
def test_bad_programme_input_is_named_on_page_and_api(client, manager, world, data, field):
    client.force_login(manager)
    response = client.post(URL, {"format": "pdf", **data})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    api = APIClient()
    api.force_authenticate(manager)
    assert field in api.post(API_URL, data, format="json").json()
    assert not Job.objects.exists()


PROGRAMME_REPORT = {"kind": "programme", "programme": "establishment", "format": "pdf"}


def test_anonymous_visitor_is_sent_to_sign_in(client, world):
    response = client.post(URL, PROGRAMME_REPORT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert APIClient().post(API_URL, PROGRAMME_REPORT).status_code == 403
    assert not Job.objects.exists()


def test_a_participant_account_without_staff_rights_is_refused(client, world):
    person = get_user_model().objects.create_user("participant", password="x")
    client.force_login(person)
    assert client.post(URL, PROGRAMME_REPORT).status_code == 403  # signed in: no loop
    api = APIClient()
    api.force_authenticate(person)
    assert api.post(API_URL, PROGRAMME_REPORT).status_code == 403
    assert not Job.objects.exists()


def test_a_librarian_gets_403(client, world):
    librarian = staff_user("librarian", roles=(LIBRARIAN,))
    client.force_login(librarian)
    assert client.post(URL, PROGRAMME_REPORT).status_code == 403
    api = APIClient()
    api.force_authenticate(librarian)
    assert api.post(API_URL, PROGRAMME_REPORT).status_code == 403
    assert not Job.objects.exists()


def test_a_coordinator_of_the_programmes_training_may_not_run_the_programme_report(client, world):
    coordinator = coordinator_user("coordinator")
    world.p1.coordinators.add(coordinator)
    client.force_login(coordinator)
    page = client.get(URL)
    assert [value for value, _ in page.context["form"].fields["kind"].choices] == ["training"]
    assert client.post(URL, PROGRAMME_REPORT).status_code == 400  # not a kind offered
    api = APIClient()
    api.force_authenticate(coordinator)
    assert api.post(API_URL, PROGRAMME_REPORT).status_code == 403
    assert not Job.objects.exists()


def test_command_writes_the_programme_report(world, tmp_path):
    output = tmp_path / "programme.xlsx"
    call_command(
        "build_report",
        "programme",
        "--programme=establishment",
        "--format=xlsx",
        f"--output={output}",
        stdout=io.StringIO(),
    )
    workbook = openpyxl.load_workbook(output)
    assert workbook.worksheets[0]["A1"].value == world.programme.title
