"""An index on the writer–article links by writer, then article.

The writers' index lists the writers with at least one live article by
looking up, for each writer, their first link in this order
(minbar/public/models.py).  With only Django's index on the writer, the
planner scanned every link of the archive: half a second at a million
articles; with this one, each writer is one index probe.  The links'
through table is made by ParentalManyToManyField, so the index is added in
SQL, the same on SQLite and PostgreSQL.
"""

from django.db import migrations

TABLE = "minbar_newsroom_articlepage_authors"
INDEX = "minbar_newsroom_articlepage_authors_by_author"


class Migration(migrations.Migration):
    dependencies = [("minbar_newsroom", "0001_initial")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {INDEX} ON {TABLE} (author_id, articlepage_id)",
            f"DROP INDEX {INDEX}",
        )
    ]
