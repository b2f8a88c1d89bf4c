"""HTML and JSON-LD fragments built in Python: quote cards, figures, schema.org.

Thread sections are rendered by the theme (``_contributions.html``); the
fragments here go inside article bodies or script blocks, where a template
cannot reach. Every untrusted value is escaped with markupsafe.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from blogcore.frdates import fr_date

from . import sanitize
from .index import CommunityIndex, Figures
from .model import KIND_LABELS, Contribution


def quote_card(contribution: Contribution, index: CommunityIndex, href: str) -> str:
    """An attributed quote of an approved contribution, linking to it."""
    author = escape(contribution.author)
    label = "Réponse officielle de la marque" if contribution.official else KIND_LABELS[contribution.kind]
    return (
        f'<figure class="quote-card">'
        f'<blockquote cite="{escape(href)}">{index.body_html(contribution)}</blockquote>'
        f'<figcaption>— <span class="quote-card__author">{author}</span>, '
        f'<a href="{escape(href)}">{escape(label.lower())} du '
        f'<time datetime="{contribution.date.isoformat()}">{escape(fr_date(contribution.date))}</time></a>'
        f"</figcaption></figure>"
    )


def figures_table(figures: Figures) -> str:
    """The live moderation figures, as an accessible table."""
    rows = [
        ("Contributions reçues", figures.received),
        ("Publiées (approuvées)", figures.published),
        ("En attente de modération", figures.pending),
        ("Refusées", figures.rejected),
        ("Retirées (caviardées)", figures.redacted),
    ]
    body = "".join(f'<tr><th scope="row">{escape(label)}</th><td>{value}</td></tr>' for label, value in rows)
    return (
        '<table class="moderation-figures"><caption>Chiffres de la modération, '
        "calculés à chaque publication du site</caption>"
        f'<thead><tr><th scope="col">État</th><th scope="col">Nombre</th></tr></thead><tbody>{body}</tbody></table>'
    )


def json_ld(article, index: CommunityIndex, site_url: str) -> Markup:
    """schema.org BlogPosting with every published contribution as a Comment."""
    base = site_url.rstrip("/") + "/" if site_url else ""
    page_url = base + article.url
    comments = []
    for contribution in index.for_article(article.slug):
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
            "text": sanitize.plain_text(index.body_html(contribution)),
        }
        parent = index.get(contribution.reply_to) if contribution.reply_to else None
        if parent is not None:
            item["parentItem"] = {"@id": f"{page_url}#{parent.anchor}"}
        comments.append(item)
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": str(article.title),
        "url": page_url,
        "datePublished": article.date.isoformat(),
        "inLanguage": "fr",
        "commentCount": len(comments),
    }
    author = getattr(article, "author", None)
    if author is not None and getattr(article, "author_origin", "source") != "unknown":
        data["author"] = {"@type": "Person", "name": str(author)}
    if getattr(article, "modified", None):
        data["dateModified"] = article.modified.isoformat()
    if comments:
        data["comment"] = comments
    return Markup(f'<script type="application/ld+json">{sanitize.escape_json_for_script(data)}</script>')
