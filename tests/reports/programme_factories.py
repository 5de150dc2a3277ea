"""Factories for the programme reports: organisations, programmes and their parts,
indicators, volunteers and their assignments. Rows written directly (no service)."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from courses.models import Indicator, Organisation, Programme, ProgrammeOrganisation
from tests.factories import name_suffix
from volunteers.models import Assignment, Volunteer


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = Organisation.Kind.DONOR
    country = "DE"


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    title = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    grant_code = factory.Sequence(lambda n: f"GR-{n:04d}")
    start_date = dt.date(2025, 1, 1)
    end_date = dt.date(2027, 12, 31)


def part(programme: Programme, organisation: Organisation, role: str) -> ProgrammeOrganisation:
    """``organisation`` takes ``role`` (donor, implementing, host) in ``programme``."""
    return ProgrammeOrganisation.objects.create(
        programme=programme, organisation=organisation, role=role
    )


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Indicator {n}")
    metric = Indicator.Metric.TRAININGS
    target = Decimal("10")
    position = factory.Sequence(lambda n: n)


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Volunteer

    given_name = "Zəhra"
    family_name = factory.Sequence(lambda n: f"Əliyeva{name_suffix(n)}")
    email = factory.Sequence(lambda n: f"volunteer{n}@example.org")
    country = "AZ"
    status = Volunteer.Status.ACTIVE


def assignment(
    volunteer: Volunteer,
    *,
    day: dt.date,
    hours: str,
    status: str = Assignment.Status.COMPLETED,
    role: str = Assignment.Role.LOGISTICS,
    **where,
) -> Assignment:
    """An assignment on ``day`` from 9 o'clock of ``hours`` hours, at ``where`` (a
    ``training=`` or an ``event=`` with its ``programme=``)."""
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    return Assignment.objects.create(
        volunteer=volunteer,
        role=role,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=float(hours)),
        hours=Decimal(hours),
        status=status,
        **where,
    )
