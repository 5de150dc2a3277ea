"""Programmes in public (list, page, the training page's programme and donors), in the
admin (logos checked by content, slugs, indicators) and in the demo."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from courses.context_processors import header_partners_prime
from courses.models import Indicator, Organisation, Programme, ProgrammeOrganisation, Training
from courses.services import LOGO_BOX, logo_on_canvas
from rtcm.core.roles import COMMUNICATIONS, COORDINATOR, MANAGER
from rtcm.demo.programmes import seed_programmes
from tests.courses.programme_factories import (
    IndicatorFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ProgrammeOrganisationFactory,
)
from tests.factories import ExpertFactory, SessionFactory, TrainingFactory, staff_user
from tests.hostile_files import pdf_html_polyglot, plain_pdf

pytestmark = pytest.mark.django_db


def organisations_saved() -> None:
    """Saving an organisation drops the header's cached partners (none here): pinned
    counts measure the page, not that read."""
    header_partners_prime()


def png_bytes(size=(300, 300), colour="navy") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def with_logo(organisation: Organisation) -> Organisation:
    organisation.logo.save("logo.png", logo_on_canvas(png_bytes()), save=True)
    return organisation


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def programme():
    """A published programme with a donor (with a logo), a partner and a host."""
    programme = ProgrammeFactory(
        title="Migration School",
        slug="migration-school",
        summary="For young people",
        description="Lectures and **study visits**.",
        grant_code="GRANT-SECRET-42",
        start_date=days(-100),
        end_date=days(300),
    )
    donor = with_logo(OrganisationFactory(name="European Union", slug="eu"))
    partner = OrganisationFactory(name="IOM", slug="iom")
    host = OrganisationFactory(name="State Migration Service", slug="sms")
    ProgrammeOrganisationFactory(programme=programme, organisation=donor, role="donor")
    ProgrammeOrganisationFactory(programme=programme, organisation=partner, role="implementing")
    ProgrammeOrganisationFactory(programme=programme, organisation=host, role="host")
    return programme


# --- the list ----------------------------------------------------------------------


def test_the_list_shows_only_published_programmes_with_their_partners(client, programme):
    ProgrammeFactory(title="Unannounced project", is_published=False)
    TrainingFactory(programme=programme)
    TrainingFactory(programme=programme, status="draft")  # not public: not counted
    TrainingFactory(programme=programme, status="cancelled")  # called off: not counted
    response = client.get(reverse("programmes:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Migration School" in html
    assert "Unannounced project" not in html
    assert "European Union" in html
    assert "IOM" in html
    [shown] = response.context["programmes"]
    assert shown.training_count == 1
    assert [o.name for o in shown.donors] == ["European Union"]
    assert [o.name for o in shown.partners] == ["IOM"]
    assert "GRANT-SECRET-42" not in html


def test_the_list_query_count_is_pinned(client, django_assert_num_queries):
    def add_programme():
        programme = ProgrammeFactory()
        ProgrammeOrganisationFactory(programme=programme, role="donor")
        ProgrammeOrganisationFactory(programme=programme, role="implementing")
        TrainingFactory(programme=programme)

    add_programme()
    url = reverse("programmes:list")
    # programmes with their training counts, their organisations
    organisations_saved()
    with django_assert_num_queries(2):
        client.get(url)
    for _ in range(5):
        add_programme()
    organisations_saved()
    with django_assert_num_queries(2):
        assert len(client.get(url).context["programmes"]) == 6


# --- a programme's page ------------------------------------------------------------


def test_an_unpublished_programme_is_404_for_the_public_but_previewed_by_staff(client):
    hidden = ProgrammeFactory(is_published=False)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(reverse("programmes:detail", args=["no-such"])).status_code == 404
    client.force_login(staff_user("manager", roles=(MANAGER,)))
    response = client.get(hidden.get_absolute_url())
    assert response.status_code == 200
    assert "only staff see this page" in response.content.decode()


def test_the_page_shows_partners_donors_logos_and_trainings(client, programme):
    upcoming = TrainingFactory(programme=programme, title="Season two")
    past = TrainingFactory(
        programme=programme,
        title="Season one",
        start_date=days(-60),
        end_date=days(-58),
        status="completed",
    )
    TrainingFactory(programme=programme, title="Draft season", status="draft")
    TrainingFactory(title="Someone else's training")
    IndicatorFactory(programme=programme, name="Young people trained", target=150)
    response = client.get(programme.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["upcoming"] == [upcoming]
    assert response.context["past"] == [past]
    assert f'href="{upcoming.get_absolute_url()}"' in html
    assert f'href="{past.get_absolute_url()}"' in html
    assert "Draft season" not in html
    assert "Someone else" not in html
    for heading in ("Donors", "Implementing partners", "Hosts"):
        assert heading in html
    for name in ("European Union", "IOM", "State Migration Service"):
        assert name in html
    logo = reverse("programmes:logo", args=[programme.slug, "eu"])
    assert f'<img src="{logo}" alt="European Union" width="160" height="80" loading="lazy"' in html
    assert "<strong>study visits</strong>" in html
    assert "Young people trained" in html
    assert "Target: 150" in html
    assert "GRANT-SECRET-42" not in html
    assert 'property="og:title" content="Migration School"' in html
    assert 'property="og:description" content="For young people"' in html


def test_a_script_in_the_description_never_reaches_the_page(client):
    programme = ProgrammeFactory(
        description=(
            "Hello <script>alert('x')</script> [click](javascript:alert(1)) "
            '<img src=x onerror="alert(2)"> <iframe src="https://evil.example"></iframe>'
        )
    )
    html = client.get(programme.get_absolute_url()).content.decode()
    assert "Hello" in html
    assert "alert(" not in html
    assert "javascript:" not in html
    assert "onerror" not in html
    assert "<iframe" not in html


def test_the_page_query_count_is_pinned(client, programme, django_assert_num_queries):
    for _ in range(2):
        TrainingFactory(programme=programme)
        IndicatorFactory(programme=programme)
    # programme, its organisations, its indicators, its trainings
    organisations_saved()
    with django_assert_num_queries(4):
        client.get(programme.get_absolute_url())
    for _ in range(5):
        TrainingFactory(programme=programme)
        IndicatorFactory(programme=programme)
        ProgrammeOrganisationFactory(programme=programme, role="donor")
    organisations_saved()
    with django_assert_num_queries(4):
        client.get(programme.get_absolute_url())


def test_a_logo_is_served_as_png_only_for_a_published_programme(client, programme):
    response = client.get(reverse("programmes:logo", args=[programme.slug, "eu"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as image:
        assert image.size == LOGO_BOX
    # An organisation without a logo, one not in the programme, an unpublished programme.
    assert client.get(reverse("programmes:logo", args=[programme.slug, "iom"])).status_code == 404
    other = with_logo(OrganisationFactory(slug="other"))
    assert client.get(reverse("programmes:logo", args=[programme.slug, "other"])).status_code == 404
    hidden = ProgrammeFactory(is_published=False)
    ProgrammeOrganisationFactory(programme=hidden, organisation=other)
    assert client.get(reverse("programmes:logo", args=[hidden.slug, "other"])).status_code == 404


# --- the training page -------------------------------------------------------------


def test_the_training_page_names_its_programme_and_donors(client, programme):
    training = TrainingFactory(programme=programme)
    html = client.get(training.get_absolute_url()).content.decode()
    assert f'<a href="{programme.get_absolute_url()}" dir="auto">Migration School</a>' in html
    assert "Supported by" in html
    logo = reverse("programmes:logo", args=[programme.slug, "eu"])
    assert f'<img src="{logo}" alt="European Union"' in html
    assert "IOM" not in html  # a partner, not a donor


def test_a_training_of_an_unpublished_programme_names_neither(client):
    hidden = ProgrammeFactory(title="Unannounced project", is_published=False)
    ProgrammeOrganisationFactory(programme=hidden, role="donor")
    training = TrainingFactory(programme=hidden)
    html = client.get(training.get_absolute_url()).content.decode()
    assert "Unannounced project" not in html
    assert "Supported by" not in html


def test_a_programme_costs_the_training_page_one_query(
    client, programme, django_assert_num_queries
):
    training = TrainingFactory(programme=programme)
    without = TrainingFactory()
    for each in (training, without):
        SessionFactory(training=each).trainers.add(ExpertFactory())
    organisations_saved()
    # training (with its programme), regions, modules, sessions, trainers; and the donors
    with django_assert_num_queries(6):
        client.get(training.get_absolute_url())
    with django_assert_num_queries(5):
        client.get(without.get_absolute_url())


# --- the admin ---------------------------------------------------------------------


@pytest.fixture
def manager_client(client):
    client.force_login(staff_user("manager", roles=(MANAGER,)))
    return client


def organisation_form(**overrides) -> dict:
    data = {
        "name_en": "Council of Europe",
        "short_name_en": "CoE",
        "slug": "",
        "kind": "international",
        "country": "FR",
        "website": "https://www.coe.int/",
        "position": "0",
    }
    return {**data, **overrides}


def test_a_logo_is_stored_re_encoded_on_the_box_and_the_slug_made(manager_client):
    upload = SimpleUploadedFile("../coe.jpg", png_bytes((1200, 300)), content_type="image/jpeg")
    response = manager_client.post(
        reverse("admin:courses_organisation_add"), {**organisation_form(), "logo": upload}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    organisation = Organisation.objects.get()
    assert organisation.slug == "council-of-europe"
    assert organisation.logo.name.startswith("logos/")
    assert organisation.logo.name.endswith(".png")
    with organisation.logo.open("rb") as handle, Image.open(handle) as stored:
        assert stored.format == "PNG"
        assert stored.size == LOGO_BOX


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("logo.svg", SVG_WITH_SCRIPT),
        ("logo.png", SVG_WITH_SCRIPT),
        ("logo.png", b"<html><script>alert(1)</script></html>"),
        ("logo.png", plain_pdf()),
        ("logo.png", pdf_html_polyglot()),
        ("logo.png", png_bytes()[:40]),  # a truncated image
    ],
)
def test_a_logo_that_is_not_an_image_is_refused_beside_the_field(manager_client, name, data):
    upload = SimpleUploadedFile(name, data, content_type="image/png")
    response = manager_client.post(
        reverse("admin:courses_organisation_add"), {**organisation_form(), "logo": upload}
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "The logo must be a PNG, JPEG, WebP or GIF image." in errors["logo"]
    assert not Organisation.objects.exists()


def test_the_communications_officer_edits_organisations_not_programmes(client):
    client.force_login(staff_user("comms", roles=(COMMUNICATIONS,)))
    assert client.get(reverse("admin:courses_organisation_add")).status_code == 200
    assert client.get(reverse("admin:courses_programme_add")).status_code == 403
    assert client.get(reverse("admin:courses_programme_changelist")).status_code == 200


def test_a_coordinator_views_programmes_only(client, programme):
    client.force_login(staff_user("coordinator", roles=(COORDINATOR,)))
    assert client.get(reverse("admin:courses_programme_changelist")).status_code == 200
    assert client.get(reverse("admin:courses_programme_add")).status_code == 403


def programme_form(**overrides) -> dict:
    data = {
        "title_en": "Border management series",
        "slug": "",
        "summary_en": "",
        "description_en": "",
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "grant_code": "EU-2026-1",
        "is_published": "on",
        "position": "0",
        "parts-TOTAL_FORMS": "1",
        "parts-INITIAL_FORMS": "0",
        "indicators-TOTAL_FORMS": "1",
        "indicators-INITIAL_FORMS": "0",
    }
    return {**data, **overrides}


def test_a_programme_is_written_with_partners_and_indicators(manager_client):
    donor = OrganisationFactory(name="European Union")
    ProgrammeFactory(slug="border-management-series")  # the slug is taken
    response = manager_client.post(
        reverse("admin:courses_programme_add"),
        programme_form(
            **{
                "parts-0-organisation": donor.pk,
                "parts-0-role": "donor",
                "parts-0-position": "0",
                "indicators-0-position": "0",
                "indicators-0-name_en": "Officers trained",
                "indicators-0-metric": "participants",
                "indicators-0-target": "200",
            }
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    programme = Programme.objects.get(grant_code="EU-2026-1")
    assert programme.slug == "border-management-series-2"
    assert programme.parts.get().organisation == donor
    assert programme.indicators.get().name == "Officers trained"


def test_an_indicator_counted_from_records_refuses_an_achieved_value(manager_client):
    response = manager_client.post(
        reverse("admin:courses_programme_add"),
        programme_form(
            **{
                "parts-TOTAL_FORMS": "0",
                "indicators-0-position": "0",
                "indicators-0-name_en": "Officers trained",
                "indicators-0-metric": "participants",
                "indicators-0-target": "200",
                "indicators-0-achieved_manual": "150",
            }
        ),
    )
    assert response.status_code == 200
    assert "counted from the records" in response.content.decode()
    assert not Programme.objects.exists()


def test_a_training_takes_a_programme_in_the_admin(admin_client, programme):
    training = TrainingFactory()
    page = admin_client.get(reverse("admin:courses_training_change", args=[training.pk]))
    assert 'name="programme"' in page.content.decode()
    changelist = admin_client.get(reverse("admin:courses_training_changelist"))
    assert "programme__id__exact" in changelist.content.decode()


def test_the_staff_training_form_offers_the_programmes(admin_client, programme):
    page = admin_client.get(reverse("staff:training_create")).content.decode()
    assert 'name="programme"' in page
    assert "Migration School" in page


# --- the demo ----------------------------------------------------------------------


def test_the_demo_programmes_are_seeded_once_and_share_the_trainings():
    for index in range(12):
        TrainingFactory(start_date=days(index), end_date=days(index))
    staffs_choice = ProgrammeFactory(title="Chosen by staff")
    kept = TrainingFactory(programme=staffs_choice)

    assert seed_programmes() == 7  # four organisations, three programmes
    assert Programme.objects.count() == 4
    assert ProgrammeOrganisation.objects.count() == 7
    assert Indicator.objects.filter(metric="manual", achieved_manual__isnull=True).count() == 0
    assert not Training.objects.filter(programme__isnull=True).exists()
    kept.refresh_from_db()
    assert kept.programme == staffs_choice
    counts = {
        programme.slug: programme.trainings.count()
        for programme in Programme.objects.exclude(pk=staffs_choice.pk)
    }
    assert counts == {
        "establishment-of-the-rtcm": 5,
        "migration-school": 2,
        "protection-of-vulnerable-migrants": 5,
    }
    for organisation in Organisation.objects.all():
        with organisation.logo.open("rb") as handle, Image.open(handle) as logo:
            assert logo.size == LOGO_BOX
    assert seed_programmes() == 0
    assert Programme.objects.count() == 4
    assert Organisation.objects.count() == 4
