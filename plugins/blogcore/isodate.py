"""Strict ISO 8601 dates for headers (articles and contributions).

dateutil, which Pelican uses, guesses: '02/03/2009' becomes 3 February, and
'2009-02' gets today's day. Headers here must be unambiguous, and every date
must be one that feeds, sitemaps and JSON can write:

- between the years MIN_YEAR and MAX_YEAR (``0001-01-01 00:00+01:00`` is
  year 0 in UTC, which Python cannot represent, and crashed the feeds);
- a date written without offset gets the site's time zone, and must then
  exist there: the wall-clock hour skipped when clocks go forward (the
  spring gap in Europe/Paris) is refused rather than silently moved.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

MIN_YEAR = 1000
MAX_YEAR = 9998
OUT_OF_RANGE = "la date est hors des limites"
RANGE_FIX = f"écrivez une date entre les années {MIN_YEAR} et {MAX_YEAR}"
# In French, the writers' language: the build prints it and the desk's date field (plugins/desk) shows it.
GAP_MESSAGE = "{value} n'existe pas dans le fuseau {zone}"
GAP_FIX = ("cette heure est sautée quand on avance les horloges : écrivez l'heure réelle avec son décalage, "
           "par exemple 03:30:00+02:00")
_SPACED_OFFSET = re.compile(r"^(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?) ([+-]\d{2}:?\d{2})$")


class DateError(ValueError):
    """A date that cannot be used, with the fix to give the writer."""

    def __init__(self, message: str, fix: str):
        super().__init__(message)
        self.fix = fix


def parse_iso(value: str, tz: ZoneInfo | None = None, *, require_offset: bool = False) -> dt.datetime:
    """Parse an ISO 8601 date or datetime; naive values get `tz` (default UTC).

    Raises ValueError on anything else (DateError, with a fix, for a date
    out of range, in a time-zone gap, or without the offset `require_offset` asks for).
    """
    text = (value or "").strip().replace("_", " ")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    text = _SPACED_OFFSET.sub(r"\1\2", text)
    if not re.match(r"^\d{4}-\d{2}-\d{2}", text):
        raise ValueError(f"{value!r} is not an ISO 8601 date")
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        if require_offset:
            raise DateError("la date n'a pas de décalage (fuseau horaire)",
                            "écrivez-la avec son décalage, par exemple 2009-02-27 10:00:00+01:00")
        zone = tz or dt.timezone.utc
        parsed = parsed.replace(tzinfo=zone)
        if not _exists(parsed):
            raise DateError(GAP_MESSAGE.format(value=value.strip(), zone=zone), GAP_FIX)
    check_range(parsed)
    return parsed


def check_range(value: dt.datetime) -> None:
    """DateError when a date is outside what feeds and sitemaps can write, in any time zone."""
    try:
        utc = value.astimezone(dt.timezone.utc)
    except (OverflowError, ValueError):
        raise DateError(OUT_OF_RANGE, RANGE_FIX) from None
    if not (MIN_YEAR <= value.year <= MAX_YEAR and MIN_YEAR <= utc.year <= MAX_YEAR):
        raise DateError(OUT_OF_RANGE, RANGE_FIX)


def _exists(value: dt.datetime) -> bool:
    """Whether an aware wall-clock time exists in its zone (not in a spring-forward gap)."""
    try:
        round_trip = value.astimezone(dt.timezone.utc).astimezone(value.tzinfo)
    except (OverflowError, ValueError):
        return True  # out of range: check_range says so
    return round_trip.replace(tzinfo=None) == value.replace(tzinfo=None)


def format_iso(value: dt.datetime) -> str:
    """Write a datetime as it is stored in headers: '2009-02-27 00:00:00+01:00'."""
    return value.isoformat(sep=" ", timespec="seconds")
