"""The center's name, in the language of the page, e-mail or document that shows it.

``center_name(language)`` is, in this order:

1. ``settings.RTCM_CENTER_NAMES[language]`` (environment ``RTCM_CENTER_NAME_RU``,
   ``RTCM_CENTER_NAME_AZ``, ``RTCM_CENTER_NAME_AR``, …: the name in one language);
2. ``settings.RTCM_CENTER_NAME`` (environment ``RTCM_CENTER_NAME``: one name for every
   language that has none of its own);
3. the catalogues' translation of "Regional Training Center on Migration".

``settings.CENTER_NAME`` stays the English name; pages, e-mails and PDFs show
``center_name()`` (the privacy notice's controller too, unless
``RTCM_PRIVACY_CONTROLLER`` names another).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

DEFAULT_NAME = gettext_noop("Regional Training Center on Migration")


def center_name(language: str | None = None) -> str:
    """The center's name in ``language`` (the active language when None)."""
    language = (language or translation.get_language() or settings.LANGUAGE_CODE).lower()
    names = {
        code.lower(): name
        for code, name in (getattr(settings, "RTCM_CENTER_NAMES", None) or {}).items()
        if name
    }
    for code in (language, language.split("-")[0]):
        if code in names:
            return names[code]
    if getattr(settings, "RTCM_CENTER_NAME", ""):
        return settings.RTCM_CENTER_NAME
    with translation.override(language):
        return gettext(DEFAULT_NAME)
