"""The compiled Russian catalogue matches its source: no stale .mo shipped."""

from pathlib import Path

import polib
from django.utils import translation

PO = Path(__file__).resolve().parents[2] / "rtcm" / "locale" / "ru" / "LC_MESSAGES" / "django.po"


def test_every_russian_translation_in_the_po_is_what_gettext_returns():
    entries = [e for e in polib.pofile(str(PO)) if e.translated() and not e.msgid_plural]
    assert len(entries) > 50
    with translation.override("ru"):
        stale = [e.msgid for e in entries if translation.gettext(e.msgid) != e.msgstr]
    assert stale == [], "run: python manage.py compilemessages -l ru --ignore .venv"
