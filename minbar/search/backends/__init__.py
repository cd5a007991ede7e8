"""Search backends: SQLite FTS5 (the embedded default) and PostgreSQL.

Both receive the same analysed terms (``minbar.search.analysis``) and apply the
same boolean query, so they find the same articles; each ranks them with its
own BM25-like function, weighting headline over summary over body.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection

# The term streams: headline, summary, body and meta (writers, tags, section,
# agencies).  Each holds its words' stems, then their extra terms (name keys,
# stems without a proclitic, hamza forms, glued halves), so that a name in a
# headline weighs as a headline word.
FIELDS = ("headline", "summary", "body", "meta")


@dataclass
class Filters:
    section_path: str = ""
    article_type: str = ""
    author_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass
class Hits:
    total: int = 0
    page_ids: list[int] = field(default_factory=list)
    scores: dict[int, float] = field(default_factory=dict)
    capped: bool = False  # there are more than ``total`` matches


def filter_sql(filters: Filters, param: str) -> tuple[str, list]:
    """WHERE clauses on the document table (aliased d) for these filters."""
    clauses, params = [], []
    if filters.section_path:
        clauses.append(f"d.section_path LIKE {param}")
        params.append(filters.section_path + "%")
    if filters.article_type:
        clauses.append(f"d.article_type = {param}")
        params.append(filters.article_type)
    if filters.author_id:
        clauses.append(f"d.authors LIKE {param}")
        params.append(f"%|{filters.author_id}|%")
    if filters.since:
        clauses.append(f"d.first_published_at >= {param}")
        params.append(filters.since)
    if filters.until:
        clauses.append(f"d.first_published_at < {param}")
        params.append(filters.until)
    return "".join(f" AND {clause}" for clause in clauses), params


def get_backend():
    if connection.vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend()
    from .sqlite import SQLiteBackend

    return SQLiteBackend()
