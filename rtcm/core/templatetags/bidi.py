"""Isolating fragments whose direction may differ from the text around them.

A name, a place, a date, a code, an address or a title typed by staff can be in a
script whose direction is not the page's: an English title on an Arabic page, an
Arabic name in an English e-mail. Left to the Unicode bidirectional algorithm, such a
fragment takes its neighbours' punctuation and numbers with it ("(Kyrgyz Republic",
"seats left 16"). Isolating it keeps each side in its own order.

In HTML templates write ``<bdi>…</bdi>`` (or ``dir="auto"`` on a block or input);
in plain text (e-mails' text part, subjects, PDFs drawn as text) use ``|isolate``,
which wraps the value in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE.
"""

from django import template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext

register = template.Library()

FSI = "\u2068"  # FIRST STRONG ISOLATE: the fragment's own first strong letter sets its direction
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE


@register.filter(needs_autoescape=True)
def isolate(value, autoescape=True):
    """``value`` between Unicode isolates (escaped when the template autoescapes).

    Empty values stay empty, so ``{{ x|isolate|default:"—" }}`` still works.
    """
    if value is None or value == "":
        return ""
    text = conditional_escape(value) if autoescape else str(value)
    return mark_safe(f"{FSI}{text}{PDI}")  # noqa: S308 - text escaped above when autoescaping


@register.filter
def bdi_join(values, separator=None):
    """Each item of ``values`` in its own ``<bdi>``, joined by the language's list separator.

    Joining first and isolating the whole ("migrants, labour…" on an Arabic page) lets
    the commas drift to the wrong item; isolating each item keeps them in place.
    """
    if separator is None:
        separator = pgettext("list separator", ", ")
    return format_html_join(conditional_escape(separator), "<bdi>{}</bdi>", ((v,) for v in values))


@register.filter
def bdi(value):
    """``value`` escaped inside ``<bdi>``: for HTML interpolations in ``{% blocktranslate %}``.

    ``{% blocktranslate with title=training.title|bdi %}`` isolates the title without
    putting markup into the msgid. Empty values stay empty.
    """
    if value is None or value == "":
        return ""
    return format_html("<bdi>{}</bdi>", value)
