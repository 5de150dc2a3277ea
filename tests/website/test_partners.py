"""The partners page: organisations of published programmes, by role, with their logos."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from tests.website.factories import (
    OrganisationFactory,
    ProgrammeFactory,
    ProgrammeOrganisationFactory,
)

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(out, format="PNG")
    return out.getvalue()


def test_partners_are_grouped_by_role_with_their_programmes(client):
    school = ProgrammeFactory(title="Migration School")
    project = ProgrammeFactory(title="Establishment project")
    hidden = ProgrammeFactory(title="Unannounced", is_published=False)
    eu = OrganisationFactory(name="European Union", website="https://eu.example.org/")
    iom = OrganisationFactory(name="IOM")
    secret = OrganisationFactory(name="Secret donor")
    ProgrammeOrganisationFactory(programme=school, organisation=eu, role="donor")
    ProgrammeOrganisationFactory(programme=project, organisation=eu, role="donor")
    ProgrammeOrganisationFactory(programme=project, organisation=iom, role="implementing")
    ProgrammeOrganisationFactory(programme=hidden, organisation=secret, role="donor")
    response = client.get(reverse("website:partners"))
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [group.role for group in groups] == ["donor", "implementing"]
    donors = groups[0].partners
    assert [partner.organisation.name for partner in donors] == ["European Union"]
    assert [p.title for p in donors[0].programmes] == ["Establishment project", "Migration School"]
    html = response.content.decode()
    assert '<a href="https://eu.example.org/" rel="noopener"' in html
    assert "Secret donor" not in html
    assert "Unannounced" not in html


def test_the_partners_query_count_is_pinned(client, django_assert_num_queries):
    url = reverse("website:partners")
    for _ in range(3):
        ProgrammeOrganisationFactory()
    client.get(url)  # the header's cached reads (menus, partners' logos) are warm
    with django_assert_num_queries(1):  # the programmes' organisations with their roles
        client.get(url)
    for _ in range(6):
        ProgrammeOrganisationFactory(role="host")
    client.get(url)
    with django_assert_num_queries(1):
        client.get(url)


def test_a_partners_logo_is_served_and_others_are_not(client):
    partner = OrganisationFactory(slug="iom")
    partner.logo.save("logo.png", ContentFile(png_bytes()))
    ProgrammeOrganisationFactory(organisation=partner)
    outsider = OrganisationFactory(slug="outsider")
    outsider.logo.save("logo.png", ContentFile(png_bytes()))
    response = client.get(reverse("website:partner_logo", args=["iom"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    b"".join(response.streaming_content)  # to the end: the test client then closes it
    assert client.get(reverse("website:partner_logo", args=["outsider"])).status_code == 404
    html = client.get(reverse("website:partners")).content.decode()
    assert reverse("website:partner_logo", args=["iom"]) in html


def test_a_header_organisations_logo_is_served(client):
    founder = OrganisationFactory(slug="ministry", show_in_header=True)
    founder.logo.save("logo.png", ContentFile(png_bytes()))
    response = client.get(reverse("website:partner_logo", args=["ministry"]))
    assert response.status_code == 200
    b"".join(response.streaming_content)  # to the end: the test client then closes it
