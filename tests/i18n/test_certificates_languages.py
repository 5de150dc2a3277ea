"""Certificates in the training's certificate language(s), the verify page in the
reader's, and names in Latin letters beside the person's own spelling.

The PDFs are the real WeasyPrint ones, read back with poppler's ``pdftotext``.
Poppler returns each right-to-left run in logical order (it reorders the glyphs
it finds drawn right to left, and marks the run with U+202B … U+202C), so the
Arabic statement is compared with the catalogue's Arabic as written, word by
word — never with a reversed string. What the comparison leaves out: the bidi
marks, and the Arabic vowel and doubling marks (harakat, Unicode category Mn),
which the PDF draws as glyphs of their own above or below a letter and which
poppler puts beside that letter or on a line of their own. Letters and words
must come back in reading order.
"""

import datetime as dt
import re
import subprocess
import unicodedata

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from rest_framework.test import APIClient

from participants import services
from participants.models import Attendance, Participant
from tests.factories import (
    ParticipantFactory,
    RegistrationFactory,
    SessionFactory,
    TrainingFactory,
    person_data,
)

pytestmark = pytest.mark.django_db

TITLES = {
    "en": "Return and reintegration of migrants",
    "ru": "Возвращение и реинтеграция мигрантов",
    "az": "Miqrantların geri qayıdışı və reinteqrasiyası",
    "ar": "عودة المهاجرين وإعادة إدماجهم",
}
STATEMENT = ["This is to certify that", "has completed the training"]
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def said(text: str) -> str:
    """Text as compared: without bidi marks and harakat, spaces collapsed."""
    text = BIDI_CONTROLS.sub("", unicodedata.normalize("NFC", text))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return " ".join(text.split())


def in_language(language: str, msgids: list[str]) -> list[str]:
    with translation.override(language):
        return [translation.gettext(msgid) for msgid in msgids]


def past_training(**kwargs):
    start = timezone.localdate() - dt.timedelta(days=10)
    titles = {f"title_{code}": title for code, title in TITLES.items()}
    training = TrainingFactory(
        status="completed",
        start_date=start,
        end_date=start + dt.timedelta(days=3),
        **titles,
        **kwargs,
    )
    SessionFactory(training=training)
    return training


def issued(training, **person):
    registration = RegistrationFactory(training=training, participant=ParticipantFactory(**person))
    Attendance.objects.create(
        registration=registration, session=training.sessions.get(), present=True
    )
    return services.certificate_issue(registration=registration)


def pdftotext(certificate, tmp_path) -> str:
    path = tmp_path / f"{certificate.serial}.pdf"
    with certificate.pdf.open("rb") as handle:
        path.write_bytes(handle.read())
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_a_bilingual_certificate_for_an_arabic_name(tmp_path):
    certificate = issued(
        past_training(certificate_language="bilingual"),
        given_name="محمد",
        family_name="العلي",
        preferred_language="ar",
    )
    raw = pdftotext(certificate, tmp_path)
    text = said(raw)
    assert certificate.serial in text
    for sentence in [*STATEMENT, TITLES["en"]]:
        assert sentence in text
    arabic = [*in_language("ar", STATEMENT), TITLES["ar"]]
    assert all(sentence != english for sentence, english in zip(arabic, STATEMENT, strict=False))
    for sentence in arabic:
        assert said(sentence) in text  # in reading order, word by word
    assert "محمد العلي" in text  # given name first, as written
    assert "‫" in raw  # poppler found right-to-left runs, laid out as such
    with translation.override("ar"):
        assert said(translation.gettext("Certificate of completion")) in text


def test_a_bilingual_certificate_for_a_russian_name(tmp_path):
    certificate = issued(
        past_training(certificate_language="bilingual"),
        given_name="Нурлан",
        family_name="Абдуллаев",
        preferred_language="ru",
    )
    text = said(pdftotext(certificate, tmp_path))
    assert certificate.serial in text
    assert "Нурлан Абдуллаев" in text
    for sentence in [*STATEMENT, TITLES["en"], *in_language("ru", STATEMENT), TITLES["ru"]]:
        assert said(sentence) in text
    with translation.override("ru"):  # the Russian part's dates are Russian
        start = certificate.registration.training.start_date
        assert said(date_format(start, "DATE_FORMAT")) in text


def test_bilingual_is_english_alone_for_an_english_reader(tmp_path):
    certificate = issued(past_training(certificate_language="bilingual"), preferred_language="en")
    text = said(pdftotext(certificate, tmp_path))
    assert text.count(STATEMENT[0]) == 1
    assert TITLES["ru"] not in text


def test_english_only_and_participant_language_modes(tmp_path):
    english = issued(
        past_training(certificate_language="en"),
        given_name="محمد",
        family_name="العلي",
        preferred_language="ar",
    )
    text = said(pdftotext(english, tmp_path))
    assert STATEMENT[0] in text
    assert TITLES["en"] in text
    assert said(TITLES["ar"]) not in text
    assert said(in_language("ar", STATEMENT)[0]) not in text
    assert "محمد العلي" in text

    own = issued(
        past_training(certificate_language="participant"),
        given_name="Ləman",
        family_name="Məmmədova",
        preferred_language="az",
    )
    text = said(pdftotext(own, tmp_path))
    assert STATEMENT[0] not in text
    assert TITLES["en"] not in text
    for sentence in [*in_language("az", STATEMENT), TITLES["az"]]:
        assert said(sentence) in text
    assert "Ləman Məmmədova" in text
    assert own.serial in text


@pytest.mark.parametrize(
    ("choice", "printed", "absent"),
    [
        ("as_written", ["Нурлан Абдуллаев"], ["Nurlan Abdullaev"]),
        ("latin", ["Nurlan Abdullaev"], ["Нурлан Абдуллаев"]),
        ("both", ["Нурлан Абдуллаев", "Nurlan Abdullaev"], []),
    ],
)
def test_the_name_is_printed_as_the_person_chose(choice, printed, absent, tmp_path):
    certificate = issued(
        past_training(certificate_language="en"),
        given_name="Нурлан",
        family_name="Абдуллаев",
        given_name_latin="Nurlan",
        family_name_latin="Abdullaev",
        name_on_certificate=choice,
    )
    text = said(pdftotext(certificate, tmp_path))
    for name in printed:
        assert name in text
    for name in absent:
        assert name not in text
    if choice == "both":  # the name as written above, the Latin one below
        assert text.index("Нурлан Абдуллаев") < text.index("Nurlan Abdullaev")


@pytest.mark.parametrize("language", ["ar", "ru", "az"])
def test_the_verify_page_says_it_in_the_readers_language(client, language):
    certificate = issued(
        past_training(certificate_language="en"),
        given_name="Ləman",
        family_name="Məmmədova",
        given_name_latin="Leman",
        family_name_latin="Mammadova",
        name_on_certificate="both",
    )
    url = reverse("certificates:verify_code", kwargs={"code": certificate.code})
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    page = said(response.content.decode())
    assert f'lang="{language}"' in page
    for sentence in [*in_language(language, STATEMENT), TITLES[language]]:
        assert said(sentence) in page
    assert STATEMENT[0] not in page
    assert TITLES["en"] not in page
    assert "Ləman Məmmədova" in page
    assert "Leman Mammadova" in page
    training = certificate.registration.training
    with translation.override(language):
        assert said(date_format(training.start_date, "DATE_FORMAT")) in page

    api = APIClient().get(
        f"/api/v1/certificates/verify/{certificate.code}/", HTTP_ACCEPT_LANGUAGE=language
    )
    assert api.status_code == 200, api.content
    body = api.json()
    assert body["language"] == language
    assert body["training"] == TITLES[language]
    assert body["name"] == "Ləman Məmmədova / Leman Mammadova"
    assert said(in_language(language, STATEMENT)[0]) in said(body["statement"])


def register_url(training):
    return reverse("training_register", kwargs={"slug": training.slug})


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"given_name_latin": "Нурлан", "family_name_latin": "Abdullaev"}, "given_name_latin"),
        ({"given_name_latin": "Nurlan", "family_name_latin": "عبد الله"}, "family_name_latin"),
        ({"given_name_latin": "Nurlan2"}, "given_name_latin"),
        ({"name_on_certificate": "latin"}, "given_name_latin"),
    ],
)
def test_bad_latin_name_is_refused_beside_the_field(client, data, field):
    training = TrainingFactory()
    response = client.post(register_url(training), person_data(**data))
    assert response.status_code == 400  # the form again, its errors beside the fields
    page = response.content.decode()
    assert f'id="id_{field}-errors"' in page
    assert not Participant.objects.exists()


def test_the_latin_name_is_kept_and_found(client, admin_client):
    training = TrainingFactory()
    response = client.post(
        register_url(training),
        person_data(
            given_name_latin=" Nurlan ",
            family_name_latin="Abdullayev",
            name_on_certificate="both",
        ),
    )
    assert response.status_code == 302
    person = Participant.objects.get()
    assert (person.given_name, person.family_name) == ("Нурлан", "Абдуллаев")
    assert (person.given_name_latin, person.family_name_latin) == ("Nurlan", "Abdullayev")
    assert person.name_on_certificate == "both"
    found = admin_client.get(reverse("admin:participants_participant_changelist"), {"q": "abdull"})
    assert "Абдуллаев" in found.content.decode()


def test_the_api_takes_and_checks_the_latin_name():
    training = TrainingFactory()
    api = APIClient()
    url = f"/api/v1/trainings/{training.slug}/register/"
    bad = api.post(url, {**person_data(given_name_latin="Нурлан"), "consent": True}, format="json")
    assert bad.status_code == 400
    assert "given_name_latin" in bad.json()
    good = api.post(
        url,
        {**person_data(given_name_latin="Nurlan", name_on_certificate="latin"), "consent": True},
        format="json",
    )
    assert good.status_code == 201, good.json()
    person = Participant.objects.get()
    assert (person.given_name_latin, person.name_on_certificate) == ("Nurlan", "latin")
