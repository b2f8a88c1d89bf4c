"""The Pelican generator that writes every feed, the OPML file and the "Suivre" page.

Registered through ``get_generators``, it runs after the articles and pages
generators: ``generate_context`` checks the ``Feed_id:`` lines and gives the
templates the catalogue (``syndication``); ``generate_output`` writes the files.

When the build is recorded (plugins/incremental, ``INCREMENTAL_FROM``), each
file goes through the writer's ``write_keyed``: a feed whose inputs did not
change since the previous build (its entries' articles, contributions and
corrections, its own titles and the settings it shows) is not rendered again,
the previous build's file is linked instead. The inputs are read from the
catalogue, never from entries: an unchanged feed costs no entry and no
feedgen object. A plain ``pelican`` run writes every file.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, fields, is_dataclass, replace
from pathlib import Path
from zoneinfo import ZoneInfo

from pelican.generators import Generator

from blogcore.errors import Problem, display_path, raise_if_any

from . import config, ids
from .catalogue import PREFIX, Catalogue, Group
from .entries import article_entry, contribution_entry, local_time
from .model import Document, Entry, Feed
from .opml import opml_bytes
from .render import render

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class FeedInputs:
    """What one feed's files are made from: one object for all its formats, so the writer describes it once."""

    values: tuple


def check_feed_ids(published: list, others: list, authority: str, tz: ZoneInfo) -> tuple[list[Problem], list[str]]:
    """Problems (bad or duplicate Feed_id) and warnings (published article without one)."""
    problems: list[Problem] = []
    warnings: list[str] = []
    seen: dict[str, str] = {}  # id -> the source path of the article that has it
    listed = {id(a) for a in published}
    for article in list(published) + list(others):
        value, fallback = ids.article_id(article, authority, tz)
        if not fallback and not ids.is_valid(value):
            problems.append(Problem(display_path(article.source_path), "Feed_id:", value, "not a tag URI (RFC 4151)",
                                    f"write e.g. 'Feed_id: {ids.new_article_id(authority, ids.local_day(article.date, tz))}' "
                                    "and never change it afterwards"))
            continue
        if value in seen:
            problems.append(Problem(display_path(article.source_path), "Feed_id:", value,
                                    f"the same id as {display_path(seen[value])}: readers would merge them",
                                    f"give this article a new id, e.g. "
                                    f"'Feed_id: {ids.new_article_id(authority, ids.local_day(article.date, tz))}'"))
            continue
        seen[value] = article.source_path  # shown only in a message (display_path resolves the path: not for all)
        if fallback and id(article) in listed:
            warnings.append(f"{display_path(article.source_path)}: no Feed_id: line; its entries use the fallback id "
                            f"{value!r}, which changes if the file is renamed. Fix: add 'Feed_id: {value}' to its "
                            "header (never change it afterwards)")
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
        self.rendered = 0  # files written by this build (the others were kept from the previous one)
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
        self._entries = {}  # entries are made from this context's articles and corrections

    # ---------------------------------------------------------------- entries
    def _entry(self, source) -> Entry:
        cat, base = self.catalogue, self.catalogue.base
        if hasattr(source, "anchor"):  # a contribution: in two feeds at most (its article's, the community's),
            # so made again rather than kept: the site's thousands of contributions never stay in memory at once.
            article = cat.article(source.article)
            body = cat.community.body_html(source)
            return contribution_entry(source, article, body, base, self.tz, self.config.id_authority)
        key = id(source)
        if key not in self._entries:  # an article is in several feeds (site, category, tags, authors)
            if hasattr(source, "feed_entry"):  # a source that makes its own entry (a correction)
                self._entries[key] = source.feed_entry(base, self.tz, self.config.id_authority, self._publisher())
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
        return feed_document(feed, self._entry, self.config, cat.base, cat.language, self._publisher(),
                             self._fallback_updated)

    # ----------------------------------------------------------------- output
    def _publisher(self) -> str:
        return str(self.settings.get("PUBLISHER") or self.catalogue.sitename)

    def _reads(self, source):
        """The article or page whose state one entry shows (a contribution's is its article's)."""
        if hasattr(source, "feed_entry"):  # a correction: the corrected text
            return getattr(source, "item", None)
        if hasattr(source, "anchor"):  # a contribution: its article's title, address and partner
            return self.catalogue.article(source.article)
        return source

    def _inputs(self, feed: Feed) -> tuple[FeedInputs, list]:
        """What one feed's bytes are made from: (values, the articles and pages its entries show).

        The values name its entries (articles and pages by their path, contributions and corrections
        by their fields) and everything else the document holds; the incremental writer follows the
        articles' and pages' own state. The code that writes feeds is in the build's fingerprint.
        """
        cat = self.catalogue
        sources = feed.sources[: self.config.max_entries]
        values = (self.config, cat.base, cat.language, self._publisher(), str(self.tz), feed.scope, feed.slug,
                  feed.title, feed.description, feed.home_path, feed.formats, feed.feeds_dir,
                  [_fields(source) for source in sources], None if sources else self._fallback_updated())
        reads = {id(found): found for found in map(self._reads, sources) if found is not None}
        return FeedInputs(values), list(reads.values())

    def _write(self, writer, relative: str, inputs, produce) -> None:
        """Write one file through the incremental writer (kept when its inputs did not change), else as is."""
        keyed = getattr(writer, "write_keyed", None)
        if keyed is not None:
            if keyed(relative, self.context, inputs, produce):
                self.rendered += 1
        else:
            target = Path(self.output_path) / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(produce())
            self.rendered += 1
        self.written.append(relative)

    def write_feed(self, writer, feed: Feed) -> None:
        """Write one feed in each of its formats (rendered at most once, only if one of its files must be)."""
        made: dict[str, bytes] = {}

        def produce(fmt: str) -> bytes:
            if not made:
                made.update(render(self.document(feed), feed.formats))
            return made.pop(fmt)  # dropped once written: no feed stays in memory after its own files

        memo: list = []

        def inputs():
            if not memo:
                memo.append(self._inputs(feed))
            return memo[0]

        for fmt in feed.formats:
            self._write(writer, feed.path(fmt), inputs, lambda fmt=fmt: produce(fmt))

    def write_lists(self, writer) -> None:
        """Write the lists of every feed: the OPML file and the "Suivre" page."""
        cat = self.catalogue
        listed = [[f.scope, f.slug, f.title, f.description, f.home_path, f.formats, f.feeds_dir] for f in cat.feeds]
        self._write(writer, cat.opml_path,
                    lambda: ([cat.sitename, self._publisher(), cat.base, cat.language, listed], []),
                    lambda: opml_bytes(cat))
        writer.write_file(
            config.FOLLOW_SAVE_AS, self.get_template("suivre"), self.context,
            relative_urls=self.settings.get("RELATIVE_URLS", False), url=config.FOLLOW_URL,
            template_name="suivre", page_name="suivre/index", feed_groups=_listed(cat.groups()),
        )

    def generate_output(self, writer):
        """Write every feed, the OPML file and the "Suivre" page (through the incremental writer when there is one)."""
        start = time.perf_counter()
        feeds = self.catalogue.feeds
        for feed in feeds:
            self.write_feed(writer, feed)
        self.write_lists(writer)
        self._entries = {}  # the entries made for this build's feeds are no longer needed
        self.seconds = time.perf_counter() - start
        community = "" if self.catalogue.community is not None else " (no community feeds: context['community'] is absent)"
        log.info(PREFIX + "%d feeds in %d files, %s and /%s%s: %d files written, the others kept from the previous "
                 "build", len(feeds), len(self.written) - 1, self.catalogue.opml_path, config.FOLLOW_URL, community,
                 self.rendered)


def _fields(source):
    """A contribution or a correction as its fields' values, in order (an article: itself, named by its path).

    Every field is there; a tuple is described several times faster than the dataclass (whose description
    sorts its fields by name), and ten thousand contributions are described at each build.
    """
    if is_dataclass(source):
        return (type(source).__qualname__, *(getattr(source, field.name) for field in fields(source)))
    return source


def _listed(groups: list[Group]) -> list[Group]:
    """The groups as the "Suivre" page lists them: feeds without their entries' sources, which it never shows.

    (The page's record describes the values it is given: every contribution of the site, otherwise.)
    """
    return [replace(group, feeds=tuple(replace(feed, sources=[]) for feed in group.feeds)) for group in groups]
