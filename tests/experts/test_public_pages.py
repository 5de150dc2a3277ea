"""Public pages of the expert network: directory, export, profile, photo, application, consent.

The cast of every page: an anonymous visitor, staff of another role (a
librarian) and a network officer. Each sees the same public pages: only active
experts who consent, and never an e-mail, a phone, a CV, a status or notes.
"""

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from courses.models import Training
from courses.timezones import session_times
from experts import services
from experts.forms import ApplicationForm, language_choices
from experts.models import Expert, ExpertMessage
from experts.notifications import consent_token
from rtcm.core.forms import add_domain_error
from tests import hostile_files as hostile
from tests.factories import (
    ExpertFactory,
    SessionFactory,
    TopicFactory,
    TrainingFactory,
    cv_pdf,
    network_officer_user,
    photo_jpeg,
)

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("experts:directory")
APPLY = reverse("experts:apply")
CAST = ["anonymous_client", "other_staff_client", "network_officer_client"]


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def export_url(fmt: str) -> str:
    return reverse("experts:export", kwargs={"fmt": fmt})


def with_photo(expert: Expert) -> Expert:
    return services.expert_update(expert=expert, data={}, photo=photo_jpeg())


@pytest.fixture
def migration_law():
    return TopicFactory(name="Migration law", slug="migration-law")


@pytest.fixture
def network(migration_law):
    """One public expert and one of each kind that must never be shown."""
    public = ExpertFactory(
        given_name="Гульнара",
        family_name="Садыкова",
        email="gulnara@example.org",
        phone="+7 701 555 12 34",
        country="KZ",
        organisation="Migration Research Institute",
        position="Senior researcher",
        bio="Twenty years of research on labour migration.",
        staff_notes="Strong candidate, see the interview.",
        languages=["ru", "kk"],
        topics=[migration_law],
    )
    hidden = {
        "applicant": ExpertFactory(
            given_name="Applicant", family_name="Hidden", status=Expert.Status.APPLICANT
        ),
        "inactive": ExpertFactory(
            given_name="Inactive", family_name="Hidden", status=Expert.Status.INACTIVE
        ),
        "declined": ExpertFactory(
            given_name="Declined", family_name="Hidden", status=Expert.Status.DECLINED
        ),
        "not_consenting": ExpertFactory(
            given_name="Unconsenting", family_name="Hidden", public_profile_consent_at=None
        ),
    }
    for expert in hidden.values():
        expert.expertise.add(migration_law)
    return {"public": public, "hidden": hidden}


# --- the directory --------------------------------------------------------------------


@pytest.mark.parametrize("client_name", CAST)
def test_directory_lists_public_experts_only_for_everyone(client_name, network, request):
    client = request.getfixturevalue(client_name)
    response = client.get(DIRECTORY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Садыкова" in html
    for expert in network["hidden"].values():
        assert expert.family_name not in html
        assert expert.given_name not in html
    assert response.context["page"].paginator.count == 1


def test_directory_card_shows_the_public_profile_and_nothing_private(client, network):
    expert = with_photo(network["public"])
    html = client.get(DIRECTORY).content.decode()
    for shown in (
        "Гульнара Садыкова",
        "Senior researcher",
        "Migration Research Institute",
        "Kazakhstan",
        "Central Asia",
        "Migration law",
        "Russian",
        "Kazakh",
        expert.get_absolute_url(),
        reverse("experts:photo", kwargs={"slug": expert.slug}),
    ):
        assert shown in html
    for private in (
        "gulnara@example.org",
        "+7 701 555 12 34",
        "Strong candidate",
        expert.cv.name or "experts/cv/",
        expert.photo.name,
        "Active",
    ):
        assert private not in html


def test_directory_links_to_the_application_and_to_the_filtered_export(client, network):
    html = client.get(DIRECTORY, {"q": "researcher", "page": "1"}).content.decode()
    assert f'href="{APPLY}"' in html
    assert f'href="{export_url("xlsx")}?q=researcher"' in html
    assert f'href="{export_url("csv")}?q=researcher"' in html


@pytest.fixture
def spread(migration_law):
    """Experts of different topics, regions, countries and languages."""
    asylum = TopicFactory(name="Asylum", slug="asylum")
    return {
        "kz": ExpertFactory(
            given_name="Гульнара",
            family_name="Ахметова",
            country="KZ",
            languages=["ru"],
            topics=[migration_law],
        ),
        "ge": ExpertFactory(
            given_name="ნინო",
            family_name="ბერიძე",
            country="GE",
            languages=["ka", "en"],
            topics=[asylum],
            organisation="Public Service Hall",
        ),
        "jo": ExpertFactory(
            given_name="ليلى",
            family_name="حداد",
            country="JO",
            languages=["ar"],
            topics=[asylum, migration_law],
            position="Legal adviser",
        ),
        "az": ExpertFactory(
            given_name="Ləman",
            family_name="Əliyeva",
            country="AZ",
            languages=["az", "ru"],
            topics=[],
            bio="Works on readmission agreements.",
        ),
    }


def listed(response) -> set[str]:
    return {expert.family_name for expert in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"topic": "asylum"}, {"ბერიძე", "حداد"}),
        ({"topic": "migration-law"}, {"Ахметова", "حداد"}),
        ({"region": "central-asia"}, {"Ахметова"}),
        ({"region": "eastern-partnership"}, {"ბერიძე", "Əliyeva"}),
        ({"region": "middle-east"}, {"حداد"}),
        ({"country": "GE"}, {"ბერიძე"}),
        ({"language": "ru"}, {"Ахметова", "Əliyeva"}),
        ({"language": "ar"}, {"حداد"}),
        ({"q": "гульнара"}, {"Ахметова"}),
        ({"q": "ГУЛЬНАРА"}, {"Ахметова"}),
        ({"q": "əliyeva"}, {"Əliyeva"}),
        ({"q": "ნინო"}, {"ბერიძე"}),
        ({"q": "public service"}, {"ბერიძე"}),
        ({"q": "legal adviser"}, {"حداد"}),
        ({"q": "READMISSION"}, {"Əliyeva"}),
        ({"q": "nobody-has-this"}, set()),
        ({"topic": "asylum", "language": "en"}, {"ბერიძე"}),
        ({"region": "eastern-partnership", "q": "ləman"}, {"Əliyeva"}),
    ],
)
def test_directory_filters(client, spread, params, expected):
    response = client.get(DIRECTORY, params)
    assert response.status_code == 200
    assert listed(response) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"topic": "no-such-topic"},
        {"region": "atlantis"},
        {"country": "ZZ"},
        {"country": "FR"},  # a real country no public expert is from
        {"language": "xx"},
        {"language": "fr"},  # a real language no public expert works in
        {"page": "999"},
        {"page": "abc"},
    ],
)
def test_directory_ignores_bad_filter_values(client, spread, params):
    response = client.get(DIRECTORY, params)
    assert response.status_code == 200
    assert listed(response) == {"Ахметова", "ბერიძე", "حداد", "Əliyeva"}


def test_directory_search_never_finds_a_hidden_expert(client, network):
    for expert in network["hidden"].values():
        response = client.get(DIRECTORY, {"q": expert.given_name})
        assert listed(response) == set()
        assert expert.family_name not in response.content.decode()


def test_directory_filters_offer_only_what_public_experts_have(client, spread, network):
    ExpertFactory(country="FR", languages=["fr"], status=Expert.Status.INACTIVE)
    form = client.get(DIRECTORY).context["form"]
    countries = [code for code, _label in form.fields["country"].choices]
    languages = [code for code, _label in form.fields["language"].choices]
    topics = [code for code, _label in form.fields["topic"].choices]
    assert countries[0] == ""
    assert set(countries[1:]) == {"AZ", "GE", "JO", "KZ"}
    assert set(languages[1:]) == {"ar", "az", "en", "ka", "kk", "ru"}
    assert set(topics[1:]) == {"asylum", "migration-law"}
    assert "central-asia" in [code for code, _label in form.fields["region"].choices]


def test_directory_facets_count_public_experts_and_link_to_the_filter(client, spread, network):
    response = client.get(DIRECTORY, {"q": "", "page": "2"})
    groups = {group["name"]: group["items"] for group in response.context["facet_groups"]}
    topics = {item["label"]: item for item in groups["topic"]}
    # the public one of ``network`` has migration law too; hidden experts do not count
    assert topics["Migration law"]["count"] == 3
    assert topics["Asylum"]["count"] == 2
    assert topics["Asylum"]["url"] == "?q=&topic=asylum"
    regions = {item["label"]: item["count"] for item in groups["region"]}
    assert regions == {"Central Asia": 2, "Eastern Partnership": 2, "Middle East": 1}
    languages = {item["label"]: item["count"] for item in groups["language"]}
    assert languages["Russian"] == 3
    html = response.content.decode()
    assert 'href="?q=&amp;topic=asylum"' in html


def test_directory_facets_follow_the_search(client, spread):
    response = client.get(DIRECTORY, {"topic": "asylum"})
    groups = {group["name"]: group["items"] for group in response.context["facet_groups"]}
    assert {item["label"]: item["count"] for item in groups["region"]} == {
        "Eastern Partnership": 1,
        "Middle East": 1,
    }
    active = [item for item in groups["topic"] if item["active"]]
    assert [item["label"] for item in active] == ["Asylum"]


def test_directory_pages_by_twenty(client):
    ExpertFactory.create_batch(25)
    first = client.get(DIRECTORY)
    second = client.get(DIRECTORY, {"page": 2})
    assert len(first.context["page"].object_list) == 20
    assert len(second.context["page"].object_list) == 5
    assert "?page=2" in first.content.decode()
    assert listed(first).isdisjoint(listed(second))


def test_directory_query_count_is_pinned(client, django_assert_num_queries, migration_law):
    def make(count):
        for _ in range(count):
            with_photo(
                ExpertFactory(languages=["ru", "en"], topics=[migration_law, TopicFactory()])
            )

    make(3)
    filters = {"q": "гульнара", "topic": "migration-law", "region": "central-asia"}
    filters |= {"country": "KZ", "language": "ru"}
    # form choices 4 (topics, regions, countries, languages), facets 4 (topics,
    # region counts, regions, languages), the count, the page, its expertise, its languages
    with django_assert_num_queries(12):
        client.get(DIRECTORY)
    with django_assert_num_queries(12):
        response = client.get(DIRECTORY, filters)
    assert len(listed(response)) == 3
    make(27)
    with django_assert_num_queries(12):
        client.get(DIRECTORY)
    with django_assert_num_queries(12):
        response = client.get(DIRECTORY, filters)
    assert len(response.context["page"].object_list) == 20


# --- the public export ----------------------------------------------------------------


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(response) -> list[list]:
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("client_name", CAST)
def test_public_export_holds_public_profiles_without_contact_details(
    client_name, fmt, network, request
):
    client = request.getfixturevalue(client_name)
    response = client.get(export_url(fmt))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
    header, body = rows[0], rows[1:]
    assert not any("mail" in str(title).lower() for title in header)
    assert not any("phone" in str(title).lower() for title in header)
    assert not any("note" in str(title).lower() for title in header)
    assert [row[header.index("Family name")] for row in body] == ["Садыкова"]
    cells = " ".join(str(cell) for row in rows for cell in row if cell is not None)
    assert "gulnara@example.org" not in cells
    assert "+7 701 555 12 34" not in cells
    assert "Strong candidate" not in cells
    assert "Hidden" not in cells


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_public_export_follows_the_directory_filters(client, spread, fmt):
    response = client.get(export_url(fmt), {"topic": "asylum", "region": "middle-east"})
    rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
    family = rows[0].index("Family name")
    assert [row[family] for row in rows[1:]] == ["حداد"]


def test_public_export_ignores_bad_filters(client, spread):
    rows = csv_rows(client.get(export_url("csv"), {"region": "atlantis", "topic": "nope"}))
    assert len(rows) == 1 + 4


@pytest.mark.parametrize("fmt", ["pdf", "json", "XLSX", "csv.exe"])
def test_public_export_of_an_unknown_format_is_404(client, network, fmt):
    assert client.get(export_url(fmt)).status_code == 404


def test_public_export_query_count_is_pinned(client, django_assert_num_queries, migration_law):
    ExpertFactory.create_batch(3, languages=["ru"], topics=[migration_law])
    # the topics to check the filter against (no form is shown: the other choices
    # are not read), the experts, their expertise, their languages
    with django_assert_num_queries(4):
        client.get(export_url("csv"), {"topic": "migration-law"})
    ExpertFactory.create_batch(30, languages=["ru"], topics=[migration_law])
    with django_assert_num_queries(4):
        response = client.get(export_url("csv"), {"topic": "migration-law"})
    assert len(csv_rows(response)) == 34


# --- a profile ------------------------------------------------------------------------


@pytest.mark.parametrize("client_name", CAST)
def test_profile_shows_the_public_profile(client_name, network, request):
    client = request.getfixturevalue(client_name)
    expert = network["public"]
    response = client.get(expert.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for shown in (
        "<title>\u2068Гульнара Садыкова",
        "Senior researcher",
        "Migration Research Institute",
        "Kazakhstan",
        "Central Asia",
        "Migration law",
        "Russian",
        "Kazakh",
        "Twenty years of research on labour migration.",
        f'href="{DIRECTORY}"',  # the breadcrumb
    ):
        assert shown in html


@pytest.mark.parametrize("kind", ["applicant", "inactive", "declined", "not_consenting"])
@pytest.mark.parametrize("client_name", CAST)
def test_profile_of_a_hidden_expert_is_404(client_name, kind, network, request):
    client = request.getfixturevalue(client_name)
    expert = network["hidden"][kind]
    assert client.get(expert.get_absolute_url()).status_code == 404


def test_profile_of_an_unknown_slug_is_404(client):
    assert client.get(reverse("experts:profile", kwargs={"slug": "nobody"})).status_code == 404


def test_no_page_shows_the_email_or_phone(client, network):
    expert = with_photo(network["public"])
    for url in (DIRECTORY, expert.get_absolute_url(), f"{DIRECTORY}?q=gulnara"):
        html = client.get(url).content.decode()
        assert "gulnara@example.org" not in html
        assert "+7 701 555 12 34" not in html
        assert "701 555" not in html
        assert "Strong candidate" not in html
        assert "experts/cv/" not in html
        assert "mailto:" not in html


def test_profile_biography_keeps_lines_and_escapes_markup(client):
    expert = ExpertFactory(bio="First line\nSecond <script>alert(1)</script> line")
    html = client.get(expert.get_absolute_url()).content.decode()
    assert "First line<br>Second &lt;script&gt;alert(1)&lt;/script&gt; line" in html
    assert "<script>alert(1)" not in html


def test_profile_shows_the_trainings_taught_with_their_sessions(client, network):
    expert = network["public"]
    taught = TrainingFactory(title="Readmission in practice", status=Training.Status.COMPLETED)
    first = SessionFactory(training=taught, title="Case law")
    second = SessionFactory(
        training=taught, title="Field visit", starts_at=first.starts_at.replace(day=1)
    )
    other = SessionFactory(training=taught, title="Someone else's session")
    draft = SessionFactory(
        training=TrainingFactory(title="Draft training", status=Training.Status.DRAFT),
        title="Not yet public",
    )
    cancelled = SessionFactory(
        training=TrainingFactory(title="Cancelled one", status=Training.Status.CANCELLED),
        title="Never happened",
    )
    for session in (first, second, draft, cancelled):
        session.trainers.add(expert)
    html = client.get(expert.get_absolute_url()).content.decode()
    assert f'href="{taught.get_absolute_url()}"' in html
    assert "Readmission in practice" in html
    assert "Case law" in html
    assert "Field visit" in html
    # Each session with its day and hours in the venue's time zone, named.
    assert str(session_times(first)) in html
    assert str(session_times(second)) in html
    assert "Someone else" not in html
    assert other.title not in html
    for hidden in ("Draft training", "Not yet public", "Cancelled one", "Never happened"):
        assert hidden not in html


def test_profile_query_count_is_pinned(client, django_assert_num_queries, migration_law):
    expert = ExpertFactory(languages=["ru", "en"], topics=[migration_law])
    for _ in range(3):
        SessionFactory(training=TrainingFactory()).trainers.add(expert)
    # the expert, expertise, languages, region, engagements
    with django_assert_num_queries(5):
        client.get(expert.get_absolute_url())
    for _ in range(5):
        SessionFactory(training=TrainingFactory()).trainers.add(expert)
    with django_assert_num_queries(5):
        response = client.get(expert.get_absolute_url())
    assert len(response.context["engagements"]) == 8


# --- the photo ------------------------------------------------------------------------


def photo_url(expert: Expert) -> str:
    return reverse("experts:photo", kwargs={"slug": expert.slug})


def test_photo_of_a_public_expert_is_served_as_a_cacheable_jpeg(client, network):
    expert = with_photo(network["public"])
    response = client.get(photo_url(expert))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")
    response.close()


@pytest.mark.parametrize("kind", ["applicant", "inactive", "declined", "not_consenting"])
def test_photo_of_a_hidden_expert_is_404_except_to_staff(kind, network, client):
    expert = with_photo(network["hidden"][kind])
    assert client.get(photo_url(expert)).status_code == 404
    client.force_login(User.objects.create_user("reader", password="x"))  # signed in, not staff
    assert client.get(photo_url(expert)).status_code == 404
    client.force_login(User.objects.create_user("librarian2", password="x", is_staff=True))
    response = client.get(photo_url(expert))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")
    response.close()
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_photo_of_an_expert_without_one_is_404(client, network_officer_client, network):
    expert = network["public"]
    assert client.get(photo_url(expert)).status_code == 404
    assert network_officer_client.get(photo_url(expert)).status_code == 404


def test_photo_whose_file_is_gone_is_404(client, network):
    expert = with_photo(network["public"])
    expert.photo.storage.delete(expert.photo.name)
    assert client.get(photo_url(expert)).status_code == 404


# --- applying -------------------------------------------------------------------------


def application(**overrides) -> dict:
    """What the application form posts, valid by default (files included)."""
    topic = TopicFactory(name="Labour migration", slug="labour-migration")
    data = {
        "given_name": "Арман",
        "family_name": "Сейткали",
        "email": "arman@example.org",
        "phone": "+7 701 123 45 67",
        "country": "KZ",
        "organisation": "Ministry of Labour",
        "position": "Head of unit",
        "expertise": [topic.pk],
        "languages": ["ru", "kk", "tg"],
        "bio": "Labour migration policy since 2010.",
        "cv": cv_pdf(),
        "consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def error_beside(html: str, field: str) -> str:
    """The text of the error shown beside ``field`` (its ``…-errors`` element)."""
    marker = f'id="id_{field}-errors">'
    assert marker in html, f"no error beside {field}"
    return html.split(marker, 1)[1].split("</div>", 1)[0]


@pytest.mark.parametrize("client_name", CAST)
def test_application_form_is_open_to_everyone(client_name, request):
    client = request.getfixturevalue(client_name)
    TopicFactory(name="Asylum", slug="asylum")
    response = client.get(APPLY)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert "csrfmiddlewaretoken" in html
    assert "Asylum" in html
    assert "never my e-mail, phone or CV" in html
    assert "withdraw this consent at any time" in html
    assert "PDF, DOCX or ODT, at most 10.0" in html


def test_application_languages_list_the_centers_own_first():
    codes = [code for code, _name in language_choices()]
    center = [code for code, _name in settings.LANGUAGES]
    assert codes[: len(center)] == center
    assert {"tg", "fa", "ky", "uk"} <= set(codes[len(center) :])
    assert len(codes) == len(set(codes))


def test_application_creates_one_applicant_mails_them_and_stores_the_cv(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(APPLY, application(), HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 302
    assert response["Location"] == reverse("experts:applied")
    expert = Expert.objects.get()
    assert expert.status == Expert.Status.APPLICANT
    assert expert.full_name == "Арман Сейткали"
    assert expert.email == "arman@example.org"
    assert expert.correspondence_language == "ru"
    assert expert.consents
    assert expert.language_codes() == ["kk", "ru", "tg"]
    assert [topic.slug for topic in expert.expertise.all()] == ["labour-migration"]
    assert expert.cv_original_name == "cv.pdf"
    assert Path(expert.cv.path).read_bytes().startswith(b"%PDF")
    assert not expert.photo
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["arman@example.org"]
    assert ExpertMessage.objects.get().kind == ExpertMessage.Kind.RECEIVED
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "network office" in thanks.content.decode().lower()


def test_application_with_a_photo_stores_it(client):
    response = client.post(APPLY, application(photo=photo_jpeg()))
    assert response.status_code == 302
    expert = Expert.objects.get()
    assert expert.photo
    assert len(stored_files()) == 2


def test_application_in_an_unsupported_language_writes_in_the_default_one(client):
    client.post(APPLY, application(), HTTP_ACCEPT_LANGUAGE="fr")
    assert Expert.objects.get().correspondence_language == settings.LANGUAGE_CODE


def test_application_without_consent_stores_nothing_and_says_why_beside_the_box(client):
    response = client.post(APPLY, application(consent=None, photo=photo_jpeg()))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please give your consent" in error_beside(html, "consent")
    assert not Expert.objects.exists()
    assert stored_files() == []
    assert not mail.outbox


def test_application_without_consent_and_with_other_errors_says_all_at_once(client):
    response = client.post(APPLY, application(consent=None, email="not-an-address"))
    html = response.content.decode()
    assert "Please give your consent" in error_beside(html, "consent")
    assert error_beside(html, "email")
    assert not Expert.objects.exists()


def test_application_keeps_what_was_typed_and_asks_for_the_files_again(client):
    response = client.post(APPLY, application(consent=None, bio="Мой опыт\nвторая строка"))
    html = response.content.decode()
    assert 'value="Арман"' in html
    assert 'value="arman@example.org"' in html
    assert "Мой опыт\nвторая строка</textarea>" in html
    assert 'value="tg" id="id_languages_' in html
    form = response.context["form"]
    assert form["languages"].value() == ["ru", "kk", "tg"]
    assert form.other_languages_chosen  # the other languages' list shows open
    assert '<details class="mt-2" open>' in html
    assert html.count("please choose it again") == 2  # beside the CV and the photo


def test_application_with_a_taken_email_in_any_case_stores_nothing(client):
    ExpertFactory(email="Arman@Example.org", status=Expert.Status.DECLINED)
    before = stored_files()
    response = client.post(APPLY, application(email="ARMAN@example.ORG", photo=photo_jpeg()))
    assert response.status_code == 200
    assert "already exists" in error_beside(response.content.decode(), "email")
    assert Expert.objects.count() == 1
    assert stored_files() == before
    assert not mail.outbox


def xlsx_file() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return SimpleUploadedFile(
        "cv.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@pytest.mark.parametrize(
    "make_cv",
    [
        lambda: SimpleUploadedFile("cv.exe", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf"),
        lambda: SimpleUploadedFile(
            "cv.pdf", b"<html><body><script>alert(1)</script></body></html>", "application/pdf"
        ),
        lambda: SimpleUploadedFile("cv.pdf", b"", "application/pdf"),
        xlsx_file,
    ],
    ids=["exe", "html-named-pdf", "empty", "xlsx"],
)
def test_application_with_a_forbidden_cv_stores_nothing(client, make_cv):
    response = client.post(APPLY, application(cv=make_cv(), photo=photo_jpeg()))
    assert response.status_code == 200
    assert error_beside(response.content.decode(), "cv").strip()
    assert not Expert.objects.exists()
    assert stored_files() == []
    assert not mail.outbox


HOSTILE_CVS = {
    "zip-bomb": ("cv.docx", lambda: hostile.docx_bomb(26, copies=42), "zip bomb"),
    "pdf-html-polyglot": ("cv.pdf", hostile.pdf_html_polyglot, "web page markup"),
    "macros": ("cv.docx", hostile.docx_with_macros, "macros"),
    "embedded-exe": ("cv.docx", hostile.docx_with_embedded_exe, "embedded programs"),
    "external-template": ("cv.docx", hostile.docx_with_external_template, "from elsewhere"),
    "alt-chunk": ("cv.docx", hostile.docx_with_alt_chunk, "imported HTML"),
}


@pytest.mark.parametrize("kind", HOSTILE_CVS)
def test_application_with_a_hostile_cv_is_refused_beside_the_field_and_stores_nothing(client, kind):
    name, build, message = HOSTILE_CVS[kind]
    upload = SimpleUploadedFile(name, build(), "application/octet-stream")
    response = client.post(APPLY, application(cv=upload, photo=photo_jpeg()))
    assert response.status_code == 200
    assert message in error_beside(response.content.decode(), "cv")
    assert not Expert.objects.exists()
    assert stored_files() == []
    assert not mail.outbox


def test_application_with_an_ordinary_docx_cv_is_accepted(client):
    upload = SimpleUploadedFile("cv.docx", hostile.plain_docx(), "application/octet-stream")
    response = client.post(APPLY, application(cv=upload))
    assert response.status_code == 302
    assert Expert.objects.get().cv_original_name == "cv.docx"


def test_application_without_a_cv_is_refused_beside_the_field(client):
    response = client.post(APPLY, application(cv=None))
    assert "Please attach your CV." in error_beside(response.content.decode(), "cv")
    assert not Expert.objects.exists()


@pytest.mark.parametrize(
    "make_photo",
    [
        lambda: SimpleUploadedFile("photo.jpg", b"not an image at all", "image/jpeg"),
        lambda: SimpleUploadedFile("photo.png", b"<svg onload=alert(1)></svg>", "image/png"),
        lambda: cv_pdf(),
    ],
    ids=["garbage", "svg", "pdf"],
)
def test_application_with_a_bad_photo_stores_nothing(client, make_photo):
    response = client.post(APPLY, application(photo=make_photo()))
    assert response.status_code == 200
    assert "JPEG, PNG or WebP" in error_beside(response.content.decode(), "photo")
    assert not Expert.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"expertise": []}, "expertise", "Choose at least one area of expertise."),
        ({"languages": []}, "languages", "Choose at least one language"),
        ({"languages": ["ru", "xx"]}, "languages", "Select a valid choice"),
        ({"phone": "call me maybe"}, "phone", "digits only"),
        ({"given_name": "R2D2"}, "given_name", "without digits"),
        ({"family_name": "<b>Bold</b>"}, "family_name", "without digits"),
        ({"country": "XX"}, "country", "Select a valid choice"),
        ({"bio": ""}, "bio", "required"),
        ({"bio": "x" * 5001}, "bio", "at most 5000"),
    ],
)
def test_application_refuses_bad_fields_beside_them(client, overrides, field, message):
    response = client.post(APPLY, application(**overrides))
    assert response.status_code == 200
    assert message in error_beside(response.content.decode(), field)
    assert not Expert.objects.exists()
    assert stored_files() == []


NAMES = [
    ("Гульнара", "Абдуллаева"),  # Cyrillic
    ("ليلى", "الحداد"),  # Arabic
    ("ნინო", "ბერიძე"),  # Georgian
    ("Անի", "Հովհաննիսյան"),  # Armenian
    ("Ləman", "Məmmədova"),  # Azerbaijani ə
]


@pytest.mark.parametrize(("given", "family"), NAMES)
def test_names_in_any_script_survive_to_the_public_profile(client, given, family):
    response = client.post(APPLY, application(given_name=given, family_name=family))
    assert response.status_code == 302
    expert = Expert.objects.get()
    assert (expert.given_name, expert.family_name) == (given, family)
    assert expert.slug
    assert expert.slug.isascii()
    assert client.get(expert.get_absolute_url()).status_code == 404  # not yet approved
    services.expert_approve(expert=expert, actor=network_officer_user())
    html = client.get(expert.get_absolute_url()).content.decode()
    assert f"{given} {family}" in html
    assert family in client.get(DIRECTORY, {"q": family}).content.decode()


def test_applications_are_rate_limited_per_client(client, settings):
    settings.RTCM_EXPERT_APPLY_RATE_PER_HOUR = 2
    for number in range(2):
        response = client.post(APPLY, application(email=f"person{number}@example.org"))
        assert response.status_code == 302
    response = client.post(APPLY, application(email="third@example.org"))
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many applications" in html
    assert 'value="third@example.org"' in html
    assert Expert.objects.count() == 2
    other = client.post(APPLY, application(email="fourth@example.org"), REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 302


def test_application_form_checks_no_rule_of_the_service():
    """Consent is the service's rule: the form alone accepts an application without it."""
    data = application(consent=None)
    files = {"cv": data.pop("cv")}
    form = ApplicationForm(data, files)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["consent"] is False


def test_a_validation_error_of_the_service_is_shown_beside_its_field_or_on_top():
    form = ApplicationForm({})
    form.is_valid()
    add_domain_error(form, ValidationError({"email": ["Bad address."], "slug": ["Taken."]}))
    add_domain_error(form, ValidationError("Something else."))
    assert "Bad address." in form.errors["email"]
    assert form.non_field_errors() == ["Taken.", "Something else."]


def test_applied_page_explains_the_next_steps(client):
    response = client.get(reverse("experts:applied"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Thank you for applying" in html
    assert "reviews your application" in html
    assert "e-mail" in html


# --- consent, by the link in the e-mails ----------------------------------------------


def consent_url(expert: Expert) -> str:
    return reverse("experts:consent", kwargs={"token": consent_token(expert)})


@pytest.mark.parametrize(
    "token", ["nonsense", "MQ:1tXyz:abcdefghijklmnopqrstuvwxyz", "eJwzBAAAMgAy:bad:sig"]
)
def test_consent_page_of_a_bad_token_is_404(client, token):
    url = reverse("experts:consent", kwargs={"token": token})
    assert client.get(url).status_code == 404
    assert client.post(url, {"consent": "withdraw"}).status_code == 404


def test_consent_page_of_a_deleted_expert_is_404(client):
    expert = ExpertFactory()
    url = consent_url(expert)
    expert.delete()
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("status", "consenting", "says", "button"),
    [
        ("active", True, "Your profile is public", "withdraw"),
        ("active", False, "Your profile is not public: it is not shown", "give"),
        ("applicant", True, "once your application is accepted", "withdraw"),
        ("applicant", False, "even once your application is accepted", "give"),
        ("inactive", True, "while your membership is paused", "withdraw"),
        ("declined", False, "no profile is shown", None),
    ],
)
def test_consent_page_shows_the_current_state(client, status, consenting, says, button):
    expert = ExpertFactory(
        status=status, public_profile_consent_at=timezone.now() if consenting else None
    )
    response = client.get(consent_url(expert))
    assert response.status_code == 200
    html = response.content.decode()
    assert says in html
    assert expert.full_name in html
    buttons = [value for value in ("give", "withdraw") if f'value="{value}"' in html]
    assert buttons == ([button] if button else [])
    assert ("See your profile" in html) == (status == "active" and consenting)


def test_withdrawing_consent_hides_the_profile_everywhere_at_once(client, network):
    expert = network["public"]
    url = consent_url(expert)
    assert client.get(expert.get_absolute_url()).status_code == 200
    response = client.post(url, {"consent": "withdraw"})
    assert response.status_code == 302
    assert response["Location"] == url
    page = client.get(url).content.decode()
    assert "Your consent is withdrawn" in page
    assert "Your profile is not public" in page
    expert.refresh_from_db()
    assert expert.public_profile_consent_at is None
    assert expert.public_profile_consent_withdrawn_at is not None
    assert client.get(expert.get_absolute_url()).status_code == 404
    assert "Садыкова" not in client.get(DIRECTORY).content.decode()
    assert listed(client.get(DIRECTORY, {"q": "Гульнара"})) == set()
    assert "Садыкова" not in client.get(export_url("csv")).content.decode("utf-8-sig")
    assert len(xlsx_rows(client.get(export_url("xlsx")))) == 1  # the header alone


def test_giving_consent_again_shows_the_profile(client):
    expert = ExpertFactory(public_profile_consent_at=None)
    assert client.get(expert.get_absolute_url()).status_code == 404
    response = client.post(consent_url(expert), {"consent": "give"}, follow=True)
    assert "your profile is now public" in response.content.decode()
    assert client.get(expert.get_absolute_url()).status_code == 200


def test_consent_page_refuses_an_unknown_choice_and_changes_nothing(client, network):
    expert = network["public"]
    response = client.post(consent_url(expert), {"consent": "maybe"})
    assert response.status_code == 400
    expert.refresh_from_db()
    assert expert.is_public


@pytest.mark.parametrize("method", ["get", "post"])
def test_consent_page_is_never_cached_indexed_or_referred(client, network, method):
    expert = network["public"]
    url = consent_url(expert)
    response = getattr(client, method)(url, {"consent": "withdraw"} if method == "post" else {})
    assert "no-store" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]
    assert response["X-Robots-Tag"].startswith("noindex")
    assert response["Referrer-Policy"] == "no-referrer"


def test_consent_page_links_nowhere_outside_the_site(client, network):
    html = client.get(consent_url(network["public"])).content.decode()
    assert 'href="http' not in html
    assert 'src="http' not in html
    assert 'action="http' not in html


# --- all pages ------------------------------------------------------------------------


def test_pages_read_right_to_left_in_arabic(client, network):
    expert = with_photo(network["public"])
    urls = [
        DIRECTORY,
        expert.get_absolute_url(),
        APPLY,
        reverse("experts:applied"),
        consent_url(expert),
    ]
    for url in urls:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="ar")
        assert response.status_code == 200, url
        html = response.content.decode()
        assert '<html lang="ar" dir="rtl">' in html
        assert "bootstrap.rtl" in html
        for physical in (" ml-", " mr-", "text-left", "text-right", "float-left"):
            assert physical not in html, (url, physical)


def test_language_names_are_in_the_visitors_language(client, network):
    expert = network["public"]
    for url in (DIRECTORY, expert.get_absolute_url(), APPLY):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
        assert "Русский" in html, url
        assert "Russian" not in html, url
