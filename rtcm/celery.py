"""The Celery application.

Configured from Django settings under the ``CELERY_`` namespace. With no
``CELERY_BROKER_URL`` in the environment, settings make tasks run eagerly
(in-process), which is the embedded default.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rtcm.settings")

app = Celery("rtcm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
