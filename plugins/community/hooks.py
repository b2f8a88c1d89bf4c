"""Signal handlers of the community plugin (thin: they call the modules)."""

from __future__ import annotations

import logging
from pathlib import Path
from zoneinfo import ZoneInfo

from blogcore.errors import raise_if_any
from blogcore.typography import fix_html

from . import config, embed, prerender, render, store
from .cache import FRAGMENT_CODE, BodyCache, FileCache, FragmentCache, fingerprint
from .index import CommunityIndex
from .pages import CommunityPagesGenerator

log = logging.getLogger(__name__)
PREFIX = "[community] "


def attach_contributions(generator) -> None:
    """Load and check every contribution, then attach them to their articles."""
    settings = generator.settings
    cfg = config.from_settings(settings)
    tz = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    cache_folder = settings.get("CACHE_PATH") if cfg.cache else None
    root = Path(settings["PATH"]) / cfg.path
    files = FileCache(cache_folder, tz, str(cfg.max_body_chars))
    contributions, problems = store.load_all(root, tz, files, cfg.max_body_chars)
    files.save()
    del files  # freed before anything else loads: its lines duplicate the contributions' fields
    groups = ("articles", "translations", "hidden_articles", "hidden_translations", "drafts", "drafts_translations")
    every = [a for name in groups for a in getattr(generator, name, [])]
    all_articles = {a.slug: a for a in every}
    listed = {a.slug: a for a in generator.articles}
    problems += store.check_collection(contributions, set(all_articles), cfg.brand_names, cfg.official_authors)
    raise_if_any(problems, prefix=PREFIX + "contribution files have errors. ")
    fragments = None
    if cache_folder:
        fragments = FragmentCache(cache_folder, fingerprint(
            FRAGMENT_CODE, ("nh3", "markdown", "markupsafe"), (*cfg.describe(), str(tz))))
    index = CommunityIndex(contributions, cfg, listed, all_articles, lambda: BodyCache(cache_folder, cfg.own_hosts),
                           fragments=fragments, workers=prerender.workers_for(cfg.render_workers))
    generator.context["community"] = index
    quote_problems = []
    for article in every:
        article.contribution_count = index.count(article.slug)
        quote_problems += embed.replace_quotes(article, index)
    raise_if_any(quote_problems, prefix=PREFIX + "quoted contributions have errors. ")
    figures = index.figures()
    log.info(PREFIX + "%d contributions: %d published, %d pending, %d rejected, %d redacted",
             figures.received, figures.published, figures.pending, figures.rejected, figures.redacted)


def pages_figures_and_quotes(generator) -> None:
    """Put the moderation figures and quoted contributions into static pages."""
    index = generator.context.get("community")
    if index is None:
        return
    marker = f"<p>{index.config.figures_marker}</p>"
    problems = []
    for page in list(generator.pages) + list(generator.hidden_pages) + list(getattr(generator, "draft_pages", [])):
        if marker in (page._content or ""):
            page._content = page._content.replace(marker, fix_html(render.figures_table(index.figures())))
        problems += embed.replace_quotes(page, index)
    raise_if_any(problems, prefix=PREFIX + "quoted contributions have errors. ")


def add_generator(pelican_object):
    """Register the community pages generator."""
    return CommunityPagesGenerator


def install_globals(generator) -> None:
    """Give templates the article parts and card builders."""
    generator.env.globals["community_article"] = render.article_parts
    generator.env.globals["community_cards"] = render.contribution_cards
