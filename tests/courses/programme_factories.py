"""Factories of programmes' indicators, and of trainings of a programme (the programme,
organisation and partner factories are the website's, ``tests.website.factories``)."""

from decimal import Decimal

import factory

from courses.models import Indicator
from tests.website.factories import (
    OrganisationFactory,
    ProgrammeFactory,
    ProgrammeOrganisationFactory,
)

__all__ = [
    "IndicatorFactory",
    "OrganisationFactory",
    "ProgrammeFactory",
    "ProgrammeOrganisationFactory",
]


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Indicator {n}")
    metric = Indicator.Metric.PARTICIPANTS
    target = Decimal("100")
