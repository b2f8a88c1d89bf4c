"""Signal handlers of the reading plugin (thin: they call the modules)."""

from __future__ import annotations

from pathlib import Path

from blogcore import public

from . import cover, related


def _texts(generator, names) -> list:
    return [item for name in names for item in getattr(generator, name, []) or []]


def _attach_covers(items, settings: dict) -> None:
    root = Path(settings["PATH"])
    static_url = settings.get("STATIC_URL") or "{path}"
    for item in items:
        # The editorial validator refused every bad value before Pelican read the file.
        item.cover = cover.cover_of(item.metadata, Path(item.source_path), root, static_url)


def prepare_articles(generator) -> None:
    """Give every article its cover and its « À lire aussi » (listed articles only)."""
    settings = generator.settings
    articles = _texts(generator, ("articles", "translations", "hidden_articles", "hidden_translations",
                                  "drafts", "drafts_translations"))
    _attach_covers(articles, settings)
    future_ok = bool(settings.get("WITH_FUTURE_DATES", True))
    candidates = [a for a in generator.articles if public.listed(a, future_ok=future_ok)]
    index = related.Index(candidates)
    for article in articles:
        article.related = tuple(index.choose(article))


def prepare_pages(generator) -> None:
    """Give every page its cover (the Transparence page may have one too)."""
    _attach_covers(_texts(generator, ("pages", "hidden_pages", "draft_pages")), generator.settings)
