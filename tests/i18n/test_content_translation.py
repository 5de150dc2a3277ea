"""Content in several languages (django-modeltranslation + ``rtcm.core.content``): the
fallback order, staff entering each language (admin and staff page), search in any
language, the API in the reader's language, and query counts unchanged."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from courses.models import Session, Topic, Training
from experts.selectors import expert_directory
from library.models import Document
from library.selectors import document_search
from rtcm.core.content import fallback_order
from rtcm.core.roles import COORDINATOR
from tests.factories import (
    ExpertFactory,
    ModuleFactory,
    RegistrationFactory,
    SessionFactory,
    TrainingFactory,
    staff_user,
)

pytestmark = pytest.mark.django_db

TITLES = {
    "en": "Readmission agreements in practice",
    "ru": "Соглашения о реадмиссии на практике",
    "az": "Readmissiya sazişləri təcrübədə",
    "ar": "اتفاقيات إعادة القبول في الممارسة العملية",
}


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def read(instance, field: str, language: str):
    with translation.override(language):
        return getattr(instance, field)


# --- fallback order ------------------------------------------------------------------


def test_the_order_is_reader_then_working_language_then_english_then_any():
    assert fallback_order("ru", "az") == ("ru", "az", "en", "ar")
    assert fallback_order("ar") == ("ar", "en", "ru", "az")
    assert fallback_order("en", "hy") == ("en", "ru", "az", "ar")  # no column: skipped


def test_a_missing_title_falls_back_to_the_working_language_then_english():
    training = TrainingFactory(
        title_en=TITLES["en"], title_ru="", title_az=TITLES["az"], languages=["az", "en"]
    )
    assert read(training, "title", "ru") == TITLES["az"]  # the working language
    assert read(training, "title", "ar") == TITLES["az"]
    assert read(training, "title", "en") == TITLES["en"]  # the reader's own first
    training.languages = ["ky", "ru"]  # Kyrgyz has no column: Russian works, but is empty
    assert read(training, "title", "az") == TITLES["az"]
    assert read(training, "title", "ar") == TITLES["en"]  # then English


def test_a_text_only_in_one_language_is_read_in_it_by_everyone():
    training = TrainingFactory(title_en="", title_ar=TITLES["ar"], languages=["en"])
    for language in ("en", "ru", "az", "ar"):
        assert read(training, "title", language) == TITLES["ar"]


def test_a_session_uses_its_training_working_language_only_when_loaded(
    django_assert_num_queries,
):
    training = TrainingFactory(languages=["ru"])
    SessionFactory(training=training, title_en="Case law", title_ru="Судебная практика")
    SessionFactory(training=training, title_en="", title_ar="", title_ru="Только по-русски")
    loaded = list(Session.objects.select_related("training").order_by("pk"))
    with django_assert_num_queries(0):
        assert read(loaded[0], "title", "az") == "Судебная практика"  # working: ru
    first, last = Session.objects.order_by("pk")
    with django_assert_num_queries(0):  # no query for the training
        assert read(first, "title", "az") == "Case law"  # English
        assert read(last, "title", "az") == "Только по-русски"  # then any


def test_a_document_falls_back_to_its_own_language_and_a_topic_to_english():
    document = Document(title_en="Guide", title_ru="Руководство", language="ru")
    assert read(document, "title", "az") == "Руководство"
    topic = Topic(name_en="Asylum", name_ru="Убежище")
    assert read(topic, "name", "az") == "Asylum"


def test_values_rows_read_with_the_fallback_too():
    TrainingFactory(title_en=TITLES["en"], title_ru="")
    with translation.override("ru"):
        assert list(Training.objects.values_list("title", flat=True)) == [TITLES["en"]]


# --- staff enter each language ----------------------------------------------------------


@pytest.fixture
def superuser_client():
    return client_for(User.objects.create_superuser("root", password="x"))


def test_the_admin_offers_a_field_per_language_side_by_side(superuser_client):
    html = superuser_client.get(reverse("admin:courses_training_add")).content.decode()
    for code in ("en", "ru", "az", "ar"):
        assert f'name="title_{code}"' in html
        assert f'name="description_{code}"' in html
    assert "Title (Русский)" in html
    assert re.search(r'<[^>]*dir="rtl"[^>]*name="title_ar"|name="title_ar"[^>]*dir="rtl"', html)
    assert 'name="time_zone"' in html
    assert 'name="certificate_language"' in html
    # The tabbed variant loads jQuery UI from a CDN, which the CSP forbids.
    assert "jquery-ui" not in html
    assert "//ajax." not in html


def test_the_admin_saves_each_language_and_asks_for_one(superuser_client):
    url = reverse("admin:courses_topic_add")
    base = {"slug": "readmission", "position": "0"}
    refused = superuser_client.post(url, base)
    assert refused.status_code == 200
    assert "Required in at least one language." in refused.content.decode()
    assert not Topic.objects.exists()
    response = superuser_client.post(
        url, {**base, "name_ru": "Реадмиссия", "name_ar": "إعادة القبول"}
    )
    assert response.status_code == 302
    topic = Topic.objects.get(slug="readmission")
    assert (topic.name_en, topic.name_ru, topic.name_ar) == (None, "Реадмиссия", "إعادة القبول")
    assert read(topic, "name", "en") == "Реадмиссия"  # no English: any language it has


def test_the_admin_document_form_has_title_and_description_per_language(superuser_client):
    html = superuser_client.get(reverse("admin:library_document_add")).content.decode()
    for code in ("en", "ru", "az", "ar"):
        assert f'name="title_{code}"' in html
        assert f'name="description_{code}"' in html


def staff_training_data(**overrides) -> dict:
    day = timezone.localdate() + dt.timedelta(days=30)
    data = {
        "title_en": "",
        "title_ru": TITLES["ru"],
        "title_az": TITLES["az"],
        "title_ar": "",
        "description_ru": "Три дня.",
        "start_date": f"{day:%Y-%m-%d}",
        "end_date": f"{day + dt.timedelta(days=2):%Y-%m-%d}",
        "format": "in_person",
        "venue_city": "Bishkek",
        "venue_country": "KG",
        "time_zone": "Asia/Bishkek",
        "online_url": "",
        "languages": ["ru", "ky"],
        "capacity": "20",
        "min_attendance_percent": "80",
        "min_hours": "0",
        "certificate_language": "bilingual",
        "certificate_template": "",
    }
    for prefix in ("sessions", "quotas", "questions", "signatories"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(overrides)
    return data


def test_the_staff_page_saves_title_and_description_per_language():
    client = client_for(staff_user("owner", roles=(COORDINATOR,)))
    page = client.get("/staff/trainings/new/").content.decode()
    assert 'name="title_ar"' in page
    assert re.search(r'name="title_ar"[^>]*dir="rtl" lang="ar"', page)
    response = client.post("/staff/trainings/new/", staff_training_data())
    assert response.status_code == 302
    training = Training.objects.get()
    assert (training.title_en, training.title_ru, training.title_az) == (
        None,  # an empty language is stored as NULL
        TITLES["ru"],
        TITLES["az"],
    )
    assert training.description_ru == "Три дня."
    assert (training.time_zone, training.certificate_language) == ("Asia/Bishkek", "bilingual")
    assert read(training, "title", "en") == TITLES["ru"]  # English missing: working language
    edit = client.post(
        f"/staff/trainings/{training.slug}/edit/",
        staff_training_data(title_en=TITLES["en"], title_az=""),
    )
    assert edit.status_code == 302
    training.refresh_from_db()
    assert (training.title_en, training.title_az) == (TITLES["en"], None)


def test_the_staff_page_refuses_a_training_without_any_title():
    client = client_for(staff_user("owner", roles=(COORDINATOR,)))
    response = client.post("/staff/trainings/new/", staff_training_data(title_ru="", title_az=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_title_en-errors"' in html
    assert "Required in at least one language." in html
    assert not Training.objects.exists()


def test_a_clone_copies_every_language():
    from courses.services import training_clone

    source = TrainingFactory(title_en=TITLES["en"], title_ru=TITLES["ru"], description_ar="وصف")
    SessionFactory(training=source, title_en="Opening", title_az="Açılış")
    actor = staff_user("owner", roles=(COORDINATOR,))
    clone = training_clone(
        source=source, start_date=timezone.localdate() + dt.timedelta(days=90), actor=actor
    )
    assert (clone.title_en, clone.title_ru, clone.description_ar) == (
        TITLES["en"],
        TITLES["ru"],
        "وصف",
    )
    session = clone.sessions.get()
    assert (session.title_en, session.title_az) == ("Opening", "Açılış")


# --- search in any language ------------------------------------------------------------


@pytest.fixture
def translated_training():
    return TrainingFactory(slug="readmission", **{f"title_{c}": t for c, t in TITLES.items()})


@pytest.mark.parametrize("language", ["ru", "az", "ar"])
@pytest.mark.parametrize("reader", ["en", "ru"])
def test_the_catalogue_finds_a_training_by_its_title_in_any_language(
    client, translated_training, language, reader
):
    TrainingFactory(title="Something else")
    word = TITLES[language].split()[1]
    response = client.get(
        reverse("courses:training_list"), {"q": word}, HTTP_ACCEPT_LANGUAGE=reader
    )
    assert [t.slug for t in response.context["page"].object_list] == ["readmission"]


@pytest.mark.parametrize("language", ["ru", "az", "ar"])
def test_the_staff_list_and_the_api_find_a_training_in_any_language(translated_training, language):
    translated_training.coordinators.add(owner := staff_user("owner", roles=(COORDINATOR,)))
    TrainingFactory(title="Something else").coordinators.add(owner)
    word = TITLES[language].split()[0]
    html = client_for(owner).get("/staff/trainings/", {"q": word}).content.decode()
    assert "/staff/trainings/readmission/" in html
    assert "Something else" not in html
    for parameter in ("q", "search"):
        rows = Client().get("/api/v1/trainings/", {parameter: word}).json()["results"]
        assert [row["slug"] for row in rows] == ["readmission"]


@pytest.mark.parametrize("language", ["ru", "az", "ar"])
def test_the_library_finds_a_document_by_title_or_description_in_any_language(language):
    Document.objects.create(
        slug="guide",
        title_en="Guide",
        **{f"title_{language}": TITLES[language], f"description_{language}": "مرجع Ссылка"},
        language="en",
        doc_type=Document.Type.PUBLICATION,
        access=Document.Access.PUBLIC,
        external_url="https://example.org/guide",
    )
    Document.objects.create(
        slug="other",
        title_en="Other",
        language="en",
        doc_type=Document.Type.PUBLICATION,
        access=Document.Access.PUBLIC,
        external_url="https://example.org/other",
    )
    from django.contrib.auth.models import AnonymousUser

    for query in (TITLES[language].split()[1], "Ссылка"):
        results, _facets = document_search(user=AnonymousUser(), query=query)
        assert [d.slug for d in results] == ["guide"]


def test_the_expert_directory_finds_a_bio_in_any_language():
    ExpertFactory(slug="found", bio_en="", bio_az="Readmissiya üzrə ekspert")
    ExpertFactory(slug="other", bio_en="Asylum")
    with translation.override("ru"):
        assert [e.slug for e in expert_directory(query="readmissiya")] == ["found"]


# --- the API and the list pages in the reader's language --------------------------------


def test_the_api_returns_the_readers_language(translated_training):
    translated_training.description_ru = "Описание"
    translated_training.save()
    for language in ("ru", "az", "ar"):
        rows = Client().get("/api/v1/trainings/", HTTP_ACCEPT_LANGUAGE=language).json()
        assert rows["results"][0]["title"] == TITLES[language]
    english = Client().get("/api/v1/trainings/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["results"][0]["title"] == TITLES["en"]


def test_the_catalogue_in_russian_reads_russian_with_the_same_query_count(
    client, django_assert_num_queries
):
    for _ in range(3):
        training = TrainingFactory(title_ru="Тренинг")
        training.modules.add(ModuleFactory())
        RegistrationFactory(training=training)
    url = reverse("courses:training_list")
    with django_assert_num_queries(6):  # as tests/courses/test_catalogue.py pins it
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
    for _ in range(10):
        training = TrainingFactory()
        training.modules.add(ModuleFactory())
        RegistrationFactory(training=training)
    with django_assert_num_queries(6):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
    assert "Тренинг" in response.content.decode()
