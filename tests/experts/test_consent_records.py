"""The expert network's consent records and its retention rule (issue 12, item 8).

The time stamps on ``Expert`` still drive the public directory; the records are
the proof of what was agreed to, in which words and version, and when it ended.
"""

import datetime as dt
import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from experts import services, tasks
from experts.models import Expert, ExpertConsent
from experts.notifications import consent_token
from experts.selectors import experts_declined_past_retention
from rtcm.core.privacy import CONSENT_TEXTS, consent_text
from tests.experts.test_public_pages import APPLY, application
from tests.factories import ExpertFactory, cv_pdf, photo_jpeg

pytestmark = pytest.mark.django_db

PROFILE = CONSENT_TEXTS["expert_profile"]


def shown(language: str) -> str:
    with translation.override(language):
        return str(consent_text("expert_profile").text)


def test_an_application_in_russian_records_the_consent_in_the_words_shown(client):
    form_page = client.get(APPLY, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    response = client.post(APPLY, application(), HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 302
    expert = Expert.objects.get()
    [record] = expert.consent_records.all()
    assert (record.purpose, record.version, record.language) == (
        "expert_profile",
        PROFILE.version,
        "ru",
    )
    assert record.text == shown("ru")
    assert record.text.startswith("Я согласен")
    assert record.text in form_page
    assert record.given_at == expert.public_profile_consent_at
    assert record.withdrawn_at is None
    # The flag the pages read is still the flag (the records' accessor has its own name).
    assert expert.consents is True
    assert f'href="{reverse("privacy")}"' in form_page


def test_withdrawing_and_giving_again_by_the_consent_link_keeps_every_record(client):
    expert = services.expert_create(
        data={
            "given_name": "Aida",
            "family_name": "Karimova",
            "email": "aida@example.org",
            "country": "KZ",
        },
        public_profile_consent=True,
        actor=None,
    )
    url = reverse("experts:consent", kwargs={"token": consent_token(expert)})
    [first] = expert.consent_records.all()
    # The page offers consent in the words that are recorded.
    client.post(url, {"consent": "withdraw"})
    assert shown("en") in client.get(url).content.decode()

    first.refresh_from_db()
    expert.refresh_from_db()
    assert first.withdrawn_at == expert.public_profile_consent_withdrawn_at
    assert expert.public_profile_consent_at is None

    client.post(url, {"consent": "give"})

    records = list(expert.consent_records.order_by("given_at", "pk"))
    assert len(records) == 2
    assert records[0].withdrawn_at == first.withdrawn_at
    expert.refresh_from_db()
    assert records[1].withdrawn_at is None
    assert records[1].given_at == expert.public_profile_consent_at


def test_staff_adding_an_expert_without_consent_record_none():
    expert = services.expert_create(
        data={
            "given_name": "Aida",
            "family_name": "Karimova",
            "email": "aida@example.org",
            "country": "KZ",
        },
        actor=None,
    )
    assert not expert.consent_records.exists()
    services.expert_set_consent(expert=expert, consent=False)  # nothing to withdraw
    assert not expert.consent_records.exists()


def test_the_data_step_turns_the_old_time_stamps_into_legacy_records():
    now = timezone.now()
    consenting = ExpertFactory(public_profile_consent_at=now - dt.timedelta(days=30))
    withdrew = ExpertFactory(
        public_profile_consent_at=None,
        public_profile_consent_withdrawn_at=now - dt.timedelta(days=5),
        correspondence_language="ru",
    )
    ExpertFactory(public_profile_consent_at=None)  # never consented: no record
    migration = importlib.import_module("experts.migrations.0005_privacy")

    migration.legacy_consents(apps, None)

    assert ExpertConsent.objects.count() == 2
    current = consenting.consent_records.get()
    assert (current.version, current.given_at, current.withdrawn_at) == (
        "legacy",
        consenting.public_profile_consent_at,
        None,
    )
    ended = withdrew.consent_records.get()
    assert ended.withdrawn_at == withdrew.public_profile_consent_withdrawn_at
    assert ended.given_at <= ended.withdrawn_at
    assert (ended.language, ended.text) == ("ru", shown("ru"))


# --- retention --------------------------------------------------------------------------


def declined_with_files(days_ago: float) -> Expert:
    expert = services.expert_create(
        data={
            "given_name": "Bakhyt",
            "family_name": "Declined",
            "email": f"declined{days_ago}@example.org",
            "country": "KZ",
        },
        cv=cv_pdf(),
        photo=photo_jpeg(),
        actor=None,
    )
    decided = timezone.now() - dt.timedelta(days=days_ago)
    Expert.objects.filter(pk=expert.pk).update(status="declined", status_changed_at=decided)
    expert.refresh_from_db()
    return expert


def test_retention_erases_exactly_the_declined_applications_past_the_limit(
    settings, django_capture_on_commit_callbacks
):
    settings.RTCM_RETAIN_DECLINED_EXPERTS_DAYS = 365
    old = declined_with_files(366)
    inside = declined_with_files(364)  # one day inside the limit: kept
    active = ExpertFactory(status_changed_at=timezone.now() - dt.timedelta(days=1000))
    files = [Path(old.cv.path), Path(old.photo.path)]
    assert all(path.exists() for path in files)

    assert list(experts_declined_past_retention()) == [old]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.experts_erase_declined() == 1

    old.refresh_from_db()
    assert old.erased_at is not None
    assert not old.cv
    assert not old.photo
    assert "Bakhyt" not in old.full_name
    assert not any(path.exists() for path in files)
    inside.refresh_from_db()
    active.refresh_from_db()
    assert inside.erased_at is None
    assert inside.cv
    assert inside.given_name == "Bakhyt"
    assert active.erased_at is None
    # Safe to run twice: nothing is left past the limit.
    assert services.experts_erase_declined() == 0


def test_retention_of_declined_applications_is_off_at_zero(settings):
    settings.RTCM_RETAIN_DECLINED_EXPERTS_DAYS = 0
    old = declined_with_files(5000)
    assert tasks.experts_apply_retention.delay().get() == 0
    old.refresh_from_db()
    assert old.erased_at is None


def test_the_beat_schedule_names_the_retention_task():
    entry = settings.CELERY_BEAT_SCHEDULE["retention-experts"]
    assert entry["task"] == tasks.experts_apply_retention.name
