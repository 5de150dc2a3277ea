"""Report builders: database aggregation into ``Report`` documents.

Every figure and table comes from a fixed number of aggregate queries
(``values().annotate()``, ``aggregate()``, subqueries), whatever the number of
participants, registrations or trainings; Python only lays out rows the
database has already counted. Tests pin the query counts.

Conventions shared by the reports:

- A training is *held* in a period when it took place in it
  (``courses.selectors.trainings_held``, the home page's definition too):
  neither a draft nor cancelled, started by today, and ended within the
  period or running up to its end. Trainings of the period that have not
  started yet are *scheduled*: listed apart, in no total nor attendance %.
- People are counted from **confirmed** registrations.
- A registration's region is the one recorded when the person registered
  (``Registration.region``, what the quotas used); for older rows without it,
  the country → region mapping of their nationality as it stands now.
- Person-hours are the lengths of the sessions a confirmed person was marked
  present at, summed in the database.
- Certificates count when not revoked; revoked ones are counted apart.

Every user-facing string goes through ``gettext``: builders run inside the
language the report is rendered in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_countries import countries

from courses.models import (
    Curriculum,
    Indicator,
    Organisation,
    Programme,
    ProgrammeOrganisation,
    Session,
    Topic,
    Training,
)
from courses.selectors import trainings_held, trainings_scheduled
from experts.models import Expert
from participants.models import Attendance, Certificate, Participant, Registration
from participants.selectors import (
    registrations_annotate_eligibility,
    training_registrations_with_attendance,
)
from rtcm.core.models import Region
from rtcm.core.regions import region_code_subquery
from rtcm.reports.document import Chart, Figure, Report, Section, Table
from volunteers.models import Assignment

CONFIRMED = Registration.Status.CONFIRMED
DONOR = ProgrammeOrganisation.Role.DONOR
ZERO_DURATION = dt.timedelta(0)


# --- shared pieces ---


def _region_code() -> Coalesce:
    """A registration's region: the recorded one, else the mapping of the nationality."""
    return Coalesce(
        F("region_id"),
        region_code_subquery("participant__nationality"),
        output_field=CharField(),
    )


def _duration(prefix: str = "") -> ExpressionWrapper:
    """A session's length (``ends_at − starts_at``), computed in the database."""
    return ExpressionWrapper(
        F(f"{prefix}ends_at") - F(f"{prefix}starts_at"), output_field=DurationField()
    )


def _hours(duration: dt.timedelta | None) -> Decimal:
    """A duration in hours, to one decimal."""
    if not duration:
        return Decimal("0.0")
    seconds = Decimal(duration // dt.timedelta(microseconds=1)) / Decimal(1_000_000)
    return (seconds / Decimal(3600)).quantize(Decimal("0.1"))


def _percent(part: int, whole: int) -> int:
    """Rounded down, as the attendance selector does; 0 of nothing is 0."""
    return part * 100 // whole if whole else 0


def _date(value: dt.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _period(start: dt.date, end: dt.date) -> str:
    if start == end:
        return _date(start)
    return f"{_date(start)} – {_date(end)}"


def _check_period(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise ValueError(f"The period ends ({end}) before it starts ({start}).")


def _previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same length just before [start, end]."""
    previous_end = start - dt.timedelta(days=1)
    return previous_end - (end - start), previous_end


def _region_names() -> dict[str, str]:
    """Region code → translated name, in the regions' order (one query)."""
    return {region.code: str(region) for region in Region.objects.all()}


def _country_name(code: str | None) -> str:
    return countries.name(code) if code else _("Not given")


def _label(choices: Iterable[tuple[str, Any]], value: str | None) -> str:
    labels = {key: str(label) for key, label in choices}
    if not value:
        return _("Not given")
    return labels.get(value, value)


def _breakdown(
    *, key: str, title: str, columns: list[str], rows: list[list[Any]], kind: str = "bar"
) -> tuple[Table, Chart]:
    """A table whose first column labels the rows and the others count, and its chart.

    The chart draws the first count column.
    """
    table = Table(
        key=key,
        title=title,
        columns=columns,
        rows=rows,
        numeric=list(range(1, len(columns))),
    )
    chart = Chart(
        title=title,
        kind=kind,  # type: ignore[arg-type]
        labels=[str(row[0]) for row in rows],
        values=[float(row[1] or 0) for row in rows],
    )
    return table, chart


def _by_count(rows: list[list[Any]]) -> list[list[Any]]:
    """Largest first, then by label."""
    return sorted(rows, key=lambda row: (-(row[1] or 0), str(row[0])))


def _region_rows(
    counted: Iterable[dict[str, Any]], names: dict[str, str], fields: list[str]
) -> list[list[Any]]:
    """One row per region, every known region listed (zeros included), in region order."""
    by_code = {row["region_key"]: row for row in counted}
    if not by_code:
        return []  # nobody to count: an empty table, not a column of zeros
    rows = [
        [name, *(by_code.get(code, {}).get(field, 0) for field in fields)]
        for code, name in names.items()
    ]
    # A code no longer in the regions table (cannot happen with PROTECT, but be safe).
    rows += [
        [code, *(row[field] for field in fields)]
        for code, row in by_code.items()
        if code not in names
    ]
    return rows


# --- one training ---


def training_report(*, training: Training) -> Report:
    """Everything about one training: overview, people, breakdowns, attendance, certificates.

    About a dozen queries, however many people registered.
    """
    Status = Registration.Status
    registrations = Registration.objects.filter(training=training).order_by()
    confirmed = registrations.filter(status=CONFIRMED)

    counts = registrations.aggregate(
        confirmed=Count("pk", filter=Q(status=Status.CONFIRMED)),
        waitlisted=Count("pk", filter=Q(status=Status.WAITLISTED)),
        pending=Count("pk", filter=Q(status=Status.PENDING)),
        cancelled=Count("pk", filter=Q(status=Status.CANCELLED)),
    )
    session_totals = Session.objects.filter(training=training).aggregate(
        count=Count("pk"), duration=Sum(_duration())
    )

    overview = Section(
        title=_("Overview"),
        figures=[
            Figure(_("Dates"), _period(training.start_date, training.end_date)),
            Figure(_("Format"), training.get_format_display()),
            Figure(_("Venue"), _venue(training)),
            Figure(_("Capacity"), training.capacity),
            Figure(_("Confirmed"), counts["confirmed"]),
            Figure(_("Waitlisted"), counts["waitlisted"]),
            Figure(_("Awaiting approval"), counts["pending"]),
            Figure(_("Cancelled"), counts["cancelled"]),
            Figure(_("Sessions"), session_totals["count"]),
            Figure(_("Hours"), _hours(session_totals["duration"])),
        ],
        tables=[_training_modules(training), _training_trainers(training)],
    )
    return Report(
        kind="training",
        title=training.title,
        subtitle=_("Training report"),
        generated_at=timezone.now(),
        scope=f"{_period(training.start_date, training.end_date)} · {_venue(training)}",
        sections=[
            overview,
            _training_participants(training),
            _breakdowns(confirmed),
            _training_attendance(training, confirmed_count=counts["confirmed"]),
            _training_certificates(training),
        ],
        params={"training": training.pk},
    )


def _venue(training: Training) -> str:
    place = ", ".join(part for part in (training.venue_city, training.venue_country.name) if part)
    if training.format == Training.Format.ONLINE:
        return _("Online")
    if training.format == Training.Format.HYBRID:
        return _("%(place)s and online") % {"place": place} if place else _("Online")
    return place


def _training_modules(training: Training) -> Table:
    modules = training.modules.select_related("topic").order_by("curriculum", "position", "code")
    return Table(
        key="modules",
        title=_("Modules covered"),
        columns=[_("Code"), _("Module"), _("Topic"), _("Hours")],
        rows=[[m.code, m.title, m.topic.name, m.hours] for m in modules],
        numeric=[3],
    )


def _training_trainers(training: Training) -> Table:
    # Filter then annotate on the same relation: the count is of this training's sessions.
    trainers = (
        Expert.objects.filter(sessions__training=training)
        .annotate(sessions_taught=Count("sessions", distinct=True))
        .order_by("family_name", "given_name", "pk")
    )
    return Table(
        key="trainers",
        title=_("Trainers"),
        columns=[_("Name"), _("Country"), _("Organisation"), _("Sessions")],
        rows=[[e.full_name, e.country.name, e.organisation, e.sessions_taught] for e in trainers],
        numeric=[3],
    )


def _training_participants(training: Training) -> Section:
    registrations = training_registrations_with_attendance(training=training).order_by(
        Case(When(status=CONFIRMED, then=Value(0)), default=Value(1), output_field=IntegerField()),
        "participant__family_name",
        "participant__given_name",
        "pk",
    )
    rows = [
        [
            r.participant.full_name,
            r.participant.nationality.name,
            r.participant.organisation,
            r.get_status_display(),
            r.attendance_percent if r.status == CONFIRMED else None,
        ]
        for r in registrations
    ]
    return Section(
        title=_("Participants"),
        tables=[
            Table(
                key="participants",
                title=_("Participants"),
                columns=[
                    _("Name"),
                    _("Country"),
                    _("Organisation"),
                    _("Status"),
                    _("Attendance %"),
                ],
                rows=rows,
                numeric=[4],
                note=_("Attendance is of all the training's sessions, for confirmed people."),
            )
        ],
    )


def _breakdowns(confirmed: QuerySet[Registration], *, persons: bool = False) -> Section:
    """Confirmed registrations by region, country, gender and organisation type.

    With ``persons``, a second column counts distinct people (a person may
    come to several trainings of a period). Four queries, plus the regions.
    """
    counters: dict[str, Count] = {"registrations": Count("pk")}
    fields = ["registrations"]
    columns_tail = [_("Participants")]
    if persons:
        counters = {
            "persons": Count("participant", distinct=True),
            "registrations": Count("pk"),
        }
        fields = ["persons", "registrations"]
        columns_tail = [_("Participants"), _("Registrations")]

    def grouped(field: str) -> list[dict[str, Any]]:
        return list(confirmed.values(field).annotate(**counters).order_by())

    by_region = list(
        confirmed.annotate(region_key=_region_code())
        .values("region_key")
        .annotate(**counters)
        .order_by()
    )
    region_rows = _region_rows(by_region, _region_names(), fields)
    country_rows = _by_count(
        [
            [_country_name(row["participant__nationality"]), *(row[f] for f in fields)]
            for row in grouped("participant__nationality")
        ]
    )
    gender_rows = _by_count(
        [
            [_label(Participant.Gender.choices, row["participant__gender"])]
            + [row[f] for f in fields]
            for row in grouped("participant__gender")
        ]
    )
    organisation_rows = _by_count(
        [
            [_label(Participant.OrganisationType.choices, row["participant__organisation_type"])]
            + [row[f] for f in fields]
            for row in grouped("participant__organisation_type")
        ]
    )
    section = Section(title=_("Breakdowns"))
    for key, title, heading, rows, kind in (
        ("by_region", _("By region"), _("Region"), region_rows, "pie"),
        ("by_country", _("By country"), _("Country"), country_rows, "bar"),
        ("by_gender", _("By gender"), _("Gender"), gender_rows, "pie"),
        (
            "by_organisation_type",
            _("By organisation type"),
            _("Organisation type"),
            organisation_rows,
            "bar",
        ),
    ):
        table, chart = _breakdown(
            key=key,
            title=title,
            columns=[heading, *columns_tail],
            rows=rows,
            kind=kind,
        )
        section.tables.append(table)
        section.charts.append(chart)
    return section


def _training_attendance(training: Training, *, confirmed_count: int) -> Section:
    marks_of_confirmed = Q(attendance__registration__status=CONFIRMED)
    sessions = (
        Session.objects.filter(training=training)
        .annotate(
            present=Count("attendance", filter=marks_of_confirmed & Q(attendance__present=True)),
            absent=Count("attendance", filter=marks_of_confirmed & Q(attendance__present=False)),
        )
        .order_by("starts_at", "pk")
    )
    rows = [
        [
            s.title,
            timezone.localtime(s.starts_at).date(),
            s.present,
            s.absent,
            max(confirmed_count - s.present - s.absent, 0),
        ]
        for s in sessions
    ]
    return Section(
        title=_("Attendance per session"),
        tables=[
            Table(
                key="attendance_by_session",
                title=_("Attendance per session"),
                columns=[_("Session"), _("Date"), _("Present"), _("Absent"), _("Not marked")],
                rows=rows,
                numeric=[2, 3, 4],
                note=_("Of the confirmed participants."),
            )
        ],
    )


def _eligible_without_certificate(training: Training) -> int:
    """Confirmed registrations that may have a certificate and have none yet.

    The rule is ``participants.selectors.registrations_annotate_eligibility``,
    counted in the database.
    """
    without_certificate = Registration.objects.filter(
        training=training, status=CONFIRMED, certificate__isnull=True
    )
    return (
        registrations_annotate_eligibility(without_certificate, training=training)
        .filter(certificate_eligible=True)
        .order_by()
        .count()
    )


def _training_certificates(training: Training) -> Section:
    certificates = Certificate.objects.filter(registration__training=training)
    counts = certificates.aggregate(
        issued=Count("pk", filter=Q(revoked_at__isnull=True)),
        revoked=Count("pk", filter=Q(revoked_at__isnull=False)),
    )
    listed = certificates.select_related("registration__participant").order_by("year", "number")
    rows = [
        [
            c.serial,
            c.registration.participant.full_name,
            timezone.localtime(c.issued_at).date(),
            _("Revoked") if c.is_revoked else _("Valid"),
        ]
        for c in listed
    ]
    return Section(
        title=_("Certificates"),
        figures=[
            Figure(_("Certificates issued"), counts["issued"]),
            Figure(_("Revoked"), counts["revoked"]),
            Figure(_("Eligible, not yet issued"), _eligible_without_certificate(training)),
        ],
        tables=[
            Table(
                key="certificates",
                title=_("Certificates"),
                columns=[_("Serial"), _("Name"), _("Issued"), _("Status")],
                rows=rows,
            )
        ],
    )


# --- a period ---


def _trainings_held(start: dt.date, end: dt.date, **filters: str | None) -> QuerySet[Training]:
    """Trainings held in [start, end] (``trainings_held``), filtered (``_filtered``)."""
    return _filtered(trainings_held(start=start, end=end), **filters)


def _trainings_scheduled(start: dt.date, end: dt.date, **filters: str | None) -> QuerySet[Training]:
    """Trainings of [start, end] not started yet (``trainings_scheduled``), filtered."""
    return _filtered(trainings_scheduled(start=start, end=end), **filters)


def _filtered(
    trainings: QuerySet[Training],
    *,
    region: str | None = None,
    topic: str | None = None,
    format: str | None = None,
    programme: str | None = None,
    donor: str | None = None,
) -> QuerySet[Training]:
    """``region`` (code), ``topic`` (slug), ``format``, ``programme`` (slug) and ``donor``
    (the slug of an organisation that is a donor of the training's programme).

    Many-to-many filters go through ``pk__in`` so that rows are not repeated.
    """
    if region:
        trainings = trainings.filter(
            pk__in=Training.objects.filter(target_regions__code=region).values("pk")
        )
    if topic:
        trainings = trainings.filter(
            pk__in=Training.objects.filter(modules__topic__slug=topic).values("pk")
        )
    if format:
        trainings = trainings.filter(format=format)
    if programme:
        trainings = trainings.filter(programme__slug=programme)
    if donor:
        trainings = trainings.filter(
            programme__in=ProgrammeOrganisation.objects.filter(
                role=DONOR, organisation__slug=donor
            ).values("programme")
        )
    return trainings


def _confirmed_of(
    trainings: QuerySet[Training], *, region: str | None = None
) -> QuerySet[Registration]:
    """Confirmed registrations of ``trainings``; with ``region``, only people of that region."""
    confirmed = Registration.objects.filter(
        training__in=trainings.order_by().values("pk"), status=CONFIRMED
    ).order_by()
    if region:
        # alias(), not annotate(): filtered on, never selected nor grouped by.
        confirmed = confirmed.alias(person_region=_region_code()).filter(person_region=region)
    return confirmed


def _attended(confirmed: QuerySet[Registration]) -> QuerySet[Attendance]:
    """The marks person-hours are made of: a confirmed person present at a session of
    the training they registered for. Every person-hours figure sums these."""
    return Attendance.objects.filter(
        registration__in=confirmed.values("pk"),
        present=True,
        session__training=F("registration__training"),
    )


def _person_hours(confirmed: QuerySet[Registration]) -> Decimal:
    total = _attended(confirmed).aggregate(total=Sum(_duration("session__")))["total"]
    return _hours(total)


def _activity_figures(
    trainings: QuerySet[Training], confirmed: QuerySet[Registration]
) -> dict[str, Any]:
    """The headline numbers of a period. Four queries."""
    people = confirmed.aggregate(
        registrations=Count("pk", distinct=True),
        persons=Count("participant", distinct=True),
        certificates=Count("certificate", filter=Q(certificate__revoked_at__isnull=True)),
    )
    return {
        "trainings": trainings.count(),
        "registrations": people["registrations"],
        "persons": people["persons"],
        "person_hours": _person_hours(confirmed),
        "certificates": people["certificates"],
        "experts": Expert.objects.filter(sessions__training__in=trainings.order_by().values("pk"))
        .distinct()
        .count(),
    }


def activity_report(
    *,
    start: dt.date,
    end: dt.date,
    region: str | None = None,
    topic: str | None = None,
    format: str | None = None,
    programme: str | None = None,
    donor: str | None = None,
) -> Report:
    """What the center did in [start, end], compared with the period just before.

    ``region`` keeps the trainings that target it and, when counting people,
    only the people of that region; ``topic`` (a slug) keeps the trainings with
    a module of that topic; ``format`` keeps trainings of that format;
    ``programme`` (a slug) the trainings of that programme; ``donor`` (an
    organisation's slug) the trainings of the programmes it funds. About thirty
    queries, whatever the number of trainings or people.
    """
    _check_period(start, end)
    filters = {
        "region": region,
        "topic": topic,
        "format": format,
        "programme": programme,
        "donor": donor,
    }
    trainings = _trainings_held(start, end, **filters)
    confirmed = _confirmed_of(trainings, region=region)
    previous_start, previous_end = _previous_period(start, end)
    previous_trainings = _trainings_held(previous_start, previous_end, **filters)
    current = _activity_figures(trainings, confirmed)
    previous = _activity_figures(
        previous_trainings, _confirmed_of(previous_trainings, region=region)
    )

    labels = {
        "trainings": _("Trainings held"),
        "registrations": _("Registrations (confirmed)"),
        "persons": _("Unique participants"),
        "person_hours": _("Person-hours of training"),
        "certificates": _("Certificates issued"),
        "experts": _("Experts engaged"),
    }
    summary = Section(
        title=_("Summary"),
        text=_("Compared with %(period)s.") % {"period": _period(previous_start, previous_end)},
        figures=[Figure(label, current[key], previous[key]) for key, label in labels.items()],
    )
    breakdowns = _breakdowns(confirmed, persons=True)
    topics_table, topics_chart = _activity_by_topic(trainings, confirmed)
    modules_table, modules_chart = _activity_by_module(trainings, confirmed)
    breakdowns.tables += [topics_table, modules_table]
    breakdowns.charts += [topics_chart, modules_chart]

    scope = [_period(start, end)]
    if region:
        scope.append(_region_names().get(region, region))
    if topic:
        scope.append(
            Topic.objects.filter(slug=topic).values_list("name", flat=True).first() or topic
        )
    if format:
        scope.append(_label(Training.Format.choices, format))
    if programme:
        scope.append(
            Programme.objects.filter(slug=programme).values_list("title", flat=True).first()
            or programme
        )
    if donor:
        scope.append(
            Organisation.objects.filter(slug=donor).values_list("name", flat=True).first() or donor
        )
    return Report(
        kind="activity",
        title=_("Activity report"),
        subtitle=_("Trainings, participants and experts of the period"),
        generated_at=timezone.now(),
        scope=" · ".join(scope),
        sections=[
            summary,
            breakdowns,
            _activity_by_programme_and_donor(trainings, confirmed),
            _activity_trainings(trainings, confirmed),
            _activity_scheduled(_trainings_scheduled(start, end, **filters)),
            _activity_experts(trainings),
        ],
        params={"start": start.isoformat(), "end": end.isoformat(), **filters},
    )


def _figures_by_programme(
    trainings: QuerySet[Training], confirmed: QuerySet[Registration]
) -> dict[int | None, dict[str, Any]]:
    """Programme id (None: trainings of no programme) → its title, trainings held,
    confirmed registrations, attended time (a duration) and valid certificates.

    The same rules as the summary's figures, grouped: a training belongs to one
    programme at most, so the programmes' figures add up to the summary's. Three queries.
    """
    rows: dict[int | None, dict[str, Any]] = {}

    def row(programme_id: int | None) -> dict[str, Any]:
        return rows.setdefault(
            programme_id,
            {
                "title": "",
                "trainings": 0,
                "registrations": 0,
                "duration": ZERO_DURATION,
                "certificates": 0,
            },
        )

    for counted in (
        trainings.order_by().values("programme", "programme__title").annotate(n=Count("pk"))
    ):
        row(counted["programme"]).update(
            title=counted["programme__title"] or "", trainings=counted["n"]
        )
    for counted in confirmed.values("training__programme").annotate(
        registrations=Count("pk", distinct=True),
        certificates=Count("certificate", filter=Q(certificate__revoked_at__isnull=True)),
    ):
        row(counted["training__programme"]).update(
            registrations=counted["registrations"], certificates=counted["certificates"]
        )
    for counted in (
        _attended(confirmed)
        .values("registration__training__programme")
        .annotate(duration=Sum(_duration("session__")))
        .order_by()
    ):
        row(counted["registration__training__programme"])["duration"] = (
            counted["duration"] or ZERO_DURATION
        )
    return rows


def _activity_by_programme_and_donor(
    trainings: QuerySet[Training], confirmed: QuerySet[Registration]
) -> Section:
    """The period's figures by programme (adding up to the summary's) and by donor (a
    training counts for each donor of its programme). Four queries."""
    by_programme = _figures_by_programme(trainings, confirmed)
    columns_tail = [
        _("Trainings held"),
        _("Registrations (confirmed)"),
        _("Person-hours of training"),
        _("Certificates issued"),
    ]

    def counts(figures: dict[str, Any]) -> list[Any]:
        return [
            figures["trainings"],
            figures["registrations"],
            _hours(figures["duration"]),
            figures["certificates"],
        ]

    programme_rows = sorted(
        ([figures["title"], *counts(figures)] for key, figures in by_programme.items() if key),
        key=lambda row: str(row[0]),
    )
    if None in by_programme:
        programme_rows.append([_("No programme"), *counts(by_programme[None])])
    programme_table, programme_chart = _breakdown(
        key="by_programme",
        title=_("By programme"),
        columns=[_("Programme"), *columns_tail],
        rows=programme_rows,
    )
    programme_table.note = _(
        "A training belongs to one programme at most: the rows add up to the summary's "
        "totals. Person-hours are rounded row by row."
    )

    donors: dict[int, dict[str, Any]] = {}
    for part in (
        ProgrammeOrganisation.objects.filter(
            role=DONOR, programme__in=[key for key in by_programme if key]
        )
        .values("programme", "organisation", "organisation__name")
        .order_by()
    ):
        figures = by_programme[part["programme"]]
        donor = donors.setdefault(
            part["organisation"],
            {
                "title": part["organisation__name"],
                "trainings": 0,
                "registrations": 0,
                "duration": ZERO_DURATION,
                "certificates": 0,
            },
        )
        for field in ("trainings", "registrations", "duration", "certificates"):
            donor[field] += figures[field]
    donor_table = Table(
        key="by_donor",
        title=_("By donor"),
        columns=[_("Donor"), *columns_tail],
        rows=sorted(
            ([figures["title"], *counts(figures)] for figures in donors.values()),
            key=lambda row: str(row[0]),
        ),
        numeric=[1, 2, 3, 4],
        note=_(
            "A training whose programme has several donors counts for each of them, and "
            "a training of no donor for none: these rows need not add up to the totals."
        ),
    )
    return Section(
        title=_("Programmes and donors"),
        tables=[programme_table, donor_table],
        charts=[programme_chart],
    )


def _activity_by_topic(
    trainings: QuerySet[Training], confirmed: QuerySet[Registration]
) -> tuple[Table, Chart]:
    held = {
        row["modules__topic__name"]: row["trainings"]
        for row in trainings.order_by()
        .values("modules__topic__name")
        .annotate(trainings=Count("pk", distinct=True))
    }
    people = {
        row["training__modules__topic__name"]: row["persons"]
        for row in confirmed.values("training__modules__topic__name")
        .annotate(persons=Count("participant", distinct=True))
        .order_by()
    }
    rows = _by_count(
        [[name or _("No module"), count, people.get(name, 0)] for name, count in held.items()]
    )
    return _breakdown(
        key="by_topic",
        title=_("By topic"),
        columns=[_("Topic"), _("Trainings"), _("Participants")],
        rows=rows,
    )


def _activity_by_module(
    trainings: QuerySet[Training], confirmed: QuerySet[Registration]
) -> tuple[Table, Chart]:
    held = list(
        trainings.order_by()
        .values("modules", "modules__code", "modules__title")
        .annotate(trainings=Count("pk", distinct=True))
    )
    people = {
        row["training__modules"]: row["persons"]
        for row in confirmed.values("training__modules")
        .annotate(persons=Count("participant", distinct=True))
        .order_by()
    }
    rows = _by_count(
        [
            [
                f"{row['modules__code']} {row['modules__title']}"
                if row["modules"]
                else _("No module"),
                row["trainings"],
                people.get(row["modules"], 0),
            ]
            for row in held
        ]
    )
    return _breakdown(
        key="by_module",
        title=_("By curriculum module"),
        columns=[_("Module"), _("Trainings"), _("Participants")],
        rows=rows,
    )


def _activity_trainings(
    trainings: QuerySet[Training], confirmed: QuerySet[Registration]
) -> Section:
    """The trainings of the period with their confirmed people and attendance. Three queries."""
    confirmed_by_training = dict(
        confirmed.values("training").annotate(n=Count("pk")).order_by().values_list("training", "n")
    )
    present_by_training = dict(
        _attended(confirmed)
        .values("registration__training")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("registration__training", "n")
    )
    listed = trainings.annotate(
        sessions_count=Count("sessions", filter=Q(sessions__starts_at__lte=timezone.now()))
    ).order_by("start_date", "title", "pk")
    rows = []
    for training in listed:
        people = confirmed_by_training.get(training.pk, 0)
        rows.append(
            [
                training.title,
                training.start_date,
                training.end_date,
                training.get_format_display(),
                _("Online") if training.is_online else training.venue_city,
                people,
                _percent(present_by_training.get(training.pk, 0), people * training.sessions_count),
            ]
        )
    return Section(
        title=_("Trainings"),
        tables=[
            Table(
                key="trainings",
                title=_("Trainings held"),
                columns=[
                    _("Training"),
                    _("Start"),
                    _("End"),
                    _("Format"),
                    _("City"),
                    _("Confirmed"),
                    _("Attendance %"),
                ],
                rows=rows,
                numeric=[5, 6],
                note=_(
                    "Attendance: sessions attended of the sessions held so far, "
                    "for confirmed people."
                ),
            )
        ],
    )


def _activity_scheduled(trainings: QuerySet[Training]) -> Section:
    """The period's trainings that have not started yet: listed, never counted. One query."""
    rows = [
        [
            training.title,
            training.start_date,
            training.end_date,
            training.get_format_display(),
            _("Online") if training.is_online else training.venue_city,
        ]
        for training in trainings.order_by("start_date", "title", "pk")
    ]
    return Section(
        title=_("Scheduled"),
        tables=[
            Table(
                key="trainings_scheduled",
                title=_("Trainings scheduled"),
                columns=[_("Training"), _("Start"), _("End"), _("Format"), _("City")],
                rows=rows,
                note=_("Not started yet: not counted among the trainings held."),
            )
        ],
    )


def _activity_experts(trainings: QuerySet[Training]) -> Section:
    taught = (
        Session.trainers.through.objects.filter(
            session__training__in=trainings.order_by().values("pk")
        )
        .values("expert", "expert__given_name", "expert__family_name", "expert__country")
        .annotate(sessions=Count("session", distinct=True))
        .order_by("-sessions", "expert__family_name", "expert__given_name", "expert")
    )
    rows = [
        [
            f"{row['expert__given_name']} {row['expert__family_name']}".strip(),
            _country_name(row["expert__country"]),
            row["sessions"],
        ]
        for row in taught
    ]
    return Section(
        title=_("Experts engaged"),
        tables=[
            Table(
                key="experts",
                title=_("Experts engaged"),
                columns=[_("Name"), _("Country"), _("Sessions taught")],
                rows=rows,
                numeric=[2],
            )
        ],
    )


# --- curriculum coverage ---


def coverage_report(*, start: dt.date, end: dt.date) -> Report:
    """How much of the approved curriculum the trainings held in [start, end] delivered.

    Per module: trainings that covered it, distinct confirmed people reached and
    the regions they came from. Modules never delivered are highlighted. Five
    queries, whatever the number of modules, trainings or people.
    """
    _check_period(start, end)
    curriculum = Curriculum.objects.filter(status=Curriculum.Status.APPROVED).first()
    report = Report(
        kind="coverage",
        title=_("Curriculum coverage"),
        subtitle=str(curriculum) if curriculum else _("No approved curriculum"),
        generated_at=timezone.now(),
        scope=_period(start, end),
        sections=[],
        params={"start": start.isoformat(), "end": end.isoformat()},
    )
    columns = [
        _("Code"),
        _("Module"),
        _("Topic"),
        _("Hours"),
        _("Times delivered"),
        _("Participants reached"),
        _("Regions reached"),
    ]
    table = Table(
        key="coverage",
        title=_("Modules"),
        columns=columns,
        rows=[],
        numeric=[3, 4, 5],
        note=_("Highlighted: modules not delivered in the period."),
    )
    if curriculum is None:
        report.sections.append(
            Section(
                title=_("Coverage"),
                text=_("There is no approved curriculum: nothing to measure coverage against."),
                tables=[table],
            )
        )
        return report

    trainings = _trainings_held(start, end).order_by().values("pk")
    modules = (
        curriculum.modules.select_related("topic")
        .annotate(deliveries=Count("trainings", filter=Q(trainings__in=trainings), distinct=True))
        .order_by("position", "code")
    )
    confirmed = _confirmed_of(Training.objects.filter(pk__in=trainings)).filter(
        training__modules__curriculum=curriculum
    )
    reached = dict(
        confirmed.values("training__modules")
        .annotate(persons=Count("participant", distinct=True))
        .order_by()
        .values_list("training__modules", "persons")
    )
    names = _region_names()
    regions_of: dict[int, set[str]] = {}
    for module_id, code in (
        confirmed.annotate(region_key=_region_code())
        .values_list("training__modules", "region_key")
        .distinct()
        .order_by()
    ):
        regions_of.setdefault(module_id, set()).add(code)
    order = list(names)

    for index, module in enumerate(modules):
        codes = sorted(
            regions_of.get(module.pk, ()),
            key=lambda c: (order.index(c) if c in order else len(order), c),
        )
        table.rows.append(
            [
                module.code,
                module.title,
                module.topic.name,
                module.hours,
                module.deliveries,
                reached.get(module.pk, 0),
                ", ".join(names.get(code, code) for code in codes),
            ]
        )
        if not module.deliveries:
            table.highlight.append(index)

    report.sections.append(
        Section(
            title=_("Coverage"),
            figures=[
                Figure(_("Modules in the curriculum"), len(table.rows)),
                Figure(_("Modules delivered"), len(table.rows) - len(table.highlight)),
                Figure(_("Modules never delivered"), len(table.highlight)),
            ],
            tables=[table],
            charts=[
                Chart(
                    title=_("Deliveries per module"),
                    kind="bar",
                    labels=[row[0] for row in table.rows],
                    values=[float(row[4]) for row in table.rows],
                )
            ],
        )
    )
    return report


# --- one programme ---


def programme_report(
    *, programme: Programme, start: dt.date | None = None, end: dt.date | None = None
) -> Report:
    """What a programme did, as its donors ask it: trainings held, people reached (each
    counted once) by country, gender and organisation type, person-hours, certificates,
    volunteers' hours, and the declared indicators with target against achieved.

    With ``start`` and ``end``, only the trainings held and the assignments served in
    that period. The same rules as the activity report (held trainings, confirmed
    people, person-hours, valid certificates). About twenty queries, however many
    trainings, people or volunteers.
    """
    if start is not None and end is not None:
        _check_period(start, end)
    Metric = Indicator.Metric
    trainings = trainings_held(start=start, end=end).filter(programme=programme)
    confirmed = _confirmed_of(trainings)
    figures = _activity_figures(trainings, confirmed)
    reach = confirmed.aggregate(
        women=Count(
            "participant", distinct=True, filter=Q(participant__gender=Participant.Gender.FEMALE)
        ),
        countries=Count(
            "participant__nationality", distinct=True, filter=~Q(participant__nationality="")
        ),
    )
    volunteers_section, volunteer_hours = _programme_volunteers(programme, start=start, end=end)
    achieved = {
        Metric.TRAININGS: figures["trainings"],
        Metric.PARTICIPANTS: figures["persons"],
        Metric.WOMEN: reach["women"],
        Metric.COUNTRIES: reach["countries"],
        Metric.PERSON_HOURS: figures["person_hours"],
        Metric.CERTIFICATES: figures["certificates"],
        Metric.VOLUNTEER_HOURS: volunteer_hours,
    }
    results = Section(
        title=_("Results"),
        figures=[
            *(Figure(str(metric.label), value) for metric, value in achieved.items()),
            Figure(_("Registrations (confirmed)"), figures["registrations"]),
            Figure(_("Experts engaged"), figures["experts"]),
        ],
    )
    people = _breakdowns(confirmed, persons=True)
    people.title = _("People reached")
    people.text = _(
        "Each person is counted once in the first column, however many of the "
        "programme's trainings they attended."
    )
    period = _period(start, end) if start and end else _("The whole programme, to date")
    scope = [period]
    if programme.grant_code:
        scope.append(programme.grant_code)
    return Report(
        kind="programme",
        title=programme.title,
        subtitle=_("Programme report"),
        generated_at=timezone.now(),
        scope=" · ".join(scope),
        sections=[
            _programme_overview(programme),
            results,
            _programme_indicators(programme, achieved),
            _programme_trainings(trainings, confirmed),
            people,
            volunteers_section,
        ],
        params={
            "programme": programme.slug,
            "start": start.isoformat() if start else None,
            "end": end.isoformat() if end else None,
        },
    )


def _programme_dates(programme: Programme) -> str:
    start, end = programme.start_date, programme.end_date
    if start and end:
        return _period(start, end)
    if start or end:
        return f"{_date(start)} –" if start else f"– {_date(end)}"
    return _("Not given")


def _programme_overview(programme: Programme) -> Section:
    """Dates, grant code, donors, and every organisation's part. One query."""
    parts = list(
        ProgrammeOrganisation.objects.filter(programme=programme)
        .select_related("organisation")
        .order_by("position", "pk")
    )
    donors = [part.organisation.name for part in parts if part.role == DONOR]
    return Section(
        title=_("Overview"),
        text=programme.summary,
        tables=[
            # Words, not headline numbers: a two-column table rather than figures.
            Table(
                key="programme",
                title=_("The programme"),
                columns=[_("Detail"), _("Value")],
                rows=[
                    [_("Programme"), programme.title],
                    [_("Dates"), _programme_dates(programme)],
                    [_("Grant code"), programme.grant_code or _("Not given")],
                    [_("Donors"), ", ".join(donors) or _("Not given")],
                ],
            ),
            Table(
                key="partners",
                title=_("Donors and partners"),
                columns=[_("Organisation"), _("Role"), _("Country")],
                rows=[
                    [
                        part.organisation.name,
                        part.get_role_display(),
                        _country_name(part.organisation.country.code or None),
                    ]
                    for part in parts
                ],
            ),
        ],
    )


def _programme_indicators(programme: Programme, achieved: dict[str, Any]) -> Section:
    """Each declared indicator: target, achieved (counted by its metric from the report's
    own figures, or as staff reported it) and the percentage of the target. One query."""
    rows = []
    for indicator in programme.indicators.order_by("position", "pk"):
        if indicator.metric == Indicator.Metric.MANUAL:
            value = indicator.achieved_manual
        else:
            value = achieved.get(indicator.metric)
        percent = (
            int(Decimal(value) * 100 // indicator.target)
            if value is not None and indicator.target
            else None
        )
        rows.append(
            [indicator.name, indicator.get_metric_display(), indicator.target, value, percent]
        )
    return Section(
        title=_("Indicators"),
        tables=[
            Table(
                key="indicators",
                title=_("Indicators: target and achieved"),
                columns=[
                    _("Indicator"),
                    _("Counted as"),
                    _("Target"),
                    _("Achieved"),
                    _("Percent of target"),
                ],
                rows=rows,
                numeric=[2, 3, 4],
                note=_(
                    "Achieved is counted from the records of the report's period, by the "
                    "rules of this report; an indicator reported by staff shows their figure."
                ),
            )
        ],
    )


def _programme_trainings(
    trainings: QuerySet[Training], confirmed: QuerySet[Registration]
) -> Section:
    """The programme's trainings held, with their people, person-hours and certificates.
    Two queries."""
    hours_by_training = {
        row["registration__training"]: row["duration"]
        for row in _attended(confirmed)
        .values("registration__training")
        .annotate(duration=Sum(_duration("session__")))
        .order_by()
    }
    confirmed_only = Q(registrations__status=CONFIRMED)
    listed = trainings.annotate(
        confirmed_count=Count("registrations", filter=confirmed_only, distinct=True),
        certificates_count=Count(
            "registrations__certificate",
            filter=confirmed_only & Q(registrations__certificate__revoked_at__isnull=True),
            distinct=True,
        ),
    ).order_by("start_date", "title", "pk")
    rows = [
        [
            training.title,
            training.start_date,
            training.end_date,
            _venue(training),
            training.confirmed_count,
            _hours(hours_by_training.get(training.pk)),
            training.certificates_count,
        ]
        for training in listed
    ]
    return Section(
        title=_("Trainings"),
        tables=[
            Table(
                key="trainings",
                title=_("Trainings held"),
                columns=[
                    _("Training"),
                    _("Start"),
                    _("End"),
                    _("Venue"),
                    _("Participants"),
                    _("Person-hours"),
                    _("Certificates"),
                ],
                rows=rows,
                numeric=[4, 5, 6],
                note=_("Confirmed participants; certificates not revoked."),
            )
        ],
    )


def _programme_volunteers(
    programme: Programme, *, start: dt.date | None, end: dt.date | None
) -> tuple[Section, Decimal]:
    """Completed volunteer assignments at the programme's trainings or events (started in
    the period, when there is one), by role; and their total hours. Two queries."""
    assignments = Assignment.objects.filter(
        Q(training__programme=programme) | Q(programme=programme),
        status=Assignment.Status.COMPLETED,
    ).order_by()
    if start is not None:
        assignments = assignments.filter(starts_at__date__gte=start)
    if end is not None:
        assignments = assignments.filter(starts_at__date__lte=end)
    totals = assignments.aggregate(
        hours=Sum("hours"), volunteers=Count("volunteer", distinct=True), assignments=Count("pk")
    )
    hours = totals["hours"] or Decimal("0.0")
    by_role = _by_count(
        [
            [
                _label(Assignment.Role.choices, row["role"]),
                row["hours"],
                row["assignments"],
                row["volunteers"],
            ]
            for row in assignments.values("role").annotate(
                hours=Sum("hours"),
                assignments=Count("pk"),
                volunteers=Count("volunteer", distinct=True),
            )
        ]
    )
    section = Section(
        title=_("Volunteers"),
        figures=[
            Figure(str(Indicator.Metric.VOLUNTEER_HOURS.label), hours),
            Figure(_("Volunteers engaged"), totals["volunteers"]),
            Figure(_("Assignments completed"), totals["assignments"]),
        ],
        tables=[
            Table(
                key="volunteers_by_role",
                title=_("Volunteers by role"),
                columns=[_("Role"), _("Hours"), _("Assignments"), _("Volunteers")],
                rows=by_role,
                numeric=[1, 2, 3],
                note=_("Completed assignments at the programme's trainings and events."),
            )
        ],
    )
    return section, hours
