"""PostgreSQL backend: tsvector columns built from the same terms.

The tsvector and tsquery are written as literals, never passed through a text
search configuration, so PostgreSQL neither re-stems the terms nor drops the
``~`` of name keys.  Headline terms weigh A, summary B, meta C and body D.

Two columns: ``vector`` holds every term; ``top`` only the headline and
summary terms.  A long article's ``vector`` is stored out of line (TOAST), so
reading it costs a second lookup per row; ``top`` is small and stays in the
row.  Common words, which match a large part of the archive, are therefore
answered from ``top``.
"""

import json

from django.db import connection, transaction

from ..analysis import Query, Term
from . import Filters, Hits, filter_sql

WEIGHT = {"headline": "A", "summary": "B", "body": "D", "meta": "C"}
MAX_POSITION = 16383  # PostgreSQL's limit; later positions are clamped
RANK_WEIGHTS = "'{0.1, 0.3, 0.4, 1.0}'::float4[]"  # D, C, B, A
RANK = f"ts_rank({RANK_WEIGHTS}, d.vector, q)"
TOP_RANK = f"ts_rank({RANK_WEIGHTS}, d.top, q)"
TOP_FIELDS = ("headline", "summary")
COUNT_CAP = 1000
WIDE_MATCH = 1000
TOP_DEPTH = 200
# At this many headline matches, walking the date index finds the newest ten
# sooner than sorting them all (measured on a 1,000,000-article archive).
WALK = COUNT_CAP
# Enough for the bitmap of half a million matches to stay exact.
WORK_MEM = "32MB"
# Estimated headline matches past which a word is taken to be past the cap.
SURELY_COMMON = 20 * COUNT_CAP
# The plans the backend chooses (see _count and _top_matches), and the
# planner's own choice.
INDEX_ONLY = {
    "enable_seqscan": "off",
    "enable_indexscan": "off",
    "enable_bitmapscan": "on",
}
DATE_WALK = {
    "enable_seqscan": "off",
    "enable_indexscan": "on",
    "enable_bitmapscan": "off",
}
GIN_AND_SORT = {
    "enable_seqscan": "on",
    "enable_indexscan": "off",
    "enable_bitmapscan": "on",
}
FREE = {"enable_seqscan": "on", "enable_indexscan": "on", "enable_bitmapscan": "on"}


def lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


# PostgreSQL refuses a lexeme over 2047 bytes, and with it the whole
# article: such a "word" (a pasted data address, a key held down) is not
# something anyone searches for, so it is left out of the index.
MAX_LEXEME_BYTES = 2047


def vector_literal(streams: dict[str, list[str]], fields=tuple(WEIGHT)) -> str:
    """A tsvector literal: each term with its position and weight."""
    positions: dict[str, list[str]] = {}
    position = 1
    for name, weight in WEIGHT.items():
        for token in streams[name]:
            if name in fields and len(token.encode()) <= MAX_LEXEME_BYTES:
                positions.setdefault(token, []).append(
                    f"{min(position, MAX_POSITION)}{weight}"
                )
            position += 1
    return " ".join(f"{lexeme(t)}:{','.join(p)}" for t, p in positions.items())


def term_expression(term: Term) -> str:
    return "(" + " | ".join(lexeme(a) for a in sorted(term.alternatives)) + ")"


def query_literal(query: Query) -> str:
    parts = [term_expression(term) for term in query.terms]
    parts += ["!" + term_expression(term) for term in query.excluded]
    return " & ".join(parts)


class PostgresBackend:
    def ensure_table(self):
        pass  # the column and its GIN index come with the migrations

    def index(self, page_id: int, streams: dict[str, list[str]]):
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE minbar_search_searchdocument "
                "SET vector = %s::tsvector, top = %s::tsvector WHERE page_id = %s",
                [vector_literal(streams), vector_literal(streams, TOP_FIELDS), page_id],
            )

    def delete(self, page_id: int):
        pass  # the document row, and with it the vector, is deleted by the caller

    def clear(self):
        pass

    def search(
        self, query: Query, filters: Filters, order: str, offset: int, limit: int
    ) -> Hits:
        where, params = filter_sql(filters, "%s")
        base = (
            "FROM minbar_search_searchdocument d, CAST(%s AS tsquery) q "
            f"WHERE d.vector @@ q{where}"
        )
        params = [query_literal(query), *params]
        newest = "d.first_published_at DESC, d.page_id DESC"
        # A headline match is a match: while the query only asks for words
        # (none excluded), headline matches are a lower bound of the total,
        # and counting them spares reading the full vectors when they reach
        # the cap.
        with transaction.atomic(), connection.cursor() as cursor:
            # No JIT: compiling costs more than these short queries take.
            planner = Planner(cursor, work_mem=f"'{WORK_MEM}'", jit="off")
            top_total = self._top_count(planner, query, filters)
            if top_total >= COUNT_CAP and not query.excluded:
                total = COUNT_CAP
            else:
                total = self._count(planner, query, filters, "d.vector")
            wide = total >= WIDE_MATCH and order != "newest"
            if wide and offset + limit <= TOP_DEPTH:
                rows = self._top_matches(
                    planner, query, filters, offset, limit, walk=top_total >= WALK
                )
                if len(rows) < limit and offset == 0:
                    # Then the newest of the others: ranking them all is
                    # what a common word makes slow.
                    seen = [r[0] for r in rows]
                    rows += self._page(
                        planner, base, params, newest, 0, limit + len(seen)
                    )
                    rows = list({r[0]: r for r in rows}.values())[:limit]
            else:
                ordering = (
                    newest if order == "newest" or wide else f"{RANK} DESC, {newest}"
                )
                rows = self._page(planner, base, params, ordering, offset, limit)
            transaction.set_rollback(True)  # read only; ends the SET LOCALs
        return Hits(
            total,
            [r[0] for r in rows],
            {r[0]: float(r[1]) for r in rows},
            capped=total >= COUNT_CAP,
        )

    def _top_count(self, planner, query, filters) -> int:
        """Headline and summary matches of the query's wanted words, up to
        COUNT_CAP.

        A word in a few percent of all headlines is not counted at all: the
        planner's statistics of the ``top`` column (sampled lexeme
        frequencies) already say it is far past the cap, and building the
        bitmap of its hundred thousand matches is the slowest part of the
        search.  Statistics underestimate words that go together, never the
        other way, so a doubt leads to counting.
        """
        wanted = Query(terms=query.terms)
        where, params = filter_sql(filters, "%s")
        sql = (
            "SELECT 1 FROM minbar_search_searchdocument d, CAST(%s AS tsquery) q "  # nosec B608
            f"WHERE d.top @@ q{where}"
        )
        params = [query_literal(wanted), *params]
        cursor = planner.cursor
        planner.use(**INDEX_ONLY)
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        if plan[0]["Plan"]["Plan Rows"] >= SURELY_COMMON:
            return COUNT_CAP
        return self._count(planner, wanted, filters, "d.top")

    def _count(self, planner, query, filters, column) -> int:
        """Matches in ``column``, counted up to COUNT_CAP from its GIN index.

        Past the cap the page says "more than": counting half a million
        matches costs more than the search.  The index alone answers (no
        sequential scan, whose every row would read a vector), and work_mem
        is large enough that its bitmap stays exact, needing no recheck.
        """
        where, params = filter_sql(filters, "%s")
        planner.use(**INDEX_ONLY)
        cursor = planner.cursor
        cursor.execute(
            "SELECT COUNT(*) FROM (SELECT 1 FROM minbar_search_searchdocument d, "  # nosec B608
            f"CAST(%s AS tsquery) q WHERE {column} @@ q{where} LIMIT %s) m",
            [query_literal(query), *params, COUNT_CAP],
        )
        return cursor.fetchone()[0]

    def _page(self, planner, base, params, ordering, offset, limit):
        planner.use(**FREE)
        cursor = planner.cursor
        cursor.execute(
            f"SELECT d.page_id, {RANK} {base} ORDER BY {ordering} LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        return cursor.fetchall()

    def _top_matches(self, planner, query, filters, offset, limit, walk):
        """A common word: the newest articles whose headline or summary has it.

        Ranking every one of hundreds of thousands of matches is what makes a
        large archive slow; among headline matches, the newest serves a reader
        best.  Only the small ``top`` column is read, unless a word is
        excluded: it must then be absent from the body too.

        When headline matches are many (``walk``), the newest are found by
        walking the date index until enough match; when they are few, by
        fetching them all from the GIN index and sorting.  PostgreSQL cannot
        tell the two apart (it takes a headline's words to be independent,
        which in news they are not), so the choice is made here, from the
        count.
        """
        where, params = filter_sql(filters, "%s")
        if query.excluded:
            where += " AND d.vector @@ q"
        planner.use(**(DATE_WALK if walk else GIN_AND_SORT))
        cursor = planner.cursor
        cursor.execute(
            f"SELECT d.page_id, {TOP_RANK} "  # nosec B608
            "FROM minbar_search_searchdocument d, CAST(%s AS tsquery) q "
            f"WHERE d.top @@ q{where} "
            "ORDER BY d.first_published_at DESC, d.page_id DESC "
            "LIMIT %s OFFSET %s",
            [query_literal(query), *params, limit, offset],
        )
        return cursor.fetchall()


class Planner:
    """Planner settings for the statements that follow, until the search's
    transaction ends: ``search`` rolls it back (it only reads), so nothing
    outlasts it, even inside a caller's transaction.  Only changes are sent,
    together with the next choice, to spare round trips."""

    def __init__(self, cursor, **settings):
        self.cursor = cursor
        self.current: dict[str, str] = {}
        self.pending = dict(settings)

    def use(self, **settings):
        changes = {**self.pending, **settings}
        changes = {k: v for k, v in changes.items() if self.current.get(k) != v}
        self.pending = {}
        if changes:
            self.cursor.execute(
                "; ".join(
                    f"SET LOCAL {name} = {value}" for name, value in changes.items()
                )
            )
            self.current.update(changes)
