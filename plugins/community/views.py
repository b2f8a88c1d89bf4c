"""What the theme's templates need to show contributions: data, never markup.

The threads, cards, quote cards, figures and JSON-LD are written by Jinja
templates of the theme with autoescape on (``_contributions.html``,
``_contribution_macros.html``, ``_quote_card.html``, ``_figures.html``):
this module hands them Python objects and dicts. The one piece of HTML that
comes from Python is a contribution's sanitised body, marked safe once where
it is made (bodies.py).
"""

from __future__ import annotations

from markupsafe import Markup

from blogcore import wording

from . import sanitize
from .index import CommunityIndex
# Between the parts of a contribution's meta line (a global, not a macro: threads hold hundreds).
SEPARATOR = Markup(' <span class="sep" aria-hidden="true">·</span> ')


def install(generator) -> None:
    """Give a generator's templates what they need: the labels and the JSON-LD filter."""
    # The labels come from blogcore/wording.py, the site's one French wording.
    generator.env.globals.update(contribution_kinds=wording.CONTRIBUTION_KINDS, idea_labels=wording.IDEA_STATUSES,
                                 official_label=wording.OFFICIAL_LABEL, community_json_ld=article_json_ld, sep=SEPARATOR)
    generator.env.filters["jsonld"] = jsonld


def jsonld(data) -> Markup:
    """JSON for a <script type="application/ld+json"> block that no text can close (safe to write as it is)."""
    return Markup(sanitize.escape_json_for_script(data))


def article_json_ld(article, index: CommunityIndex, site_url: str) -> dict:
    """The schema.org BlogPosting of an article, every published contribution as a Comment."""
    base = site_url.rstrip("/") + "/" if site_url else ""
    page_url = base + article.url
    published = index.for_article(article.slug)
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": str(article.title),
        "url": page_url,
        "datePublished": article.date.isoformat(),
        "inLanguage": "fr",
        "commentCount": len(published),
    }
    author = getattr(article, "author", None)
    if author is not None and getattr(article, "author_origin", "source") != "unknown":
        data["author"] = {"@type": "Person", "name": str(author)}
    if getattr(article, "modified", None):
        data["dateModified"] = article.modified.isoformat()
    facts = getattr(article, "schema_facts", None)
    if facts is not None:  # type of work, sponsor, corrections, backstory (plugins/transparency)
        data.update(facts(page_url))
    if published:
        data["comment"] = [_comment(c, index, page_url) for c in published]
    return data


def _comment(contribution, index: CommunityIndex, page_url: str) -> dict:
    author = {"@type": "Organization" if contribution.official else "Person", "name": contribution.author}
    link = index.author_link(contribution)
    if link:
        author["url"] = link
    item = {
        "@type": "Comment",
        "@id": f"{page_url}#{contribution.anchor}",
        "url": f"{page_url}#{contribution.anchor}",
        "dateCreated": contribution.date.isoformat(),
        "author": author,
        "text": index.body_text(contribution),
    }
    parent = index.get(contribution.reply_to) if contribution.reply_to else None
    if parent is not None:
        item["parentItem"] = {"@id": f"{page_url}#{parent.anchor}"}
    return item


def render_template(env, name: str, **values) -> str:
    """A fragment made by one of the theme's templates (for places a page template cannot reach:
    quote cards inside an article's text, the figures inside a page's)."""
    return env.get_template(name).render(**values)
