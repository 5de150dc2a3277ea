"""RTCM — management system of the Regional Training Center on Migration."""

from rtcm.celery import app as celery_app

__all__ = ["celery_app"]
