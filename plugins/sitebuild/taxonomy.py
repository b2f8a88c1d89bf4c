"""Which category, tag and author pages the build writes, so that no page links to one it does not.

Pelican writes a category's, tag's or author's page only for the terms of
listed articles (``context["articles"]``: status ``published``, date come).
A hidden article (``Status: hidden``, reachable by its address only) may carry
a tag, a category or an author that no listed article carries: its page is
never written, and a link to it would lead nowhere (the links gate fails).

So the theme links a term to its page only when the build writes that page,
and shows it as plain text otherwise (``term_link`` in
``theme/templates/_macros.html``, the one rule every template follows). This
module gives the templates the set of those pages' addresses, as
``taxonomy_pages`` in the build's context, once the articles generator has
made its terms (nothing of it outlives the build).
"""

from __future__ import annotations

CONTEXT_KEY = "taxonomy_pages"


def written(context: dict) -> frozenset[str]:
    """The site-relative addresses of the category, tag and author pages the build writes."""
    terms = [term for name in ("categories", "tags", "authors") for term, _ in _pairs(context.get(name))]
    return frozenset(term.url for term in terms if term.save_as)


def _pairs(value) -> list:
    # Pelican keeps tags as a dict, categories and authors as lists of (term, articles) pairs.
    if not value:
        return []
    return list(value.items()) if isinstance(value, dict) else list(value)


def publish(generator) -> None:
    """Give the templates the addresses of the taxonomy pages written (after the articles are read)."""
    generator.context[CONTEXT_KEY] = written(generator.context)
