"""Entry ids: minted once, kept forever (feed rule 1, RFC 4287 §4.2.6, RFC 4151).

An article's id is its ``Feed_id:`` header line, a tag URI::

    Feed_id: tag:marques-communautes.github.io,2026-11-22:3f9c2a71

``tag:<authority>,<day>:<token>``: the authority is ``SYNDICATION["id_authority"]``
(a domain the publisher controls, never derived from ``SITEURL``), the day is
the day the id was minted (the day `invoke new` created the article) and the token is 8
random hexadecimal characters. The id lives in the file's header, so it does
not change when the title, slug, category, tags, the site's address or its
scheme change, nor when the file is renamed or moved: it moves with the file.

An article without ``Feed_id:`` gets a fallback, computed from the authority,
its date and its file name (``tag:<authority>,<day>:source/<file stem>``), and
the build warns (``invoke check`` fails): paste the id the warning shows as the
article's ``Feed_id:`` line, and it will never change again, even if the file
is renamed.

A contribution's id is ``tag:<authority>,<day of its date>:contribution:<its Id>``,
its ``Id:`` being stable by construction (see plugins/community).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

# The W3C Feed Validation Service's own pattern for tag URIs (validators.py).
TAG_URI = re.compile(
    r"^tag:([a-z0-9\-._]+?@)?[a-z0-9.\-]+?,\d{4}(-\d{2}(-\d{2})?)?:[0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,#]+$"
)
URN_UUID = re.compile(r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
FIELD = "feed_id"


def tag_uri(authority: str, day: dt.date, specific: str) -> str:
    """``tag:<authority>,<YYYY-MM-DD>:<specific>`` (specific is percent-encoded when needed)."""
    return f"tag:{authority},{day.isoformat()}:{quote(specific, safe=':/-._~')}"


def new_article_id(authority: str, day: dt.date, token: str | None = None) -> str:
    """A fresh id for a new article: ``tag:<authority>,<day>:<8 hex>``."""
    return tag_uri(authority, day, token or secrets.token_hex(4))


def is_valid(value: str) -> bool:
    """True for a tag URI (as the W3C validator reads it) or a urn:uuid."""
    return bool(TAG_URI.match(value) or URN_UUID.match(value))


def local_day(when: dt.datetime, tz: ZoneInfo) -> dt.date:
    """The calendar day of an aware datetime in the site's time zone."""
    return when.astimezone(tz).date()


def fallback_article_id(authority: str, date: dt.datetime, source_path: str, tz: ZoneInfo) -> str:
    """The deterministic id of an article that has no Feed_id line."""
    stem = Path(source_path).stem
    return tag_uri(authority, local_day(date, tz), "source/" + stem)


def article_id(article, authority: str, tz: ZoneInfo) -> tuple[str, bool]:
    """(id, True when it is a fallback) for a Pelican article."""
    value = str(getattr(article, "metadata", {}).get(FIELD) or "").strip()
    if value:
        return value, False
    return fallback_article_id(authority, article.date, article.source_path, tz), True


def contribution_id(contribution, authority: str, tz: ZoneInfo) -> str:
    """The id of a contribution: its day and its own stable Id."""
    return tag_uri(authority, local_day(contribution.date, tz), f"contribution:{contribution.id}")
