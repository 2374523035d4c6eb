"""Celery app. Without ``CELERY_BROKER_URL`` every task runs in-process (eager)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

# backend is not an installed app: name its tasks module so that workers register mail delivery.
app = Celery("fairlink", include=["backend.tasks"])
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
