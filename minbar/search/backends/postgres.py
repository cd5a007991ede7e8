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

from django.db import connection

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


def lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def vector_literal(streams: dict[str, list[str]], fields=tuple(WEIGHT)) -> str:
    """A tsvector literal: each term with its position and weight."""
    positions: dict[str, list[str]] = {}
    position = 1
    for name, weight in WEIGHT.items():
        for token in streams[name]:
            if name in fields:
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
        with connection.cursor() as cursor:
            # Counting half a million matches costs more than the search:
            # past COUNT_CAP the page says "more than".
            cursor.execute(
                f"SELECT COUNT(*) FROM (SELECT 1 {base} LIMIT %s) m",
                [*params, COUNT_CAP],
            )
            total = cursor.fetchone()[0]
            wide = total >= WIDE_MATCH and order != "newest"
            if wide and offset + limit <= TOP_DEPTH:
                rows = self._top_matches(cursor, query, filters, offset, limit)
                if len(rows) < limit and offset == 0:
                    # Then the newest of the others: ranking them all is
                    # what a common word makes slow.
                    seen = [r[0] for r in rows]
                    rows += self._page(
                        cursor, base, params, newest, 0, limit + len(seen)
                    )
                    rows = list({r[0]: r for r in rows}.values())[:limit]
            else:
                ordering = (
                    newest if order == "newest" or wide else f"{RANK} DESC, {newest}"
                )
                rows = self._page(cursor, base, params, ordering, offset, limit)
        return Hits(
            total,
            [r[0] for r in rows],
            {r[0]: float(r[1]) for r in rows},
            capped=total >= COUNT_CAP,
        )

    def _page(self, cursor, base, params, ordering, offset, limit):
        cursor.execute(
            f"SELECT d.page_id, {RANK} {base} ORDER BY {ordering} LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        return cursor.fetchall()

    def _top_matches(self, cursor, query, filters, offset, limit):
        """A common word: the newest articles whose headline or summary has it.

        Ranking every one of hundreds of thousands of matches is what makes a
        large archive slow; among headline matches, the newest serves a reader
        best.  Only the small ``top`` column is read, unless a word is
        excluded: it must then be absent from the body too.
        """
        where, params = filter_sql(filters, "%s")
        if query.excluded:
            where += " AND d.vector @@ q"
        cursor.execute(
            f"SELECT d.page_id, {TOP_RANK} "
            "FROM minbar_search_searchdocument d, CAST(%s AS tsquery) q "
            f"WHERE d.top @@ q{where} "
            "ORDER BY d.first_published_at DESC, d.page_id DESC LIMIT %s OFFSET %s",
            [query_literal(query), *params, limit, offset],
        )
        return cursor.fetchall()
