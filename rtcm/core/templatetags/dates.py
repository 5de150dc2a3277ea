"""``{{ value|local_date:"WEEKDAY_DATE_FORMAT" }}``: Django's ``|date`` with our named
formats too (``rtcm.core.dates``)."""

from django import template

from rtcm.core.dates import format_local

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def local_date(value, name="DATE_FORMAT"):
    if value in (None, ""):
        return ""
    return format_local(value, name)
