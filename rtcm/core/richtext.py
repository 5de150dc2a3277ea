"""Staff-written text (Markdown) made into HTML a reader may safely see.

News items and pages are written in Markdown. Python-Markdown passes raw HTML
through untouched, so its *output* is what gets sanitised, by nh3 (ammonia) on an
allowlist: paragraphs, headings h2–h4, lists, links, emphasis, quotes, code,
tables, images and rules. Anything else — ``<script>`` and ``<style>`` with their
content, ``<iframe>``, ``on*`` handlers, ``style`` attributes, ``javascript:`` and
``data:`` links — never reaches a reader. Links keep ``http``, ``https``,
``mailto`` and relative addresses, and get ``rel="noopener noreferrer"``; an
image only keeps a relative source or one under our own media address.

``render_markdown`` is the one way in; templates use ``{{ value|markdown }}``
(``{% load richtext %}``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import markdown
import nh3
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {
        "p",
        "h2",
        "h3",
        "h4",
        "ul",
        "ol",
        "li",
        "a",
        "strong",
        "em",
        "blockquote",
        "code",
        "pre",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "img",
        "hr",
        "br",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Removed together with everything inside them (nh3 strips other tags, keeping text).
CLEAN_CONTENT_TAGS = frozenset({"script", "style", "iframe", "object", "embed", "noscript"})
LINK_REL = "noopener noreferrer"
# Markdown's "extra" (tables, fenced code, footnotes, abbreviations, definition lists…)
# and lists that do not run into each other (sane_lists).
MARKDOWN_EXTENSIONS = ("extra", "sane_lists")
DIMENSION = re.compile(r"^\d{1,4}$")
MAX_HEADING, MIN_HEADING = 2, 4


class _HeadingLevels(markdown.treeprocessors.Treeprocessor):
    """``#`` becomes h2 (the page's own title is the h1) and h5/h6 become h4."""

    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            if len(element.tag) == 2 and element.tag[0] == "h" and element.tag[1].isdigit():
                level = min(max(int(element.tag[1]), MAX_HEADING), MIN_HEADING)
                element.tag = f"h{level}"


class _HeadingLevelsExtension(markdown.Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_HeadingLevels(md), "rtcm_heading_levels", 1)


def _own_media_prefix() -> str:
    media = settings.MEDIA_URL
    if urlsplit(media).scheme:
        return media
    return f"{settings.SITE_URL}/{media.lstrip('/')}"


def _is_relative(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and not url.startswith("//")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        value = value.strip()
        if _is_relative(value) or value.startswith(_own_media_prefix()):
            return value
        return None
    if tag == "img" and attribute in {"width", "height"}:
        return value if DIMENSION.match(value.strip()) else None
    return value


def sanitise_html(html: str) -> str:
    """``html`` with only the allowlisted tags, attributes and link schemes left."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(CLEAN_CONTENT_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_filter_attribute,
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(text: str | None) -> SafeString:
    """Markdown ``text`` as sanitised HTML, safe to put in a page as it is."""
    if not text:
        return mark_safe("")  # empty
    html = markdown.markdown(
        str(text),
        extensions=[*MARKDOWN_EXTENSIONS, _HeadingLevelsExtension()],
        output_format="html",
    )
    return mark_safe(sanitise_html(html))  # noqa: S308 - sanitised by nh3 just above
