"""Volunteers for tests: valid by default, active, names in many scripts."""

import datetime as dt

import factory
from django.utils import timezone

from tests.factories import name_suffix
from volunteers.models import Assignment, Volunteer


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Volunteer

    given_name = factory.Sequence(lambda n: f"Aysel{name_suffix(n)}")
    family_name = "Məmmədova"
    email = factory.Sequence(lambda n: f"volunteer{n}@example.org")
    country = "AZ"
    languages = factory.LazyFunction(lambda: ["az", "en"])
    skills = factory.LazyFunction(lambda: ["logistics"])
    status = Volunteer.Status.ACTIVE


class AssignmentFactory(factory.django.DjangoModelFactory):
    """A planned event assignment of three hours, a week from now."""

    class Meta:
        model = Assignment

    volunteer = factory.SubFactory(VolunteerFactory)
    event = factory.Sequence(lambda n: f"Open day {n}")
    role = Assignment.Role.LOGISTICS
    starts_at = factory.LazyFunction(
        lambda: timezone.now().replace(microsecond=0) + dt.timedelta(days=7)
    )
    ends_at = factory.LazyAttribute(lambda a: a.starts_at + dt.timedelta(hours=3))


def application(**overrides) -> dict:
    """The public form's POST data of a valid application."""
    data = {
        "given_name": "Aysel",
        "family_name": "Məmmədova",
        "given_name_latin": "Aysel",
        "family_name_latin": "Mammadova",
        "email": "aysel@example.org",
        "phone": "+994 50 555 12 34",
        "country": "AZ",
        "city": "Bakı",
        "languages": ["az", "ru"],
        "skills": ["registration", "interpretation"],
        "availability": "Weekends",
        "motivation": "To help.",
        "consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
