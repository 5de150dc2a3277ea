"""Mixed directions: names, places, dates, codes and titles keep their own order.

An English title on an Arabic page, or an Arabic name on an English one, is isolated
(``<bdi>``, ``dir="…"``; FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE in plain text),
so the punctuation and numbers around it stay where they belong.
"""

import lxml.html
import pytest
from django.core import mail
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.translation import pgettext

from participants import services
from tests.factories import (
    ExpertFactory,
    ModuleFactory,
    ParticipantFactory,
    RegistrationFactory,
    SessionFactory,
    TrainingFactory,
    certificate_for,
    person_data,
)

pytestmark = pytest.mark.django_db

FSI, PDI = "\u2068", "\u2069"
ARABIC = {"headers": {"accept-language": "ar"}}
ENGLISH = {"headers": {"accept-language": "en"}}


def render(source: str, autoescape: bool = True, **context) -> str:
    return Template("{% load bidi %}" + source).render(Context(context, autoescape=autoescape))


def page(client, url: str, language: dict, status: int = 200) -> lxml.html.HtmlElement:
    response = client.get(url, **language)
    assert response.status_code == status, url
    return lxml.html.fromstring(response.content.decode())


def is_isolated(element) -> bool:
    """Inside a ``<bdi>`` or an element of its own direction, below ``<html>`` and ``<body>``."""
    for node in element.iterancestors(None):
        if node.tag in ("html", "body"):
            return False
        if node.tag == "bdi" or node.get("dir") in ("auto", "ltr", "rtl"):
            return True
    return False


def text_holders(document, text: str) -> list:
    """The elements whose own text (or the tail after a child) contains ``text``.

    Options of a ``<select>`` are left out: they hold text only, one per line, and
    cannot hold a ``<bdi>``.
    """
    holders = []
    for element in document.iter(None):
        if not isinstance(element.tag, str) or element.tag in ("option", "script", "style"):
            continue  # comments, options
        if text in (element.text or ""):
            holders.append(element)
        for child in element:
            if text in (child.tail or ""):
                holders.append(element)
    return holders


def isolated_in_text(node_text: str, text: str) -> bool:
    """``text`` between Unicode isolates within the same text node (titles, alt texts)."""
    start = node_text.find(text)
    return FSI in node_text[:start] and PDI in node_text[start + len(text) :]


def assert_isolated(document, text: str) -> None:
    holders = text_holders(document, text)
    assert holders, f"{text!r} is not on the page"
    for holder in holders:
        own = holder.tag == "bdi" or holder.get("dir") in ("auto", "ltr", "rtl")
        own_text = (holder.text or "") + "".join(child.tail or "" for child in holder)
        assert own or is_isolated(holder) or isolated_in_text(own_text, text), (
            f"{text!r} is not isolated in <{holder.tag}>: "
            f"{lxml.html.tostring(holder, encoding=str)[:200]}"
        )


# --- the filters ---


def test_isolate_wraps_the_value_in_unicode_isolates_and_escapes_html():
    escaped = f"{FSI}&lt;b&gt;Ali &amp; Co&lt;/b&gt;{PDI}"
    assert render("{{ v|isolate }}", v="<b>Ali & Co</b>") == escaped
    assert render("{{ v|isolate }}", autoescape=False, v="Ali & Co") == f"{FSI}Ali & Co{PDI}"
    assert render("[{{ v|isolate }}]", v="") == "[]"
    assert render("[{{ v|isolate }}]", v=None) == "[]"


def test_bdi_escapes_the_value_inside_a_bdi_element():
    assert render("{{ v|bdi }}", v="<i>علي</i>") == "<bdi>&lt;i&gt;علي&lt;/i&gt;</bdi>"
    assert render("[{{ v|bdi }}]", v="") == "[]"


def test_bdi_join_isolates_each_item_with_the_languages_list_separator():
    values = ["migrants", "labour <migration>"]
    assert render("{{ v|bdi_join }}", v=values) == (
        "<bdi>migrants</bdi>, <bdi>labour &lt;migration&gt;</bdi>"
    )
    with translation.override("ar"):
        assert render("{{ v|bdi_join }}", v=values).count("</bdi>، <bdi>") == 1


# --- pages in Arabic with Latin data ---


def test_arabic_catalogue_isolates_latin_titles_places_and_dates(client):
    training = TrainingFactory(title="Return and reintegration (AVRR)", venue_city="Bishkek")
    training.modules.add(ModuleFactory(topic__name="Labour migration"))
    document = page(client, reverse("courses:training_list"), ARABIC)
    assert document.get("dir") == "rtl"
    assert_isolated(document, "Return and reintegration (AVRR)")
    assert_isolated(document, "Bishkek")
    assert_isolated(document, "Labour migration")
    card = document.find_class("training-card")[0]
    dates = [bdi for bdi in card.iter("bdi") if any(c.isdigit() for c in bdi.text_content())]
    assert len(dates) == 2  # start and end, each in its own isolate


def test_arabic_training_page_isolates_each_fragment(client):
    training = TrainingFactory(
        title="Readmission agreements", venue_city="Bishkek", venue_country="KG"
    )
    expert = ExpertFactory(organisation="Kyrgyz Republic")
    session = SessionFactory(training=training, title="Opening session", room="Hall B")
    session.trainers.add(expert)
    document = page(client, training.get_absolute_url(), ARABIC)
    for fragment in ("Readmission agreements", "Bishkek", "Opening session", "Hall B"):
        assert_isolated(document, fragment)
    # The organisation's parentheses stay outside the isolate, so they mirror around it.
    [organisation] = [b for b in document.iter("bdi") if b.text == "Kyrgyz Republic"]
    assert organisation.getparent().text.endswith("(")
    assert organisation.tail.startswith(")")
    # The working languages: one isolate each, joined by the language's list separator.
    with translation.override("ar"):
        separator = pgettext("list separator", ", ")
        names = [str(name) for name in training.language_names()]
    [first] = [bdi for bdi in document.iter("bdi") if bdi.text == names[0]]
    assert first.tail == separator
    assert [bdi.text for bdi in first.getparent().findall("bdi")] == names


def test_arabic_manage_page_isolates_name_title_email_and_date(client):
    participant = ParticipantFactory(
        given_name="زينب", family_name="الحسيني", email="zaynab@example.org"
    )
    registration = RegistrationFactory(
        participant=participant, training__title="Border management basics"
    )
    certificate = certificate_for(registration, 7, revoked=True)
    url = registration.get_absolute_url()
    document = page(client, url, ARABIC)
    assert_isolated(document, "زينب")
    assert_isolated(document, "Border management basics")
    [notice] = document.find_class("certificate-revoked")
    # The revocation date is isolated; the serial (letters and digits) stays one LTR run.
    [date] = notice.iter("bdi")
    assert any(character.isdigit() for character in date.text)
    assert certificate.serial in notice.text_content()
    [address] = [b for b in document.iter("bdi") if b.text == "zaynab@example.org"]
    assert address.get("dir") == "ltr"


def test_arabic_verify_page_isolates_the_serial_and_the_code(client):
    registration = RegistrationFactory(training__title="Counter-trafficking for officials")
    certificate = certificate_for(registration, 3)
    document = page(
        client, reverse("certificates:verify_code", kwargs={"code": certificate.code}), ARABIC
    )
    assert_isolated(document, certificate.serial)
    assert_isolated(document, "Counter-trafficking for officials")
    unknown = page(
        client, reverse("certificates:verify_code", kwargs={"code": "ABC-123"}), ARABIC, 404
    )
    assert_isolated(unknown, "ABC-123")


def test_registration_form_inputs_follow_what_is_typed_and_addresses_stay_ltr(client):
    training = TrainingFactory()
    document = page(client, reverse("training_register", kwargs={"slug": training.slug}), ARABIC)
    by_name = {field.get("name"): field for field in document.iter("input", "textarea")}
    for name in ("given_name", "family_name", "organisation", "position"):
        assert by_name[name].get("dir") == "auto", name
    assert by_name["email"].get("dir") == "ltr"
    assert by_name["given_name_latin"].get("dir") == "ltr"  # explicit attrs win


# --- English pages with Arabic data ---


def test_english_pages_isolate_arabic_names_and_titles(client):
    expert = ExpertFactory(given_name="ليلى", family_name="حداد", organisation="وزارة الداخلية")
    training = TrainingFactory(title="إعادة الإدماج", venue_city="عمّان", venue_country="JO")
    SessionFactory(training=training, title="الجلسة الأولى").trainers.add(expert)
    directory = page(client, reverse("experts:directory"), ENGLISH)
    assert directory.get("dir") == "ltr"
    assert_isolated(directory, "ليلى")
    assert_isolated(directory, "وزارة الداخلية")
    detail = page(client, training.get_absolute_url(), ENGLISH)
    for fragment in ("إعادة الإدماج", "عمّان", "الجلسة الأولى", "وزارة الداخلية"):
        assert_isolated(detail, fragment)


# --- plain-text e-mails ---


def test_plain_text_email_isolates_the_name_title_and_dates(django_capture_on_commit_callbacks):
    training = TrainingFactory(title="Labour migration statistics", venue_city="Baku")
    values = person_data(given_name="زينب", preferred_language="ar")
    values.pop("consent")
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_submit(training=training, participant_data=values)
    [message] = mail.outbox
    assert f"{FSI}زينب{PDI}" in message.body
    assert f"{FSI}Labour migration statistics{PDI}" in message.body
    assert f"{FSI}Baku{PDI}" in message.body
    with translation.override("ar"):
        start = Template('{{ d|date:"j F Y" }}').render(Context({"d": training.start_date}))
    assert f"{FSI}{start}{PDI}" in message.body
    assert "Labour migration statistics" in message.subject  # subjects stay plain
    # The HTML part isolates the name with <bdi>.
    html = lxml.html.fromstring(message.alternatives[0][0])
    assert_isolated(html, "زينب")


# --- no person name outside an isolate on the public pages ---

SENTINEL_GIVEN, SENTINEL_FAMILY = "Qazwsx", "Plmokn"


@pytest.mark.parametrize("language", [ARABIC, ENGLISH], ids=["ar", "en"])
def test_no_person_name_is_left_outside_an_isolate_on_public_pages(client, language):
    """A sentinel name given to a participant and to an expert, then looked for on every
    public page that shows people: wherever it is printed, it is isolated."""
    training = TrainingFactory(title="Sentinel training")
    expert = ExpertFactory(given_name=SENTINEL_GIVEN, family_name=SENTINEL_FAMILY)
    session = SessionFactory(training=training)
    session.trainers.add(expert)
    participant = ParticipantFactory(given_name=SENTINEL_GIVEN, family_name=SENTINEL_FAMILY)
    registration = RegistrationFactory(participant=participant, training=training)
    certificate = certificate_for(registration, 11)
    urls = [
        reverse("home"),
        reverse("courses:training_list"),
        training.get_absolute_url(),
        reverse("training_register", kwargs={"slug": training.slug}),
        registration.get_absolute_url(),
        reverse("certificates:verify_code", kwargs={"code": certificate.code}),
        reverse("experts:directory"),
        expert.get_absolute_url(),
        reverse("library:home"),
    ]
    shown = 0
    for url in urls:
        response = client.get(url, **language)
        assert response.status_code == 200, url
        content = response.content.decode()
        if SENTINEL_FAMILY not in content:
            continue
        document = lxml.html.fromstring(content)
        for holder in text_holders(document, SENTINEL_FAMILY):
            own = holder.tag == "bdi" or holder.get("dir") in ("auto", "ltr", "rtl")
            own_text = (holder.text or "") + "".join(c.tail or "" for c in holder)
            assert own or is_isolated(holder) or isolated_in_text(own_text, SENTINEL_FAMILY), (
                url,
                lxml.html.tostring(holder, encoding=str)[:200],
            )
            shown += 1
    assert shown >= 5  # the walk did find the name: training, manage, verify, directory, profile
