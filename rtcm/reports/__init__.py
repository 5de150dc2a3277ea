"""Manager reports: the top floor, reading across the apps.

A report is built as a ``Report`` document (``document.py``) by a builder
(``builders.py``: aggregation in the database, never a loop over people), then
rendered to PDF, XLSX or CSV (``render.py``). Reports are jobs (``services.py``,
``tasks.py``): started from the staff page, the API, the command line or beat.
"""
