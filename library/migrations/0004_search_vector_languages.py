"""The full-text vector (migration 0002) reads each language's title and description.

Since 0003 a document's title and description live in a column per language
(``title_en``, ``title_ru``, ``title_az``, ``title_ar`` …: django-modeltranslation);
the old ``title`` and ``description`` columns hold only the text as last saved in
the saver's language. The vector is rebuilt over every language's column, with the
same weights (titles A, authors and descriptions B, the file's text C), so a search
finds a document by its title or description in any language. A generated column's
expression cannot be altered before PostgreSQL 17: it is dropped and added again
(with its GIN index). On SQLite nothing happens (search falls back to ``icontains``
over the same columns there).
"""

from django.db import migrations

# The languages of migration 0003's columns (settings.LANGUAGES when it was made):
# a language added later comes with its own migration, which rebuilds this again.
LANGUAGES = ("en", "ru", "az", "ar")


def _weighted(field: str, weight: str) -> str:
    parts = " || ' ' || ".join(f"coalesce({field}_{code}, '')" for code in LANGUAGES)
    return f"setweight(to_tsvector('simple'::regconfig, {parts}), '{weight}')"


def _vector(title: str, description: str) -> str:
    return f"""
ALTER TABLE library_document ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    {title}
    || setweight(to_tsvector('simple'::regconfig, coalesce(authors, '')), 'B')
    || {description}
    || setweight(
        to_tsvector('simple'::regconfig, left(coalesce(extracted_text, ''), 250000)), 'C'
    )
) STORED;
CREATE INDEX library_document_search ON library_document USING gin (search_vector);
"""


DROP = """
DROP INDEX IF EXISTS library_document_search;
ALTER TABLE library_document DROP COLUMN IF EXISTS search_vector;
"""

FORWARD = DROP + _vector(_weighted("title", "A"), _weighted("description", "B"))
# Back to 0002's vector over the single columns.
BACKWARD = DROP + _vector(
    "setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A')",
    "setweight(to_tsvector('simple'::regconfig, coalesce(description, '')), 'B')",
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("library", "0003_languages")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
