"""The backend's own index structure: an FTS5 table, or a tsvector column."""

from django.db import migrations

from minbar.search.backends.sqlite import CREATE_TABLE, TABLE


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(CREATE_TABLE)
    elif vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE minbar_search_searchdocument ADD COLUMN vector tsvector"
        )
        schema_editor.execute(
            "CREATE INDEX minbar_search_vector ON minbar_search_searchdocument "
            "USING GIN (vector)"
        )
        # Headline and summary terms: common words are looked up here first.
        schema_editor.execute(
            "CREATE INDEX minbar_search_top ON minbar_search_searchdocument "
            "USING GIN (ts_filter(vector, '{a,b}'))"
        )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")
    elif vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE minbar_search_searchdocument DROP COLUMN IF EXISTS vector"
        )


class Migration(migrations.Migration):
    dependencies = [("minbar_search", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
