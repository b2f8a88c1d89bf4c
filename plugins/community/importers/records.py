"""The format-neutral result of reading an export.

Each reader (:mod:`.wxr`, :mod:`.disqus`, :mod:`.csvfile`) turns its file into
a :class:`ParsedExport`: the source threads (a WordPress post, a Disqus
thread, a CSV ``thread`` value) and one :class:`Item` per contribution, whose
:class:`Contribution` is complete except for its article and its reply link.
Those two depend on the mapping to this site's articles and on which parents
survive it, which :mod:`.run` decides for every format in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from blogcore.errors import Problem, SiteError, raise_if_any

from ..model import Contribution


@dataclass(frozen=True)
class SourceThread:
    """A discussion in the source system, with what can identify its page."""

    key: str                       # unique within the export
    label: str                     # how the report names it (usually its address)
    slugs: tuple[str, ...] = ()    # old slugs / identifiers
    urls: tuple[str, ...] = ()     # old addresses (absolute, or paths)


@dataclass(frozen=True)
class Item:
    """One contribution read from the export, before it is attached to an article."""

    thread: str                    # SourceThread.key
    contribution: Contribution     # article="" and reply_to="" until run.py decides
    parent: str = ""               # id (ours) of the contribution it answers
    held: bool = False             # approved at the source, set to pending here


@dataclass
class ParsedExport:
    """Everything a reader found in one file."""

    format: str                    # "wordpress", "disqus" or "csv"
    description: str               # e.g. "WordPress export (WXR 1.2)"
    threads: dict[str, SourceThread] = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)


def raise_problems(problems: list[Problem]) -> None:
    """Raise every problem at once (a single one as a plain SiteError, for a shorter message)."""
    if len(problems) == 1:
        p = problems[0]
        raise SiteError(p.file, p.field, p.value, p.message, p.fix)
    raise_if_any(problems)
