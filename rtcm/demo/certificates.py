"""Certificates, issued by the participants' service for the completed trainings whose
story the services played (``registrations``).

``certificates_ensure_for_training`` runs for each of them, oldest first, two days
after it ended (``common.at_time``): under the training's lock it gives a
certificate to every eligible registration (confirmed, attended enough — the one
eligibility annotation), with a gap-free serial of that year and a verification
code. The other completed trainings are left to staff, as trainings whose
certificates were not issued yet: their "issue certificates" job does it (a call per
training, some 35 ms, would add minutes at 100,000 people). No PDF is rendered (a
WeasyPrint render per certificate would take hours): the public verification page
works at once, and the job renders the PDFs still missing.
"""

from __future__ import annotations

import datetime as dt

from courses.models import Training
from participants import services
from participants.models import Certificate
from rtcm.demo.common import Clock, Created, at_time
from rtcm.demo.trainings import TrainingSpec


def issue_certificates(
    specs: list[TrainingSpec],
    trainings: dict[str, Training],
    played: set[str],
    clock: Clock,
    created: Created,
) -> None:
    completed = sorted(
        (
            spec
            for spec in specs
            if spec.status == Training.Status.COMPLETED and spec.slug in played
        ),
        key=lambda spec: (spec.end, spec.index),
    )
    before = Certificate.objects.count()
    for spec in completed:
        issued_at = min(clock.at(spec.end + dt.timedelta(days=2), 10), clock.now)
        with at_time(issued_at):
            services.certificates_ensure_for_training(training=trainings[spec.slug])
    created.certificates += Certificate.objects.count() - before
