"""Ingest benchmark: ninjs throughput and WordPress-export parsing memory.

Run by hand, not by CI:

    .venv/bin/python bench/ingest/run.py                                 # SQLite
    .venv/bin/python bench/ingest/run.py \\
        --database postgres://postgres@127.0.0.1:5432/minbar_ingest_bench  # PostgreSQL

Without --database the items go into a fresh var/bench/ingest.sqlite3 (deleted
first).  A PostgreSQL database must be new and empty: create it with
``psql -h 127.0.0.1 -U postgres -c 'create database minbar_ingest_bench'``.

What it measures, all in one run:

1. WordPress export (WXR) parsing memory.  It writes an export of --wxr-posts
   posts (default 100,000) and, as the reference, one of a tenth of that, as
   WordPress writes them (Arabic posts, categories, tags, post meta, a few
   attachments after the posts), streaming them to temporary files.  Each file
   is parsed whole by ``minbar.ingest.parsers.wxr.parse`` in a fresh process,
   once untimed by tracemalloc (posts/s and resident-memory growth, the
   ru_maxrss high-water mark before and after, Linux KiB) and once under
   tracemalloc (its peak).  Nothing goes into a database: what must stream is
   the parse.  Memory that stays flat while the file grows tenfold is the point.

2. ninjs ingest throughput.  After ``migrate`` and the demo newspaper (home page
   and sections), it writes --items ninjs 2.2 items (default 5,000), one file
   each as in a wire drop folder, made by recombining real paragraphs (the
   search bench's paragraph pool), and times ``ingest_stream`` over them into
   the incoming queue only (``Destination(publish=False)``), then over another
   --publish-items (default 500) that are published as articles
   (``Destination(publish=True)``: a Wagtail page and a revision each).  As the
   reference, the parse-only rate: ``parsers.parse`` over the same files, no
   database.  --profile N runs cProfile over N more published items.
"""

import argparse
import cProfile
import datetime
import io
import json
import pstats
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

DATA_DIR = REPO / "var" / "bench"
SECTIONS = {
    "politics": "سياسة",
    "economy": "اقتصاد",
    "culture": "ثقافة",
    "world": "عالم",
    "gulf": "الخليج",
    "religion": "دين",
}
TAGS = ["الطاقة", "البورصة", "التعليم", "الصحة", "النقل العام", "المياه", "الزراعة"]
EPOCH = datetime.datetime(2016, 1, 1, tzinfo=datetime.UTC)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="", help="a database URL")
    parser.add_argument("--items", type=int, default=5_000, help="queued items")
    parser.add_argument("--publish-items", type=int, default=500)
    parser.add_argument("--wxr-posts", type=int, default=100_000)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    return parser.parse_args()


def text_pool():
    from bench.search.run import paragraph_pool

    return paragraph_pool()


def story(number, pool):
    """A headline, a summary, paragraphs and a section for item ``number``."""
    headlines, paragraphs = pool
    rng = random.Random(number)  # test data, not security
    return {
        "headline": f"{rng.choice(headlines)} ({number})",
        "summary": rng.choice(paragraphs)[:200],
        "paragraphs": rng.sample(paragraphs, rng.randint(4, 7)),
        "section": rng.choice(sorted(SECTIONS)),
        "tags": rng.sample(TAGS, 2),
        "when": EPOCH + datetime.timedelta(minutes=number * 37),
    }


# WordPress export (WXR) -------------------------------------------------------

WXR_HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<!-- generator="WordPress/6.1.9" created="2026-11-29 15:45" -->
<rss version="2.0"
\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
\txmlns:content="http://purl.org/rss/1.0/modules/content/"
\txmlns:wfw="http://wellformedweb.org/CommentAPI/"
\txmlns:dc="http://purl.org/dc/elements/1.1/"
\txmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
\t<title>أرشيف منبر</title>
\t<link>https://archive.minbar.example</link>
\t<language>ar</language>
\t<wp:wxr_version>1.2</wp:wxr_version>
\t<wp:base_site_url>https://archive.minbar.example</wp:base_site_url>
\t<wp:base_blog_url>https://archive.minbar.example</wp:base_blog_url>
\t<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[desk]]></wp:author_login><wp:author_display_name><![CDATA[هيئة التحرير]]></wp:author_display_name></wp:author>
"""  # noqa: E501
WXR_FOOT = "</channel>\n</rss>\n"
ATTACHMENTS = 100  # listed after every post: the worst case for the two passes


def wp_fields(**fields):
    return "".join(
        f"\t\t<wp:{key}><![CDATA[{value}]]></wp:{key}>\n"
        for key, value in fields.items()
    )


def wp_dates(when):
    local = (when + datetime.timedelta(hours=3)).strftime("%Y-%m-%d %H:%M:%S")
    gmt = when.strftime("%Y-%m-%d %H:%M:%S")
    return wp_fields(
        post_date=local, post_date_gmt=gmt, post_modified=local, post_modified_gmt=gmt
    )


def wxr_body(number, paragraphs):
    if number % 10:  # block editor, as WordPress has written since 5.0
        block = "<!-- wp:paragraph -->\n<p>{}</p>\n<!-- /wp:paragraph -->"
        return "\n\n".join(block.format(p) for p in paragraphs)
    return "\n\n".join(paragraphs)  # classic editor: autop'ed on reading


def wxr_post(number, posts, pool):
    s = story(number, pool)
    link = f"https://archive.minbar.example/?p={number}"
    terms = f'\t\t<category domain="category" nicename="{s["section"]}">'
    terms += f"<![CDATA[{SECTIONS[s['section']]}]]></category>\n"
    for tag in s["tags"]:
        terms += f'\t\t<category domain="post_tag" nicename="{tag}">'
        terms += f"<![CDATA[{tag}]]></category>\n"
    thumbnail = posts + 1 + number % ATTACHMENTS
    return (
        f"\t<item>\n\t\t<title><![CDATA[{s['headline']}]]></title>\n"
        f"\t\t<link>{link}</link>\n"
        f"\t\t<dc:creator><![CDATA[desk]]></dc:creator>\n"
        f'\t\t<guid isPermaLink="false">{link}</guid>\n'
        "\t\t<description></description>\n"
        f"\t\t<content:encoded><![CDATA[{wxr_body(number, s['paragraphs'])}]]>"
        f"</content:encoded>\n"
        f"\t\t<excerpt:encoded><![CDATA[{s['summary']}]]></excerpt:encoded>\n"
        f"\t\t<wp:post_id>{number}</wp:post_id>\n"
        + wp_dates(s["when"])
        + wp_fields(status="publish", post_type="post", post_password="")
        + terms
        + "\t\t<wp:postmeta><wp:meta_key><![CDATA[_thumbnail_id]]></wp:meta_key>"
        f"<wp:meta_value><![CDATA[{thumbnail}]]></wp:meta_value></wp:postmeta>\n"
        "\t</item>\n"
    )


def wxr_attachment(number):
    url = f"https://archive.minbar.example/wp-content/uploads/2024/03/{number}.jpg"
    return (
        f"\t<item>\n\t\t<title><![CDATA[صورة {number}]]></title>\n"
        f"\t\t<wp:post_id>{number}</wp:post_id>\n"
        + wp_dates(EPOCH)
        + wp_fields(status="inherit", post_type="attachment", post_password="")
        + wp_fields(attachment_url=url)
        + "\t</item>\n"
    )


def write_wxr(path, posts, pool):
    """The export, written as it goes: never held whole."""
    with path.open("w", encoding="utf-8") as out:
        out.write(WXR_HEAD)
        for number in range(1, posts + 1):
            out.write(wxr_post(number, posts, pool))
        for number in range(posts + 1, posts + 1 + ATTACHMENTS):
            out.write(wxr_attachment(number))
        out.write(WXR_FOOT)


def read_wxr(path):
    """Parse every entry; the posts read and those with their picture."""
    from minbar.ingest.parsers import wxr

    posts = pictures = 0
    with open(path, "rb") as source:
        for entry in wxr.parse(source, path.name):
            posts += entry.item is not None
            pictures += bool(entry.item and entry.item.pictures)
    return posts, pictures


def measure_wxr(path):
    """In a fresh process: seconds and ru_maxrss growth untraced, then
    tracemalloc's peak on a second parse."""
    import minbar.ingest.parsers.wxr  # noqa: F401  (imports before the baseline)

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    began = time.perf_counter()
    posts, pictures = read_wxr(path)
    seconds = time.perf_counter() - began
    growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    tracemalloc.start()
    read_wxr(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return posts, pictures, seconds, growth, peak


def in_fresh_process(function, *args):
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as executor:
        return executor.submit(function, *args).result()


def wxr_bench(posts, pool):
    print(f"WXR parse, whole file, {ATTACHMENTS} attachments after the posts")
    print(
        f"{'posts':>9}{'file MB':>9}{'posts/s':>9}{'peak MB':>9}"
        f"{'RSS +MB':>9}{'read':>10}{'pictures':>10}"
    )
    rows = []
    with tempfile.TemporaryDirectory(prefix="minbar-wxr-") as folder:
        for count in (posts // 10, posts):
            path = Path(folder) / f"export-{count}.xml"
            write_wxr(path, count, pool)
            size = path.stat().st_size
            read, pics, seconds, growth, peak = in_fresh_process(measure_wxr, path)
            path.unlink()
            rows.append((size, peak, growth))
            print(
                f"{count:>9,}{size / 1e6:>9.1f}{read / seconds:>9,.0f}"
                f"{peak / 1e6:>9.2f}{growth / 1024:>9.1f}{read:>10,}{pics:>10,}"
            )
    (small_size, small_peak, small_rss), (size, peak, rss) = rows
    print(
        f"  file x{size / small_size:.1f}, tracemalloc peak x{peak / small_peak:.2f},"
        f" RSS growth {small_rss / 1024:.1f} -> {rss / 1024:.1f} MB"
    )


# ninjs ------------------------------------------------------------------------


def ninjs_item(number, pool):
    s = story(number, pool)
    html = "".join(f"<p>{p}</p>" for p in s["paragraphs"])
    when = s["when"].isoformat()
    later = (s["when"] + datetime.timedelta(minutes=20)).isoformat()
    return {
        "uri": f"urn:minbar:bench:ingest:{number}",
        "type": "text",
        "version": "1",
        "firstcreated": when,
        "versioncreated": later,
        "pubstatus": "usable",
        "language": "ar",
        "headlines": [{"role": "main", "value": s["headline"]}],
        "descriptions": [
            {"role": "summary", "contenttype": "text/plain", "value": s["summary"]}
        ],
        "bodies": [{"role": "main", "contenttype": "text/html", "value": html}],
        "located": "المنارة",
        "subjects": [
            {"name": SECTIONS[s["section"]], "rel": "section", "literal": s["section"]},
            *({"name": tag, "rel": "about"} for tag in s["tags"]),
        ],
    }


def write_ninjs(folder, numbers, pool):
    folder.mkdir()
    for number in numbers:
        data = json.dumps(ninjs_item(number, pool), ensure_ascii=False)
        (folder / f"{number:07}.json").write_text(data, encoding="utf-8")
    return sorted(folder.iterdir())


def parse_only(files):
    from minbar.ingest import parsers

    began = time.perf_counter()
    items = 0
    for path in files:
        with path.open("rb") as source:
            items += sum(e.item is not None for e in parsers.parse(source, path.name))
    return items, time.perf_counter() - began


def ingest(files, to):
    """As `minbar ingest FOLDER` does: the entries of every file, in turn."""
    from minbar.ingest.services import read_entries, receive_entries

    def entries():
        for path in files:
            with path.open("rb") as source:
                for entry in read_entries(source, path.name):
                    yield entry, to

    began = time.perf_counter()
    outcomes = Counter(o.outcome for o in receive_entries(entries()))
    return outcomes, time.perf_counter() - began


def report(label, files, outcomes, seconds):
    counts = ", ".join(f"{n:,} {kind}" for kind, n in outcomes.most_common())
    print(f"  {label:<26}{len(files) / seconds:>9,.1f} items/s   ({counts})")


def profile_publish(files):
    from minbar.ingest.services import Destination

    profiler = cProfile.Profile()
    profiler.runcall(ingest, files, Destination(source="bench-profile", publish=True))
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(15)
    print(out.getvalue())


def ninjs_bench(args, pool):
    from minbar.ingest.services import Destination

    queued, published = args.items, args.publish_items
    with tempfile.TemporaryDirectory(prefix="minbar-ninjs-") as folder:
        root = Path(folder)
        files = write_ninjs(root / "queue", range(1, queued + 1), pool)
        more = range(queued + 1, queued + published + 1)
        to_publish = write_ninjs(root / "publish", more, pool)
        items, seconds = parse_only(files)
        print(f"ninjs 2.2, a file per item: {queued:,} queued, {published:,} published")
        print(f"  {'parse only (no database)':<26}{items / seconds:>9,.1f} items/s")
        outcomes, seconds = ingest(files, Destination(source="bench-queue"))
        report("queue (publish=False)", files, outcomes, seconds)
        to = Destination(source="bench-publish", publish=True)
        outcomes, seconds = ingest(to_publish, to)
        report("publish (publish=True)", to_publish, outcomes, seconds)
        if args.profile:
            first = queued + published + 1
            extra = range(first, first + args.profile)
            profile_publish(write_ninjs(root / "profile", extra, pool))


# Set-up -----------------------------------------------------------------------


def setup(url):
    from bench.search.run import setup_django

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    setup_django(url, DATA_DIR)
    from django.core.management import call_command
    from django.db import connection

    began = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("demo", no_serve=True, stdout=io.StringIO())
    print(f"{connection.vendor}: migrate + demo in {time.perf_counter() - began:.0f} s")


def main():
    args = parse_args()
    url = args.database
    if not url:
        path = DATA_DIR / "ingest.sqlite3"
        path.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    pool = text_pool()
    wxr_bench(args.wxr_posts, pool)
    setup(url)
    ninjs_bench(args, pool)
    print(f"database: {url}")


if __name__ == "__main__":
    main()
