"""SQLite FTS5 backend.

The FTS5 table stores pre-analysed terms, one column per stream; its
tokenizer only splits on spaces (terms contain no other separator) and keeps
the ``~`` that marks name keys.  FTS5's own diacritics handling is never
relied on: the terms are already normalized.
"""

from django.db import connection

from ..analysis import Query, Term
from . import FIELDS, Filters, Hits, filter_sql

TABLE = "minbar_search_fts"
CREATE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
    + ", ".join(FIELDS)
    + ", tokenize = \"unicode61 remove_diacritics 0 tokenchars '~'\")"
)
# bm25() weights, in FIELDS order: headline, summary, body, meta.
WEIGHTS = "10.0, 4.0, 1.0, 3.0"
# Above this many matches, the first pages are ranked among headline and
# summary matches only (see SQLiteBackend.search).
WIDE_MATCH = 1000
TOP_DEPTH = 200
TOP_COLUMNS = "{headline summary}"


def quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def term_expression(term: Term) -> str:
    return "(" + " OR ".join(quote(a) for a in sorted(term.alternatives)) + ")"


def match_expression(query: Query, columns: str = "") -> str:
    """The FTS5 MATCH expression; ``columns`` restricts the required terms."""
    expression = " AND ".join(term_expression(term) for term in query.terms)
    if columns:
        expression = f"{columns} : ({expression})"
    for term in query.excluded:
        expression = f"({expression}) NOT {term_expression(term)}"
    return expression


class SQLiteBackend:
    def ensure_table(self):
        with connection.cursor() as cursor:
            cursor.execute(CREATE_TABLE)

    def index(self, page_id: int, streams: dict[str, list[str]]):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE rowid = %s", [page_id])  # nosec B608
            cursor.execute(
                f"INSERT INTO {TABLE} (rowid, {', '.join(FIELDS)}) "  # nosec B608
                f"VALUES (%s, {', '.join(['%s'] * len(FIELDS))})",
                [page_id, *(" ".join(streams[name]) for name in FIELDS)],
            )

    def delete(self, page_id: int):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE rowid = %s", [page_id])  # nosec B608

    def clear(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")  # nosec B608

    def search(
        self, query: Query, filters: Filters, order: str, offset: int, limit: int
    ) -> Hits:
        where, params = filter_sql(filters, "%s")
        if where or order == "newest":
            return self._search_documents(query, where, params, order, offset, limit)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM {TABLE} WHERE {TABLE} MATCH %s",  # nosec B608
                [match_expression(query)],
            )
            total = cursor.fetchone()[0]
            rows = []
            if total > WIDE_MATCH and offset + limit <= TOP_DEPTH:
                # A common word: rank the articles whose headline or summary
                # has it, which bm25's weights put first anyway, rather than
                # tens of thousands of body matches.
                top = match_expression(query, TOP_COLUMNS)
                rows = self._ranked(cursor, top, offset, limit)
            if len(rows) < limit:
                rows = self._ranked(cursor, match_expression(query), offset, limit)
        return Hits(total, [r[0] for r in rows], {r[0]: r[1] for r in rows})

    def _ranked(self, cursor, expression, offset, limit):
        cursor.execute(
            f"SELECT rowid, -bm25({TABLE}, {WEIGHTS}) FROM {TABLE} "  # nosec B608
            f"WHERE {TABLE} MATCH %s ORDER BY bm25({TABLE}, {WEIGHTS}), rowid DESC "
            "LIMIT %s OFFSET %s",
            [expression, limit, offset],
        )
        return cursor.fetchall()

    def _search_documents(self, query, where, params, order, offset, limit):
        """With filters or by date: join the document table."""
        base = (
            f"FROM {TABLE} JOIN minbar_search_searchdocument d "
            f"ON d.page_id = {TABLE}.rowid WHERE {TABLE} MATCH %s{where}"
        )
        params = [match_expression(query), *params]
        ordering = (
            "d.first_published_at DESC, d.page_id DESC"
            if order == "newest"
            else f"bm25({TABLE}, {WEIGHTS}), d.first_published_at DESC"
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) {base}", params)
            total = cursor.fetchone()[0]
            cursor.execute(
                f"SELECT d.page_id, -bm25({TABLE}, {WEIGHTS}) {base} "
                f"ORDER BY {ordering} LIMIT %s OFFSET %s",
                [*params, limit, offset],
            )
            rows = cursor.fetchall()
        return Hits(total, [r[0] for r in rows], {r[0]: r[1] for r in rows})
