"""French dates, from CLDR data read with Babel.

strftime would depend on the locales installed on the machine (and on a
process-wide setlocale); Babel carries its own data, so "25 février 2009" is
the same on every machine.
"""

from __future__ import annotations

import datetime as dt

from babel import Locale

# Parsed once: Babel would parse the locale string again on every call.
_LOCALE = Locale.parse("fr_FR")
# CLDR's month names, read once. format_date() interprets its pattern on every
# call (about 25 µs); a build formats tens of thousands of dates, and
# "MMMM y" is only the month name and the year (the tests check both agree).
_MONTHS = dict(_LOCALE.months["format"]["wide"])


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    # An aware datetime is shown in its own offset: the writer's local day.
    return value.date() if isinstance(value, dt.datetime) else value


def fr_date(value: dt.date | dt.datetime) -> str:
    """Format a date the French way: '25 février 2009', '1er mai 2013'."""
    day = _as_date(value)
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {_MONTHS[day.month]} {day.year}"


def fr_month_year(value: dt.date | dt.datetime) -> str:
    """Format a month the French way: 'février 2009'."""
    day = _as_date(value)
    return f"{_MONTHS[day.month]} {day.year}"


def fr_numeric(value: dt.date | dt.datetime) -> str:
    """Format a date as digits, French order: '25/02/2009'."""
    return _as_date(value).strftime("%d/%m/%Y")
