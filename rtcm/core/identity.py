"""The center's visual identity: its name, emblem and colours, for pages, e-mails,
certificates and reports alike.

``current_identity()`` answers, field by field, in this order:

1. the admin's ``rtcm.core.models.Identity`` row (``pk=1``), where a field is set;
2. the settings ``RTCM_BRAND_PRIMARY`` / ``RTCM_BRAND_ACCENT`` (environment, ``#rrggbb``);
3. the default identity: a deep navy (``DEFAULT_PRIMARY``) and a muted gold
   (``DEFAULT_ACCENT``), both readable on white (WCAG AA, 4.5:1), and white text
   readable on the navy; the default emblem ``rtcm/logo.svg`` (PNG: ``rtcm/logo.png``).

The row is read once and cached (``IDENTITY_CACHE_KEY``) until it is saved or deleted
(``identity_forget``, called by the model's signals below). The name is
``rtcm.core.center.center_name()`` in the active language; it is never cached.

Colours reach pages without any inline style (the CSP forbids them): the tiny stylesheet
``brand_css()`` is served at ``/brand.css?v=<version>`` and sets CSS custom properties
that ``rtcm/static/rtcm/site.css`` uses.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models.signals import post_delete, post_save
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rtcm.core.center import center_name
from rtcm.core.models import Identity
from rtcm.core.uploads import image_check

DEFAULT_PRIMARY = "#12355b"
DEFAULT_ACCENT = "#8a6d1e"
DEFAULT_LOGO = "rtcm/logo.svg"
DEFAULT_LOGO_PNG = "rtcm/logo.png"
IDENTITY_CACHE_KEY = "rtcm:identity:v1"
IDENTITY_CACHE_SECONDS = 60 * 60
LOGO_FORMATS = ("PNG", "JPEG", "WEBP")
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIDE = 512
# Text and links must stand out from their background this much (WCAG 2.1 AA, 1.4.3).
AA_CONTRAST = 4.5
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
WHITE, BLACK = "#ffffff", "#000000"
# The lightest-but-one background text stands on (the footer, Bootstrap's .bg-light is
# lighter): a text colour readable on it is readable on white too.
SURFACE = "#f1f3f5"


# --- colours ----------------------------------------------------------------------------


def colour_validate(value: str) -> str:
    """``value`` as ``#rrggbb`` in lower case, or ``ValidationError`` (a person's message)."""
    value = (value or "").strip()
    if not HEX_COLOUR.fullmatch(value):
        raise ValidationError(
            _("Enter a colour as # and six hexadecimal digits, such as #12355b."),
            code="invalid_colour",
        )
    return value.lower()


def _channels(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _hex(channels: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(channel))):02x}" for channel in channels)


def relative_luminance(colour: str) -> float:
    """WCAG 2.1's relative luminance of ``#rrggbb``."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in _channels(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG's contrast ratio of two colours, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)))[::-1]
    return (lighter + 0.05) / (darker + 0.05)


def mix(colour: str, other: str, amount: float) -> str:
    """``colour`` moved ``amount`` (0 to 1) of the way towards ``other``."""
    return _hex(
        tuple(
            a + (b - a) * amount for a, b in zip(_channels(colour), _channels(other), strict=True)
        )
    )


def readable_on(background: str, colour: str) -> str:
    """``colour``, darkened (or lightened on a dark background) until it reaches AA
    contrast on ``background``: a brand colour chosen in the admin never makes
    unreadable links."""
    towards = BLACK if relative_luminance(background) > 0.18 else WHITE
    for step in range(21):
        candidate = mix(colour, towards, step / 20)
        if contrast_ratio(candidate, background) >= AA_CONTRAST:
            return candidate
    return towards


def text_on(background: str) -> str:
    """White or black, whichever reads better on ``background``."""
    return (
        WHITE if contrast_ratio(WHITE, background) >= contrast_ratio(BLACK, background) else BLACK
    )


# --- the identity -----------------------------------------------------------------------


@dataclass(frozen=True)
class BrandIdentity:
    """What every page, e-mail and document shows of the center."""

    logo_url: str  # for a page: the uploaded logo's URL, or the default emblem's static URL
    logo_png_url: str  # for an e-mail (mail clients seldom show SVG)
    logo_name: str  # the uploaded logo's storage name, "" for the default emblem
    primary: str
    accent: str

    @property
    def name(self) -> str:
        """The center's name in the active language (``center_name()``)."""
        return center_name()

    @property
    def on_primary(self) -> str:
        """Text on the primary colour (the header, buttons)."""
        return text_on(self.primary)

    @property
    def primary_text(self) -> str:
        """The primary colour as text or link on white (and ``SURFACE``), at AA contrast."""
        return readable_on(SURFACE, self.primary)

    @property
    def accent_text(self) -> str:
        """The accent colour as text on white (and ``SURFACE``), at AA contrast at least."""
        return readable_on(SURFACE, self.accent)

    @property
    def primary_dark(self) -> str:
        """The primary colour, darker: hover and pressed states, the footer."""
        return mix(self.primary, BLACK, 0.25)

    @property
    def accent_on_primary(self) -> str:
        """The accent as a rule or a text on the primary colour, at AA contrast at least."""
        return readable_on(self.primary, self.accent)

    @property
    def version(self) -> str:
        """Changes whenever the colours or the logo change: the brand stylesheet's URL."""
        key = f"{self.primary}{self.accent}{self.logo_name}".encode()
        return hashlib.sha256(key).hexdigest()[:12]


def _row_values() -> dict:
    """The admin row's fields (cached); ``{}`` when there is no row."""
    values = cache.get(IDENTITY_CACHE_KEY)
    if values is None:
        row = Identity.objects.filter(pk=1).values("logo", "primary_colour", "accent_colour")
        values = row.first() or {}
        cache.set(IDENTITY_CACHE_KEY, values, timeout=IDENTITY_CACHE_SECONDS)
    return values


def identity_row_exists() -> bool:
    """Whether the admin's row exists (from the cache: the admin asks on every page)."""
    return bool(_row_values())


def identity_prime_default() -> None:
    """Cache "no admin row", when that is known (a fresh database: the test suite's)."""
    cache.set(IDENTITY_CACHE_KEY, {}, timeout=IDENTITY_CACHE_SECONDS)


def identity_forget(**_kwargs) -> None:
    """Drop the cached row (it was saved or deleted)."""
    cache.delete(IDENTITY_CACHE_KEY)


post_save.connect(identity_forget, sender=Identity, dispatch_uid="rtcm-identity-forget-save")
post_delete.connect(identity_forget, sender=Identity, dispatch_uid="rtcm-identity-forget-delete")


def _valid_or(value: str, fallback: str) -> str:
    return value.lower() if value and HEX_COLOUR.fullmatch(value) else fallback


def current_identity() -> BrandIdentity:
    """The identity in force: the admin row, then the settings, then the default."""
    values = _row_values()
    primary = _valid_or(
        values.get("primary_colour") or "",
        _valid_or(getattr(settings, "RTCM_BRAND_PRIMARY", ""), DEFAULT_PRIMARY),
    )
    accent = _valid_or(
        values.get("accent_colour") or "",
        _valid_or(getattr(settings, "RTCM_BRAND_ACCENT", ""), DEFAULT_ACCENT),
    )
    logo_name = values.get("logo") or ""
    if logo_name:
        # Media files are not served as such: the logo has a page of its own.
        version = hashlib.sha256(logo_name.encode()).hexdigest()[:12]
        logo_url = logo_png_url = f"{reverse('brand_logo')}?v={version}"
    else:
        logo_url, logo_png_url = static(DEFAULT_LOGO), static(DEFAULT_LOGO_PNG)
    return BrandIdentity(
        logo_url=logo_url,
        logo_png_url=logo_png_url,
        logo_name=logo_name,
        primary=primary,
        accent=accent,
    )


def identity_logo_check(uploaded_file) -> ContentFile:
    """The uploaded logo checked by decoding it (``image_check``) and re-encoded as a PNG
    of at most ``LOGO_MAX_SIDE`` pixels (transparency kept); ``UploadRefused`` on ``logo``."""
    image = image_check(
        uploaded_file,
        formats=LOGO_FORMATS,
        max_bytes=LOGO_MAX_BYTES,
        max_side=LOGO_MAX_SIDE,
        field="logo",
        output_format="PNG",
        messages={"not_image": _("The logo must be a PNG, JPEG or WebP image.")},
    )
    image.name = "logo.png"
    return image


def logo_for_pdf(identity: BrandIdentity | None = None) -> str:
    """The logo as a PDF may fetch it (``rtcm.core.pdf.StaticFilesOnlyFetcher``): the
    default emblem's static URL, or the uploaded logo as a ``data:`` URI (media files
    are not fetched)."""
    identity = identity or current_identity()
    if not identity.logo_name:
        return static(DEFAULT_LOGO)
    from django.core.files.storage import default_storage

    try:
        with default_storage.open(identity.logo_name, "rb") as logo:
            data = logo.read(LOGO_MAX_BYTES + 1)
    except OSError:
        return static(DEFAULT_LOGO)  # the file is gone: the emblem rather than no PDF
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def brand_css(identity: BrandIdentity | None = None) -> str:
    """The stylesheet of the colours: CSS custom properties, and Bootstrap's own."""
    identity = identity or current_identity()
    primary_rgb = ", ".join(str(channel) for channel in _channels(identity.primary))
    link = identity.primary_text
    link_rgb = ", ".join(str(channel) for channel in _channels(link))
    return (
        ":root {\n"
        f"  --rtcm-primary: {identity.primary};\n"
        f"  --rtcm-primary-dark: {identity.primary_dark};\n"
        f"  --rtcm-on-primary: {identity.on_primary};\n"
        f"  --rtcm-primary-text: {link};\n"
        f"  --rtcm-accent: {identity.accent};\n"
        f"  --rtcm-accent-text: {identity.accent_text};\n"
        f"  --rtcm-accent-on-primary: {identity.accent_on_primary};\n"
        f"  --bs-primary: {identity.primary};\n"
        f"  --bs-primary-rgb: {primary_rgb};\n"
        f"  --bs-link-color: {link};\n"
        f"  --bs-link-color-rgb: {link_rgb};\n"
        f"  --bs-link-hover-color: {identity.primary_dark};\n"
        "}\n"
    )


def pdf_css(identity: BrandIdentity | None = None) -> str:
    """Rules a certificate's or a report's HTML puts in its ``<style>``: the identity's
    colours over the documents' stylesheets (``body`` makes them win)."""
    identity = identity or current_identity()
    primary, accent, text = identity.primary, identity.accent, identity.primary_text
    return (
        f"body .frame {{ border-color: {primary}; }}\n"
        f"body h1, body h2, body .figure-value, body .cover .center {{ color: {text}; }}\n"
        f"body h2 {{ border-bottom-color: {primary}; }}\n"
        f"body .cover {{ border-top-color: {primary}; }}\n"
        f"body .cover-facts {{ border-top-color: {accent}; }}\n"
        f"body .figure {{ border-left-color: {accent}; }}\n"
        f"body table:not(.lines) th {{ background: {primary}; color: {identity.on_primary}; }}\n"
    )
