from django.core.management.base import BaseCommand

from minbar.search.services import reindex_all


class Command(BaseCommand):
    help = "Rebuild the search index from every published article."

    def handle(self, **options):
        count = reindex_all()
        self.stdout.write(f"{count} articles indexed")
