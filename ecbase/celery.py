"""The Celery app for background jobs: `celery -A ecbase worker` (with CELERY_BROKER_URL set)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecbase.settings")

app = Celery("ecbase")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The tasks are in core.tasks; importing it needs Django's app registry, which Celery's Django
# fix-up sets up in the worker before it imports task modules.
app.autodiscover_tasks(["core"])
