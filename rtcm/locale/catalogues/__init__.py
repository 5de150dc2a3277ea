"""Translations kept as data: one module a language, each an ``ENTRIES`` dict."""
