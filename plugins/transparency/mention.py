"""An article's commercial mention as data: what every place that presents the article asks.

An article with a commercial counterpart (``Partnership:`` and ``Sponsor:``)
carries its :class:`~transparency.fields.Disclosure` as ``article.disclosure``
(set by this plugin while the articles are read, for listed, hidden and
draft articles alike). Everything a reader meets the article by carries its
mention (LCEN art. 20, loi 2023-451: on every medium, naming the partner):

- HTML is written by the theme, always through the one macro
  ``disclosure(item, form)`` of ``theme/templates/_macros.html``: its page,
  its cards, every list and table that shows it (404, Transparence,
  corrections, contribution cards, contributor pages), ``<title>``, the
  meta description, OpenGraph and Twitter tags;
- Python that writes a title or a summary for readers asks this module:
  feed entries (the article's, its contributions', its corrections'),
  feed titles (the "Suivre" page, OPML, head links), the search index.

Three plain-text forms, one rule (README, "The mention"):

- :func:`headline` -- the article's own one-line title: « [Publicité] Titre »;
- :func:`lead` -- the text that goes with that title (summary, description)
  opens with the mention naming the partner;
- :func:`named` -- the article named inside something else (a reader's
  contribution, a correction, a feed of its contributions): the mention
  follows the title, so it qualifies the article, never the reader's words.

A text without a counterpart (or a page) gives its title and text unchanged.
"""

from __future__ import annotations

from .fields import Disclosure


def of(item) -> Disclosure | None:
    """The commercial disclosure of an article (None for a text without one, a page, or nothing)."""
    found = getattr(item, "disclosure", None) if item is not None else None
    return found if isinstance(found, Disclosure) else None


def text(item) -> str:
    """The mention's words ("" when the text has none)."""
    found = of(item)
    return found.mention if found is not None else ""


def headline(item, title: str) -> str:
    """The article's own one-line plain title: « [Publicité] Titre » when it has a counterpart."""
    found = of(item)
    return found.headline(title) if found is not None else title


def lead(item, description: str) -> str:
    """A plain description of the article that opens with its mention when it has one."""
    found = of(item)
    return found.lead(description) if found is not None else description


def named(item, title: str) -> str:
    """The article's title as something else names it, its mention after it when it has one."""
    found = of(item)
    return found.named(title) if found is not None else title
