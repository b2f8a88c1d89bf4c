"""The Transparence page's figures, computed from the build's content.

Partnerships by type, corrections per year and the median delay between a
text's publication and its correction, the number of versions per article
(the public states of its text, versions.py; withheld ones counted apart),
and how long moderation takes (the median time from a contribution's date
to the first decision taken on it). The same figures are
published as JSON (see ``export``); the page and the JSON are made from one
:class:`Figures`, so that they cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass

from . import mention
from .fields import CORRECTION_TYPES, MENTIONS, PARTNERSHIP_LABELS, Correction


@dataclass(frozen=True)
class Listed:
    """A correction as the site lists it: the text it belongs to, and the correction."""

    item: object  # the Pelican article or page
    correction: Correction

    def feed_entry(self, base: str, tz, authority: str, publisher: str):
        """Its entry in the corrections feed (the syndication plugin asks for it)."""
        from .corrections import entry

        return entry(self, base, tz, authority, publisher)

    @property
    def delay(self) -> dt.timedelta | None:
        """Time from the text's publication to the correction (None for a page, which has no date)."""
        date = getattr(self.item, "date", None)
        return self.correction.date - date if date is not None else None


@dataclass(frozen=True)
class Revised:
    """An article, how many of its versions have a page, and how many are withheld."""

    item: object
    revisions: int
    withheld: int = 0


@dataclass(frozen=True)
class Figures:
    """Everything the Transparence page and /transparence.json show, from one computation."""

    partnerships: tuple  # published articles with a Partnership:, newest first
    partnerships_by_type: tuple[tuple[str, int], ...]  # every type, in MENTIONS' order
    corrections: tuple[Listed, ...]  # newest first
    corrections_by_year: tuple[tuple[int, int], ...]
    corrections_by_type: tuple[tuple[str, int], ...]
    correction_delay: dt.timedelta | None  # median, publication → correction
    history_available: bool
    revised: tuple[Revised, ...]  # articles, newest first
    revisions_median: float | None
    moderation_decided: int  # contributions with at least one dated decision
    moderation_delay: dt.timedelta | None  # median, contribution date → first decision
    moderation_decisions: int  # every dated decision

    @property
    def revisions_total(self) -> int:
        """Published versions of every article."""
        return sum(r.revisions for r in self.revised)

    @property
    def withheld_total(self) -> int:
        """Withheld versions of every article."""
        return sum(r.withheld for r in self.revised)


def median_delta(deltas: list[dt.timedelta]) -> dt.timedelta | None:
    """The median of durations, to the second (None when there is none)."""
    if not deltas:
        return None
    return dt.timedelta(seconds=round(statistics.median(d.total_seconds() for d in deltas)))


def compute(articles: list, pages: list, corrections: list[Listed], revisions: dict[int, tuple[int, int]] | None,
            moderation: list[tuple[dt.datetime, list]]) -> Figures:
    """The figures of a build.

    `articles`: the listed, published articles (newest first); `corrections`:
    their and the pages' corrections, newest first; `revisions`: id(article) →
    (published versions, withheld versions), None without git; `moderation`: each contribution's
    date with its dated decisions.
    """
    sponsored = tuple(a for a in articles if mention.of(a) is not None)
    kinds = Counter(a.disclosure.kind for a in sponsored)
    years = Counter(listed.correction.date.year for listed in corrections)
    types = Counter(listed.correction.kind for listed in corrections)
    delays = [listed.delay for listed in corrections if listed.delay is not None]
    revised = tuple(Revised(a, *revisions.get(id(a), (0, 0))) for a in articles) if revisions is not None else ()
    decided = [(date, decisions) for date, decisions in moderation if decisions]
    return Figures(
        partnerships=sponsored,
        partnerships_by_type=tuple((kind, kinds[kind]) for kind in MENTIONS),
        corrections=tuple(corrections),
        corrections_by_year=tuple(sorted(years.items(), reverse=True)),
        corrections_by_type=tuple((kind, types[kind]) for kind in CORRECTION_TYPES),
        correction_delay=median_delta(delays),
        history_available=revisions is not None,
        revised=revised,
        revisions_median=statistics.median(r.revisions for r in revised) if revised else None,
        moderation_decided=len(decided),
        moderation_delay=median_delta([decisions[0].when - date for date, decisions in decided]),
        moderation_decisions=sum(len(decisions) for _, decisions in decided),
    )


def duration_fr(delta: dt.timedelta | None) -> str:
    """« 3 jours », « 5 heures », « 12 minutes » (rounded down), « — » for none."""
    if delta is None:
        return "—"
    seconds = max(0, int(delta.total_seconds()))
    for size, one, many in ((86_400, "jour", "jours"), (3_600, "heure", "heures"), (60, "minute", "minutes")):
        if seconds >= size * (2 if size == 86_400 else 1):
            count = seconds // size
            return f"{count:,}".replace(",", "\u202f") + "\u00a0" + (one if count == 1 else many)
    return "moins d’une minute"


def number_fr(value: float | None) -> str:
    """« 3 », « 2,5 » (one decimal at most), « — » for none."""
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}".replace(".", ",")


def export(figures: Figures, url_of, site: dict, policies: dict) -> dict:
    """The figures as JSON data (/transparence.json): plain values, absolute addresses, no build time."""
    def seconds(delta: dt.timedelta | None) -> int | None:
        return int(delta.total_seconds()) if delta is not None else None

    return {
        "site": site,
        "policies": policies,
        "partnerships": {
            "total": len(figures.partnerships),
            "by_type": {kind: count for kind, count in figures.partnerships_by_type},
            "labels": dict(PARTNERSHIP_LABELS),
            "articles": [{
                "title": str(a.title), "url": url_of(a), "date": a.date.isoformat(), "type": a.disclosure.kind,
                "sponsor": a.disclosure.sponsor, "sponsor_url": a.disclosure.sponsor_url or None,
                "mention": a.disclosure.mention,
            } for a in figures.partnerships],
        },
        "corrections": {
            "total": len(figures.corrections),
            "by_year": {str(year): count for year, count in figures.corrections_by_year},
            "by_type": {kind: count for kind, count in figures.corrections_by_type},
            "median_delay_seconds": seconds(figures.correction_delay),
            "items": [{
                "title": str(listed.item.title), "url": url_of(listed.item) + "#" + listed.correction.anchor,
                "date": listed.correction.date.isoformat(), "type": listed.correction.kind,
                "text": listed.correction.text, "delay_seconds": seconds(listed.delay),
                "mention": mention.text(listed.item) or None,
            } for listed in figures.corrections],
        },
        "revisions": {
            "available": figures.history_available,
            "total": figures.revisions_total if figures.history_available else None,
            "withheld": figures.withheld_total if figures.history_available else None,
            "median_per_article": figures.revisions_median,
            "articles": [{"title": str(r.item.title), "url": url_of(r.item), "revisions": r.revisions,
                          "mention": mention.text(r.item) or None,
                          "withheld": r.withheld} for r in figures.revised],
        },
        "moderation": {
            "contributions_decided": figures.moderation_decided,
            "decisions": figures.moderation_decisions,
            "median_delay_seconds": seconds(figures.moderation_delay),
        },
    }
