"""Each offered language's catalogue is complete, compiled and current.

English is the source; every other language of ``settings.LANGUAGES`` (the switcher's)
has a catalogue under rtcm/locale with every string of the source translated, none
fuzzy, compiled into the .mo that ships. A string added to the code without its
translations, or a catalogue left uncompiled, fails here (README, "Languages").
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import lxml.html
import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "rtcm" / "locale"
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]


def po(code: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / code / "LC_MESSAGES" / "django.po"))


def key(entry) -> tuple:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def live(catalog) -> list:
    return [entry for entry in catalog if not entry.obsolete]


def test_the_interface_offers_english_and_the_complete_catalogues():
    assert settings.LANGUAGE_CODE == "en"
    assert [code for code, _name in settings.LANGUAGES][:1] == ["en"]
    assert {"ru", "az", "ar"} <= set(TRANSLATED)
    # A catalogue directory for a language the switcher does not offer is a half-done one.
    present = {path.name for path in LOCALE.iterdir() if (path / "LC_MESSAGES").is_dir()}
    assert present == set(TRANSLATED)


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_string_is_translated_and_none_is_fuzzy(code):
    catalog = po(code)
    assert len(live(catalog)) > 1000
    untranslated = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    assert untranslated == [], (
        f"add them to rtcm/locale/catalogues/{code}.py, then run: make messages"
    )
    assert fuzzy == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_catalogue_passes_msgfmt_checks(code):
    # Placeholders of python-format strings, plural forms, header: as gettext checks them.
    path = LOCALE / code / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", os.devnull, str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_compiled_catalogue_is_the_source_catalogue(code):
    def translations(catalog) -> dict:
        return {
            key(entry): (
                tuple(entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural))
                if entry.msgid_plural
                else entry.msgstr
            )
            for entry in catalog
            if entry.msgid and not entry.obsolete and "fuzzy" not in entry.flags
        }

    compiled = polib.mofile(str(LOCALE / code / "LC_MESSAGES" / "django.mo"))
    assert translations(compiled) == translations(po(code)), "run: make messages"


@pytest.mark.parametrize("code", TRANSLATED)
def test_gettext_returns_the_catalogues_translation(code):
    entries = [entry for entry in live(po(code)) if entry.translated() and not entry.msgid_plural]

    def read(entry):
        if entry.msgctxt:
            return translation.pgettext(entry.msgctxt, entry.msgid)
        return translation.gettext(entry.msgid)

    with translation.override(code):
        stale = [entry.msgid for entry in entries if read(entry) != entry.msgstr]
    # LOCALE_PATHS come before Django's own catalogues: ours win, for every string.
    assert stale == []


def test_every_language_translates_the_same_strings():
    keys = {code: {key(entry) for entry in live(po(code))} for code in TRANSLATED}
    first = keys[TRANSLATED[0]]
    assert all(found == first for found in keys.values())


def test_the_catalogues_hold_every_string_of_the_source(tmp_path):
    """makemessages, run on a copy of the sources, finds no string the catalogues lack."""
    copy = tmp_path / "src"
    ignore = shutil.ignore_patterns(
        ".venv", "var", ".git", "node_modules", "__pycache__", "*.mo", "*.png", "*.pdf"
    )
    shutil.copytree(ROOT, copy, ignore=ignore, symlinks=True)
    environment = {**os.environ, "DJANGO_DEBUG": "true", "PYTHONPATH": str(copy)}
    environment.pop("DATABASE_URL", None)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            TRANSLATED[0],
            "--ignore",
            "tests/*",
            "--ignore",
            "bench/*",
            "--ignore",
            "var/*",
        ],
        cwd=copy,
        env=environment,
        check=True,
        capture_output=True,
    )
    extracted = polib.pofile(str(copy / "rtcm/locale" / TRANSLATED[0] / "LC_MESSAGES/django.po"))
    source = {key(entry) for entry in live(extracted)}
    held = {key(entry) for entry in live(po(TRANSLATED[0]))}
    assert sorted(source - held) == [], "run: make messages (and translate what it adds)"


@pytest.mark.django_db
def test_the_switcher_offers_only_the_offered_languages():
    page = lxml.html.fromstring(Client().get(reverse("home")).content)
    options = page.xpath('//select[@name="language"]/option/@value')
    assert sorted(options) == sorted(code for code, _name in settings.LANGUAGES)
