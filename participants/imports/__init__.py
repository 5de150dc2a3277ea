"""Import participants and their registrations for one training from a spreadsheet.

Three steps, each usable alone:

1. ``read_rows`` (``reading``) checks an uploaded ``.xlsx`` or ``.csv`` file by
   its content (not only its name) and its size (``rtcm.core.spreadsheets``),
   and turns it into one dict per data row, keyed by column;
2. ``validate_rows`` (``validation``) checks every row with the public
   registration form's rules, plus duplicates inside the file and people
   already registered;
3. ``participants.services.registrations_import`` registers every row through
   ``registration_submit`` in one transaction: a file with any bad row imports
   nothing.

``template`` makes the empty file a coordinator starts from. Partner agencies
send lists they collected consent for, so rows are validated with ``consent``
given.
"""

from participants.imports.reading import (
    MAX_ROWS,
    REQUIRED_COLUMNS,
    ROW_KEY,
    ImportFileError,
    read_rows,
)
from participants.imports.template import ImportColumn, import_columns, import_template_xlsx
from participants.imports.validation import ImportCell, ImportPreview, ImportRow, validate_rows

__all__ = [
    "MAX_ROWS",
    "REQUIRED_COLUMNS",
    "ROW_KEY",
    "ImportCell",
    "ImportColumn",
    "ImportFileError",
    "ImportPreview",
    "ImportRow",
    "import_columns",
    "import_template_xlsx",
    "read_rows",
    "validate_rows",
]
