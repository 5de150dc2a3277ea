"""DRF parsers with bounds (``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``)."""

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from rtcm.core.inputs import BadInput, json_loads_checked


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, but nesting past ``rtcm.core.inputs.JSON_MAX_DEPTH`` and NUL or
    other control characters in strings are a 400, never a ``RecursionError`` or a
    database error."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return json_loads_checked(stream.read().decode(encoding))
        except (BadInput, UnicodeDecodeError) as error:
            raise ParseError(str(error)) from error
