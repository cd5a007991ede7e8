"""Scale archive: fill a Minbar database with a large archive of article pages.

Run by hand, not by CI:

    .venv/bin/python bench/scale/generate.py --articles 2000               # SQLite
    .venv/bin/python bench/scale/generate.py --articles 1000000 \\
        --database postgres://postgres@127.0.0.1:5432/minbar_scale         # PostgreSQL

Without --database the archive goes into var/bench/scale-<N>.sqlite3.  A
PostgreSQL database must exist first (``psql -c 'create database ...'``).  Run
again on the same database, it adds N more articles after those already there;
for a fresh archive, delete the file or drop the database first.

Steps: migrate and load the demo newspaper as ``minbar demo`` does (home page,
sections, writers, agencies, publication settings, 36 articles); add N
articles spread over the demo's sections and the last ten years, their text
recombined from real paragraphs (the pool of bench/search/run.py); check that
the page tree is sound and that the pages render; print articles per second.

Why bulk SQL: an article created the normal way (``add_child`` then
``save_revision().publish()``) costs about 0.2 s, because treebeard locks and
updates the parent and Wagtail writes a revision, log entries, the reference
index and the search indexes: a million articles would take days.  Here each
batch of articles is written straight into the tables, with COPY on PostgreSQL
and executemany on SQLite, in one transaction: the page rows with their
materialised path, depth and url_path, the ArticlePage rows, their writers,
agencies and tags, and the sections' numchild, so that the tree is consistent
after every batch.  On this 2-core machine, busy with another benchmark,
that is 1,600 to 2,500 articles/s on PostgreSQL and on SQLite: 100,000
articles in about a minute, after a minute for migrating and the demo.

A live page is served from its own row: generated articles have no revision
(the newsroom opens them from the page row), no log entry and no reference
index rows.  They are not in Minbar's search index unless --index is given
(it runs ``minbar reindex``), nor in Wagtail's admin search index.
"""

import argparse
import datetime
import html
import io
import json
import math
import os
import random
import re
import sys
import time
import uuid
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA_DIR = REPO / "var" / "bench"

# Shares of the archive per section of the demo; other sections get 10.
SECTION_WEIGHTS = {
    "politics": 24,
    "economy": 18,
    "world": 14,
    "gulf": 10,
    "religion": 6,
    "culture": 12,
    "opinion": 16,
}
NEWS_TYPES = {"news": 70, "report": 12, "analysis": 10, "interview": 8}
COLUMN_TYPES = {"opinion": 85, "editorial": 15}
# Wagtail's page tree (treebeard): each level of a path is four base-36
# characters, so a section holds at most 36**4 - 1 children.
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4
# Past this many pages, Page.find_problems() (a query per page) is skipped
# unless --check-tree is given; cheaper SQL checks run instead.
FIND_PROBLEMS_LIMIT = 20_000


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1],
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument(
        "--database", default="", help="a database URL (default: SQLite in var/bench)"
    )
    parser.add_argument("--years", type=float, default=10, help="archive span")
    parser.add_argument(
        "--batch",
        type=int,
        default=10_000,
        help="articles per transaction (at least 1,000; see load_demo())",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--index", action="store_true", help="then build the search index (reindex)"
    )
    parser.add_argument(
        "--check-tree",
        action="store_true",
        help=f"run Page.find_problems() even past {FIND_PROBLEMS_LIMIT:,} pages",
    )
    return parser.parse_args()


def setup(database_url):
    """Django on this database, with the demo's settings, as the search bench."""
    sys.path.insert(0, str(REPO))
    from bench.search.run import setup_django

    os.environ["DJANGO_SETTINGS_MODULE"] = "minbar.settings.dev"
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    setup_django(database_url, DATA_DIR)


def load_demo():
    """Migrate and load the demo newspaper; idempotent, like `minbar demo`."""
    from django.core.management import call_command
    from django.db import connection

    output = io.StringIO()
    call_command("demo", no_serve=True, stdout=output)
    print("  " + output.getvalue().strip().splitlines()[-1])
    # A new session for the bulk load: PostgreSQL keeps the plans of its
    # foreign-key checks per session, and those made while the tables were
    # tiny scan them in full: quadratic time as the archive grows.  (Hence
    # also the smallest batch: the first commit plans on a table of that size.)
    connection.close()


# What the generated articles are made of.


@dataclass
class Section:
    """A section page, and where its next generated child goes in the tree."""

    id: int
    slug: str
    path: str
    depth: int
    url_path: str
    locale_id: int
    next_step: int
    added: int = 0  # children added in the current batch


@dataclass
class Material:
    """Text, people and places that generated articles draw from."""

    headlines: list
    paragraphs: list  # as rich text: <p>...</p>
    summaries: list
    subheadings: list
    kickers: list
    datelines: list
    bylines: list
    sections: list
    cum_weights: list  # of the sections, for rng.choices
    writers: list
    agencies: list
    tags: list
    images: list  # (image id, caption, alternative text, credit)


def source_text():
    """Real paragraphs and headlines, from the pool of the search benchmark."""
    from bench.search.run import paragraph_pool

    headlines, paragraphs = paragraph_pool()
    summaries = []
    for text in paragraphs:
        # At most 200 characters, cut between words.
        summaries.append(text if len(text) <= 200 else text[:200].rsplit(" ", 1)[0])
    return (
        headlines,
        [f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs],
        summaries,
        # A subheading: the first words of a headline.
        [" ".join(h.split()[:4]) for h in headlines],
    )


def sections():
    """The live sections, each with the tree step of its next child."""
    from django.db.models import Max
    from wagtail.models import Page

    from minbar.newsroom.models import SectionPage

    found = []
    for page in SectionPage.objects.live().order_by("path"):
        last = Page.objects.filter(
            path__startswith=page.path, depth=page.depth + 1
        ).aggregate(last=Max("path"))["last"]
        found.append(
            Section(
                page.pk,
                page.slug,
                page.path,
                page.depth,
                page.url_path,
                page.locale_id,
                int(last[-STEPLEN:], len(ALPHABET)) + 1 if last else 1,
            )
        )
    return found


def material():
    from taggit.models import Tag

    from minbar.newsroom.models import Agency, ArticlePage, Author

    headlines, paragraphs, summaries, subheadings = source_text()
    # Kickers, datelines, bylines and pictures of the articles of the bundle.
    demo = ArticlePage.objects.exclude(import_hash="")

    def distinct(name):
        return sorted(set(demo.exclude(**{name: ""}).values_list(name, flat=True)))

    found = sections()
    return Material(
        headlines=headlines,
        paragraphs=paragraphs,
        summaries=summaries,
        subheadings=subheadings,
        kickers=distinct("kicker"),
        datelines=distinct("dateline"),
        bylines=distinct("byline"),
        sections=found,
        cum_weights=list(accumulate(SECTION_WEIGHTS.get(s.slug, 10) for s in found)),
        writers=list(Author.objects.values_list("pk", flat=True)),
        agencies=list(Agency.objects.values_list("pk", flat=True)),
        tags=list(Tag.objects.values_list("pk", flat=True)),
        images=list(
            demo.exclude(image=None).values_list(
                "image_id", "image_caption", "image_alt", "image_credit"
            )
        ),
    )


# Rows.


def column_defaults(model):
    """Each column of the model's own table, with what Django saves by default.

    Taken from an unsaved ArticlePage (which also gives the page's content
    type), so that a column added by a later Wagtail gets its default without
    changes here.
    """
    from django.db import connection

    from minbar.newsroom.models import ArticlePage

    instance = ArticlePage()
    return {
        field.column: field.get_db_prep_save(
            getattr(instance, field.attname), connection
        )
        for field in model._meta.local_concrete_fields
    }


PAGE_COLUMNS = (
    "id", "path", "depth", "title", "draft_title", "slug", "url_path",
    "translation_key", "locale_id", "first_published_at", "last_published_at",
    "latest_revision_created_at",
)  # fmt: skip
ARTICLE_COLUMNS = (
    "page_ptr_id", "public_id", "article_type", "kicker", "summary", "body",
    "byline", "dateline", "image_id", "image_caption", "image_alt", "image_credit",
)  # fmt: skip


@dataclass
class Table:
    """A table to fill: its columns, and the values the same in every row."""

    name: str
    columns: tuple
    constants: tuple = ()  # appended to every row

    @classmethod
    def for_model(cls, model, columns, **fixed):
        """The model's table: these columns per row, every other one constant."""
        values = column_defaults(model) | fixed
        constants = {c: v for c, v in values.items() if c not in columns}
        return cls(model._meta.db_table, (*columns, *constants), (*constants.values(),))


def tables():
    from wagtail.models import Page

    from minbar.newsroom.models import ArticlePage, ArticleTag

    def through(name):
        field = ArticlePage._meta.get_field(name)
        table = field.remote_field.through._meta.db_table
        return Table(table, (field.m2m_column_name(), field.m2m_reverse_name()))

    tag_columns = tuple(
        ArticleTag._meta.get_field(name).column for name in ("content_object", "tag")
    )
    return {
        "pages": Table.for_model(Page, PAGE_COLUMNS, live=True, numchild=0),
        "articles": Table.for_model(ArticlePage, ARTICLE_COLUMNS),
        "authors": through("authors"),
        "agencies": through("agencies"),
        "tags": Table(ArticleTag._meta.db_table, tag_columns),
    }


def tree_step(number):
    """A number as one step of a treebeard path: four base-36 characters."""
    if number >= len(ALPHABET) ** STEPLEN:
        raise SystemExit(f"a section holds at most {number - 1:,} children")
    digits = ""
    while number:
        number, rest = divmod(number, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    return digits.rjust(STEPLEN, ALPHABET[0])


def random_uuid(rng):
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def block(rng, kind, value):
    return {"type": kind, "value": value, "id": str(random_uuid(rng))}


def body(rng, text):
    """Paragraph blocks, split by a subheading in half the longer articles.

    The loader's shape: a run of paragraphs is one rich-text block.
    """
    chosen = rng.sample(text.paragraphs, rng.randint(4, 7))
    if len(chosen) > 4 and rng.random() < 0.5:
        cut = rng.randint(2, len(chosen) - 2)
        blocks = [
            block(rng, "paragraph", "".join(chosen[:cut])),
            block(rng, "heading", rng.choice(text.subheadings)),
            block(rng, "paragraph", "".join(chosen[cut:])),
        ]
    else:
        blocks = [block(rng, "paragraph", "".join(chosen))]
    return json.dumps(blocks, ensure_ascii=False)


def publication_time(position, start, span):
    """Where article number `position` (0 to 1) falls in the archive.

    Output grows over the years: the last month has twice the articles of the
    first (density 1 + t, whose inverse is sqrt(1 + 3u) - 1).
    """
    return start + span * (math.sqrt(1 + 3 * position) - 1)


# Writing.


def write_rows(cursor, table, rows):
    from django.db import connection

    columns = ", ".join(connection.ops.quote_name(c) for c in table.columns)
    if connection.vendor == "postgresql":
        # COPY: one stream per table instead of one statement per row.
        with cursor.cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        placeholders = ", ".join(["%s"] * len(table.columns))
        cursor.executemany(
            f"INSERT INTO {table.name} ({columns}) VALUES ({placeholders})", rows
        )


@dataclass
class Counters:
    page_id: int
    public_id: int


def batch_rows(rng, text, tables, counters, times):
    """The rows of one batch of articles, published at these times."""
    from django.db import connection

    adapt = connection.ops.adapt_datetimefield_value
    native_uuid = connection.features.has_native_uuid_field
    rows = {name: [] for name in tables}
    chosen = rng.choices(text.sections, cum_weights=text.cum_weights, k=len(times))
    for section, first in zip(chosen, times, strict=True):
        page_id, public_id = counters.page_id, counters.public_id
        counters.page_id, counters.public_id = page_id + 1, public_id + 1
        step = section.next_step
        section.next_step, section.added = step + 1, section.added + 1
        # Some articles are updated minutes to hours after first publication.
        last = first
        if rng.random() < 0.15:
            last = first + datetime.timedelta(minutes=rng.randint(10, 360))
        headline = rng.choice(text.headlines)
        key = random_uuid(rng)
        rows["pages"].append(
            (
                page_id,
                section.path + tree_step(step),
                section.depth + 1,
                headline,
                headline,
                str(public_id),
                f"{section.url_path}{public_id}/",
                key if native_uuid else key.hex,
                section.locale_id,
                adapt(first),
                adapt(last),
                adapt(last),  # what the newsroom's listings sort by
                *tables["pages"].constants,
            )
        )
        rows["articles"].append(
            (page_id, public_id, *article_fields(rng, text, section, rows, page_id))
            + tables["articles"].constants
        )
    return rows


def article_fields(rng, text, section, rows, page_id):
    """Type, kicker, summary, body, byline, dateline and picture of an article.

    Its writer, agency and tags go into their tables' rows.
    """
    is_column = section.slug == "opinion"  # the demo's columns section
    types = COLUMN_TYPES if is_column else NEWS_TYPES
    article_type = rng.choices(list(types), weights=list(types.values()))[0]
    dateline = "" if is_column else rng.choice(text.datelines)
    byline = ""
    if is_column or rng.random() < 0.3:
        rows["authors"].append((page_id, rng.choice(text.writers)))
    elif rng.random() < 0.5:
        rows["agencies"].append((page_id, rng.choice(text.agencies)))
    else:
        byline = rng.choice(text.bylines)
    for tag in rng.sample(text.tags, rng.randint(0, 3)):
        rows["tags"].append((page_id, tag))
    image = (None, "", "", "")
    if not is_column and rng.random() < 0.6:
        image = rng.choice(text.images)
    return (
        article_type,
        rng.choice(text.kickers) if rng.random() < 0.4 else "",
        rng.choice(text.summaries),
        body(rng, text),
        byline,
        dateline,
        *image,
    )


def next_ids():
    from django.db.models import Max
    from wagtail.models import Page

    from minbar.newsroom.models import ArticlePage

    return Counters(
        page_id=(Page.objects.aggregate(top=Max("pk"))["top"] or 0) + 1,
        # As in the newsroom: one above the highest number in use.
        public_id=(ArticlePage.objects.aggregate(top=Max("public_id"))["top"] or 0) + 1,
    )


def generate(count, years, batch, seed):
    """Add `count` articles; returns the first generated page id and seconds."""
    from django.db import connection, transaction
    from django.utils import timezone
    from wagtail.models import Page

    if (Page.alphabet, Page.steplen) != (ALPHABET, STEPLEN):
        raise SystemExit("Wagtail's page paths changed: update ALPHABET and STEPLEN")
    rng = random.Random(seed)  # test data, not security
    text = material()
    table = tables()
    counters = next_ids()
    first_page_id = counters.page_id
    end = timezone.now()
    span = datetime.timedelta(days=365.25 * years)
    start = end - span
    began = time.perf_counter()
    for offset in range(0, count, batch):
        batch_began = time.perf_counter()
        size = min(batch, count - offset)
        # Times in publication order, so numbers and paths follow the dates.
        times = [
            publication_time((offset + i + rng.random()) / count, start, span)
            for i in range(size)
        ]
        rows = batch_rows(rng, text, table, counters, times)
        with transaction.atomic(), connection.cursor() as cursor:
            for name, rows_of_table in rows.items():
                write_rows(cursor, table[name], rows_of_table)
            update_numchild(cursor, text.sections)
        done, now = offset + size, time.perf_counter()
        print(
            f"  {done:>10,} / {count:,} articles  {done / (now - began):,.0f}/s "
            f"(last batch {size / (now - batch_began):,.0f}/s)",
            end="\r",
        )
    print()
    return first_page_id, time.perf_counter() - began


def update_numchild(cursor, sections):
    """The sections' numchild, in the batch's transaction: the tree stays sound."""
    from wagtail.models import Page

    for section in sections:
        if section.added:
            cursor.execute(
                f"UPDATE {Page._meta.db_table} SET numchild = numchild + %s "
                "WHERE id = %s",
                [section.added, section.id],
            )
            section.added = 0


def finish():
    """Sequences past the ids given here, and fresh planner statistics."""
    from django.core.management.color import no_style
    from django.db import connection
    from wagtail.models import Page

    from minbar.newsroom.models import ArticlePage, ArticleTag

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Page]):
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            models = [Page, ArticlePage, ArticleTag]
            models += [
                ArticlePage._meta.get_field(name).remote_field.through
                for name in ("authors", "agencies")
            ]
            for model in models:
                # VACUUM too: it sets the visibility map that index-only
                # scans need, as autovacuum would later on a live site.
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
        else:
            cursor.execute("ANALYZE")


# Checks.


def check_tree(force):
    """Page.find_problems() on small archives; depth and numchild on large ones."""
    from django.db.models import F
    from django.db.models.functions import Length
    from wagtail.models import Page

    pages = Page.objects.count()
    if pages <= FIND_PROBLEMS_LIMIT or force:
        problems = Page.find_problems()
        print(f"  Page.find_problems() on {pages:,} pages: {problems}")
        return not any(problems)
    wrong_depth = (
        Page.objects.annotate(length=Length("path"))
        .exclude(length=F("depth") * Page.steplen)
        .count()
    )
    wrong_numchild = 0
    for page in Page.objects.filter(numchild__gt=0):
        children = Page.objects.filter(
            path__startswith=page.path, depth=page.depth + 1
        ).count()
        wrong_numchild += children != page.numchild
    print(
        f"  {pages:,} pages: {wrong_depth} with a wrong depth, "
        f"{wrong_numchild} with a wrong numchild "
        "(--check-tree for Page.find_problems())"
    )
    return not wrong_depth and not wrong_numchild


def fetch(client, url):
    """The page's text; empty, and said so, unless it answers 200."""
    response = client.get(url)
    if response.status_code != 200:
        print(f"  {url} answered {response.status_code}")
        return ""
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def check_pages(first_page_id):
    """The newest and oldest generated articles, their section, the sitemaps."""
    from django.test import Client
    from django.utils import timezone

    from minbar.newsroom.models import ArticlePage

    client = Client()
    generated = ArticlePage.objects.live().filter(pk__gte=first_page_id)
    newest = generated.order_by("-first_published_at").first()
    oldest = generated.order_by("first_published_at").first()
    results = []
    for article in (newest, oldest):
        content = fetch(client, f"/{article.public_id}")
        results.append((f"/{article.public_id}", html.escape(article.title) in content))
    section = newest.get_parent()
    content = fetch(client, section.url)
    results.append((section.url, f'href="/{newest.public_id}"' in content))
    content = fetch(client, "/sitemap.xml")
    months = set(re.findall(r"sitemap-\d{4}-\d{2}(?:-\d+)?\.xml", content))
    month_file = timezone.localtime(oldest.first_published_at).strftime(
        "sitemap-%Y-%m.xml"
    )
    results.append(
        (f"/sitemap.xml ({len(months)} monthly files)", month_file in months)
    )
    content = fetch(client, f"/{month_file}")
    results.append((f"/{month_file}", f"/{oldest.public_id}</loc>" in content))
    for url, good in results:
        print(f"  {'ok    ' if good else 'FAILED'} {url}")
    return all(good for _, good in results)


def main():
    args = parse_args()
    if args.articles < 1 or args.batch < 1_000:
        raise SystemExit("--articles must be at least 1, --batch at least 1,000")
    url = args.database or f"sqlite:///{DATA_DIR / f'scale-{args.articles}.sqlite3'}"
    overall = time.perf_counter()
    setup(url)
    from django.core.management import call_command
    from django.db import connection

    print(f"Scale archive: {args.articles:,} articles on {connection.vendor}")
    print("migrate and load the demo newspaper")
    began = time.perf_counter()
    load_demo()
    print(f"  {time.perf_counter() - began:.0f} s")
    print(f"generate {args.articles:,} articles in batches of {args.batch:,}")
    first_page_id, seconds = generate(args.articles, args.years, args.batch, args.seed)
    began = time.perf_counter()
    finish()
    print(f"  statistics: {time.perf_counter() - began:.0f} s")
    if args.index:
        print("build the search index (reindex)")
        began = time.perf_counter()
        call_command("reindex")
        print(f"  {time.perf_counter() - began:.0f} s")
    print("check")
    good = check_tree(args.check_tree)
    good = check_pages(first_page_id) and good
    print(
        f"{args.articles:,} articles in {seconds:.0f} s: "
        f"{args.articles / seconds:,.0f} articles/s "
        f"({time.perf_counter() - overall:.0f} s in all)"
    )
    print(f"database: {url}")
    if not good:
        raise SystemExit("checks failed")


if __name__ == "__main__":
    main()
