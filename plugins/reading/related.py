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

from collections import defaultdict

LIMIT = 3
TAG_WEIGHT = 2  # a shared tag says more about the subject than a shared (broad) category
CATEGORY_WEIGHT = 1


def _names(terms) -> set[str]:
    return {getattr(t, "slug", None) or str(t) for t in (terms or ())}


def _category(article):
    category = getattr(article, "category", None)
    return None if category is None else getattr(category, "slug", category)


def score(article, other) -> int:
    """How related `other` is to `article` (0: nothing in common)."""
    shared = len(_names(getattr(article, "tags", None)) & _names(getattr(other, "tags", None)))
    category = _category(article)
    same = category is not None and category == _category(other)
    return shared * TAG_WEIGHT + (CATEGORY_WEIGHT if same else 0)


class Index:
    """The candidates by tag and by category, so that choosing looks only at those sharing something.

    Scoring every candidate for every article took N² steps (7 s of a save's
    CPU at 1,000 articles, minutes at 5,000); here an article meets only the
    candidates that share a tag, then, if places remain, the newest of its
    category (a shared tag always outscores a category alone).
    """

    def __init__(self, candidates):
        ordered = sorted(candidates, key=lambda other: other.slug)
        ordered.sort(key=lambda other: other.date, reverse=True)  # the tie order: newer, then slug
        self._rank = {id(other): rank for rank, other in enumerate(ordered)}
        self._by_tag: dict[str, list] = defaultdict(list)
        self._by_category: dict[str, list] = defaultdict(list)
        for other in ordered:
            for name in _names(getattr(other, "tags", None)):
                self._by_tag[name].append(other)
            if _category(other) is not None:
                self._by_category[_category(other)].append(other)

    def choose(self, article, limit: int = LIMIT) -> list:
        """Up to `limit` candidates most related to `article`, best first (deterministic)."""
        shared: dict[int, list] = {}  # id → [score, candidate]
        for name in _names(getattr(article, "tags", None)):
            for other in self._by_tag.get(name, ()):
                shared.setdefault(id(other), [0, other])[0] += TAG_WEIGHT
        category = _category(article)
        for found in shared.values():
            if category is not None and _category(found[1]) == category:
                found[0] += CATEGORY_WEIGHT
        chosen = [other for _, other in sorted(shared.values(), key=lambda f: (-f[0], self._rank[id(f[1])]))
                  if _other(article, other)][:limit]
        for other in self._by_category.get(category, ()) if category is not None else ():
            if len(chosen) >= limit:
                break
            if id(other) not in shared and _other(article, other):
                chosen.append(other)
        return chosen


def _other(article, other) -> bool:
    return other is not article and other.slug != article.slug


def choose(article, candidates, limit: int = LIMIT) -> list:
    """Up to `limit` candidates most related to `article`, best first (deterministic)."""
    return Index(candidates).choose(article, limit)
