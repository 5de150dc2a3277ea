"""The privacy notice (/privacy/): public, in the page's language, with the consent texts
and versions the forms record (``rtcm.core.privacy``) and the retention settings."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from rtcm.core.privacy import CONSENT_TEXTS

pytestmark = pytest.mark.django_db

URL = reverse("privacy")


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_notice_lists_every_current_consent_text_and_version(client, language):
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{language}"' in page
    with translation.override(language):
        for entry in CONSENT_TEXTS.values():
            assert f'data-version="{entry.version}">{escape(entry.text)}</blockquote>' in page
            assert escape(entry.label) in page
    assert page.count('class="card mb-3 privacy-purpose"') == len(CONSENT_TEXTS)


def test_the_notice_names_the_controller_the_contact_and_the_retention_periods(client, settings):
    settings.RTCM_PRIVACY_CONTROLLER = "Regional Training Center on Migration, Baku"
    settings.RTCM_PRIVACY_CONTACT_EMAIL = "dpo@rtcm.example.org"
    settings.RTCM_RETAIN_INACTIVE_PARTICIPANTS_YEARS = 7
    settings.RTCM_RETAIN_UNATTENDED_REGISTRATIONS_DAYS = 400
    settings.RTCM_RETAIN_DECLINED_EXPERTS_DAYS = 90
    page = client.get(URL).content.decode()
    assert "<bdi>Regional Training Center on Migration, Baku</bdi> is responsible" in page
    assert 'href="mailto:dpo@rtcm.example.org"' in page
    assert "no training with the center for 7 years" in page
    assert "deleted 400 days after the training ended" in page
    assert "its CV and photo deleted, 90 days after the decision" in page


def test_a_rule_turned_off_is_not_promised(client, settings):
    settings.RTCM_RETAIN_INACTIVE_PARTICIPANTS_YEARS = 0
    page = client.get(URL).content.decode()
    assert "no training with the center for" not in page
    assert "kept until you ask for its erasure" in page


def test_the_footer_of_every_page_links_the_notice(client):
    for url in (reverse("home"), reverse("about"), reverse("experts:apply")):
        assert f'href="{URL}"' in client.get(url).content.decode(), url
