"""Reads about regions, shared by pages, API and reports."""

from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from rtcm.core.models import CountryRegion, Region


def region_code_for_country(country_code: str) -> str:
    """The region code of a country; ``other`` for an unmapped one."""
    code = (
        CountryRegion.objects.filter(country=country_code)
        .values_list("region_id", flat=True)
        .first()
    )
    return code or Region.OTHER


def region_code_subquery(country_field: str):
    """An annotation giving the region code of the row's ``country_field``.

    Use it in ``annotate()`` so that grouping by region happens in the database
    and follows the mapping as staff edit it.
    """
    return Coalesce(
        Subquery(
            CountryRegion.objects.filter(country=OuterRef(country_field)).values("region_id")[:1],
            output_field=CharField(),
        ),
        Value(Region.OTHER),
        output_field=CharField(),
    )


def countries_of_region(region_code: str) -> list[str]:
    return list(
        CountryRegion.objects.filter(region_id=region_code).values_list("country", flat=True)
    )
