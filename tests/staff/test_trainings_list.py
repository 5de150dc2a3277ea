"""The coordinators' training list and a training's overview: who sees what, the figures,
the filters, and a constant number of queries."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.models import Training
from participants.models import Registration
from rtcm.core.roles import COORDINATOR, MANAGER
from tests.factories import (
    RegistrationFactory,
    SessionFactory,
    TrainingFactory,
    TrainingQuotaFactory,
    staff_user,
)

pytestmark = pytest.mark.django_db

LIST = "/staff/trainings/"
Status = Registration.Status


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def slugs_in(html: str) -> list[str]:
    return re.findall(r'data-training="([^"]+)"', html)


def figure(html: str, slug: str, name: str) -> str:
    card = html.split(f'data-training="{slug}"', 1)[1].split("</article>", 1)[0]
    return re.search(rf'data-figure="{name}">([^<]*)<', card).group(1)


@pytest.fixture
def coordinator():
    return staff_user("coordinator", roles=(COORDINATOR,))


def test_it_lists_the_coordinators_trainings_only(coordinator):
    mine = TrainingFactory(slug="mine", title="Mine")
    mine.coordinators.add(coordinator)
    TrainingFactory(slug="theirs", title="Theirs")
    response = client_for(coordinator).get(LIST)
    assert response.status_code == 200
    assert slugs_in(response.content.decode()) == ["mine"]
    assert reverse("staff:training_create") in response.content.decode()


def test_it_puts_the_persons_own_trainings_first_among_all_they_see():
    """A coordinator who also reads every training (a manager) sees their own first."""
    person = staff_user("both", roles=(COORDINATOR, MANAGER))
    today = timezone.localdate()
    TrainingFactory(slug="later", start_date=today + dt.timedelta(days=90))
    own = TrainingFactory(slug="own-earlier", start_date=today + dt.timedelta(days=5))
    own.coordinators.add(person)
    TrainingFactory(slug="past", start_date=today - dt.timedelta(days=40))
    html = client_for(person).get(LIST).content.decode()
    assert slugs_in(html) == ["own-earlier", "later", "past"]
    assert html.count('class="badge text-bg-primary mine"') == 1


def test_a_manager_sees_every_training_and_no_action_button():
    manager = staff_user("manager", roles=(MANAGER,))
    training = TrainingFactory(slug="draft-one", status=Training.Status.DRAFT)
    TrainingFactory(slug="other")
    html = client_for(manager).get(LIST).content.decode()
    assert sorted(slugs_in(html)) == ["draft-one", "other"]
    assert "create-link" not in html
    detail = client_for(manager).get(reverse("staff:training_detail", args=[training.slug]))
    assert detail.status_code == 200
    page = detail.content.decode()
    assert "training-actions" not in page
    assert reverse("staff:training_action", args=[training.slug, "publish"]) not in page
    assert reverse("staff:training_clone", args=[training.slug]) not in page


def test_each_row_shows_seats_waiting_list_pending_and_quotas(coordinator):
    training = TrainingFactory(slug="full-one", capacity=10)
    training.coordinators.add(coordinator)
    TrainingQuotaFactory(training=training, region_id="central-asia", seats=4)
    for _ in range(3):
        RegistrationFactory(training=training, seat_region_id="central-asia")
    RegistrationFactory(training=training)  # an open seat
    RegistrationFactory(training=training, status=Status.WAITLISTED)
    RegistrationFactory(training=training, status=Status.PENDING)
    RegistrationFactory(training=training, status=Status.PENDING)
    RegistrationFactory(training=training, status=Status.CANCELLED)
    html = client_for(coordinator).get(LIST).content.decode()
    assert figure(html, "full-one", "capacity") == "10"
    assert figure(html, "full-one", "confirmed") == "4"
    assert figure(html, "full-one", "seats-left") == "6"
    assert figure(html, "full-one", "waitlisted") == "1"
    assert figure(html, "full-one", "pending") == "2"
    assert re.search(r'data-region="central-asia">[^<]*: 3/4<', html)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "draft"}, ["draft"]),
        ({"region": "middle-east"}, ["middle-east"]),
        ({"q": "МИГРАЦИЯ"}, ["cyrillic"]),
        ({"q": "миграция"}, ["cyrillic"]),
        ({"date_from": "2030-03-01", "date_to": "2030-03-31"}, ["march"]),
    ],
)
def test_the_filters(coordinator, query, expected):
    for training in (
        TrainingFactory(slug="draft", status=Training.Status.DRAFT),
        TrainingFactory(slug="cyrillic", title="Миграция и права"),
        TrainingFactory(
            slug="march", start_date=dt.date(2030, 2, 27), end_date=dt.date(2030, 3, 2)
        ),
        TrainingFactory(slug="middle-east"),
    ):
        training.coordinators.add(coordinator)
    Training.objects.get(slug="middle-east").target_regions.add("middle-east")
    html = client_for(coordinator).get(LIST, query).content.decode()
    assert slugs_in(html) == expected


def test_a_bad_filter_is_shown_beside_its_field_and_left_out(coordinator):
    TrainingFactory(slug="one").coordinators.add(coordinator)
    response = client_for(coordinator).get(
        LIST, {"date_from": "2000-05-01", "date_to": "2000-04-01", "status": "bogus"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_date_to-errors"' in html
    assert "The end of the period is before its start." in html
    assert 'id="id_status-errors"' in html
    assert slugs_in(html) == ["one"]  # the bad filters are dropped, the list stays


def test_the_list_is_paginated(coordinator):
    for number in range(23):
        TrainingFactory(slug=f"t-{number}").coordinators.add(coordinator)
    client = client_for(coordinator)
    first = client.get(LIST).content.decode()
    second = client.get(LIST, {"page": 2}).content.decode()
    assert len(slugs_in(first)) == 20
    assert len(slugs_in(second)) == 3
    assert not set(slugs_in(first)) & set(slugs_in(second))


def _add_trainings(coordinator, count: int) -> None:
    for _ in range(count):
        training = TrainingFactory()
        training.coordinators.add(coordinator)
        TrainingQuotaFactory(training=training)
        training.target_regions.add("central-asia")
        RegistrationFactory(training=training)
        RegistrationFactory(training=training, status=Status.PENDING)


def test_the_list_takes_the_same_queries_whatever_its_length(
    coordinator, django_assert_num_queries
):
    """Session, user, roles; count; the region filter's choices; the page; its quotas; its
    target regions."""
    client = client_for(coordinator)
    _add_trainings(coordinator, 1)
    client.get(LIST)  # warm: the session and content types
    with django_assert_num_queries(8):
        assert client.get(LIST).status_code == 200
    _add_trainings(coordinator, 6)
    with django_assert_num_queries(8):
        response = client.get(LIST)
    assert len(slugs_in(response.content.decode())) == 7


def test_the_overview_shows_sessions_quotas_and_the_pages_of_the_training(coordinator):
    training = TrainingFactory(slug="overview", status=Training.Status.OPEN)
    training.coordinators.add(coordinator)
    session = SessionFactory(training=training, title="Opening")
    TrainingQuotaFactory(training=training, region_id="middle-east", seats=3)
    RegistrationFactory(training=training, seat_region_id="middle-east")
    response = client_for(coordinator).get(reverse("staff:training_detail", args=["overview"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("staff:attendance_sheet", args=[session.pk]) in html
    assert reverse("staff:sign_in_sheet", args=[session.pk]) in html
    assert reverse("staff:training_certificates", args=["overview"]) in html
    assert reverse("staff_io:training_import", args=["overview"]) in html
    assert reverse("staff_io:training_export", args=["overview", "xlsx"]) in html
    assert reverse("staff:training_clone", args=["overview"]) in html
    assert reverse("staff:training_edit", args=["overview"]) in html
    assert reverse("staff:training_registrations", args=["overview"]) in html
    assert reverse("staff:training_messages", args=["overview"]) in html
    assert reverse("admin:courses_training_change", args=[training.pk]) in html
    assert "1 of 3 taken" in html
    # An open training: close and cancel, not publish or complete.
    assert re.findall(r'data-action="(\w+)"', html) == ["close", "cancel"]
