"""Filters shared by the apps' APIs (django-filter)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import fields
from django_filters import rest_framework as filters

# PostgreSQL refuses a time-zone displacement of 16 hours or more.
MAX_UTC_OFFSET = dt.timedelta(hours=15, minutes=59)


class IsoDateTimeField(fields.IsoDateTimeField):
    default_error_messages = {
        "offset": _("Enter a time-zone offset between -15:59 and +15:59."),
        "range": _("Enter a date and time between the years 1 and 9999 in UTC."),
    }

    def to_python(self, value):
        value = super().to_python(value)
        if value is None or value.utcoffset() is None:
            return value
        if abs(value.utcoffset()) > MAX_UTC_OFFSET:
            raise ValidationError(self.error_messages["offset"], code="offset")
        try:
            return value.astimezone(dt.UTC)
        except OverflowError:
            raise ValidationError(self.error_messages["range"], code="range") from None


class IsoDateTimeFilter(filters.IsoDateTimeFilter):
    """An ISO 8601 date-time whose offset PostgreSQL accepts (within ±15:59) and that
    stays within the years 1–9999 in UTC: else a 400 naming the parameter, not a 500."""

    field_class = IsoDateTimeField
