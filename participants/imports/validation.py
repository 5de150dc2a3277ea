"""Checking the rows of an import file as the public registration form would, plus
duplicates inside the file and people already registered: a preview of each row."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext
from django_countries import countries

from courses.models import Question, Training
from participants.forms import RegistrationForm, question_field_name
from participants.imports.reading import ROW_KEY, normalize_header
from participants.models import PERSON_FIELDS, Participant, Registration
from rtcm.core.errors import AlreadyRegistered


@dataclass
class ImportCell:
    """One cell of the preview table: what the file says, and what is wrong with it."""

    column: str
    value: Any
    errors: list[str]


@dataclass
class ImportRow:
    number: int  # as in the file: the header is row 1
    values: dict[str, Any]  # what the file says, by column
    data: dict[str, Any] = field(default_factory=dict)  # cleaned person data
    answers: dict[int, Any] = field(default_factory=dict)  # cleaned answers by question id
    errors: dict[str, list[str]] = field(default_factory=dict)  # column → messages
    cells: list[ImportCell] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def row_errors(self) -> list[str]:
        """Errors that belong to no single column."""
        return self.errors.get("__all__", [])


@dataclass
class ImportPreview:
    training: Training
    rows: list[ImportRow]
    questions: list[Question]
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and all(row.is_valid for row in self.rows)

    @property
    def invalid_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.is_valid]

    @property
    def columns(self) -> list[str]:
        return [*PERSON_FIELDS, *(question.label for question in self.questions)]

    @property
    def column_labels(self) -> list[str]:
        return [person_field_label(name) for name in PERSON_FIELDS] + [
            question.label for question in self.questions
        ]


def person_field_label(name: str) -> str:
    return str(Participant._meta.get_field(name).verbose_name).capitalize()


def validate_rows(training: Training, rows: list[dict[str, Any]]) -> ImportPreview:
    """Check every row as the public form would, plus duplicates.

    An e-mail that appears twice in the file, or already holds an active
    registration for this training, is an error of the row. Queries do not grow
    with the rows: questions and registered e-mails are read once.
    """
    # A fresh copy whose questions are read once for every row's form.
    training = Training.objects.prefetch_related("questions").get(pk=training.pk)
    questions = list(training.questions.all())
    question_by_label: dict[str, Question] = {}
    for question in questions:
        question_by_label.setdefault(normalize_header(question.label), question)
    column_of_question: dict[int, str] = {}
    ignored: list[str] = []
    for key in _keys_of(rows):
        if key in PERSON_FIELDS or key == ROW_KEY:
            continue
        question = question_by_label.get(normalize_header(key))
        if question is not None and question.pk not in column_of_question:
            column_of_question[question.pk] = key
        else:
            ignored.append(key)

    registered = set(
        Registration.objects.filter(training=training, status__in=Registration.ACTIVE_STATUSES)
        .annotate(email_ci=Lower("participant__email"))
        .values_list("email_ci", flat=True)
    )
    lookups = _Lookups(training)
    seen: dict[str, int] = {}
    preview_rows = []
    for raw in rows:
        values = {name: raw.get(name, "") for name in PERSON_FIELDS}
        for question in questions:
            values[question.label] = raw.get(column_of_question.get(question.pk, ""), "")
        row = ImportRow(number=int(raw.get(ROW_KEY, 0)), values=values)
        form_data: dict[str, Any] = {"consent": "on"}
        for name in PERSON_FIELDS:
            form_data[name] = lookups.person_value(name, values[name])
        for question in questions:
            form_data[question_field_name(question)] = lookups.answer_value(
                question, values[question.label]
            )
        form = RegistrationForm(data=form_data, training=training)
        errors: dict[str, list[str]] = {}
        if form.is_valid():
            row.data = {name: form.cleaned_data[name] for name in PERSON_FIELDS}
            row.answers = form.answers()
        else:
            label_of = {question_field_name(q): q.label for q in questions}
            for name, messages in form.errors.items():
                errors[label_of.get(name, name)] = [str(message) for message in messages]
        email = str(form.cleaned_data.get("email") or "").casefold()
        if email:
            if email in seen:
                errors.setdefault("email", []).append(
                    gettext("This e-mail address already appears in row %(row)d.")
                    % {"row": seen[email]}
                )
            else:
                seen[email] = row.number
            if email in registered:
                errors.setdefault("email", []).append(str(AlreadyRegistered.default_message))
        row.errors = errors
        row.cells = [
            ImportCell(column=column, value=values[column], errors=errors.get(column, []))
            for column in [*PERSON_FIELDS, *(q.label for q in questions)]
        ]
        preview_rows.append(row)
    return ImportPreview(
        training=training, rows=preview_rows, questions=questions, ignored_columns=ignored
    )


def _keys_of(rows: list[dict[str, Any]]) -> list[str]:
    keys: dict[str, None] = {}
    for row in rows:
        keys.update(dict.fromkeys(row))
    return list(keys)


class _Lookups:
    """Turns what people type in spreadsheets into the values the form expects."""

    def __init__(self, training: Training):
        self.countries: dict[str, str] = {}
        # English names first, then the names in the center's other languages.
        for language in ["en", *(code for code, _name in settings.LANGUAGES)]:
            with translation.override(language):
                for country in countries:
                    self.countries.setdefault(str(country.name).casefold(), country.code)
        for country in countries:
            self.countries.setdefault(country.code.casefold(), country.code)
            alpha3 = countries.alpha3(country.code)
            if alpha3:
                self.countries.setdefault(alpha3.casefold(), country.code)
        self.choices = {
            "gender": _choice_lookup(Participant.Gender.choices),
            "organisation_type": _choice_lookup(Participant.OrganisationType.choices),
            "preferred_language": _choice_lookup(settings.LANGUAGES),
        }
        for code, _name in settings.LANGUAGES:
            info = translation.get_language_info(code)
            self.choices["preferred_language"].setdefault(info["name_local"].casefold(), code)
        valid_languages = {code for code, _name in settings.LANGUAGES}
        working = [code for code in training.languages or [] if code in valid_languages]
        self.default_language = working[0] if working else settings.LANGUAGE_CODE

    def person_value(self, name: str, value: str) -> str:
        if name in ("nationality", "country_of_residence"):
            return self.countries.get(value.casefold(), value)
        if name == "preferred_language" and not value:
            return self.default_language
        if name in self.choices:
            return self.choices[name].get(value.casefold(), value)
        return value

    def answer_value(self, question: Question, value: str) -> Any:
        kind = question.kind
        if kind == Question.Kind.YES_NO:
            return _YES_NO.get(value.casefold(), value)
        if kind in Question.CHOICE_KINDS:
            choices = {choice.casefold(): choice for choice in question.choice_list}
            if kind == Question.Kind.SINGLE_CHOICE:
                return choices.get(value.casefold(), value)
            parts = [part.strip() for part in re.split(r"[;\n]", value) if part.strip()]
            return [choices.get(part.casefold(), part) for part in parts]
        return value


_YES_NO = {
    **dict.fromkeys(["yes", "y", "true", "1", "да", "так", "bəli", "evet", "ha", "иә"], "yes"),
    **dict.fromkeys(["no", "n", "false", "0", "нет", "ні", "xeyr", "hayır", "yo'q", "жоқ"], "no"),
}


def _choice_lookup(choices) -> dict[str, str]:
    """Stored values and English labels, case-insensitive."""
    lookup = {}
    with translation.override("en"):
        for value, label in choices:
            lookup[str(value).casefold()] = value
            lookup.setdefault(str(label).casefold(), value)
    return lookup
