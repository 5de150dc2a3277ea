"""Courses asks the apps above it through hooks they register; it imports none of them.

Seats come from the counter participants registers (``courses.seats``), the
public-trainer condition from the expert network (``courses.hooks``), and the
training admin's registrations inline, certificates action and column, and the
trainers' link, from the apps that own them.
"""

import pytest
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from courses import hooks, seats
from courses.admin import TrainingAdmin
from courses.models import Training
from tests.factories import ExpertFactory, RegistrationFactory, SessionFactory, TrainingFactory

pytestmark = pytest.mark.django_db


def test_seats_taken_counts_the_confirmed_registrations_only():
    training = TrainingFactory(capacity=5)
    for status in ("confirmed", "confirmed", "waitlisted", "pending", "cancelled"):
        RegistrationFactory(training=training, status=status)
    RegistrationFactory(status="confirmed")  # another training

    assert seats.seats_taken(training=training) == 2


def test_annotate_seats_gives_taken_waiting_and_left_never_below_zero(
    django_assert_num_queries,
):
    roomy, full = TrainingFactory(capacity=5), TrainingFactory(capacity=1)
    RegistrationFactory(training=roomy, status="confirmed")
    RegistrationFactory(training=roomy, status="waitlisted")
    RegistrationFactory.create_batch(2, training=full, status="confirmed")

    with django_assert_num_queries(1):
        shown = {
            t.pk: (t.seats_taken, t.waitlist_length, t.seats_left)
            for t in seats.annotate_seats(Training.objects.all())
        }
    assert shown == {roomy.pk: (1, 1, 4), full.pk: (2, 0, 0)}


def test_without_a_registered_counter_seats_fail_loudly(monkeypatch):
    monkeypatch.setattr(seats, "_counter", None)
    with pytest.raises(ImproperlyConfigured, match="participants"):
        seats.seats_taken(training=TrainingFactory())


def test_without_a_registered_condition_public_pages_name_no_trainer(client, monkeypatch):
    training = TrainingFactory(status="open")
    SessionFactory(training=training).trainers.add(ExpertFactory(given_name="Nargiza"))
    assert "Nargiza" in client.get(training.get_absolute_url()).content.decode()

    monkeypatch.setattr(hooks, "_public_trainers_q", None)
    assert "Nargiza" not in client.get(training.get_absolute_url()).content.decode()


def test_the_training_admin_is_courses_own_with_the_upper_apps_parts():
    from participants.admin import RegistrationInline, certificates_link

    model_admin = admin.site._registry[Training]
    assert type(model_admin) is TrainingAdmin  # nobody unregistered and replaced it
    request = RequestFactory().get("/")
    assert RegistrationInline in model_admin.get_inlines(request, None)
    assert certificates_link in model_admin.get_list_display(request)
    assert "issue_certificates" in {name for _func, name, _desc in model_admin._get_base_actions()}
    assert len(hooks.training_admin_extras.trainer_links) == 1
