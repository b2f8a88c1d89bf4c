"""What the search index holds: one record per published article, page and approved contribution.

Records are made from the build's own objects, never from files or pages:
Pelican's published articles and pages (``context["articles"]`` and
``context["pages"]``: drafts, hidden and future-dated ones are not there, and
are filtered out again here), and the community plugin's published
contributions (``context["community"].published``: approved ones of listed
articles only). So nothing unpublished can reach the index.

Each record carries what the search page shows: a title, the text (plain,
as a reader sees it), the kind (Article, Page, Contribution), the date in
French, the author and the category. Its URL is relative to the site's root
(``slug/``, ``slug/#contribution-<id>``): the search page resolves it
against the address the site is served at.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Iterable

from blogcore.frdates import fr_date

KIND_LABELS = {"article": "Article", "page": "Page", "contribution": "Contribution"}
# Labels of the contributions' own kinds (plugins/community/model.py KINDS).
CONTRIBUTION_LABELS = {"comment": "Commentaire", "testimonial": "Témoignage", "idea": "Idée", "mention": "Mention"}
VOWELS = set("aeiouàâäéèêëîïôöùûüœæ")


@dataclass(frozen=True)
class Record:
    """One search result as Pagefind stores it."""

    url: str
    kind: str  # a key of KIND_LABELS
    title: str
    text: str
    date: str = ""  # in French: "27 février 2009"
    author: str = ""
    category: str = ""
    article: str = ""  # a contribution's article title

    def meta(self) -> dict[str, str]:
        """What a result shows (Pagefind returns it with the result, and searches it too)."""
        values = {"title": self.title, "date": self.date, "author": self.author, "article": self.article}
        return {key: value for key, value in values.items() if value}

    def filters(self) -> dict[str, list[str]]:
        """What results can be filtered by: kind and category."""
        chosen = {"kind": [KIND_LABELS[self.kind]]}
        if self.category:
            chosen["category"] = [self.category]
        return chosen


class _Text(HTMLParser):
    """The text of an HTML fragment, with a space wherever a tag was (blocks, line breaks)."""

    _INLINE = frozenset({"a", "abbr", "b", "cite", "code", "em", "i", "kbd", "mark", "q", "s", "small", "span",
                         "strong", "sub", "sup", "time", "u", "var", "del", "ins"})
    _SKIPPED = frozenset({"script", "style", "template", "noscript"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIPPED:
            self._skip += 1
        elif tag not in self._INLINE:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self._SKIPPED:
            self._skip = max(0, self._skip - 1)
        elif tag not in self._INLINE:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    """The words of an HTML fragment, as one line of plain text."""
    parser = _Text()
    parser.feed(html or "")
    parser.close()
    return " ".join("".join(parser.parts).split())


def of_name(name: str) -> str:
    """French "de" before a name, elided before a vowel: "de Yann", "d’Emmanuel"."""
    return f"d’{name}" if name[:1].lower() in VOWELS else f"de {name}"


def _author(item) -> str:
    if getattr(item, "author_origin", "") == "unknown":
        return "Auteur inconnu"
    authors = getattr(item, "authors", None) or []
    names = [a.name for a in authors]
    if len(names) > 1:
        return ", ".join(names[:-1]) + " et " + names[-1]
    return names[0] if names else ""


def _published(item, now: dt.datetime, future_ok: bool) -> bool:
    if getattr(item, "status", "published") != "published":
        return False
    date = getattr(item, "date", None)
    if date is None or future_ok:
        return True
    return (date if date.tzinfo else date.replace(tzinfo=dt.timezone.utc)) <= now


def article_record(article) -> Record:
    """The record of a published article."""
    category = getattr(article, "category", None)
    # As the article's card says it: a date given by the editorial team is the day it went online here.
    date = ("Mis en ligne le " if getattr(article, "date_origin", "") == "editorial" else "") + fr_date(article.date)
    return Record(url=article.url, kind="article", title=article.title, text=html_text(article.content),
                  date=date, author=_author(article), category=category.name if category else "")


def page_record(page) -> Record:
    """The record of a published page."""
    date = getattr(page, "date", None)
    return Record(url=page.url, kind="page", title=page.title, text=html_text(page.content),
                  date=fr_date(date) if date else "", author=_author(page))


def contribution_record(contribution, community, article) -> Record:
    """The record of an approved contribution: it links to its anchor on its article's page."""
    label = CONTRIBUTION_LABELS.get(contribution.kind, "Contribution")
    title = f"{label} {of_name(contribution.author)}" + (" (réponse officielle)" if contribution.official else "")
    category = getattr(article, "category", None)
    return Record(url=community.url(contribution), kind="contribution", title=title,
                  text=community.body_text(contribution), date=fr_date(contribution.date),
                  author=contribution.author, category=category.name if category else "", article=article.title)


def build_records(context: dict, *, contributions: bool = True, future_ok: bool = False,
                  now: dt.datetime | None = None) -> list[Record]:
    """Every record of a build, articles first (newest first), then pages, then contributions."""
    now = now or dt.datetime.now(dt.timezone.utc)
    articles = [a for a in context.get("articles", []) or [] if _published(a, now, future_ok)]
    pages = [p for p in context.get("pages", []) or [] if _published(p, now, future_ok)]
    records = [article_record(a) for a in articles] + [page_record(p) for p in pages]
    community = context.get("community")
    if contributions and community is not None:
        indexed = {a.slug: a for a in articles}
        records += [contribution_record(c, community, indexed[c.article])
                    for c in _approved(community.published) if c.article in indexed]
    return records


def _approved(items: Iterable) -> Iterable:
    # community.published only holds approved contributions; checked again, cheaply, because an
    # unapproved one must never reach the index whatever the other plugin does.
    return (c for c in items if getattr(c, "published", False) and getattr(c, "status", "") == "approved")
