"""What the search index holds: one record per published article and page, and one per article's contributions.

Records are made from the build's own objects, never from files or pages:
Pelican's published articles and pages (``context["articles"]`` and
``context["pages"]``: drafts, hidden and future-dated ones are not there, and
are filtered out again here), and the community plugin's published
contributions (``context["community"].published``: approved ones of listed
articles only). So nothing unpublished can reach the index.

Each record carries what the search page shows: a title, the kind
(Article, Page, Contribution), the date in French, the author and the
category, the commercial mention of an article that has a counterpart
(``disclosure``, from plugins/transparency/mention.py: shown before an
article's title, after the article's title on its thread's result), and
what Pagefind reads the words from: an article's or a page's
HTML as published, or a thread's sections. It reaches Pagefind as one small
HTML page (:meth:`Record.html`), so that Pagefind's own parser, in its own
process, finds the text (that took the build 0.4 s in Python at 1,000
articles). Its URL is relative to the site's root (``slug/``,
``slug/#contributions``): the search page resolves it against the address
the site is served at.

An article's approved contributions make one record, its thread
(``slug/#contributions``), with one section per contribution: a heading
that says who wrote it and when, anchored where the contribution is on the
page (``contribution-<id>``), then its text. Pagefind turns each section
that holds the searched words into a sub-result linking to that anchor, so
each contribution is still found and linked on its own, while the index has
one record per article instead of one per contribution (issue 19: 2,000
records instead of 11,000 at 1,000 articles, which is what made the index
cost more than 15 % of the build; README, "Search").
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections import defaultdict
from dataclasses import dataclass
from html import escape
from typing import Iterable

from blogcore import public
from blogcore.frdates import fr_date
from blogcore.wording import RESULT_KINDS, de, kind_label
from transparency import mention

THREAD_TITLE = "Contributions de la communauté"  # as the thread's heading on the article's page
THREAD_ANCHOR = "contributions"  # the thread's id on the article's page (theme/templates/_contributions.html)


@dataclass(frozen=True)
class Section:
    """One contribution in its article's thread record."""

    anchor: str  # its id on the article's page: "contribution-<id>"
    heading: str  # what the result shows: "Commentaire d’Emmanuel, 27 février 2009"
    text: str


@dataclass(frozen=True)
class Record:
    """One search result as Pagefind stores it."""

    url: str
    kind: str  # a key of wording.RESULT_KINDS
    title: str
    body: str = ""  # an article's or a page's HTML, as published (a thread has sections instead)
    date: str = ""  # in French: "27 février 2009"
    author: str = ""
    category: str = ""
    article: str = ""  # a contribution's article title
    sections: tuple[Section, ...] = ()  # a thread's contributions
    disclosure: str = ""  # the article's commercial mention, naming the partner ("" when none)

    def meta(self) -> dict[str, str]:
        """What a result shows (Pagefind returns it with the result, and searches it too)."""
        values = {"title": self.title, "date": self.date, "author": self.author, "article": self.article,
                  "disclosure": self.disclosure}
        return {key: value for key, value in values.items() if value}

    def filters(self) -> dict[str, list[str]]:
        """What results can be filtered by: kind and category."""
        chosen = {"kind": [RESULT_KINDS[self.kind]]}
        if self.category:
            chosen["category"] = [self.category]
        return chosen

    def html(self, language: str) -> str:
        """The HTML page Pagefind indexes: the metadata and filters, then the body or the thread's sections.

        A thread has one anchored heading per contribution. Every value but an
        article's or a page's own HTML (what the site publishes) is escaped:
        contributors' names and texts reach Pagefind as text, never as markup.
        """
        head = [f'<meta data-pagefind-meta="{key}[content]" content="{escape(value)}">'
                for key, value in self.meta().items()]
        head += [f'<meta data-pagefind-filter="{key}[content]" content="{escape(value)}">'
                 for key, values in self.filters().items() for value in values]
        body = "".join(f'<section><h2 id="{escape(s.anchor)}">{escape(s.heading)}</h2><p>{escape(s.text)}</p></section>'
                       for s in self.sections) if self.sections else self.body
        return (f'<!DOCTYPE html><html lang="{escape(language)}"><head><meta charset="utf-8">'
                f'<title>{escape(self.title)}</title>{"".join(head)}</head><body>{body}</body></html>')


def _author(item) -> str:
    if getattr(item, "author_origin", "") == "unknown":
        return "Auteur inconnu"
    authors = getattr(item, "authors", None) or []
    names = [a.name for a in authors]
    if len(names) > 1:
        return ", ".join(names[:-1]) + " et " + names[-1]
    return names[0] if names else ""


def published_html(item) -> str:
    """An article's or a page's HTML as published (``item.content``), without leaving a copy in Pelican's memo.

    Pelican memoizes ``get_content`` for the whole run, so asking ``content`` here, before the pages are
    written, would hold every article's published HTML from now on (120 MiB at 5,000 articles) while
    Pagefind works. The same function, called without its memo, gives the same string, which is let go
    once Pagefind has it; the pages ask Pelican's memo as usual when they are written.
    """
    memoized = inspect.getattr_static(type(item), "get_content", None)
    function = getattr(memoized, "func", None)  # pelican.utils.memoized keeps the function it wraps
    if function is None or not hasattr(item, "get_siteurl"):
        return item.content
    return function(item, item.get_siteurl())


def article_record(article) -> Record:
    """The record of a published article."""
    category = getattr(article, "category", None)
    # As the article's card says it: a date given by the editorial team is the day it went online here.
    date = ("Mis en ligne le " if getattr(article, "date_origin", "") == "editorial" else "") + fr_date(article.date)
    return Record(url=article.url, kind="article", title=article.title, body=published_html(article),
                  date=date, author=_author(article), category=category.name if category else "",
                  disclosure=mention.text(article))


def page_record(page) -> Record:
    """The record of a published page."""
    date = getattr(page, "date", None)
    return Record(url=page.url, kind="page", title=page.title, body=published_html(page),
                  date=fr_date(date) if date else "", author=_author(page))


def contribution_heading(contribution) -> str:
    """What a contribution's search result is called: its kind, its author and its date."""
    official = " (réponse officielle)" if contribution.official else ""
    return f"{kind_label(contribution.kind)} {de(contribution.author)}{official}, {fr_date(contribution.date)}"


def thread_record(article, contributions, community) -> Record:
    """The record of an article's approved contributions: one section per contribution, at its anchor."""
    category = getattr(article, "category", None)
    sections = tuple(Section(anchor=community.url(c).partition("#")[2], heading=contribution_heading(c),
                             text=community.body_text(c)) for c in contributions)
    return Record(url=f"{article.url}#{THREAD_ANCHOR}", kind="contribution", title=THREAD_TITLE,
                  category=category.name if category else "", article=article.title, sections=sections,
                  disclosure=mention.text(article))


def build_records(context: dict, *, contributions: bool = True, future_ok: bool = False,
                  now: dt.datetime | None = None) -> list[Record]:
    """Every record of a build: articles (newest first), pages, then each article's contributions."""
    now = now or dt.datetime.now(dt.timezone.utc)
    articles = [a for a in context.get("articles", []) or [] if public.listed(a, now, future_ok)]
    pages = [p for p in context.get("pages", []) or [] if public.listed(p, now, future_ok)]
    records = [article_record(a) for a in articles] + [page_record(p) for p in pages]
    community = context.get("community")
    if contributions and community is not None:
        indexed = {a.slug: a for a in articles}
        threads: dict[str, list] = defaultdict(list)
        for c in reversed(list(_approved(community.published))):  # newest first there: oldest first here
            if c.article in indexed:
                threads[c.article].append(c)
        records += [thread_record(a, threads[a.slug], community) for a in articles if threads.get(a.slug)]
    return records


def _approved(items: Iterable) -> Iterable:
    # community.published only holds approved contributions; checked again, cheaply, because an
    # unapproved one must never reach the index whatever the other plugin does.
    return (c for c in items if getattr(c, "published", False) and getattr(c, "status", "") == "approved")
