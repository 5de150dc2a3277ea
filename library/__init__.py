"""The electronic library (documents with access levels) — built in its own issue."""
