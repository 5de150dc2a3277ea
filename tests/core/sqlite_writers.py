"""Concurrent registrations against a file SQLite database, as the embedded mode runs.

Not a test module: ``test_sqlite_concurrency`` runs it in a subprocess (its own
settings, a fresh database under ``RTCM_VAR_DIR``) and reads the JSON it prints:
the status of every answer and how many registrations were stored. With
``--old-settings`` the SQLite options are those before issue 12 (a busy timeout,
transactions DEFERRED), to show the failure the settings fix.
"""

import json
import os
import sys
import threading

WRITERS = 8
PER_WRITER = 3


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rtcm.settings")
    import django
    from django.conf import settings

    if "--old-settings" in sys.argv:
        settings.DATABASES["default"]["OPTIONS"] = {"timeout": 20}
    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from participants.models import Registration
    from tests.factories import TrainingFactory, person_data

    call_command("migrate", verbosity=0)
    training = TrainingFactory(capacity=100)
    connection.close()
    barrier = threading.Barrier(WRITERS)
    statuses: list[int] = []

    def writer(number: int) -> None:
        client = Client(HTTP_HOST="localhost", REMOTE_ADDR=f"127.0.0.{number + 1}")
        client.raise_request_exception = False
        barrier.wait()
        try:
            for attempt in range(PER_WRITER):
                payload = person_data(email=f"writer{number}-{attempt}@example.org")
                payload["consent"] = True
                response = client.post(
                    f"/api/v1/trainings/{training.slug}/register/",
                    json.dumps(payload),
                    content_type="application/json",
                )
                statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = Registration.objects.filter(training=training).count()
    print(json.dumps({"statuses": sorted(statuses), "stored": stored}))


if __name__ == "__main__":
    main()
