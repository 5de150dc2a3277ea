"""``{% load website %}``: links the website's templates make to other apps' pages."""

from django import template
from django.urls import NoReverseMatch

register = template.Library()


@register.filter
def url_or_empty(obj) -> str:
    """``obj.get_absolute_url()``, or "" when its app does not serve that page (yet)."""
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        return ""
