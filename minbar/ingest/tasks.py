"""Background tasks, run by `minbar worker` (Huey's consumer)."""

from django.core.management import call_command
from django.db import transaction
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import polling
from .models import WireSource


@db_periodic_task(crontab(minute="*"))
def poll_due_sources():
    for source in polling.due_sources():
        poll_source(source.pk)


@db_task()
def poll_source(source_id: int):
    source = WireSource.objects.filter(pk=source_id, enabled=True).first()
    if source is not None:
        polling.poll(source)


@db_periodic_task(crontab(minute="*"))
def publish_scheduled():
    """Embargoed stories and scheduled pages go live at their time.

    In one transaction: Wagtail publishes without one, and a failure midway
    would leave a page half published; the next minute tries again."""
    with transaction.atomic():
        call_command("publish_scheduled")
