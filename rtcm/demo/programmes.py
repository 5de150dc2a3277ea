"""The demo's programmes: the project that set the center up, the Migration School and a
donor-funded series, with their organisations (logos drawn here) and indicators, and
the demo trainings shared among them.

Idempotent by slug: an organisation or programme that exists is left alone (staff may
have edited it), and only trainings without a programme are given one, by a fixed rule
(``assign_trainings``), so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from courses.models import Indicator, Organisation, Programme, ProgrammeOrganisation, Training
from courses.services import logo_on_canvas

Kind = Organisation.Kind
Role = ProgrammeOrganisation.Role
Metric = Indicator.Metric


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    short_name: str
    kind: str
    country: str
    website: str
    colour: tuple[int, int, int]
    show_in_header: bool = False
    name_ru: str = ""
    description: str = ""


ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(
        slug="state-migration-service-azerbaijan",
        name="State Migration Service of the Republic of Azerbaijan",
        name_ru="Государственная миграционная служба Азербайджанской Республики",
        short_name="SMS",
        kind=Kind.GOVERNMENT,
        country="AZ",
        website="https://migration.gov.az/",
        colour=(0, 92, 151),
        show_in_header=True,
        description="The national migration service that founded the center and hosts it.",
    ),
    DemoOrganisation(
        slug="iom",
        name="International Organization for Migration (IOM)",
        name_ru="Международная организация по миграции (МОМ)",
        short_name="IOM",
        kind=Kind.INTERNATIONAL,
        country="CH",
        website="https://www.iom.int/",
        colour=(0, 51, 160),
        show_in_header=True,
        description="The UN migration agency, the center's implementing partner.",
    ),
    DemoOrganisation(
        slug="european-union",
        name="European Union",
        name_ru="Европейский союз",
        short_name="EU",
        kind=Kind.DONOR,
        country="BE",
        website="https://european-union.europa.eu/",
        colour=(0, 51, 153),
    ),
    DemoOrganisation(
        slug="us-department-of-state-prm",
        name="U.S. Department of State, Bureau of Population, Refugees, and Migration (PRM)",
        short_name="PRM",
        kind=Kind.DONOR,
        country="US",
        website="https://www.state.gov/",
        colour=(140, 29, 24),
    ),
)


@dataclass(frozen=True)
class DemoIndicator:
    name: str
    metric: str
    target: Decimal
    achieved_manual: Decimal | None = None


@dataclass(frozen=True)
class DemoProgramme:
    slug: str
    title: str
    summary: str
    description: str
    starts_days: int  # from today (negative: in the past)
    ends_days: int
    grant_code: str
    position: int
    parts: tuple[tuple[str, str], ...]  # (organisation slug, role)
    indicators: tuple[DemoIndicator, ...] = field(default_factory=tuple)
    title_ru: str = ""


PROGRAMMES: tuple[DemoProgramme, ...] = (
    DemoProgramme(
        slug="establishment-of-the-rtcm",
        title="Support to the establishment of the Regional Training Center on Migration",
        title_ru="Поддержка создания Регионального учебного центра по вопросам миграции",
        summary="The project that set the center up: its curriculum, its trainers and its "
        "first trainings for officials of the three regions.",
        description="""The project, implemented by **IOM** with the **State Migration Service**,
built the center's capacity to train officials and practitioners of Central Asia, the
Middle East and the Eastern Partnership.

## What it delivers

- the [regional curriculum](/curriculum/) and its training materials;
- a pool of national and regional trainers, the Regional Expert Network;
- trainings on migrants' rights, readmission, return and reintegration.
""",
        starts_days=-3 * 365,
        ends_days=365,
        grant_code="IOM-AZ-RTCM-2023",
        position=0,
        parts=(
            ("state-migration-service-azerbaijan", Role.HOST),
            ("iom", Role.IMPLEMENTING),
            ("european-union", Role.DONOR),
        ),
        indicators=(
            DemoIndicator("Trainings held", Metric.TRAININGS, Decimal("40")),
            DemoIndicator("Officials trained", Metric.PARTICIPANTS, Decimal("800")),
            DemoIndicator("Women among those trained", Metric.WOMEN, Decimal("350")),
            DemoIndicator("Countries reached", Metric.COUNTRIES, Decimal("15")),
            DemoIndicator(
                "Training modules developed", Metric.MANUAL, Decimal("10"), Decimal("10")
            ),
        ),
    ),
    DemoProgramme(
        slug="migration-school",
        title="Migration School",
        title_ru="Школа миграции",
        summary="A school for students and young professionals who want to work on migration.",
        description="""The **Migration School** opens the center to young people: students and
young professionals learn how migration is managed, from the people who manage it.

Each season mixes lectures, study visits and a project written in teams.
""",
        starts_days=-2 * 365,
        ends_days=2 * 365,
        grant_code="",
        position=1,
        parts=(
            ("state-migration-service-azerbaijan", Role.HOST),
            ("iom", Role.IMPLEMENTING),
        ),
        indicators=(
            DemoIndicator("Young people trained", Metric.PARTICIPANTS, Decimal("150")),
            DemoIndicator("Certificates issued", Metric.CERTIFICATES, Decimal("120")),
            DemoIndicator("Volunteer hours", Metric.VOLUNTEER_HOURS, Decimal("500")),
        ),
    ),
    DemoProgramme(
        slug="protection-of-vulnerable-migrants",
        title="Protection of vulnerable migrants: a regional training series",
        summary="A donor-funded series on identifying and assisting victims of trafficking, "
        "unaccompanied children and other vulnerable migrants.",
        description="""A series of regional trainings for border guards, migration officers,
social workers and NGOs on the **identification, referral and protection** of vulnerable
migrants.
""",
        starts_days=-365,
        ends_days=365,
        grant_code="PRM-SPRMCO-24-GR-0042",
        position=2,
        parts=(
            ("iom", Role.IMPLEMENTING),
            ("us-department-of-state-prm", Role.DONOR),
        ),
        indicators=(
            DemoIndicator("Trainings held", Metric.TRAININGS, Decimal("12")),
            DemoIndicator("Practitioners trained", Metric.PARTICIPANTS, Decimal("300")),
            DemoIndicator("Person-hours of training", Metric.PERSON_HOURS, Decimal("7200")),
        ),
    ),
)

# Which programme a demo training belongs to: every fifth to the Migration School, the
# others alternately to the establishment project and the donor series (by their order).
MIGRATION_SCHOOL_EVERY = 5


def initials(name: str) -> str:
    return "".join(word[0] for word in name.split() if word[:1].isupper())[:3] or name[:2]


def logo_png(text: str, colour: tuple[int, int, int]) -> bytes:
    """A square of ``colour`` with ``text`` in white (PNG bytes)."""
    from PIL import Image, ImageDraw, ImageFont

    side = 256
    image = Image.new("RGBA", (side, side), (*colour, 255))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=96 if len(text) <= 2 else 72)
    box = draw.textbbox((0, 0), text, font=font)
    position = ((side - (box[2] - box[0])) / 2 - box[0], (side - (box[3] - box[1])) / 2 - box[1])
    draw.text(position, text, fill=(255, 255, 255, 255), font=font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def ensure_organisations() -> tuple[dict[str, Organisation], int]:
    existing = {
        o.slug: o for o in Organisation.objects.filter(slug__in=[d.slug for d in ORGANISATIONS])
    }
    created = 0
    for demo in ORGANISATIONS:
        if demo.slug in existing:
            continue
        organisation = Organisation(
            slug=demo.slug,
            name_en=demo.name,
            short_name_en=demo.short_name,
            kind=demo.kind,
            country=demo.country,
            website=demo.website,
            description_en=demo.description,
            show_in_header=demo.show_in_header,
            position=len(existing) + created,
        )
        if demo.name_ru:
            organisation.name_ru = demo.name_ru
        logo = logo_on_canvas(logo_png(demo.short_name or initials(demo.name), demo.colour))
        organisation.logo.save(f"{demo.slug}.png", logo, save=False)
        organisation.full_clean()
        organisation.save()
        existing[demo.slug] = organisation
        created += 1
    return existing, created


def ensure_programmes(organisations: dict[str, Organisation]) -> tuple[list[Programme], int]:
    today = timezone.localdate()
    existing = {p.slug: p for p in Programme.objects.filter(slug__in=[d.slug for d in PROGRAMMES])}
    created = 0
    programmes = []
    for demo in PROGRAMMES:
        programme = existing.get(demo.slug)
        if programme is None:
            programme = Programme(
                slug=demo.slug,
                title_en=demo.title,
                summary_en=demo.summary,
                description_en=demo.description,
                start_date=today + dt.timedelta(days=demo.starts_days),
                end_date=today + dt.timedelta(days=demo.ends_days),
                grant_code=demo.grant_code,
                is_published=True,
                position=demo.position,
            )
            if demo.title_ru:
                programme.title_ru = demo.title_ru
            programme.full_clean()
            programme.save()
            ProgrammeOrganisation.objects.bulk_create(
                ProgrammeOrganisation(
                    programme=programme,
                    organisation=organisations[slug],
                    role=role,
                    position=index,
                )
                for index, (slug, role) in enumerate(demo.parts)
            )
            for index, item in enumerate(demo.indicators):
                indicator = Indicator(
                    programme=programme,
                    position=index,
                    name_en=item.name,
                    metric=item.metric,
                    target=item.target,
                    achieved_manual=item.achieved_manual,
                )
                indicator.full_clean()
                indicator.save()
            created += 1
        programmes.append(programme)
    return programmes, created


def assign_trainings(programmes: list[Programme]) -> int:
    """Give the trainings without a programme one (see ``MIGRATION_SCHOOL_EVERY``)."""
    establishment, school, series = programmes
    ids = list(
        Training.objects.filter(programme__isnull=True)
        .order_by("start_date", "pk")
        .values_list("pk", flat=True)
    )
    groups: dict[int, list[int]] = {establishment.pk: [], school.pk: [], series.pk: []}
    for index, pk in enumerate(ids):
        if index % MIGRATION_SCHOOL_EVERY == MIGRATION_SCHOOL_EVERY - 1:
            groups[school.pk].append(pk)
        elif index % 2 == 0:
            groups[establishment.pk].append(pk)
        else:
            groups[series.pk].append(pk)
    for programme_id, pks in groups.items():
        if pks:
            Training.objects.filter(pk__in=pks, programme__isnull=True).update(
                programme_id=programme_id
            )
    return len(ids)


def seed_programmes() -> int:
    """The demo's organisations, programmes and their indicators, and the trainings
    shared among them; the number of organisations and programmes created."""
    with transaction.atomic():
        organisations, created_organisations = ensure_organisations()
        programmes, created_programmes = ensure_programmes(organisations)
        assign_trainings(programmes)
    return created_organisations + created_programmes
