"""The Pelican generator that writes the search page and the search index.

Registered through ``get_generators`` after the other plugins:

- ``generate_context`` gives the templates ``search`` (the page's address,
  the bundle's folder, the categories and kinds to filter by; None when
  search is off);
- ``start_index`` (on ``all_generators_finalized``: every source has been
  read, static files included, so an article's content has its final links)
  makes the records and starts Pagefind in the background;
- ``generate_output`` writes ``/recherche/`` and waits for the index (or
  for the last one, put back from CACHE_PATH when nothing indexed changed:
  kept.py).

A failure of Pagefind fails the build, so that a site without its index
never replaces a good one.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from pelican.generators import Generator

from blogcore.wording import RESULT_KINDS

from . import config
from .indexer import Indexing, Written
from .records import build_records

log = logging.getLogger(__name__)
PREFIX = "[search] "


@dataclass(frozen=True)
class SearchPage:
    """What the templates know of search (``search`` in their context)."""

    url: str
    bundle_dir: str
    language: str
    categories: tuple[str, ...]
    kinds: tuple[str, ...]


class SearchGenerator(Generator):
    """Writes /recherche/ and the Pagefind index of the build's published content."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.config = config.from_settings(self.settings)
        # What the log says of the index; the records themselves go to Pagefind, which drops them as it sends them.
        self.counts: dict[str, int] = {}
        self.records_seconds = 0.0
        self.indexing: Indexing | None = None
        self.written: Written | None = None

    def generate_context(self):
        """Give the templates ``search`` (None when search is off)."""
        cfg = self.config
        if not cfg.enabled:
            self.context["search"] = None
            return
        articles = self.context.get("articles") or []
        categories = sorted({a.category.name for a in articles if getattr(a, "category", None)}, key=str.casefold)
        community = self.context.get("community")
        present = {"article": bool(articles), "page": bool(self.context.get("pages")),
                   "contribution": cfg.contributions and community is not None and bool(community.published)}
        self.context["search"] = SearchPage(
            url=cfg.page_url, bundle_dir=cfg.bundle_dir, language=cfg.language, categories=tuple(categories),
            kinds=tuple(label for kind, label in RESULT_KINDS.items() if present[kind]))

    def start_index(self) -> None:
        """Make the records and start Pagefind on them (it runs while the pages are written)."""
        cfg = self.config
        if not cfg.enabled or self.indexing is not None:
            return
        start = time.perf_counter()
        records = build_records(self.context, contributions=cfg.contributions,
                                future_ok=bool(self.settings.get("WITH_FUTURE_DATES", True)),
                                now=dt.datetime.now(dt.timezone.utc))
        self.records_seconds = time.perf_counter() - start
        self.counts = {kind: sum(1 for r in records if r.kind == kind) for kind in RESULT_KINDS}
        self.counts["section"] = sum(len(r.sections) for r in records)
        # Not kept here: Indexing lets go of each record once Pagefind has it (issue 28 point 4).
        self.indexing = Indexing(records, Path(self.output_path) / cfg.bundle_dir, cfg.language,
                                 cache=self.settings.get("CACHE_PATH") or None).start()

    def generate_output(self, writer):
        """Write the search page, then wait for the index of the published articles, pages and contributions."""
        cfg = self.config
        if not cfg.enabled:
            return
        writer.write_file(
            cfg.page_save_as, self.get_template("recherche"), self.context,
            relative_urls=self.settings.get("RELATIVE_URLS", False), url=cfg.page_url,
            template_name="recherche", page_name=cfg.page_url + "index",
        )
        self.start_index()  # when no signal started it (a generator used on its own)
        if self.written is None:
            self.written = self.indexing.finish()
        counts = self.counts
        if self.written.reused:
            log.info(PREFIX + "nothing indexed changed since the last index (%d records): kept it, Pagefind did "
                     "not run (%.2f s)", self.written.records, self.written.seconds)
            return
        log.info(PREFIX + "indexed %d articles, %d pages and %d contributions (in %d threads): records %.2f s, "
                 "Pagefind %.2f s (the build waited %.2f s for it), %s/ holds %d files, %.1f MB", counts["article"],
                 counts["page"], counts["section"], counts["contribution"],
                 self.records_seconds, self.written.seconds, self.written.waited,
                 cfg.bundle_dir, self.written.files, self.written.bytes / 1e6)
