"""The API's JSON parser: DRF's, with bounds on what a request body may cost.

Without them a body nested a few thousand levels deep crashes the decoder (RecursionError),
``1e1000000`` becomes ``inf`` (stored as text, or later a long computation), and an integer of
a hundred digits reaches the database, which cannot hold it. Each is now a 400 with a message.
"""

from __future__ import annotations

import json
import math

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.settings import api_settings

# The range of a 64-bit database integer (BigAutoField ids): larger integers cannot be stored
# or looked up, and a longer literal is refused before converting it.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
MAX_INT_DIGITS = 30
# Longest number literal read as a float: enough for any double written in full.
MAX_FLOAT_CHARS = 64


class _BadNumber(ValueError):
    pass


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _BadNumber(_("The number %(start)s… is too long.") % {"start": text[:12]})
    value = int(text)
    if not INT_MIN <= value <= INT_MAX:
        raise _BadNumber(
            _("The integer %(value)s is out of range (at most %(max)s).")
            % {"value": text, "max": INT_MAX}
        )
    return value


def _parse_float(text: str) -> float:
    value = float(text) if len(text) <= MAX_FLOAT_CHARS else math.inf
    if not math.isfinite(value):
        raise _BadNumber(_("The number %(start)s is too large or too long.") % {"start": text[:24]})
    return value


def _reject_constant(name: str):
    raise _BadNumber(_("%(name)s is not a valid JSON number.") % {"name": name})


def _depth(data: object) -> int:
    """Nesting depth of parsed JSON (a scalar is 0), without recursion."""
    deepest = 0
    stack = [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            children = list(value.values())
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest


class JSONParser(parsers.JSONParser):
    """JSON with a size limit (``FAIRLINK_JSON_MAX_BYTES``), a nesting limit
    (``FAIRLINK_JSON_MAX_DEPTH``), finite floats and integers within 64 bits."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        limit = settings.FAIRLINK_JSON_MAX_BYTES
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise ParseError(
                _("The request body is larger than %(limit)s bytes.") % {"limit": limit}
            )
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(
                _("The request body is not valid %(encoding)s text.") % {"encoding": encoding}
            ) from exc
        max_depth = settings.FAIRLINK_JSON_MAX_DEPTH
        too_deep = _("The JSON body is nested more than %(depth)s levels deep.") % {
            "depth": max_depth
        }
        try:
            data = json.loads(
                text,
                parse_int=_parse_int,
                parse_float=_parse_float,
                parse_constant=_reject_constant if api_settings.STRICT_JSON else None,
            )
        except RecursionError as exc:
            raise ParseError(too_deep) from exc
        except _BadNumber as exc:
            raise ParseError(str(exc)) from exc
        except ValueError as exc:
            raise ParseError(_("JSON parse error: %(error)s") % {"error": exc}) from exc
        if _depth(data) > max_depth:
            raise ParseError(too_deep)
        return data
