"""Shared builders for the feed unit tests (no test here).

Real Pelican Article objects (so that URLs, summaries and intrasite links
behave as in a build), small stand-ins for taxonomies and for the community
plugin's ``context["community"]`` object.
"""

from __future__ import annotations

import copy
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from pelican.contents import Article, Author, Category, Tag
from pelican.settings import DEFAULT_CONFIG

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "feeds"))

from syndication.config import SyndicationConfig  # noqa: E402

PARIS = ZoneInfo("Europe/Paris")
AUTHORITY = "marques-communautes.github.io"
CONFIG = SyndicationConfig(id_authority=AUTHORITY, feed_id_date="2026-11-22")

SETTINGS = copy.deepcopy(DEFAULT_CONFIG)
SETTINGS.update(
    SITENAME="Marques & communautés", PUBLISHER="L'équipe éditoriale", SITEURL="https://example.org",
    TIMEZONE="Europe/Paris", DEFAULT_LANG="fr", WITH_FUTURE_DATES=False,
    ARTICLE_URL="{slug}/", ARTICLE_SAVE_AS="{slug}/index.html",
    CATEGORY_URL="categorie/{slug}/", TAG_URL="etiquette/{slug}/", AUTHOR_URL="auteur/{slug}/",
)


def paris(*args) -> dt.datetime:
    """An aware datetime in Europe/Paris."""
    return dt.datetime(*args, tzinfo=PARIS)


def make_article(title="Premier article", slug="premier-article", date=None, category="Essais",
                 tags=("conversation",), author="Camille Témoin", feed_id=None, corrected=None,
                 content="<p>Texte.</p>", summary="<p>Résumé.</p>", status="published",
                 source="/site/content/articles/premier-article.md", settings=None) -> Article:
    """A real Pelican article built from header-like fields."""
    settings = settings or SETTINGS
    metadata = {
        "title": title, "slug": slug, "date": date or paris(2020, 1, 1, 10, 0),
        "category": Category(category, settings), "tags": [Tag(t, settings) for t in tags],
        "authors": [Author(author, settings)], "status": status,
    }
    if summary is not None:
        metadata["summary"] = summary
    if feed_id:
        metadata["feed_id"] = feed_id
    context = {"localsiteurl": "", "generated_content": {}, "static_content": {}, "static_links": set()}
    article = Article(content, metadata, settings=settings, source_path=source, context=context)
    if corrected:  # the date of its newest Correction: line, as plugins/transparency sets it
        article.corrected = corrected
    return article


def taxonomies(articles: list) -> dict:
    """categories, tags and authors as Pelican puts them in the context: [(object, articles)]."""
    found: dict[str, dict] = {"categories": {}, "tags": {}, "authors": {}}
    for article in articles:
        found["categories"].setdefault(article.category, []).append(article)
        for tag in article.tags:
            found["tags"].setdefault(tag, []).append(article)
        for author in article.authors:
            found["authors"].setdefault(author, []).append(article)
    return {key: list(value.items()) for key, value in found.items()}


def make_context(articles: list, hidden=(), drafts=(), community=None, settings=None) -> dict:
    """A Pelican-like context: only published articles are listed and classified."""
    context = dict(settings or SETTINGS)
    context.update(articles=list(articles), hidden_articles=list(hidden), drafts=list(drafts),
                   **taxonomies(articles))
    if community is not None:
        context["community"] = community
    return context


@dataclass(frozen=True)
class FakeContribution:
    """What the feeds read of a contribution (see plugins/community/model.py)."""

    id: str
    article: str
    author: str
    date: dt.datetime
    kind: str = "comment"
    official: bool = False
    status: str = "approved"
    body: str = ""

    @property
    def anchor(self) -> str:
        return f"contribution-{self.id}"


class FakeCommunity:
    """The interface the syndication plugin expects under context["community"]."""

    def __init__(self, contributions: list[FakeContribution], listed: set[str]):
        self._all = list(contributions)
        approved = [c for c in self._all if c.status == "approved"]
        self.published = sorted((c for c in approved if c.article in listed), key=lambda c: (c.date, c.id),
                                reverse=True)
        self._approved = approved

    def for_article(self, slug: str) -> list[FakeContribution]:
        return sorted((c for c in self._approved if c.article == slug), key=lambda c: (c.date, c.id))

    def body_html(self, contribution: FakeContribution) -> str:
        return contribution.body if contribution.status == "approved" else ""
