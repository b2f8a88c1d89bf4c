"""The build's view of the contributions: threads, figures, contributors.

One :class:`CommunityIndex` is made per build and stored in the Pelican
context as ``context["community"]``; nothing survives between builds. It
only ever hands out approved contributions (plus text-less placeholders that
keep a thread readable), so templates and feeds cannot leak the others.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from markupsafe import Markup

from blogcore.errors import Problem, display_path
from transparency import disclosure

from . import identity, sanitize
from .bodies import Bodies
from .config import CommunityConfig
from .model import STATUSES, Contribution, Thread

PAID_FIX = ("declare the counterpart in the article's header ('Partnership: affiliation' and 'Sponsor: <the "
            "programme>'), or remove the link from the official reply")


@dataclass
class Contributor:
    """Someone whose approved contributions are published, under the name they chose."""

    name: str
    slug: str
    url: str
    contributions: list[Contribution] = field(default_factory=list)
    author_url: str | None = None


@dataclass(frozen=True)
class Figures:
    """Moderation figures for the Transparence page."""

    received: int
    published: int
    pending: int
    rejected: int
    redacted: int
    by_kind: tuple[tuple[str, int], ...]


class CommunityIndex:
    """Every contribution of one build, with accessors that publish only approved ones."""

    # Left out of the index's digest (plugins/incremental/state.py): bookkeeping (the clock, memos), and what is
    # made from the contribution files alone, whose bytes the incremental record follows already; what the
    # clock changes (a contribution whose day came) shows in `scheduled`, which stays in.
    incremental_ignore = ("_now", "_links", "_marked", "_given", "_all", "_by_id", "_by_article", "published",
                          "bodies", "_figures")

    def __init__(self, contributions: list[Contribution], config: CommunityConfig,
                 listed_articles: dict[str, object], all_articles: dict[str, object],
                 bodies: Bodies | None = None, *, now: float | None = None,
                 affiliate_domains: tuple[str, ...] = ()):
        self.config = config
        self.affiliate_domains = affiliate_domains  # TRANSPARENCY["affiliate_domains"]: see paid()
        self.bodies = bodies or Bodies(None, config.own_hosts)
        self._articles = all_articles
        self._listed = listed_articles
        self._links: dict[str, str | None] = {}
        self._marked: dict[Contribution, tuple[Markup, list]] = {}  # body with paid links marked, per version
        self._now = time.time() if now is None else now
        self._index(contributions)

    def _index(self, contributions: list[Contribution]) -> None:
        # Sorted on the UTC timestamp: comparing aware datetimes whose offsets
        # are distinct objects is ten times slower, and 10,000 of them are sorted.
        # Like an article, a contribution dated in the future waits for its day:
        # until then the build treats it as unpublished (it is not in the index at all).
        self._given = contributions
        self.scheduled = sum(1 for c in contributions if c.date.timestamp() > self._now)
        self._all = sorted((c for c in contributions if c.date.timestamp() <= self._now),
                           key=lambda c: (c.date.timestamp(), c.id))
        self._by_id = {c.id: c for c in self._all}
        self._figures: Figures | None = None
        by_article: dict[str, list[Contribution]] = defaultdict(list)
        for c in self._all:
            by_article[c.article].append(c)
        self._by_article = dict(by_article)
        # Site-wide lists show contributions of listed (published, not hidden) articles only.
        self.published = [c for c in reversed(self._all) if c.published and c.article in self._listed]

    def everything(self) -> list[Contribution]:
        """Every contribution read by this build, future-dated ones included (for the collection rules)."""
        return list(self._given)

    def article_slugs(self) -> list[str]:
        """The slugs of every article a contribution may belong to."""
        return list(self._articles)

    def replace(self, contribution: Contribution) -> None:
        """Take a new version of one contribution (the live preview's quick path; same id and article)."""
        self._index([contribution if c.id == contribution.id else c for c in self._given])
        if contribution.published:
            self.bodies.prepare([contribution])

    # -- single contributions ---------------------------------------------------
    def get(self, contribution_id: str) -> Contribution | None:
        """A contribution by id, whatever its status (callers check .published)."""
        return self._by_id.get(contribution_id)

    def prepare_bodies(self) -> None:
        """Render every published body not in the cache (on every core when there are many)."""
        self.bodies.prepare([c for c in self._all if c.published])

    def body_html(self, contribution: Contribution) -> Markup:
        """The sanitised HTML of an approved contribution's body, paid links marked (Markup: safe in templates)."""
        return self._paid_links(contribution)[0] if contribution.published else Markup("")

    def _paid_links(self, contribution: Contribution) -> tuple[Markup, list]:
        """The body with its paid links marked (transparency/disclosure.py), and the affiliate links that break the rule.

        A reader's affiliate links are marked; an official reply is the brand's text: its links to the
        article's partner are sponsored too, and an affiliate link needs the article's Partnership:.
        """
        found = self._marked.get(contribution)
        if found is None:
            html = self.bodies.html(contribution)
            partner = getattr(self.article(contribution), "disclosure", None) if contribution.official else None
            paid: list = []
            if self.affiliate_domains or partner is not None:
                marked, paid = disclosure.mark_links(str(html), partner, self.affiliate_domains,
                                                     reader=not contribution.official)
                html = Markup(marked)
            found = self._marked[contribution] = (html, paid)
        return found

    def paid(self, url: str | None) -> str:
        """"affiliate" when an address (an author's site) reaches an affiliate domain, else "" (for rel and note)."""
        return disclosure.kind_of(url or "", self.affiliate_domains) if url and self.affiliate_domains else ""

    def paid_link_problems(self) -> list[Problem]:
        """Official replies whose affiliate links break the rule: the brand's text, so the article must declare it."""
        problems: list[Problem] = []
        for contribution in self._all:
            if not (contribution.published and contribution.official):
                continue
            where = display_path(contribution.path) if contribution.path else contribution.id
            undeclared = getattr(self.article(contribution), "disclosure", None) is None
            link = self.author_link(contribution)
            if undeclared and self.paid(link):
                problems.append(Problem(where, "Author_url:", contribution.author_url, "an official reply's site is "
                                        f"on an affiliate domain ({disclosure.affiliate_domain(link, self.affiliate_domains)})"
                                        " but the article declares no Partnership:", PAID_FIX))
            for paid in self._paid_links(contribution)[1]:
                message = (f"links to the affiliate domain {paid.domain} in an official reply, but the article "
                           "declares no Partnership: (an undeclared paid link)" if paid.undeclared else
                           f"reaches the affiliate domain {paid.domain} where the « (lien affilié) » note cannot "
                           "be shown")
                problems.append(Problem(where, "Body:", paid.url, message, PAID_FIX))
        return problems

    def body_text(self, contribution: Contribution) -> str:
        """The plain text of an approved contribution's body (JSON-LD, feeds)."""
        return self.bodies.text(contribution) if contribution.published else ""

    def author_link(self, contribution: Contribution) -> str | None:
        """The author's web address when it is safe to link, else None."""
        if not contribution.author_url:
            return None
        # Checked once per build: the thread, the JSON-LD and the contributor's page all ask.
        link = self._links.get(contribution.author_url, "")
        if link == "":
            link = self._links[contribution.author_url] = sanitize.clean_url(contribution.author_url)
        return link

    def article(self, contribution: Contribution):
        """The article a contribution belongs to."""
        return self._articles.get(contribution.article)

    def url(self, contribution: Contribution) -> str:
        """Site-relative address of a contribution: its article's URL and anchor."""
        # article.url costs nothing once the sitebuild plugin has fixed it (sitebuild/addresses.py).
        article = self.article(contribution)
        return f"{article.url}#{contribution.anchor}" if article is not None and article.url else ""

    # -- per article ---------------------------------------------------------------
    def of_article(self, slug: str) -> list[Contribution]:
        """Every contribution of one article, whatever its status, oldest first (moderation logs)."""
        return self._by_article.get(slug, [])

    def for_article(self, slug: str) -> list[Contribution]:
        """Approved contributions of one article, oldest first."""
        return [c for c in self._by_article.get(slug, []) if c.published]

    def threads(self, slug: str) -> list[Thread]:
        """The article's published contributions as nested threads.

        An unpublished parent of a published reply becomes a placeholder
        (no text, no identity) so that the reply keeps its place.
        """
        items = self._by_article.get(slug, [])
        by_id = self._by_id
        keep: set[str] = set()
        for c in items:
            if c.published:
                keep.add(c.id)
                parent = by_id.get(c.reply_to)
                while parent is not None and parent.id not in keep:
                    keep.add(parent.id)
                    parent = by_id.get(parent.reply_to)
        nodes = {c.id: Thread(c, placeholder=not c.published) for c in items if c.id in keep}
        roots: list[Thread] = []
        for c in items:  # oldest first, so replies come in date order
            node = nodes.get(c.id)
            if node is None:
                continue
            parent = nodes.get(c.reply_to)
            if parent is None:
                roots.append(node)
            else:
                parent.replies.append(node)
        limit = self.config.max_depth - 1

        def place(node: Thread, depth: int, holder: list[Thread]) -> None:
            node.depth = depth
            holder.append(node)
            children, node.replies = node.replies, []
            for child in children:
                if depth + 1 > limit:  # too deep to indent: shown beside its parent, with a link to it
                    place(child, depth, holder)
                else:
                    place(child, depth + 1, node.replies)

        result: list[Thread] = []
        for root in roots:
            place(root, 0, result)
        # The article's contributions are in the index's order: oldest first.
        return _sorted_threads(result, {c.id: position for position, c in enumerate(items)})

    def count(self, slug: str) -> int:
        """Number of approved contributions of one article."""
        return len(self.for_article(slug))

    # -- site-wide -----------------------------------------------------------------
    def latest(self) -> list[Contribution]:
        """The newest approved contributions across the site."""
        return self.published[: self.config.latest]

    def figures(self) -> Figures:
        """Counts by moderation state, for the Transparence page (counted once per build)."""
        if self._figures is None:
            counts = Counter(c.status for c in self._all)
            kinds = Counter(c.kind for c in self._all if c.published)
            self._figures = Figures(
                received=len(self._all), published=len(self.published), pending=counts["pending"],
                rejected=counts["rejected"], redacted=counts["redacted"],
                by_kind=tuple(sorted(kinds.items())),
            )
        return self._figures

    def contributors(self) -> list[Contributor]:
        """People with published contributions, by name (the brand and anonymous ones excluded).

        store.check_collection has made sure that two readers never share a
        page: one page per name, its address from identity.slug.
        """
        people: dict[str, Contributor] = {}
        names = identity.Names.of(self.config.brand_names, self.config.official_authors)
        seen: dict[str, str | None] = {}  # author → slug (None: no page); the same names recur
        for c in self.published:
            if c.author not in seen:
                excluded = identity.is_anonymous(c.author) or names.is_brand(c.author)
                seen[c.author] = None if excluded else identity.slug(c.author)
            slug = seen[c.author]
            if slug is None or c.official:
                continue
            person = people.get(slug)
            if person is None:
                url = self.config.contributor_url.format(slug=slug)
                person = people[slug] = Contributor(c.author, slug, url)
            person.contributions.append(c)  # self.published is newest first
            if person.author_url is None and self.author_link(c):
                person.author_url = self.author_link(c)
        return sorted(people.values(), key=lambda p: (p.name.casefold(), p.slug))

    def all_statuses(self) -> dict[str, int]:
        """How many contributions are in each status (all of them, for reports)."""
        counts = Counter(c.status for c in self._all)
        return {status: counts[status] for status in STATUSES}


def _sorted_threads(threads: list[Thread], order: dict[str, int]) -> list[Thread]:
    # Replies moved beside a too-deep parent arrive out of date order.
    threads.sort(key=lambda t: order[t.contribution.id])
    for thread in threads:
        _sorted_threads(thread.replies, order)
    return threads
