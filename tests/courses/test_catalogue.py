"""The public catalogue, training page and home page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ExpertFactory,
    ModuleFactory,
    RegistrationFactory,
    SessionFactory,
    TopicFactory,
    TrainingFactory,
)

pytestmark = pytest.mark.django_db


def titles(response):
    return [t.title for t in response.context["page"].object_list]


def test_catalogue_lists_public_upcoming_trainings_only(client):
    TrainingFactory(title="Open one")
    TrainingFactory(title="Draft one", status="draft")
    past_start = timezone.localdate() - dt.timedelta(days=60)
    TrainingFactory(
        title="Past one", status="completed", start_date=past_start, end_date=past_start
    )
    response = client.get(reverse("courses:training_list"))
    assert titles(response) == ["Open one"]
    past = client.get(reverse("courses:training_list"), {"past": "on"})
    assert titles(past) == ["Past one"]


def test_catalogue_filters_by_topic_region_format_and_month(client):
    from rtcm.core.models import Region

    topic = TopicFactory(slug="labour-migration")
    module = ModuleFactory(topic=topic)
    start = timezone.localdate() + dt.timedelta(days=40)
    a = TrainingFactory(
        title="A", format="online", online_url="https://meet.example.org/a", venue_city=""
    )
    a.modules.add(module)
    a.target_regions.add(Region.objects.get(code="central-asia"))
    b = TrainingFactory(
        title="B", start_date=start + dt.timedelta(days=70), end_date=start + dt.timedelta(days=71)
    )
    b.target_regions.add(Region.objects.get(code="middle-east"))
    url = reverse("courses:training_list")
    assert titles(client.get(url, {"topic": "labour-migration"})) == ["A"]
    assert titles(client.get(url, {"region": "middle-east"})) == ["B"]
    assert titles(client.get(url, {"format": "online"})) == ["A"]
    assert titles(client.get(url, {"month": b.start_date.strftime("%Y-%m")})) == ["B"]


def test_the_page_and_the_api_filter_the_catalogue_alike(client):
    """One FilterSet (``courses.filters.TrainingFilter``) serves both, same parameters."""
    topic = TopicFactory(slug="border-management")
    online = TrainingFactory(
        title="Online", format="online", online_url="https://meet.example.org/a", venue_city=""
    )
    online.modules.add(ModuleFactory(topic=topic))
    TrainingFactory(title="In person")
    past_start = timezone.localdate() - dt.timedelta(days=60)
    TrainingFactory(title="Past", status="completed", start_date=past_start, end_date=past_start)
    url = reverse("courses:training_list")
    for params, expected in [
        ({"topic": "border-management"}, ["Online"]),
        ({"format": "online", "q": "onl"}, ["Online"]),
        ({"past": "true"}, ["Past"]),
    ]:
        api = client.get("/api/v1/trainings/", params).json()["results"]
        assert [training["title"] for training in api] == expected
        assert titles(client.get(url, params)) == expected
    # Without ``past`` the API lists every public training, the page the coming ones.
    assert len(client.get("/api/v1/trainings/").json()["results"]) == 3
    assert titles(client.get(url)) == ["In person", "Online"]
    # A bad value: dropped on the page, a 400 naming it in the API.
    assert client.get("/api/v1/trainings/", {"topic": "nope"}).json().keys() >= {"topic"}


def test_bad_filter_value_is_ignored_with_a_message(client):
    TrainingFactory(title="A")
    response = client.get(reverse("courses:training_list"), {"month": "soon", "topic": "nope"})
    assert response.status_code == 200
    assert titles(response) == ["A"]
    assert "is-invalid" in response.content.decode()


def test_catalogue_query_count_is_constant(client, django_assert_num_queries):
    for _ in range(3):
        training = TrainingFactory()
        training.modules.add(ModuleFactory())
        RegistrationFactory(training=training)
    url = reverse("courses:training_list")
    # count, page, regions prefetch, modules prefetch, topics and regions for the form
    with django_assert_num_queries(6):
        client.get(url)
    for _ in range(10):
        training = TrainingFactory()
        training.modules.add(ModuleFactory())
        RegistrationFactory(training=training)
    with django_assert_num_queries(6):
        client.get(url)


def test_training_page_shows_agenda_trainers_and_seats_left(client):
    training = TrainingFactory(capacity=3)
    session = SessionFactory(training=training, title="Return and reintegration")
    session.trainers.add(ExpertFactory(given_name="ნინო", family_name="ბერიძე"))
    RegistrationFactory(training=training)
    RegistrationFactory(training=training, status="waitlisted")  # does not take a seat
    RegistrationFactory(training=training, status="cancelled")
    page = client.get(training.get_absolute_url()).content.decode()
    assert "Return and reintegration" in page
    assert "ნინო ბერიძე" in page
    assert "2 of 3 seats left" in page


def test_training_page_query_count_is_constant(client, django_assert_num_queries):
    training = TrainingFactory()
    for _ in range(4):
        SessionFactory(training=training).trainers.add(ExpertFactory(), ExpertFactory())
        RegistrationFactory(training=training)
    # training, regions, modules, sessions, trainers
    with django_assert_num_queries(5):
        client.get(training.get_absolute_url())


def test_draft_training_page_is_404_for_the_public_but_previewable_by_staff(client, admin_client):
    training = TrainingFactory(status="draft")
    assert client.get(training.get_absolute_url()).status_code == 404
    assert admin_client.get(training.get_absolute_url()).status_code == 200


def test_home_shows_upcoming_trainings_and_totals(client):
    TrainingFactory(title="Border management basics")
    TrainingFactory(title="Called off", status="cancelled")
    held_start = timezone.localdate() - dt.timedelta(days=30)
    held = TrainingFactory(status="completed", start_date=held_start, end_date=held_start)
    RegistrationFactory(training=held)
    RegistrationFactory(training=held, participant__nationality="GE")
    RegistrationFactory(training=held, status="cancelled")
    response = client.get(reverse("home"))
    assert "Border management basics" in response.content.decode()
    assert "Called off" not in response.content.decode()
    assert response.context["totals"] == {
        "trainings_held": 1,
        "participants_trained": 2,
        "countries": 2,
    }


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ru", "ltr"), ("ar", "rtl")])
def test_pages_carry_lang_and_dir_of_the_active_language(client, language, direction):
    client.cookies["django_language"] = language
    page = client.get(reverse("home")).content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in page
    if direction == "rtl":
        assert "bootstrap.rtl.min.css" in page


def test_full_training_card_says_waiting_list_open(client):
    training = TrainingFactory(title="Full one", capacity=1)
    RegistrationFactory(training=training)
    page = client.get(reverse("courses:training_list")).content.decode()
    assert "Full — waiting list open" in page
