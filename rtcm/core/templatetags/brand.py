"""The center's visual identity in templates (``rtcm.core.identity``).

Pages read the ``identity`` context variable (``rtcm.core.context_processors.site``);
e-mails and PDFs, rendered outside a request, use these tags:

* ``{% identity_logo_for_pdf %}``: the logo as a PDF may fetch it (static URL or data: URI);
* ``{% identity_pdf_style %}``: a ``<style>`` with the identity's colours for a PDF;
* ``{% identity_email_logo %}``: the logo's absolute URL (PNG) for an e-mail;
* ``{% identity_colour "primary" %}``: a colour (``#rrggbb``, validated) for an e-mail's
  inline style.

And ``path|in_section:url`` answers whether a page belongs to a navigation entry.
"""

from django import template
from django.conf import settings
from django.utils.html import format_html

from rtcm.core import identity as brand

register = template.Library()

COLOURS = {
    "primary": "primary",
    "accent": "accent",
    "on_primary": "on_primary",
    "primary_text": "primary_text",
    "accent_text": "accent_text",
}


@register.filter
def in_section(path: str, url: str) -> bool:
    """``path`` is ``url`` or below it (the home page only for itself)."""
    if not url or not path:
        return False
    if url == "/":
        return path == "/"
    return path == url or path.startswith(url.rstrip("/") + "/")


@register.simple_tag
def identity_logo_for_pdf() -> str:
    return brand.logo_for_pdf()


@register.simple_tag
def identity_pdf_style() -> str:
    # Only validated #rrggbb colours go into it (rtcm.core.identity).
    return format_html("<style>{}</style>", brand.pdf_css())


@register.simple_tag
def identity_email_logo() -> str:
    url = brand.current_identity().logo_png_url
    return url if url.startswith(("http://", "https://")) else f"{settings.SITE_URL}{url}"


@register.simple_tag
def identity_colour(name: str) -> str:
    return getattr(brand.current_identity(), COLOURS[name])
