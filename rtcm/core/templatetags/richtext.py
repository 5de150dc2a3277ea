"""``{% load richtext %}{{ value|markdown }}``: staff Markdown as sanitised HTML."""

from django import template

from rtcm.core.richtext import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(value):
    """``value`` (Markdown) rendered and sanitised (``rtcm.core.richtext``)."""
    return render_markdown(value)
