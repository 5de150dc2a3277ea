"""Checks on raw input that must never reach the database or a parser unbounded.

PostgreSQL refuses a NUL character in text (``A string literal cannot contain NUL``)
and every driver refuses a lone UTF-16 surrogate (``\\ud800`` from a JSON escape), so
such input would surface as a 500 deep in a query. Other C0 control characters are
never meaningful in what people type here (tab, line feed and carriage return are).
JSON is parsed only after its nesting depth is known to be bounded: Python's decoder
recurses, so 5,000 nested brackets raise ``RecursionError``.
"""

import json
import re
from collections.abc import Iterable

# C0 controls but tab, line feed and carriage return; DEL; lone surrogates.
_BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# In a URL path not even tab or line breaks have a meaning.
_BAD_PATH = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")

JSON_MAX_DEPTH = 32
"""Deepest nesting of arrays and objects accepted in a JSON body; ours use three."""

_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_JSON_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_JSON_INNERMOST = re.compile(r"\[\]|\{\}")


class BadInput(ValueError):
    """Input that no page or endpoint accepts: answered with a 400."""


def text_is_bad(value: str) -> bool:
    return bool(_BAD_TEXT.search(value))


def path_is_bad(value: str) -> bool:
    return bool(_BAD_PATH.search(value))


def first_bad_name(pairs: Iterable[tuple[str, str]]) -> str | None:
    """The first name whose name or value holds a refused character, or None."""
    for name, value in pairs:
        if text_is_bad(name) or text_is_bad(value):
            return name
    return None


def json_depth_exceeds(text: str, limit: int = JSON_MAX_DEPTH) -> bool:
    """Whether the JSON ``text`` nests arrays/objects deeper than ``limit``, counted
    without recursion: strings dropped, then innermost ``[]``/``{}`` pairs removed one
    level per pass. Unbalanced brackets count as too deep (the text is not JSON)."""
    brackets = _JSON_NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    for _ in range(limit):
        if not brackets:
            return False
        brackets = _JSON_INNERMOST.sub("", brackets)
    return bool(brackets)


def json_loads_checked(text: str, limit: int = JSON_MAX_DEPTH):
    """``json.loads`` that raises :class:`BadInput` (never ``RecursionError``) for JSON
    nested deeper than ``limit`` or holding a refused character in a key or string."""
    if json_depth_exceeds(text, limit):
        raise BadInput(f"JSON nested deeper than {limit} levels.")
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except ValueError as error:
        raise BadInput(f"JSON parse error - {error}") from error
    if _json_has_bad_text(data):
        raise BadInput("JSON contains a NUL or another control character.")
    return data


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def _json_has_bad_text(data) -> bool:
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if text_is_bad(item):
                return True
        elif isinstance(item, dict):
            for key, value in item.items():
                if text_is_bad(key):
                    return True
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return False
