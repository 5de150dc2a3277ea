"""Factories of the website's rows, and of programmes and their partners."""

import datetime as dt

import factory
from django.utils import timezone

from courses.models import Organisation, Programme, ProgrammeOrganisation
from website.models import NewsItem, Page


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    title = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    is_published = True


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = Organisation.Kind.INTERNATIONAL
    website = "https://partner.example.org/"


class ProgrammeOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeOrganisation

    programme = factory.SubFactory(ProgrammeFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = ProgrammeOrganisation.Role.DONOR


class NewsItemFactory(factory.django.DjangoModelFactory):
    """A published item, dated an hour ago."""

    class Meta:
        model = NewsItem

    title = factory.Sequence(lambda n: f"News item {n}")
    slug = factory.Sequence(lambda n: f"news-{n}")
    summary = "What happened at the center."
    body = "Some **news**."
    status = NewsItem.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.Sequence(lambda n: f"page-{n}")
    body = "Some text."
    status = Page.Status.PUBLISHED
