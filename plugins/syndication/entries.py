"""Turn an article or a contribution into a feed entry (model.Entry).

Dates are shown in the site's time zone, so that each carries the real
offset of that day (+01:00 in winter, +02:00 in summer in Europe/Paris).
``updated`` is the date of the article's newest correction (``article.corrected``,
from its ``Correction:`` lines, set by plugins/transparency), else its ``Date:``:
nothing else moves it, and never the build time. Content and summary are both
given, with absolute URLs. An article with a commercial counterpart carries its
mention everywhere a reader meets it (plugins/transparency/mention.py, the one
source): its entry's title starts with ``[Publicité]``, and its summary and
content open with the mention naming the partner; a contribution's entry
names the article with its mention after the title (the reader's words are
not advertising, the article is).

An article's entry also says what its page says above the text (:func:`origin`):
its type of work (« Republication », « Tribune / texte invité »…, from
plugins/transparency, worded by blogcore/wording.py) and its source line
(« Source : <publication> », linked to the page's Source box, as the page's
byline links it). Both open the summary and the content, after the
commercial mention and the cover image; the type of work is also a category of the entry
(scheme ``https://schema.org/genre``, as the page's JSON-LD says it).
"""

from __future__ import annotations

import datetime as dt
import html
from zoneinfo import ZoneInfo

from blogcore.typography import NBSP, fix_text
from blogcore.wording import OFFICIAL_REPLY, SOURCE, SOURCE_UNNAMED, de, kind_label
from transparency import mention

from . import ids
from .cleaning import absolute_html, first_words, plain_text, plain_title, strip_controls
from .model import Entry, Image, Person

ANONYMOUS = "Anonyme"

def local_time(when: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """An aware datetime in the site's zone, to the second (RFC 3339 without fraction)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=tz)
    # A plain datetime (not Pelican's SafeDatetime subclass), exact even on the night clocks go back.
    return dt.datetime.fromtimestamp(int(when.timestamp()), tz)


def absolute(base: str, path: str) -> str:
    """The absolute address of a site-relative path."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{base}/{path.lstrip('/')}"


def origin(article, url: str) -> tuple[str, str, str]:
    """What the page says above the text: (type of work, the line as HTML, as plain text); "" when nothing.

    « Republication · Source : Revue de test », the source linked to the page's
    Source box (``#source``) as the byline links it; « D’où vient ce texte ? »
    when the source gives an address or a note but no name.
    """
    work_type = getattr(article, "work_type", None)
    label = plain_title(work_type.label) if work_type is not None else ""
    source = plain_title(fix_text(str(getattr(article, "source", "") or "")))
    has_source = source or getattr(article, "source_url", "") or getattr(article, "source_note", "")
    parts_html, parts_text = [], []
    if label:
        parts_html.append(f"<strong>{html.escape(label, quote=False)}</strong>")
        parts_text.append(label)
    box = html.escape(f"{url}#source")
    if source:
        parts_html.append(f'{SOURCE}{NBSP}: <a href="{box}">{html.escape(source, quote=False)}</a>')
        parts_text.append(f"{SOURCE}{NBSP}: {source}")
    elif has_source:
        parts_html.append(f'<a href="{box}">{html.escape(SOURCE_UNNAMED, quote=False)}</a>')
        parts_text.append(SOURCE_UNNAMED)
    if not parts_html:
        return label, "", ""
    return label, f"<p>{' · '.join(parts_html)}</p>", " · ".join(parts_text)


def article_entry(article, base: str, tz: ZoneInfo, authority: str) -> Entry:
    """The entry of a published article."""
    entry_id, _fallback = ids.article_id(article, authority, tz)
    url = absolute(base, article.url)
    published = local_time(article.date, tz)
    corrected = getattr(article, "corrected", None)
    updated = local_time(corrected, tz) if corrected else published
    content = absolute_html(article.get_content(base), url)
    summary = absolute_html(article.get_summary(base) or "", url)
    summary_text = plain_text(summary)
    if not summary_text:
        summary_text = first_words(content)
        summary = html.escape(summary_text, quote=False)
    # What the page says above the text; the cover, then the mention, go before it (below).
    work_type, line_html, line_text = origin(article, url)
    if line_html:
        content, summary = line_html + content, line_html + summary
        summary_text = f"{line_text}. {summary_text}"
    cover = getattr(article, "cover", None)  # plugins/reading: shown at the top of the entry, and its enclosure
    image = Image(absolute(base, cover.url), cover.mime, cover.length, cover.description, cover.width,
                  cover.height) if cover else None
    if image:
        figure = (f'<p><img src="{html.escape(image.url)}" alt="{html.escape(image.description)}" '
                  f'width="{image.width}" height="{image.height}"></p>')
        content = figure + content
    title = mention.headline(article, plain_title(article.title))
    words = plain_title(mention.text(article))
    if words:
        paragraph = f"<p><strong>{html.escape(words, quote=False)}</strong></p>"
        content, summary = paragraph + content, paragraph + summary
        summary_text = mention.lead(article, summary_text)
    authors = tuple(
        Person(plain_title(a.name), absolute(base, a.url)) for a in (getattr(article, "authors", None) or [])
    )
    category = getattr(article, "category", None)
    tags = tuple(plain_title(t.name) for t in (getattr(article, "tags", None) or []))
    categories = ((plain_title(category.name),) if category else ()) + tags
    return Entry(
        id=entry_id, url=url, title=title, published=published, updated=updated,
        summary_html=summary, summary_text=summary_text, content_html=content,
        authors=authors, categories=categories, tags=tags, key=article.slug, work_type=work_type, image=image,
    )


def contribution_title(contribution, article) -> str:
    """« Commentaire de Léa sur « Titre » », « Réponse officielle sur « Titre » » (the article's mention after it)."""
    who = plain_title(getattr(contribution, "author", "")) or ANONYMOUS
    if getattr(contribution, "official", False):
        what = f"{OFFICIAL_REPLY} {de(who)}"
    else:
        what = f"{kind_label(getattr(contribution, 'kind', ''))} {de(who)}"
    return f"{what} sur {mention.named(article, f'«{NBSP}{plain_title(article.title)}{NBSP}»')}"


def contribution_entry(contribution, article, body_html: str, base: str, tz: ZoneInfo, authority: str) -> Entry:
    """The entry of an approved contribution, linked to its place on the article's page."""
    article_url = absolute(base, article.url)
    url = f"{article_url}#{contribution.anchor}"
    when = local_time(contribution.date, tz)
    content = absolute_html(strip_controls(body_html or ""), article_url)
    summary_text = first_words(content)
    kind = kind_label(getattr(contribution, "kind", ""))
    return Entry(
        id=ids.contribution_id(contribution, authority, tz), url=url,
        title=contribution_title(contribution, article), published=when, updated=when,
        summary_html=html.escape(summary_text, quote=False), summary_text=summary_text, content_html=content,
        authors=(Person(plain_title(getattr(contribution, "author", "")) or ANONYMOUS),),
        categories=(kind,), tags=(), key=contribution.id,
    )
