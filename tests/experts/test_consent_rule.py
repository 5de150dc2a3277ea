"""The consent rule, across the whole site.

A profile is public only while its expert is active *and* consents. Anyone
else — an applicant, a declined, an inactive expert, an active one who never
consented or withdrew — appears in no public page, search, export, feed or
API response; withdrawing takes effect at once.
"""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from experts import services
from experts.models import Expert
from tests.factories import ExpertFactory, SessionFactory, TopicFactory, TrainingFactory

pytestmark = pytest.mark.django_db

HIDDEN = {
    "applicant": {"status": Expert.Status.APPLICANT},
    "declined": {"status": Expert.Status.DECLINED},
    "inactive": {"status": Expert.Status.INACTIVE},
    "never consented": {"public_profile_consent_at": None},
}


@pytest.fixture
def topic():
    return TopicFactory(slug="readmission", name="Readmission")


def make_expert(topic, family_name: str, **kwargs) -> Expert:
    return ExpertFactory(
        given_name="Zarina",
        family_name=family_name,
        email=f"{family_name.lower()}@hidden.example.org",
        phone="+998 71 000 11 22",
        organisation="Zarafshon Institute",
        bio="Readmission casework.",
        country="UZ",
        topics=[topic],
        languages=["ru", "uz"],
        **kwargs,
    )


def public_texts(client, expert: Expert) -> dict[str, str]:
    """Every public read that could show an expert, as text."""
    texts = {}
    directory_urls = {
        "directory": reverse("experts:directory"),
        # Searches that match both experts: the page echoes the words searched for.
        "search by name": reverse("experts:directory") + "?q=zarina",
        "search by organisation": reverse("experts:directory") + "?q=Zarafshon",
        "search by bio": reverse("experts:directory") + "?q=casework",
        "filter by topic": reverse("experts:directory") + "?topic=readmission",
        "filter by region": reverse("experts:directory") + "?region=central-asia",
        "filter by country": reverse("experts:directory") + "?country=UZ",
        "filter by language": reverse("experts:directory") + "?language=uz",
        "API list": "/api/v1/experts/",
        "API search": "/api/v1/experts/?q=ZARINA",
        "API filter": "/api/v1/experts/?topic=readmission&language=uz&country=UZ",
        "CSV export": reverse("experts:export", kwargs={"fmt": "csv"}),
    }
    for label, url in directory_urls.items():
        response = client.get(url)
        assert response.status_code == 200, (label, response.status_code)
        texts[label] = response.content.decode("utf-8-sig")
    xlsx = client.get(reverse("experts:export", kwargs={"fmt": "xlsx"}))
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx.content), read_only=True)
    texts["XLSX export"] = " ".join(
        str(value) for row in workbook.active.iter_rows(values_only=True) for value in row
    )
    for label, url in {
        "profile": expert.get_absolute_url(),
        "photo": reverse("experts:photo", kwargs={"slug": expert.slug}),
        "API retrieve": f"/api/v1/experts/{expert.slug}/",
    }.items():
        response = client.get(url)
        texts[label] = str(response.status_code)
    return texts


def test_a_public_expert_is_everywhere_public(anonymous_client, topic):
    expert = make_expert(topic, "Visible")

    texts = public_texts(anonymous_client, expert)

    for label in ("directory", "search by name", "search by organisation", "search by bio"):
        assert "Visible" in texts[label], label
    for label in ("filter by topic", "filter by region", "filter by country"):
        assert "Visible" in texts[label], label
    for label in ("filter by language", "API list", "API search", "API filter"):
        assert "Visible" in texts[label], label
    assert "Visible" in texts["CSV export"]
    assert "Visible" in texts["XLSX export"]
    assert texts["profile"] == "200"
    assert texts["API retrieve"] == "200"
    # …but never the e-mail or the phone.
    for label, text in texts.items():
        assert "hidden.example.org" not in text, label
        assert "000 11 22" not in text, label


@pytest.mark.parametrize("state", list(HIDDEN))
def test_a_non_public_expert_is_nowhere(anonymous_client, topic, state):
    make_expert(topic, "Visible")  # so that empty results are not what makes it pass
    expert = make_expert(topic, "Hiddenova", **HIDDEN[state])

    texts = public_texts(anonymous_client, expert)

    for label, text in texts.items():
        if label in ("profile", "photo", "API retrieve"):
            assert text == "404", label
        else:
            assert "Hiddenova" not in text, label
    assert "Visible" in texts["directory"]


def test_withdrawn_consent_removes_the_profile_at_once(anonymous_client, topic):
    expert = make_expert(topic, "Withdrawn")
    assert "Withdrawn" in public_texts(anonymous_client, expert)["directory"]

    services.expert_set_consent(expert=expert, consent=False)

    texts = public_texts(anonymous_client, expert)
    for label, text in texts.items():
        if label in ("profile", "photo", "API retrieve"):
            assert text == "404", label
        else:
            assert "Withdrawn" not in text, label


def test_staff_do_not_widen_the_public_reads(network_officer_client, topic):
    # The public directory and API are the public's, whoever looks.
    expert = make_expert(topic, "Hiddenova", status=Expert.Status.APPLICANT)
    texts = public_texts(network_officer_client, expert)
    assert "Hiddenova" not in texts["directory"]
    assert "Hiddenova" not in texts["API list"]
    assert texts["API retrieve"] == "404"


# --- trainers on public training pages, feeds and the API ----------------------------


@pytest.mark.parametrize("state", [*HIDDEN, "withdrawn"])
def test_training_pages_name_only_public_trainers(anonymous_client, topic, state):
    training = TrainingFactory(status="open")
    session = SessionFactory(training=training)
    public = make_expert(topic, "Visible")
    if state == "withdrawn":
        hidden = make_expert(topic, "Hiddenova")
        session.trainers.add(public, hidden)
        services.expert_set_consent(expert=hidden, consent=False)
    else:
        hidden = make_expert(topic, "Hiddenova", **HIDDEN[state])
        session.trainers.add(public, hidden)

    page = anonymous_client.get(training.get_absolute_url()).content.decode()
    api_detail = anonymous_client.get(f"/api/v1/trainings/{training.slug}/").content.decode()
    api_sessions = anonymous_client.get(
        f"/api/v1/sessions/?training={training.slug}"
    ).content.decode()
    feed = anonymous_client.get(reverse("courses:catalogue_calendar")).content.decode()

    assert public.get_absolute_url() in page  # a public trainer links to the profile
    for label, text in {
        "page": page,
        "API detail": api_detail,
        "API sessions": api_sessions,
        "feed": feed,
    }.items():
        assert "Visible" in text, label
        assert "Hiddenova" not in text, label


def test_the_public_export_has_no_contact_columns(anonymous_client, topic):
    make_expert(topic, "Visible")
    response = anonymous_client.get(reverse("experts:export", kwargs={"fmt": "csv"}))
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert "E-mail" not in header
    assert "Phone" not in header
    assert "Staff notes" not in header
