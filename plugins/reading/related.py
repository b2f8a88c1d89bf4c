"""« À lire aussi »: the articles shown under an article, chosen at build time.

A candidate scores TAG_WEIGHT per tag it shares with the article and
CATEGORY_WEIGHT when it is in the same category; candidates that share
nothing are never shown. Ties go to the newer article, then to the slug
(alphabetical), so that two builds of the same content choose the same
articles. Candidates are the listed articles only (``blogcore.public.listed``,
asked by the caller): never a draft, a hidden text or one dated in the future.
A sponsored article may be chosen: the template shows its mention before its
title (the ``disclosure`` macro), as on every card.
"""

from __future__ import annotations

LIMIT = 3
TAG_WEIGHT = 2  # a shared tag says more about the subject than a shared (broad) category
CATEGORY_WEIGHT = 1


def _names(terms) -> set[str]:
    return {getattr(t, "slug", None) or str(t) for t in (terms or ())}


def score(article, other) -> int:
    """How related `other` is to `article` (0: nothing in common)."""
    shared = len(_names(getattr(article, "tags", None)) & _names(getattr(other, "tags", None)))
    category, other_category = getattr(article, "category", None), getattr(other, "category", None)
    same = category is not None and other_category is not None and \
        getattr(category, "slug", category) == getattr(other_category, "slug", other_category)
    return shared * TAG_WEIGHT + (CATEGORY_WEIGHT if same else 0)


def choose(article, candidates, limit: int = LIMIT) -> list:
    """Up to `limit` candidates most related to `article`, best first (deterministic)."""
    scored = [(score(article, other), other) for other in candidates
              if other is not article and other.slug != article.slug]
    scored = [(s, other) for s, other in scored if s > 0]
    # Best score first; then the newer; then the slug, so that equal dates still have one order.
    scored.sort(key=lambda pair: pair[1].slug)
    scored.sort(key=lambda pair: (pair[0], pair[1].date), reverse=True)
    return [other for _, other in scored[:limit]]
