"""The Pelican generator that writes every feed, the OPML file and the "Suivre" page.

Registered through ``get_generators``, it runs after the articles and pages
generators: ``generate_context`` checks the ``Feed_id:`` lines and gives the
templates the catalogue (``syndication``); ``generate_output`` writes the files.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from pelican.generators import Generator

from blogcore.errors import Problem, display_path, raise_if_any

from . import config, ids
from .catalogue import PREFIX, Catalogue
from .entries import article_entry, contribution_entry, local_time
from .model import Document, Entry, Feed
from .opml import opml_bytes
from .render import render

log = logging.getLogger(__name__)


def check_feed_ids(published: list, others: list, authority: str, tz: ZoneInfo) -> tuple[list[Problem], list[str]]:
    """Problems (bad or duplicate Feed_id) and warnings (published article without one)."""
    problems: list[Problem] = []
    warnings: list[str] = []
    seen: dict[str, str] = {}
    listed = {id(a) for a in published}
    for article in list(published) + list(others):
        shown = display_path(article.source_path)
        value, fallback = ids.article_id(article, authority, tz)
        if not fallback and not ids.is_valid(value):
            problems.append(Problem(shown, "Feed_id:", value, "not a tag URI (RFC 4151)",
                                    f"write e.g. 'Feed_id: {ids.new_article_id(authority, ids.local_day(article.date, tz))}' "
                                    "and never change it afterwards"))
            continue
        if value in seen:
            problems.append(Problem(shown, "Feed_id:", value, f"the same id as {seen[value]}: readers would merge them",
                                    f"give this article a new id, e.g. "
                                    f"'Feed_id: {ids.new_article_id(authority, ids.local_day(article.date, tz))}'"))
            continue
        seen[value] = shown
        if fallback and id(article) in listed:
            warnings.append(f"{shown}: no Feed_id: line; its entries use the fallback id {value!r}, which changes if "
                            f"the file is renamed. Fix: add 'Feed_id: {value}' to its header (never change it afterwards)")
    return problems, warnings


def feed_document(feed: Feed, entry_for, cfg: config.SyndicationConfig, base: str, language: str,
                  publisher: str, fallback_updated) -> Document:
    """One feed's renderer input: at most `cfg.max_entries` entries (its sources are newest first).

    The feed's date is its newest entry's ``updated`` (never the build time);
    `fallback_updated()` is only called for a feed without entries.
    """
    entries = tuple(entry_for(source) for source in feed.sources[: cfg.max_entries])
    updated = max((e.updated for e in entries), default=None) or fallback_updated()
    specific = f"feed/{feed.scope}" + (f"/{feed.slug}" if feed.slug else "")
    return Document(
        feed_id=ids.tag_uri(cfg.id_authority, dt.date.fromisoformat(cfg.feed_id_date), specific),
        title=feed.title, description=feed.description, home_url=feed.home_url(base),
        urls={fmt: feed.url(fmt, base) for fmt in feed.formats}, language=language,
        publisher=publisher, updated=updated, entries=entries, hub=cfg.websub_hub,
    )


class FeedsGenerator(Generator):
    """Writes the feeds (feedgen and json.dumps), the OPML list and /suivre/."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.config = config.from_settings(self.settings)
        self.tz = ZoneInfo(self.settings.get("TIMEZONE") or "UTC")
        self.catalogue: Catalogue | None = None
        self.written: list[str] = []
        self.seconds = 0.0
        self._entries: dict[int, Entry] = {}

    # ---------------------------------------------------------------- context
    def generate_context(self):
        """Check Feed_id lines; give the templates the catalogue as ``syndication``."""
        ctx = self.context
        published = list(ctx.get("articles", []) or [])
        others = list(ctx.get("hidden_articles", []) or []) + list(ctx.get("drafts", []) or [])
        problems, warnings = check_feed_ids(published, others, self.config.id_authority, self.tz)
        raise_if_any(problems, prefix=PREFIX + "feed ids have errors. ")
        for warning in warnings:
            log.warning(PREFIX + "%s", warning)
        self.catalogue = Catalogue(ctx, self.settings, self.config)
        ctx["syndication"] = self.catalogue
        self._entries = {}  # entries are made from this context's articles and contributions

    # ---------------------------------------------------------------- entries
    def _entry(self, source) -> Entry:
        key = id(source)
        if key not in self._entries:
            cat, base = self.catalogue, self.catalogue.base
            if hasattr(source, "feed_entry"):  # a source that makes its own entry (a correction)
                publisher = str(self.settings.get("PUBLISHER") or cat.sitename)
                self._entries[key] = source.feed_entry(base, self.tz, self.config.id_authority, publisher)
            elif hasattr(source, "anchor"):  # a contribution
                article = cat.article(source.article)
                body = cat.community.body_html(source)
                self._entries[key] = contribution_entry(source, article, body, base, self.tz, self.config.id_authority)
            else:
                self._entries[key] = article_entry(source, base, self.tz, self.config.id_authority)
        return self._entries[key]

    def _fallback_updated(self) -> dt.datetime:
        articles = self.catalogue.articles
        if articles:
            return max(local_time(getattr(a, "corrected", None) or a.date, self.tz) for a in articles)
        day = dt.date.fromisoformat(self.config.feed_id_date)
        return local_time(dt.datetime(day.year, day.month, day.day, tzinfo=self.tz), self.tz)

    def document(self, feed: Feed) -> Document:
        """The renderer's input for one feed: its newest `max_entries` entries."""
        cat = self.catalogue
        return feed_document(feed, self._entry, self.config, cat.base, cat.language,
                             str(self.settings.get("PUBLISHER") or cat.sitename), self._fallback_updated)

    # ----------------------------------------------------------------- output
    def _write(self, relative: str, data: bytes) -> None:
        target = Path(self.output_path) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.written.append(relative)

    def write_feeds(self, only=None) -> list[str]:
        """Write every feed (or those for which only(feed) is true: the live preview's); the files written."""
        written = []
        for feed in self.catalogue.feeds:
            if only is None or only(feed):
                for fmt, data in render(self.document(feed), feed.formats).items():
                    self._write(feed.path(fmt), data)
                    written.append(feed.path(fmt))
        return written

    def write_lists(self, writer) -> None:
        """Write the lists of every feed: the OPML file and the "Suivre" page."""
        self._write(self.catalogue.opml_path, opml_bytes(self.catalogue))
        writer.write_file(
            config.FOLLOW_SAVE_AS, self.get_template("suivre"), self.context,
            relative_urls=self.settings.get("RELATIVE_URLS", False), url=config.FOLLOW_URL,
            template_name="suivre", page_name="suivre/index", feed_groups=self.catalogue.groups(),
        )

    def generate_output(self, writer):
        """Write every feed, the OPML file and the "Suivre" page."""
        start = time.perf_counter()
        feeds = self.catalogue.feeds
        self.write_feeds()
        self.write_lists(writer)
        self.seconds = time.perf_counter() - start
        community = "" if self.catalogue.community is not None else " (no community feeds: context['community'] is absent)"
        log.info(PREFIX + "wrote %d feeds in %d files, %s and /%s%s", len(feeds), len(self.written) - 1,
                 self.catalogue.opml_path, config.FOLLOW_URL, community)
