"""E-mails in the recipient's language (participants, experts, staff), with the right
``lang``/``dir``, isolated names and dates; the staff member's own language; the
center's name per language."""

import datetime as dt
import html.parser
import io
import re

import polib
import pypdf
import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from experts import services as expert_services
from experts.models import Expert
from participants import services
from rtcm.core.center import center_name
from rtcm.core.models import StaffPreference
from rtcm.core.roles import MANAGER
from rtcm.reports import tasks as report_tasks
from tests.factories import (
    ExpertFactory,
    SessionFactory,
    TrainingFactory,
    network_officer_user,
    person_data,
    staff_user,
)

pytestmark = pytest.mark.django_db

FSI, PDI = "\u2068", "\u2069"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def isolated(text: str) -> str:
    return f"{FSI}{text}{PDI}"


def english_sentences() -> set[str]:
    """Our English msgids' fragments of three words or more (the placeholders cut out)."""
    catalogue = polib.pofile(str(settings.BASE_DIR / "rtcm/locale/ru/LC_MESSAGES/django.po"))
    fragments = set()
    for entry in catalogue:
        for msgid in filter(None, (entry.msgid, entry.msgid_plural)):
            for fragment in PLACEHOLDER.split(msgid):
                fragment = " ".join(fragment.split()).strip(" .,:;“”\"'()")
                if len(fragment.split()) >= 3:
                    fragments.add(fragment)
    return fragments


class _Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def visible_text(document: str) -> str:
    parser = _Text()
    parser.feed(document)
    return " ".join(" ".join(parser.parts).split())


def english_in(text: str) -> list[str]:
    text = " ".join(text.replace(FSI, "").replace(PDI, "").split())
    return sorted(sentence for sentence in english_sentences() if sentence in text)


def html_part(message) -> str:
    [(body, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return body


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


# --- participants ---------------------------------------------------------------------

NAMES = {"ar": "أمل", "az": "Ləman", "ru": "Нурлан"}


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("az", "ltr"), ("ru", "ltr")])
def test_a_participant_reads_their_emails_in_their_language(on_commit, language, direction):
    training = TrainingFactory(
        title="Readmission in practice",
        start_date=dt.date(2027, 2, 14),
        end_date=dt.date(2027, 2, 18),
        requires_approval=True,
    )
    SessionFactory(training=training, title="Opening")
    registration = on_commit(
        services.registration_submit,
        training=training,
        participant_data={
            **{k: v for k, v in person_data().items() if k != "consent"},
            "given_name": NAMES[language],
            "preferred_language": language,
        },
    )
    on_commit(services.registration_approve, registration=registration)

    received, confirmed = mail.outbox
    with translation.override(language):
        subject = gettext("Your seat is confirmed: %(title)s") % {
            "title": "Readmission in practice"
        }
        start = date_format(training.start_date, "DATE_FORMAT")
        dear = gettext("Dear %(name)s,") % {"name": isolated(NAMES[language])}
        center = center_name()
    assert subject != "Your seat is confirmed: Readmission in practice"
    assert confirmed.subject == subject
    page = html_part(confirmed)
    assert f'<html lang="{language}" dir="{direction}">' in page
    assert "<bdi>" in page
    body = confirmed.body
    assert body.startswith(dear)  # the name isolated; no bidi mark before it
    assert isolated(start) in body
    # The manage link alone on its line: nothing around it to reorder it.
    assert [line for line in body.splitlines() if "/registrations/" in line] == [
        re.search(r"https://rtcm\.example\.org/registrations/\S+/", body).group()
    ]
    assert body.rstrip().endswith(center)
    for message in (received, confirmed):
        assert english_in(message.body) == []
        assert english_in(visible_text(html_part(message))) == []
        assert english_in(message.subject) == []


def test_a_sign_in_link_goes_in_the_persons_language(on_commit):
    training = TrainingFactory(title="Border management")
    on_commit(
        services.registration_submit,
        training=training,
        participant_data={
            **{k: v for k, v in person_data().items() if k != "consent"},
            "preferred_language": "ar",
            "email": "amal@example.org",
            "given_name": "أمل",
        },
    )
    mail.outbox.clear()
    with translation.override("en"):  # asked for from an English page
        assert on_commit(services.participant_request_sign_in, email="amal@example.org")
    [message] = mail.outbox
    with translation.override("ar"):
        assert message.subject == gettext("Your link to your trainings")
    assert '<html lang="ar" dir="rtl">' in html_part(message)
    assert isolated("أمل") in message.body
    assert english_in(message.body) == []


# --- experts --------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "direction"), [("az", "ltr"), ("ar", "rtl")])
def test_an_expert_is_written_to_in_their_correspondence_language(on_commit, language, direction):
    expert = ExpertFactory(
        status=Expert.Status.APPLICANT, given_name="Гульнара", correspondence_language=language
    )
    on_commit(expert_services.expert_approve, expert=expert, actor=network_officer_user())

    [message] = mail.outbox
    with translation.override(language):
        welcome = gettext("Welcome to the Regional Expert Network")
    assert welcome != "Welcome to the Regional Expert Network"
    assert message.subject.startswith(welcome)
    assert f'<html lang="{language}" dir="{direction}">' in html_part(message)
    assert isolated("Гульнара") in message.body
    assert english_in(message.body) == []
    assert english_in(visible_text(html_part(message))) == []


# --- the monthly report, to managers in their languages -----------------------------


def pdf_text(document: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(document)).pages)


def manager(username: str, language: str | None):
    user = staff_user(username, roles=(MANAGER,))
    user.email = f"{username}@rtcm.example.org"
    user.save()
    if language:
        StaffPreference.objects.create(user=user, language=language)
    return user


def test_the_monthly_report_goes_to_each_manager_in_their_language(monkeypatch, settings):
    settings.RTCM_REPORT_RECIPIENTS = []
    manager("irina", "ru")
    manager("aysel", "az")
    manager("olga", "ru")
    manager("john", None)
    monkeypatch.setattr(report_tasks.timezone, "localdate", lambda: dt.date(2026, 3, 1))

    report_tasks.monthly_activity_report()

    by_language = {}
    for message in mail.outbox:
        language = re.search(r'<html lang="(\w+)"', html_part(message)).group(1)
        by_language[language] = message
    assert sorted(by_language) == ["az", "en", "ru"]
    assert len(mail.outbox) == 3
    assert sorted(by_language["ru"].to) == ["irina@rtcm.example.org", "olga@rtcm.example.org"]
    assert by_language["az"].to == ["aysel@rtcm.example.org"]
    assert by_language["en"].to == ["john@rtcm.example.org"]
    for language in ("ru", "az"):
        message = by_language[language]
        with translation.override(language):
            subject = gettext("%(center)s: activity report for %(month)s") % {
                "center": center_name(),
                "month": "2026-02",
            }
            title = gettext("Activity report")
        assert title != "Activity report"
        assert message.subject == subject
        assert english_in(message.body) == []
        [(_name, content, mimetype)] = message.attachments
        assert mimetype == "application/pdf"
        assert title in pdf_text(content)


def test_configured_report_recipients_of_staff_accounts_read_their_language(settings):
    manager("aysel", "az")
    settings.RTCM_REPORT_RECIPIENTS = ["aysel@rtcm.example.org", "board@rtcm.example.org"]
    assert report_tasks.recipients_by_language(report_tasks.report_recipients()) == {
        "az": ["aysel@rtcm.example.org"],
        settings.LANGUAGE_CODE: ["board@rtcm.example.org"],
    }


# --- the staff member's own language -----------------------------------------------


@pytest.fixture
def no_second_factor(settings):
    settings.RTCM_STAFF_2FA = "off"


def page_language(response) -> str:
    return re.search(r'<html lang="([\w-]+)"', response.content.decode()).group(1)


def test_a_staff_member_saves_their_language_and_the_pages_switch_to_it(no_second_factor):
    user = staff_user("aysel")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get(reverse("security:index"))
    assert page.status_code == 200
    assert page_language(page) == "en"
    token = page.context["csrf_token"]

    response = client.post(
        reverse("security:language"), {"language": "az", "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert StaffPreference.objects.get(user=user).language == "az"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "az"
    page = client.get(reverse("security:index"))
    assert page_language(page) == "az"
    assert 'value="az" selected' in page.content.decode()


def test_the_language_form_keeps_its_csrf_and_access_checks(client, no_second_factor):
    url = reverse("security:language")
    assert client.post(url, {"language": "ar"}).status_code == 302  # to the sign-in
    strict = Client(enforce_csrf_checks=True)
    user = staff_user("aysel")
    strict.force_login(user)
    assert strict.post(url, {"language": "ar"}).status_code == 403
    client.force_login(user)
    assert client.get(url).status_code == 405
    client.post(url, {"language": "fr"})
    assert not StaffPreference.objects.filter(user=user).exists()


def test_a_sign_in_switches_the_pages_to_the_staff_members_language(client, no_second_factor):
    user = staff_user("amal")
    StaffPreference.objects.create(user=user, language="ar")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(
        reverse("admin:login"),
        {"username": "amal", "password": "x", "next": reverse("security:index")},
    )

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    page = client.get(reverse("security:index"))
    assert page_language(page) == "ar"
    assert 'dir="rtl"' in page.content.decode()
    # A later choice in the language switcher wins for the rest of the session …
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    assert page_language(client.get(reverse("security:index"))) == "ru"
    # … and confirming the password again (a re-authentication) does not undo it.
    confirm = client.post(reverse("security:confirm"), {"password": "x", "next": "/staff/"})
    assert confirm.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in confirm.cookies
    assert page_language(client.get(reverse("security:index"))) == "ru"


def test_a_sign_in_without_a_chosen_language_leaves_the_language_alone(client, no_second_factor):
    staff_user("john")
    response = client.post(reverse("admin:login"), {"username": "john", "password": "x"})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


# --- the center's name ---------------------------------------------------------------


def test_the_centers_name_is_translated_by_default(settings):
    settings.RTCM_CENTER_NAME = ""
    settings.RTCM_CENTER_NAMES = {}
    assert center_name("en") == "Regional Training Center on Migration"
    assert center_name("ru") == "Региональный учебный центр по вопросам миграции"
    assert center_name("az") == "Miqrasiya üzrə Regional Təlim Mərkəzi"
    assert center_name("ar") == "المركز الإقليمي للتدريب في مجال الهجرة"
    with translation.override("ru"):
        assert center_name() == "Региональный учебный центр по вопросам миграции"


def test_settings_name_the_center_for_every_language_or_for_one(settings, client):
    settings.RTCM_CENTER_NAME = "Baku Migration Academy"
    settings.RTCM_CENTER_NAMES = {"en": "", "ar": "أكاديمية باكو للهجرة"}
    assert center_name("en") == "Baku Migration Academy"
    assert center_name("ru") == "Baku Migration Academy"
    assert center_name("ar") == "أكاديمية باكو للهجرة"
    assert center_name("ar-eg") == "أكاديمية باكو للهجرة"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    assert "أكاديمية باكو للهجرة" in client.get(reverse("home")).content.decode()


def test_the_emails_foot_names_the_center_in_the_recipients_language(settings, on_commit):
    settings.RTCM_CENTER_NAMES = {"az": "Miqrasiya Akademiyası"}
    training = TrainingFactory(title="Labour migration")
    on_commit(
        services.registration_submit,
        training=training,
        participant_data={
            **{k: v for k, v in person_data().items() if k != "consent"},
            "preferred_language": "az",
        },
    )
    [message] = mail.outbox
    assert message.body.rstrip().endswith("Miqrasiya Akademiyası")
    assert "Miqrasiya Akademiyası" in html_part(message)
