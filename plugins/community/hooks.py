"""Signal handlers of the community plugin (thin: they call the modules)."""

from __future__ import annotations

import logging
from pathlib import Path
from zoneinfo import ZoneInfo

from blogcore import filecache, parallel
from blogcore.errors import raise_if_any
from blogcore.typography import fix_html
from transparency import config as transparency_config

from . import config, embed, store, views
from .bodies import Bodies
from .index import CommunityIndex
from .pages import CommunityPagesGenerator

log = logging.getLogger(__name__)
PREFIX = "[community] "


def _load(settings, cache=None) -> tuple[list, list]:
    cfg = config.from_settings(settings)
    tz = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    return store.load_all(Path(settings["PATH"]) / cfg.path, tz, max_body=cfg.max_body_chars, cache=cache)


def check_files(generator, site) -> list:
    """Every contribution file's problems, before Pelican reads the articles (blogcore.report.CONTENT_CHECKS).

    The articles are known from their files (blogcore.sources), so that a build names the
    problems of contributions together with those of articles; the files read are kept for
    attach_contributions, which reads none again. An unchanged file gives what it gave last
    build (blogcore/filecache.py, saved by the editorial plugin), problems included.
    """
    cfg = config.from_settings(generator.settings)
    contributions, problems = _load(generator.settings, filecache.of(generator.context, generator.settings))
    problems += store.check_collection(contributions, set(site.articles()), cfg.brand_names, cfg.official_authors)
    generator.context[_CHECKED] = contributions
    return problems


_CHECKED = "community_checked_files"  # the files check_files read and found sound, for this build only


def attach_contributions(generator) -> None:
    """Load and check every contribution, render their bodies, then attach them to their articles."""
    settings = generator.settings
    cfg = config.from_settings(settings)
    groups = ("articles", "translations", "hidden_articles", "hidden_translations", "drafts", "drafts_translations")
    every = [a for name in groups for a in getattr(generator, name, [])]
    all_articles = {a.slug: a for a in every}
    listed = {a.slug: a for a in generator.articles}
    contributions = generator.context.pop(_CHECKED, None)
    if contributions is None:  # the editorial plugin is off: nobody checked them yet
        contributions, problems = _load(settings)
        problems += store.check_collection(contributions, set(all_articles), cfg.brand_names, cfg.official_authors)
        raise_if_any(problems, prefix=PREFIX)
    bodies = Bodies(settings.get("CACHE_PATH") if cfg.cache else None, cfg.own_hosts, parallel.workers_for(settings))
    # Paid links of contributions follow the transparency plugin's rule (transparency/disclosure.py).
    affiliate = transparency_config.from_settings(settings).affiliate_domains
    index = CommunityIndex(contributions, cfg, listed, all_articles, bodies, affiliate_domains=affiliate)
    index.prepare_bodies()
    generator.context["community"] = index
    raise_if_any(index.paid_link_problems(), prefix=PREFIX)
    quote_problems = []
    for article in every:
        article.contribution_count = index.count(article.slug)
        quote_problems += embed.replace_quotes(article, index, generator.env)
    raise_if_any(quote_problems, prefix=PREFIX + "citations de contributions. ")
    figures = index.figures()
    log.info(PREFIX + "%d contributions: %d published, %d pending, %d rejected, %d redacted; %d bodies rendered",
             figures.received, figures.published, figures.pending, figures.rejected, figures.redacted,
             bodies.rendered)


def pages_figures_and_quotes(generator) -> None:
    """Put the moderation figures and quoted contributions into static pages."""
    index = generator.context.get("community")
    if index is None:
        return
    marker = f"<p>{index.config.figures_marker}</p>"
    problems = []
    for page in list(generator.pages) + list(generator.hidden_pages) + list(getattr(generator, "draft_pages", [])):
        if marker in (page._content or ""):
            table = views.render_template(generator.env, "_figures.html", figures=index.figures())
            page._content = page._content.replace(marker, fix_html(table))
        problems += embed.replace_quotes(page, index, generator.env)
    raise_if_any(problems, prefix=PREFIX + "citations de contributions. ")


def save_bodies(pelican_object) -> None:
    """Write the bodies cache once every generator (feeds included) has asked for its bodies."""
    index = pelican_object.__dict__.pop("community_index", None)  # this run's only (see add_generator)
    if index is not None:
        index.bodies.save()


def add_generator(pelican_object):
    """Register the community pages generator, made for this run (it tells the run its index: save_bodies)."""
    return type(CommunityPagesGenerator.__name__, (CommunityPagesGenerator,), {"pelican": pelican_object})


def install_globals(generator) -> None:
    """Give templates the labels and filters contributions need."""
    views.install(generator)
