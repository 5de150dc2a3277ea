"""Regions and the editable country → region mapping."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class Region(models.Model):
    """A region the center serves. Seeded with the three of the design plus Other."""

    OTHER = "other"

    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return str(REGION_LABELS.get(self.code, self.name))


# Translated names of the seeded regions; a region staff add later shows its name.
REGION_LABELS = {
    "central-asia": _("Central Asia"),
    "eastern-partnership": _("Eastern Partnership"),
    "middle-east": _("Middle East"),
    "other": _("Other"),
}


class CountryRegion(models.Model):
    """Which region a country belongs to. Staff edit it in the admin."""

    country = CountryField(_("country"), unique=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="countries", verbose_name=_("region")
    )

    class Meta:
        ordering = ["region", "country"]
        verbose_name = _("country of a region")
        verbose_name_plural = _("countries by region")

    def __str__(self) -> str:
        return f"{self.country.name} → {self.region}"
