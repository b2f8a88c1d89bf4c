"""HTML and JSON-LD fragments built in Python: quote cards, figures, schema.org.

Thread sections are rendered by the theme (``_contributions.html``); the
fragments here go inside article bodies or script blocks, where a template
cannot reach. Every untrusted value is escaped with markupsafe.
"""

from __future__ import annotations

from typing import NamedTuple

from markupsafe import escape

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


class ArticleParts(NamedTuple):
    """What the community adds to an article page, as HTML in which every untrusted value is escaped.

    Plain strings, not Markup: they are the biggest part of an article page,
    and Markup() and the template's escape() would each copy them once more.
    The theme writes them with autoescape off (_contributions.html).
    """

    threads: str  # the nested list of published contributions ("" when none)
    json_ld: str  # the schema.org <script> block


def article_parts(article, index: CommunityIndex, site_url: str) -> ArticleParts:
    """The thread list and the schema.org BlogPosting (every published contribution as a Comment)."""
    base = site_url.rstrip("/") + "/" if site_url else ""
    page_url = base + index.article_url(article)
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
    head = sanitize.escape_json_for_script(data)
    if not published:
        return ArticleParts("", f'<script type="application/ld+json">{head}</script>')
    # The thread and the comments are the costly part, and the same until a
    # contribution of the article or the head (its address among them)
    # changes: made and cached together, the whole <script> block included.
    # The comments go last in the object, where json.dumps would have put
    # them, with its separators.
    def make() -> str:
        comments = sanitize.escape_json_for_script(_comments(published, index, page_url))
        script = f'<script type="application/ld+json">{head[:-1]}, "comment": {comments}}}</script>'
        return _pack(_threads(article.slug, index), script)

    return ArticleParts(*_unpack(index.fragment("article", index.of_article(article.slug), (head,), make)))


def _pack(first: str, second: str) -> str:
    return f"{len(first)}:{first}{second}"


def _unpack(packed: str) -> tuple[str, str]:
    # Sliced straight out of the packed text: each part is copied once.
    colon = packed.index(":")
    end = colon + 1 + int(packed[:colon])
    return packed[colon + 1:end], packed[end:]


def _comments(published: list[Contribution], index: CommunityIndex, page_url: str) -> list[dict]:
    comments = []
    for contribution in published:
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
        comments.append(item)
    return comments


IDEA_LABELS = {"proposed": "proposée", "reviewing": "à l’étude", "adopted": "adoptée", "done": "réalisée"}


def _threads(slug: str, index: CommunityIndex) -> str:
    # Built in Python rather than with a recursive Jinja macro: an article
    # page may carry hundreds of contributions and a macro call per item
    # would cost more than the rest of the page.
    parts: list[str] = []
    for thread in index.threads(slug):
        _item(thread, index, parts)
    return f'<ol class="contributions__list">{"".join(parts)}</ol>' if parts else ""


def _item(thread, index: CommunityIndex, out: list[str]) -> None:
    c = thread.contribution
    classes = "contribution" + (" contribution--official" if c.official else "")
    if thread.placeholder:
        text = ("Contribution retirée\u00a0: son texte et l’identité de son auteur ont été effacés."
                if c.status == "redacted" else "Contribution non publiée.")
        out.append(f'<li class="{classes} contribution--placeholder"><article id="{c.anchor}" '
                   f'aria-label="Contribution non publiée"><p class="contribution__placeholder">{text} '
                   f"Les réponses ci-dessous sont conservées.</p></article>")
    else:
        kind = KIND_LABELS[c.kind]
        author = escape(c.author)
        link = index.author_link(c)
        name = f'<a href="{escape(link)}" rel="ugc nofollow noopener">{author}</a>' if link else f"<span>{author}</span>"
        badge = '<span class="badge badge--official">Réponse officielle de la marque</span>' if c.official else ""
        meta = [f'<span class="contribution__kind">{kind}</span>',
                f'<a href="#{c.anchor}" class="contribution__permalink"><time datetime="{c.date.isoformat()}">'
                f"{fr_date(c.date)}</time></a>"]
        parent = index.get(c.reply_to) if c.reply_to else None
        if parent is not None:
            who = escape(parent.author) if parent.published else "une contribution non publiée"
            meta.append(f'<span class="contribution__reply">en réponse à <a href="#{parent.anchor}">{who}</a></span>')
        if c.source:
            meta.append(f'<span class="contribution__source">publiée d’abord sur\u00a0: {escape(c.source)}</span>')
        idea = ""
        if c.kind == "idea":
            bits = []
            if c.votes is not None:
                bits.append(f'<span class="idea__votes">{c.votes} vote{"s" if c.votes != 1 else ""}</span>')
            if c.idea_status:
                bits.append(f'<span class="idea__status">Statut de l’idée\u00a0: <strong>{IDEA_LABELS[c.idea_status]}'
                            f"</strong></span>")
            idea = f'<p class="contribution__idea">{" ".join(bits)}</p>'
        separator = ' <span class="sep" aria-hidden="true">·</span> '
        out.append(
            f'<li class="{classes}"><article id="{c.anchor}" aria-label="{kind}, par {author}">'
            f'<header class="contribution__header"><p class="contribution__author">{name} {badge}</p>'
            f'<p class="contribution__meta">{separator.join(meta)}</p>{idea}</header>'
            f'<div class="contribution__body">{index.body_html(c)}</div></article>'
        )
    if thread.replies:
        out.append('<ol class="contributions__replies">')
        for reply in thread.replies:
            _item(reply, index, out)
        out.append("</ol>")
    out.append("</li>")


def contribution_cards(items: list[Contribution], index: CommunityIndex, site_url: str,
                       heading_level: int = 2, show_author: bool = True) -> str:
    """Published contributions shown outside their article, as escaped HTML (see ArticleParts: autoescape off)."""
    values = [site_url, str(heading_level), str(show_author)]
    for c in items:
        title = index.article(c).title
        values += (index.url(c), type(title).__name__, str(title))
    return index.fragment("cards", items, values, lambda: _cards(items, index, site_url, heading_level, show_author))


def _cards(items: list[Contribution], index: CommunityIndex, site_url: str, heading_level: int,
           show_author: bool) -> str:
    parts = []
    for c in items:
        article = index.article(c)
        kind = KIND_LABELS[c.kind]
        href = escape(f"{site_url}/{index.url(c)}")
        title = f"«\u00a0{escape(article.title)}\u00a0»"
        if show_author:
            badge = ' <span class="badge badge--official">Réponse officielle</span>' if c.official else ""
            who = f"{escape(c.author)}{badge} sur "
        else:
            who = f"{kind} sur "
        source = (f' <span class="sep" aria-hidden="true">·</span> <span>{escape(c.source)}</span>'
                  if c.source else "")
        official = " contribution--official" if c.official else ""
        parts.append(
            f'<article class="card card--contribution{official}">'
            f'<h{heading_level} class="card__title">{who}<a href="{href}">{title}</a></h{heading_level}>'
            f'<p class="card__meta"><span>{kind}</span> <span class="sep" aria-hidden="true">·</span> '
            f'<time datetime="{c.date.isoformat()}">{fr_date(c.date)}</time>{source}</p>'
            f'<div class="card__summary contribution__body">{index.body_html(c)}</div></article>'
        )
    return "".join(parts)
