"""PostgreSQL: headline and summary terms in a column of their own.

The full tsvector of a long article is stored out of line (TOAST); reading it
for every candidate is what made common words slow on a large archive.  The
``top`` column is small enough to stay in the row, and has its own GIN index.
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS minbar_search_top")
    schema_editor.execute(
        "ALTER TABLE minbar_search_searchdocument ADD COLUMN top tsvector"
    )
    schema_editor.execute(
        "UPDATE minbar_search_searchdocument SET top = ts_filter(vector, '{a,b}')"
    )
    schema_editor.execute(
        "CREATE INDEX minbar_search_top ON minbar_search_searchdocument "
        "USING GIN (top)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE minbar_search_searchdocument DROP COLUMN IF EXISTS top"
    )
    schema_editor.execute(
        "CREATE INDEX minbar_search_top ON minbar_search_searchdocument "
        "USING GIN (ts_filter(vector, '{a,b}'))"
    )


class Migration(migrations.Migration):
    dependencies = [("minbar_search", "0002_backend_structures")]
    operations = [migrations.RunPython(create, drop)]
