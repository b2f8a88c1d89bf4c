"""Strict ISO 8601 dates for headers (articles and contributions).

dateutil, which Pelican uses, guesses: '02/03/2009' becomes 3 February, and
'2009-02' gets today's day. Headers here must be unambiguous.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

_SPACED_OFFSET = re.compile(r"^(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?) ([+-]\d{2}:?\d{2})$")


def parse_iso(value: str, tz: ZoneInfo | None = None) -> dt.datetime:
    """Parse an ISO 8601 date or datetime; naive values get `tz` (default UTC).

    Raises ValueError on anything else.
    """
    text = (value or "").strip().replace("_", " ")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    text = _SPACED_OFFSET.sub(r"\1\2", text)
    if not re.match(r"^\d{4}-\d{2}-\d{2}", text):
        raise ValueError(f"{value!r} is not an ISO 8601 date")
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz or dt.timezone.utc)
    return parsed


def format_iso(value: dt.datetime) -> str:
    """Write a datetime as it is stored in headers: '2009-02-27 00:00:00+01:00'."""
    return value.isoformat(sep=" ", timespec="seconds")
