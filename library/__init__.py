"""The electronic library: documents with access levels, safe uploads, full-text search."""
