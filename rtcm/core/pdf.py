"""HTML to PDF with WeasyPrint, for every PDF the center hands out.

Two rules hold for every render:

* One ``FontConfiguration`` per process. Building one loads every system font
  into a new Pango font map; a worker that made one per render would grow in
  memory with each PDF. Our documents use installed fonts only (DejaVu), no
  ``@font-face`` rule: faces added by such rules would pile up in the shared
  configuration. Pango font maps are not safe to share between threads, so
  renders in one process take turns.
* WeasyPrint fetches nothing that is not ours: ``StaticFilesOnlyFetcher``
  serves our static files and ``data:`` URLs and refuses everything else, so
  a name or a text typed by anyone cannot make the server request a URL
  (SSRF) or read a file of the server into a PDF.
"""

from __future__ import annotations

import functools
import mimetypes
import os
import threading
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse, path2url

_render_lock = threading.Lock()
_font_config: FontConfiguration | None = None


def font_config() -> FontConfiguration:
    """This process's font configuration, made on first use (after a worker forks)."""
    global _font_config
    if _font_config is None:
        _font_config = FontConfiguration()
    return _font_config


@functools.lru_cache(maxsize=16)
def stylesheet(css: str) -> weasyprint.CSS:
    """A stylesheet parsed once per process and reused by every render that names it."""
    return weasyprint.CSS(
        string=css,
        font_config=font_config(),
        base_url=default_base_url(),
        url_fetcher=StaticFilesOnlyFetcher(),
    )


class StaticFilesOnlyFetcher(URLFetcher):
    """Serves ``data:`` URLs and our own static files; refuses every other URL.

    A static file is asked for as ``/static/<name>`` (what ``{% static %}``
    writes, resolved against the default base URL) or as a ``file:`` URL inside
    ``STATIC_ROOT``; it is read from ``STATIC_ROOT`` or found by the staticfiles
    finders (the embedded mode has no ``collectstatic``).
    """

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            # urllib's data: handler decodes it in memory; nothing leaves the process.
            return super().fetch(url, headers)
        if scheme == "file":
            path = static_file_path(url)
            if path is not None:
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    path2url(path), path.read_bytes(), {"Content-Type": content_type}
                )
        raise ValueError(f"PDF rendering fetches only our static files, not {url!r}")


def static_file_path(url: str) -> Path | None:
    """The static file a ``file:`` URL names, or None when it names anything else."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = Path(url2pathname(unquote(parts.path)))
    static_root = Path(settings.STATIC_ROOT).resolve()
    static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    resolved = path.resolve()
    if resolved.is_relative_to(static_root):
        name = resolved.relative_to(static_root).as_posix()
    elif parts.path.startswith(static_prefix):
        name = parts.path.removeprefix(static_prefix)
    else:
        return None
    name = unquote(name)
    candidate = (static_root / name).resolve()
    if candidate.is_relative_to(static_root) and candidate.is_file():
        return candidate
    try:
        found = finders.find(name)
    except SuspiciousFileOperation:  # "../" out of a static directory
        return None
    return Path(found) if isinstance(found, str) else None


def is_rtl(text: str) -> bool:
    """What ``dir="auto"`` decides: right-to-left when the first strong character is.

    WeasyPrint lays out ``dir="ltr"`` and ``dir="rtl"`` but not ``dir="auto"``
    (an Arabic name would be shaped and ordered right, yet aligned left), so a
    PDF template sets the direction this answers on top of ``dir="auto"``.
    """
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def default_base_url() -> str:
    """Relative and ``/static/…`` URLs resolve to ``file:`` URLs the fetcher maps."""
    # The trailing separator makes it a directory even before collectstatic made it.
    return path2url(f"{Path(settings.STATIC_ROOT).resolve()}{os.sep}")


def render_pdf(html: str, *, base_url: str | None = None, css: str | None = None) -> bytes:
    """The PDF of ``html``: bytes, no side effect, so a retried task may render again.

    ``base_url`` is what relative URLs resolve against; leave it out so that
    ``{% static %}`` URLs reach the fetcher as our static files. ``css`` is a
    stylesheet shared by many renders (a certificate's): parsed once per process.
    """
    document = weasyprint.HTML(
        string=html,
        base_url=base_url or default_base_url(),
        url_fetcher=StaticFilesOnlyFetcher(),
    )
    stylesheets = [stylesheet(css)] if css else None
    with _render_lock:
        return document.write_pdf(font_config=font_config(), stylesheets=stylesheets)
