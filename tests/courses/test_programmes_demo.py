"""The demo's programmes over the seeded demo: every demo training gets one, the pages
show them, and a second run changes nothing."""

import pytest
from django.urls import reverse

from courses.models import Organisation, Programme, Training
from rtcm.demo.programmes import PROGRAMMES, seed_programmes
from tests.demo.seeding import demo_fixture

_demo_database, seeded = demo_fixture(size=40)

pytestmark = pytest.mark.django_db


def test_the_demo_trainings_are_shared_among_the_demo_programmes(seeded, client):
    # seed_demo seeds the programmes (four organisations, three programmes) itself.
    assert seeded.created.programmes == 7
    assert Training.objects.exists()
    assert not Training.objects.filter(programme__isnull=True).exists()
    for demo in PROGRAMMES:
        programme = Programme.objects.get(slug=demo.slug)
        assert programme.trainings.exists(), demo.slug
        page = client.get(programme.get_absolute_url())
        assert page.status_code == 200
        assert page.context["upcoming"] or page.context["past"]
    training = Training.objects.filter(status="open", programme__slug=PROGRAMMES[0].slug).first()
    html = client.get(training.get_absolute_url()).content.decode()
    assert "Supported by" in html
    assert 'alt="European Union"' in html
    logo = reverse("programmes:logo", args=[PROGRAMMES[0].slug, "european-union"])
    response = client.get(logo)
    assert response.status_code == 200
    b"".join(response.streaming_content)  # to the end: the test client then closes it
    assert client.get(reverse("programmes:list")).status_code == 200
    before = list(Training.objects.order_by("pk").values_list("pk", "programme_id"))
    assert seed_programmes() == 0
    assert list(Training.objects.order_by("pk").values_list("pk", "programme_id")) == before
    assert Organisation.objects.count() == 4
