"""A task queued on commit travels through Redis to a real worker process."""

import time

import pytest

from participants import services
from participants.models import Registration
from tests.factories import TrainingFactory, manage_links_in, person_data

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_registration_email_is_sent_by_a_real_worker(celery_worker_process):
    mail_dir = celery_worker_process
    training = TrainingFactory(title="Протидія торгівлі людьми")
    data = person_data(email="worker-test@example.org", preferred_language="en")
    data.pop("consent")

    registration = services.registration_submit(training=training, participant_data=data)

    deadline = time.monotonic() + 60
    messages = []
    while time.monotonic() < deadline and not messages:
        messages = [p.read_text() for p in mail_dir.glob("*.log")]
        time.sleep(0.25)
    assert messages, "the worker sent no e-mail within 60 s"
    [message] = messages
    assert "To: worker-test@example.org" in message
    # The e-mail's own link (a token of its own, stored hashed) opens the registration.
    assert manage_links_in(message) == [registration]
    assert Registration.objects.get().status == "confirmed"
