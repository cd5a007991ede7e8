from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Run the background worker: wire polling and scheduled publishing "
        "(Huey's consumer, on SQLite or on Redis when REDIS_URL is set)."
    )

    def handle(self, *args, **options):
        call_command("run_huey")
