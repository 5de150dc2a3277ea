"""Fill the catalogues under rtcm/locale from the translations kept as data (after makemessages).

Kept as data so that re-running makemessages never loses a translation:
``make messages`` runs makemessages, this script and compilemessages; by hand:
``python rtcm/locale/translate.py [LANG ...]`` (all languages with a catalogue module
when none is named).

Each language has a module ``rtcm/locale/catalogues/<lang>.py`` holding ``ENTRIES``:

- The key is the msgid, exactly as in the .po file (placeholders, quotes and all). An
  entry with a msgctxt is keyed "context\\x04msgid" (gettext's own separator), so the
  same English text can be translated differently in two contexts.
- For an ordinary entry the value is the translation, a string.
- For a plural entry (one with msgid_plural) the value is a tuple of the language's
  forms, as many as ``PLURAL_FORMS`` says (Russian: one, few, many; Azerbaijani: one,
  other; Arabic: zero, one, two, few, many, other). A catalogue whose Plural-Forms
  has more forms than the tuple (Russian's fourth, for fractions) repeats the form
  ``EXTRA_FORM`` names.

Every entry the dict fills loses its fuzzy flag; an entry the dict lacks stays
untranslated (the catalogue test then fails). A string given for a plural entry, or
a tuple of the wrong length, is an error. Adding a language: write its module, run
``python manage.py makemessages -l <lang>`` once, then ``make messages`` (see README,
"Languages").
"""

from __future__ import annotations

import importlib
import pathlib
import re
import sys

import polib

HERE = pathlib.Path(__file__).parent
# How many forms a language's tuple holds, and which fills any further form of its catalogue.
PLURAL_FORMS = {"ru": 3, "az": 2, "ar": 6}
EXTRA_FORM = {"ru": 1}  # Russian fractions (1,5 файла) read like "few"


def languages() -> list[str]:
    """The languages with translations kept as data (a module in ``catalogues``)."""
    return sorted(path.stem for path in (HERE / "catalogues").glob("[a-z]*.py"))


def entries(language: str) -> dict:
    return importlib.import_module(f"rtcm.locale.catalogues.{language}").ENTRIES


def key(entry: polib.POEntry) -> str:
    """The key of ``entry``: its msgid, prefixed by "msgctxt\\x04" when it has one."""
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def _nplurals(catalog: polib.POFile) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", catalog.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else 2


def _plural_forms(language: str, value: tuple[str, ...], nplurals: int) -> dict[int, str]:
    forms = list(value)
    extra = EXTRA_FORM.get(language, len(forms) - 1)
    return {
        index: forms[index] if index < len(forms) else forms[extra] for index in range(nplurals)
    }


def fill(language: str) -> polib.POFile:
    path = HERE / language / "LC_MESSAGES" / "django.po"
    catalog = polib.pofile(str(path))
    catalog.metadata["Language"] = language
    nplurals = _nplurals(catalog)
    wanted = PLURAL_FORMS.get(language, nplurals)
    data = entries(language)
    errors = []
    for entry in catalog:
        if entry.obsolete:
            continue
        value = data.get(key(entry))
        if value is None:
            continue
        if entry.msgid_plural:
            if isinstance(value, str) or len(value) != wanted:
                errors.append(f"{language}: plural entry needs {wanted} forms: {entry.msgid!r}")
                continue
            entry.msgstr_plural = _plural_forms(language, value, nplurals)
        else:
            if not isinstance(value, str):
                errors.append(f"{language}: singular entry needs a string: {entry.msgid!r}")
                continue
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        # the "#|" previous msgid of a fuzzy match means nothing once translated
        entry.previous_msgctxt = entry.previous_msgid = entry.previous_msgid_plural = None
    if errors:
        raise SystemExit("\n".join(errors))
    catalog.save()
    return catalog


def main(argv: list[str]) -> None:
    if str(HERE.parents[1]) not in sys.path:  # run as a script from anywhere
        sys.path.insert(0, str(HERE.parents[1]))
    for language in argv or languages():
        catalog = fill(language)
        print(
            f"{language}: {catalog.percent_translated()}% translated: "
            f"{len(catalog.translated_entries())} translated, "
            f"{len(catalog.untranslated_entries())} untranslated, "
            f"{len(catalog.fuzzy_entries())} fuzzy"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
