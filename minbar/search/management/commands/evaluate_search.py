from django.core.management.base import BaseCommand
from django.test.utils import setup_databases, teardown_databases

from minbar.search import evaluation
from minbar.search.services import analyzer, reindex_all


class Command(BaseCommand):
    help = (
        "Print recall@10 and MRR of Minbar's search on the relevance set, beside "
        "Snowball stemming, stock Wagtail search and plain FTS5. Runs in a "
        "throwaway test database; your data is not touched."
    )

    def add_arguments(self, parser):
        parser.add_argument("--directory", default=str(evaluation.RELEVANCE_DIR))
        parser.add_argument("--show-misses", action="store_true")

    def handle(self, directory, show_misses, **options):
        from pathlib import Path

        corpus, queries = evaluation.read_relevance_set(Path(directory))
        self.stdout.write(f"{len(corpus)} articles, {len(queries)} judged queries")
        databases = setup_databases(verbosity=0, interactive=False)
        try:
            ids = evaluation.load_corpus(corpus)
            engines = {
                "minbar": evaluation.minbar_engine(ids),
                "wagtail": evaluation.wagtail_engine(ids),
                "fts5-raw": evaluation.fts5_engine(corpus),
            }
            table = evaluation.evaluate(corpus, queries, engines)
            if show_misses:
                self.print_misses(queries, engines["minbar"])
            snowball = evaluation.SnowballAnalyzer(analyzer().lexicon)
            reindex_all(snowball)
            table["minbar+snowball"] = evaluation.evaluate(
                corpus, queries, {"x": evaluation.minbar_engine(ids, snowball)}
            )["x"]
        finally:
            teardown_databases(databases, verbosity=0)
        self.stdout.write(evaluation.format_table(table))

    def print_misses(self, queries, search):
        for judged in queries:
            ranked = search(judged.query)
            top = ranked[: evaluation.CUTOFF]
            missed = [r for r in judged.relevant if r not in top]
            first = ranked[0] if ranked else None
            if missed or first not in judged.relevant:
                self.stdout.write(
                    f"MISS [{judged.phenomenon}] {judged.query!r}: relevant "
                    f"{judged.relevant}, got {top[:5]}"
                )
