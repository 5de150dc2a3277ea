"""Full-text search on PostgreSQL: a stored tsvector column and its GIN index.

A stored generated column rather than an expression index: matching needs the
vector and so does ranking. With an expression index PostgreSQL finds the
candidates through the index but then parses every matching document's text
again to rank it (``ts_rank`` needs the vector itself), which costs a parse of
the whole extracted text per match; the stored column is read, not rebuilt.
PostgreSQL keeps it up to date on every write, whoever writes (services,
admin, ``update()``, ``bulk_create``), and Django never sees it: the model has
no field for it, ``library.selectors`` reads it by name on PostgreSQL only.

The ``simple`` configuration lower-cases words and stems none: it works the
same for Russian, Azerbaijani, Arabic, Georgian… and for English.

The extracted text is indexed up to its first 250,000 characters (some 80–100
pages): a tsvector holds at most 1 MB and PostgreSQL refuses the whole row
beyond that. Measured worst cases at 500,000 characters — distinct short words,
a statistical annex of distinct numbers — came to 1 MB and over; at 250,000
they stay near half of it, so no extracted text can make a document unsavable.

On SQLite nothing happens: search falls back to ``icontains`` there.
"""

from django.db import migrations

# Queries parse what people type with the same configuration:
# ``library.selectors.SEARCH_CONFIG``.
FORWARD = """
ALTER TABLE library_document ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A')
    || setweight(to_tsvector('simple'::regconfig, coalesce(authors, '')), 'B')
    || setweight(to_tsvector('simple'::regconfig, coalesce(description, '')), 'B')
    || setweight(
        to_tsvector('simple'::regconfig, left(coalesce(extracted_text, ''), 250000)), 'C'
    )
) STORED;
CREATE INDEX library_document_search ON library_document USING gin (search_vector);
"""

BACKWARD = """
DROP INDEX IF EXISTS library_document_search;
ALTER TABLE library_document DROP COLUMN IF EXISTS search_vector;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
