"""What readers can see: the one definition of "public" that every output asks.

Pages, version history, feeds, search, lists, the sitemap, the Transparence
tables and previews all decide what they show with these functions, so that
a text or a contribution is public everywhere or nowhere.

Two levels, as readers meet them:

- **visible**: a reader who has the address can open it. An article or page
  whose status is ``published`` or ``hidden`` and whose date has come.
- **listed**: visible *and* offered to readers who do not have the address:
  lists, feeds, search, the sitemap, registers. Status ``published`` only
  (``hidden`` texts are reachable by their address, never listed).

A draft is never public; a text dated in the future is not public until its
date (``WITH_FUTURE_DATES = True`` in the local preview shows it early). A
contribution is public when it is approved, its date has come, and its
article is visible.

A past state of a text (history) is public under the same rule, read from
that state's own header: see :func:`state_visible`.
"""

from __future__ import annotations

import datetime as dt

VISIBLE_STATUSES = ("published", "hidden")
LISTED_STATUSES = ("published",)


def _aware(date: dt.datetime) -> dt.datetime:
    return date if date.tzinfo else date.replace(tzinfo=dt.timezone.utc)


def now_utc() -> dt.datetime:
    """The instant a build asks "public now?" at."""
    return dt.datetime.now(dt.timezone.utc)


def date_reached(date: dt.datetime | None, now: dt.datetime | None = None, future_ok: bool = False) -> bool:
    """True when `date` has come (a missing date counts as come; `future_ok` for local previews)."""
    if date is None or future_ok:
        return True
    return _aware(date) <= (now or now_utc())


def status_of(item) -> str:
    """An article's, page's or state's status, lower case ("published" when none is given)."""
    return str(getattr(item, "status", "published") or "published").strip().lower()


def visible(item, now: dt.datetime | None = None, future_ok: bool = False) -> bool:
    """True when a reader with the address can open this article or page."""
    return status_of(item) in VISIBLE_STATUSES and date_reached(getattr(item, "date", None), now, future_ok)


def listed(item, now: dt.datetime | None = None, future_ok: bool = False) -> bool:
    """True when lists, feeds, search, the sitemap and registers offer this article or page."""
    return status_of(item) in LISTED_STATUSES and date_reached(getattr(item, "date", None), now, future_ok)


def contribution_visible(contribution, article=None, now: dt.datetime | None = None,
                         future_ok: bool = False) -> bool:
    """True when an approved contribution, dated today or before, shows under a visible article."""
    if getattr(contribution, "status", "") != "approved":
        return False
    if not date_reached(getattr(contribution, "date", None), now, future_ok):
        return False
    return article is None or visible(article, now, future_ok)


def state_visible(status: str, date: dt.datetime | None, until: dt.datetime | None,
                  now: dt.datetime | None = None) -> bool:
    """True when a past state of a text (its own header's status and date) was ever visible.

    `until` is the moment that state was replaced by the next one (None while it
    is the current state): it was public only if it was not a draft and its date
    came before it was replaced (and, for the current state, before now).
    """
    if str(status or "published").strip().lower() not in VISIBLE_STATUSES:
        return False
    end = _aware(until) if until is not None else (now or now_utc())
    return date is None or _aware(date) <= end
