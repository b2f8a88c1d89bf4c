"""A correction as a feed entry, for the syndication plugin's corrections feed.

The syndication plugin lists the feed (``flux/corrections.atom.xml`` and
``.rss.xml``, on the "Suivre" page and in the OPML list) and writes it like
every other feed: permanent tag ids, the real Paris offset, absolute links,
full content and a summary, and a feed date that is its newest correction's
(never the build time). It asks each correction for its entry
(``Listed.feed_entry``), made here. An entry's id is the article's own id
(``Feed_id:``) followed by the correction's date: it survives a change of
title, slug or address. A correction of a text with a commercial counterpart
names that text with its mention (mention.py).
"""

from __future__ import annotations

import datetime as dt
import html
from zoneinfo import ZoneInfo

from blogcore.frdates import fr_date
from syndication import ids
from syndication.entries import absolute, local_time
from syndication.model import Entry, Person

from . import mention


def entry_id(listed, authority: str, tz: ZoneInfo) -> str:
    """The permanent id of one correction's entry."""
    stamp = listed.correction.date.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    item = listed.item
    if getattr(item, "date", None) is not None:  # an article: its own permanent id
        base, _ = ids.article_id(item, authority, tz)
        return f"{base}:correction:{stamp}"
    return ids.tag_uri(authority, ids.local_day(listed.correction.date, tz), f"correction:page/{item.slug}:{stamp}")


def entry(listed, base: str, tz: ZoneInfo, authority: str, publisher: str) -> Entry:
    """The feed entry of one correction, linking to the correction on its page."""
    correction, item = listed.correction, listed.item
    page = absolute(base, item.url)
    url = f"{page}#{correction.anchor}"
    when = local_time(correction.date, tz)
    title = " ".join(str(item.title).split())
    summary = f"{correction.label} du {fr_date(when)}\u00a0: {correction.text}"
    words = mention.text(item)  # the corrected text's commercial mention, after its title
    content = (f"<p><strong>{html.escape(correction.label)} du {html.escape(fr_date(when))}</strong>\u00a0: "
               f"{html.escape(correction.text)}</p>"
               f'<p>Texte corrigé\u00a0: <a href="{html.escape(page)}">{html.escape(title)}</a>'
               + (f" (<strong>{html.escape(words)}</strong>)" if words else "") + "</p>")
    return Entry(
        id=entry_id(listed, authority, tz), url=url, title=f"{correction.label}\u00a0: {mention.named(item, title)}",
        published=when, updated=when, summary_html=html.escape(summary, quote=False), summary_text=summary,
        content_html=content, authors=(Person(publisher),), categories=(correction.label,), tags=(),
        key=f"{item.slug}#{correction.anchor}",
    )
