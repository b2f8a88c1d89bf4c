"""The corrections feed: every correction of the site, newest first, as Atom and RSS.

Written with the syndication plugin's renderer (feedgen), so that it keeps
every feed rule the other feeds keep: permanent tag ids, the real Paris
offset, absolute links, full content and a summary, and a feed date that is
its newest correction's (never the build time). An entry's id is the
article's own id (``Feed_id:``) followed by the correction's date: it
survives a change of title, slug or address.
"""

from __future__ import annotations

import datetime as dt
import html
from zoneinfo import ZoneInfo

from blogcore.frdates import fr_date
from syndication import ids
from syndication.config import SyndicationConfig, site_base_url
from syndication.entries import absolute, local_time
from syndication.model import Document, Entry, Person

from .figures import Listed

FEED_NAME = "corrections"


def entry_id(listed: Listed, authority: str, tz: ZoneInfo) -> str:
    """The permanent id of one correction's entry."""
    stamp = listed.correction.date.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    item = listed.item
    if getattr(item, "date", None) is not None:  # an article: its own permanent id
        base, _ = ids.article_id(item, authority, tz)
        return f"{base}:correction:{stamp}"
    return ids.tag_uri(authority, ids.local_day(listed.correction.date, tz), f"correction:page/{item.slug}:{stamp}")


def entry(listed: Listed, base: str, tz: ZoneInfo, authority: str, publisher: str) -> Entry:
    """The feed entry of one correction, linking to the correction on its page."""
    correction, item = listed.correction, listed.item
    page = absolute(base, item.url)
    url = f"{page}#{correction.anchor}"
    when = local_time(correction.date, tz)
    title = " ".join(str(item.title).split())
    summary = f"{correction.label} du {fr_date(when)}\u00a0: {correction.text}"
    content = (f"<p><strong>{html.escape(correction.label)} du {html.escape(fr_date(when))}</strong>\u00a0: "
               f"{html.escape(correction.text)}</p>"
               f'<p>Texte corrigé\u00a0: <a href="{html.escape(page)}">{html.escape(title)}</a></p>')
    return Entry(
        id=entry_id(listed, authority, tz), url=url, title=f"{correction.label}\u00a0: {title}",
        published=when, updated=when, summary_html=html.escape(summary, quote=False), summary_text=summary,
        content_html=content, authors=(Person(publisher),), categories=(correction.label,), tags=(),
        key=f"{item.slug}#{correction.anchor}",
    )


def document(corrections: list[Listed], settings: dict, cfg: SyndicationConfig, page_url: str,
             fallback: dt.datetime) -> Document:
    """The corrections feed's renderer input (at most max_entries entries)."""
    tz = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    base = site_base_url(settings, cfg)
    sitename = str(settings.get("SITENAME") or "")
    publisher = str(settings.get("PUBLISHER") or sitename)
    entries = tuple(entry(listed, base, tz, cfg.id_authority, publisher) for listed in corrections[: cfg.max_entries])
    updated = max((e.updated for e in entries), default=None) or local_time(fallback, tz)
    path = f"{cfg.feeds_dir}/{FEED_NAME}"
    return Document(
        feed_id=ids.tag_uri(cfg.id_authority, dt.date.fromisoformat(cfg.feed_id_date), f"feed/{FEED_NAME}"),
        title=f"{sitename} — corrections",
        description=f"Chaque correction publiée sur {sitename} (rectificatifs, précisions, mises à jour), "
                    "la plus récente d’abord.",
        home_url=f"{base}/{page_url}", urls={"atom": f"{base}/{path}.atom.xml", "rss": f"{base}/{path}.rss.xml"},
        language=str(settings.get("DEFAULT_LANG") or "fr"), publisher=publisher, updated=updated,
        entries=entries, hub=cfg.websub_hub,
    )
