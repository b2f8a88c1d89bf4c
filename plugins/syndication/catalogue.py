"""Which feeds the site has, what each contains, and which pages link to them.

The catalogue is given to the templates as ``syndication`` (head links, the
"Suivre" page) and to the generator (what to write). It is computed on first
use, after every generator has read its content, so that the community
plugin's ``context["community"]`` and the transparency plugin's
``context["transparency"]`` (the corrections feed) are there when they exist.

Embargo (feed rule 9): only articles whose status is ``published`` and whose
date has come are ever fed (drafts, hidden and future-dated articles never
are), and only approved contributions of those articles.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from functools import cached_property

from blogcore import public
from blogcore.wording import de
from transparency import mention

from .config import FOLLOW_URL, OPML_NAME, SyndicationConfig, site_base_url
from .model import Feed, Link

log = logging.getLogger(__name__)
PREFIX = "[syndication] "
NBSP = "\u00a0"


def _key(value: str) -> str:
    return " ".join(str(value).split()).casefold()


def published_articles(context: dict, settings: dict, now: dt.datetime | None = None) -> list:
    """The listed, published articles whose date has come, newest first."""
    now = now or dt.datetime.now(dt.timezone.utc)
    hidden = {id(a) for a in context.get("hidden_articles", []) or []}
    drafts = {id(a) for a in context.get("drafts", []) or []}
    future_ok = settings.get("WITH_FUTURE_DATES", True)
    chosen = []
    for article in context.get("articles", []) or []:
        if id(article) in hidden or id(article) in drafts or not public.listed(article, now, future_ok):
            continue
        chosen.append(article)
    return sorted(chosen, key=lambda a: (a.date, a.slug), reverse=True)


def _matches(obj, wanted: set[str]) -> bool:
    return obj is not None and (_key(obj.name) in wanted or _key(obj.slug) in wanted)


@dataclass(frozen=True)
class Group:
    """A section of the "Suivre" page."""

    key: str
    heading: str
    intro: str
    feeds: tuple[Feed, ...]


class Catalogue:
    """Every feed of the site (computed on first use)."""

    def __init__(self, context: dict, settings: dict, config: SyndicationConfig):
        self.context = context
        self.settings = settings
        self.config = config
        self.base = site_base_url(settings, config)
        self.sitename = str(settings.get("SITENAME") or "")
        self.language = str(settings.get("DEFAULT_LANG") or "fr")

    # ---------------------------------------------------------------- content
    @cached_property
    def articles(self) -> list:
        """Published articles, newest first (every feed draws from these only)."""
        return published_articles(self.context, self.settings)

    @cached_property
    def excluded_categories(self) -> set[str]:
        """Slugs and names of the categories kept out of the site-wide feeds."""
        return {_key(x) for x in self.config.exclude_categories_from_site}

    @cached_property
    def excluded_tags(self) -> set[str]:
        """Slugs and names of the tags kept out of the site-wide feeds."""
        return {_key(x) for x in self.config.exclude_tags_from_site}

    def in_site_feeds(self, article) -> bool:
        """False for an article of an excluded category or carrying an excluded tag."""
        if _matches(getattr(article, "category", None), self.excluded_categories):
            return False
        return not any(_matches(t, self.excluded_tags) for t in getattr(article, "tags", None) or [])

    @cached_property
    def site_articles(self) -> list:
        """The articles that the site-wide feeds carry."""
        return [a for a in self.articles if self.in_site_feeds(a)]

    @property
    def community(self):
        """The community plugin's object, or None until that plugin is installed."""
        return self.context.get("community")

    def contributions_of(self, slug: str) -> list:
        """Approved contributions of one published article, newest first."""
        community = self.community
        if community is None or slug not in self._article_by_slug:
            return []
        found = [c for c in community.for_article(slug) if _approved(c) and c.article == slug]
        return sorted(found, key=lambda c: (c.date, c.id), reverse=True)

    @cached_property
    def _article_by_slug(self) -> dict:
        return {a.slug: a for a in self.articles}

    def article(self, slug: str):
        """The published article of that slug (None if it is not published)."""
        return self._article_by_slug.get(slug)

    @cached_property
    def community_contributions(self) -> list:
        """Approved contributions of articles in the site-wide feeds, newest first."""
        community = self.community
        if community is None:
            return []
        allowed = {a.slug for a in self.site_articles}
        found = [c for c in community.published if _approved(c) and c.article in allowed]
        return sorted(found, key=lambda c: (c.date, c.id), reverse=True)

    # ------------------------------------------------------------------ feeds
    def _feed(self, scope, slug, name, title, label, description, home_path, sources, formats=("atom", "rss")):
        return Feed(scope=scope, slug=slug, name=name, title=title, label=label, description=description,
                    home_path=home_path, formats=formats, feeds_dir=self.config.feeds_dir, sources=sources)

    def _exclusion_note(self) -> str:
        parts = []
        if self.config.exclude_categories_from_site:
            names = ", ".join(self.config.exclude_categories_from_site)
            parts.append(f"des catégories {names}" if len(self.config.exclude_categories_from_site) > 1
                         else f"de la catégorie {names}")
        if self.config.exclude_tags_from_site:
            names = ", ".join(self.config.exclude_tags_from_site)
            parts.append(f"portant les étiquettes {names}" if len(self.config.exclude_tags_from_site) > 1
                         else f"portant l’étiquette {names}")
        if not parts:
            return ""
        return f" Sans les articles {' ni '.join(parts)}, qui gardent leurs propres flux."

    @cached_property
    def feeds(self) -> list[Feed]:
        """Every feed, in a stable order: site, community, categories, tags, authors, contributions."""
        self._warn_unknown_exclusions()
        name = self.sitename
        feeds = [self._feed(
            "site", "", name, f"{name} — tous les articles", f"{name} — tous les articles",
            f"Tous les articles publiés sur {name}, les plus récents d’abord.{self._exclusion_note()}",
            "", self.site_articles, ("atom", "rss", "json"))]
        if self.community is not None:
            home = getattr(getattr(self.community, "config", None), "community_url", "") or ""
            feeds.append(self._feed(
                "communaute", "", "communauté", f"{name} — contributions de la communauté",
                f"{name} — contributions de la communauté",
                "Les dernières contributions approuvées par la modération (commentaires, témoignages, idées), "
                f"tous articles confondus.{self._exclusion_note()}",
                home, self.community_contributions))
        transparency = self.context.get("transparency")
        if transparency is not None:  # plugins/transparency: every correction of the site, newest first
            feeds.append(self._feed(
                "corrections", "", "corrections", f"{name} — corrections", f"{name} — corrections",
                f"Chaque correction publiée sur {name} (rectificatifs, précisions, mises à jour), la plus récente "
                "d’abord.", transparency.config.corrections_url, transparency.corrections))
        wanted = {id(a) for a in self.articles}
        # (scope, context key, feed title, link title, description) for each taxonomy.
        taxonomies = (
            ("categorie", "categories", lambda t: f"{name} — catégorie {t.name}", lambda t: f"Catégorie {t.name}",
             lambda t: f"Les articles de la catégorie {t.name}."),
            ("etiquette", "tags", lambda t: f"{name} — étiquette {t.name}", lambda t: f"Étiquette {t.name}",
             lambda t: f"Les articles portant l’étiquette {t.name}."),
            ("auteur", "authors", lambda t: f"{name} — articles {de(t.name)}", lambda t: f"Articles {de(t.name)}",
             lambda t: f"Les articles signés {t.name}."),
        )
        for scope, key, title, link_title, description in taxonomies:
            for term, articles in sorted(self.context.get(key, []) or [], key=lambda p: p[0].slug):
                chosen = _newest([a for a in articles if id(a) in wanted])
                if chosen:
                    feeds.append(self._feed(scope, term.slug, term.name, title(term), link_title(term),
                                            description(term), term.url, chosen))
        if self.community is not None:
            for article in self.articles:
                contributions = self.contributions_of(article.slug)
                if contributions:  # named with its commercial mention, if any (the "Suivre" page, OPML, links)
                    title = mention.named(article, f"«{NBSP}{article.title}{NBSP}»")
                    feeds.append(self._feed(
                        "contributions", article.slug, article.title, f"{name} — contributions sur {title}",
                        f"Contributions sur {title}",
                        f"Les contributions approuvées publiées sous l’article {title}.",
                        article.url, contributions))
        return feeds

    def _warn_unknown_exclusions(self) -> None:
        categories = [c for c, _ in self.context.get("categories", []) or []]
        tags = [t for t, _ in self.context.get("tags", []) or []]
        for setting, wanted, known in (("exclude_categories_from_site", self.config.exclude_categories_from_site, categories),
                                       ("exclude_tags_from_site", self.config.exclude_tags_from_site, tags)):
            for value in wanted:
                if not any(_matches(obj, {_key(value)}) for obj in known):
                    log.warning(PREFIX + "SYNDICATION[%r] names %r, which no published article uses; "
                                "check the spelling (name or slug)", setting, value)

    @cached_property
    def _index(self) -> dict:
        return {(f.scope, f.slug): f for f in self.feeds}

    def find(self, scope: str, slug: str = "") -> Feed | None:
        """The feed of one scope and slug, or None."""
        return self._index.get((scope, slug))

    # -------------------------------------------------------------- templates
    def head_links(self, article=None, category=None, tag=None, author=None) -> list[Link]:
        """The <link rel="alternate"> of a page: the site's feeds, then those of what it shows."""
        links = []
        for feed in (self.find("site"), self.find("communaute")):
            if feed:
                links += feed.links()
        wanted: list[tuple[str, str]] = []
        if article is not None:
            if getattr(article, "category", None):
                wanted.append(("categorie", article.category.slug))
            wanted += [("etiquette", t.slug) for t in getattr(article, "tags", None) or []]
            wanted += [("auteur", a.slug) for a in getattr(article, "authors", None) or []]
            wanted.append(("contributions", getattr(article, "slug", "")))
        else:
            if category is not None:
                wanted.append(("categorie", category.slug))
            if tag is not None:
                wanted.append(("etiquette", tag.slug))
            if author is not None:
                wanted.append(("auteur", author.slug))
        seen = set()
        for key in wanted:
            feed = self.find(*key)
            if feed and key not in seen:
                seen.add(key)
                links += feed.links()
        return links

    def url(self, feed: Feed, fmt: str) -> str:
        """The absolute address of one feed format (what the "Suivre" page shows)."""
        return feed.url(fmt, self.base)

    @property
    def opml_path(self) -> str:
        """Where the OPML file is written, relative to the output."""
        return f"{self.config.feeds_dir}/{OPML_NAME}"

    @property
    def opml_url(self) -> str:
        """The OPML file's absolute address."""
        return f"{self.base}/{self.opml_path}"

    @property
    def follow_url(self) -> str:
        """The Suivre page's address, relative to the site."""
        return FOLLOW_URL

    def of_scope(self, scope: str) -> list[Feed]:
        """The feeds of one scope, in the catalogue's order (the "Suivre" page's main choices)."""
        return [feed for feed in self.feeds if feed.scope == scope]

    def groups(self) -> list[Group]:
        """The sections of the "Suivre" page (empty ones left out)."""
        by_scope: dict[str, list[Feed]] = {}
        for feed in self.feeds:
            by_scope.setdefault(feed.scope, []).append(feed)
        sections = [
            ("site", "Tout le site", "Chaque nouvel article, quel que soit son sujet."),
            ("communaute", "La communauté", "Les contributions des lecteurs, une fois approuvées par la modération."),
            ("corrections", "Les corrections", "Chaque erreur corrigée sur le site, avec sa date : pour vérifier ce qui a "
             "changé depuis votre lecture."),
            ("categorie", "Par catégorie", "Seulement les articles d’une catégorie."),
            ("etiquette", "Par étiquette", "Seulement les articles qui portent une étiquette."),
            ("auteur", "Par auteur", "Seulement les articles d’un auteur."),
            ("contributions", "Contributions, article par article",
             "Les contributions approuvées sous un article : pour suivre une conversation."),
        ]
        return [Group(key, heading, intro, tuple(by_scope[key])) for key, heading, intro in sections if by_scope.get(key)]


def _newest(articles: list) -> list:
    return sorted(articles, key=lambda a: (a.date, a.slug), reverse=True)


def _approved(contribution) -> bool:
    """Only approved contributions are fed, whatever the community object lists."""
    status = getattr(contribution, "status", "approved")
    return status == "approved"
