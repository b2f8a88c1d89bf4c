"""The site as it is on the published branch: what the intake checks submissions against.

Read from the working clone after each fetch (worker.py), then kept in
memory: request threads only read a Snapshot, never the clone's files, so a
fetch in progress cannot show them half a site. A new one replaces the old
one in a single assignment.
"""

from __future__ import annotations

import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .paths import BLOCKLISTS, ensure_plugins_importable

ensure_plugins_importable()
from blogcore import sources  # noqa: E402
from blogcore.names import identity_key  # noqa: E402
from community import config as community_config  # noqa: E402
from community import moderation  # noqa: E402
from community.model import Contribution  # noqa: E402
from transparency import config as transparency_config  # noqa: E402
from transparency import fields as transparency_fields  # noqa: E402
from transparency import mention  # noqa: E402

DEFAULT_MAX_BODY = 20000  # COMMUNITY["max_body_chars"]'s default where the site's settings have none


def normal(text: str) -> str:
    """Text compared for block lists and duplicates: NFKC, case folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


@dataclass(frozen=True)
class Blocklists:
    """Words, domains and author names refused (intake/blocklists/*.txt on the published branch)."""

    words: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    authors: frozenset[str] = frozenset()

    @classmethod
    def read(cls, folder: Path) -> "Blocklists":
        """Read the three files (one entry a line, '#' starts a comment); a missing file is an empty list."""
        def lines(name: str) -> list[str]:
            path = folder / name
            if not path.is_file():
                return []
            entries = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
            return [normal(entry) for entry in entries if entry]
        return cls(tuple(lines("words.txt")), tuple(d.lstrip(".") for d in lines("domains.txt")),
                   frozenset(lines("authors.txt")))


@dataclass(frozen=True)
class Article:
    """What the intake shows of an article."""

    slug: str
    title: str
    url: str  # absolute
    # Its commercial mention (Partnership:, Sponsor:), shown wherever the intake names it (plugins/transparency).
    disclosure: transparency_fields.Disclosure | None = None

    def about(self) -> str:
        """« Titre » as the intake's e-mails name it, the commercial mention after it when there is one."""
        return mention.named(self, f"« {self.title} »")


@dataclass(frozen=True)
class Snapshot:
    """The published branch at one commit, as the intake needs it."""

    commit: str
    site: moderation.Site
    site_name: str
    articles: dict[str, Article]  # open to contributions: published, not in the future
    contributions: tuple[Contribution, ...]
    blocklists: Blocklists
    max_body_chars: int
    transparence_url: str
    thanks_url: str = "contribuer/merci/"
    by_id: dict[str, Contribution] = field(default_factory=dict)
    # Readers' names already used on the branch (identity key → the address hashes they came with, "" for none).
    authors: dict[str, frozenset[str]] = field(default_factory=dict)

    @property
    def form_source(self) -> str:
        """The Source: of a contribution sent through the site's form."""
        return f"Formulaire de contribution du site {self.site_name}"

    def published(self, ident: str) -> Contribution | None:
        """An approved contribution by id (what a reply may answer)."""
        found = self.by_id.get(ident)
        return found if found is not None and found.published else None


def _disclosure(header) -> transparency_fields.Disclosure | None:
    """An article's commercial disclosure, read as the build reads it (None when it declares none)."""
    values = {key: header.get(key) or "" for key in ("partnership", "sponsor", "sponsor_url")}
    # The published branch was built, so its headers passed the build's checks; a bad one shows nothing here.
    if values["partnership"] not in transparency_fields.MENTIONS or not values["sponsor"]:
        return None
    return transparency_fields.disclosure_of(values)


def load(root: Path, commit: str, site_url: str) -> Snapshot:
    """Read the checked-out published branch in `root` (SiteError when its content is broken)."""
    saved_path = list(sys.path)
    try:
        content = sources.Site.from_file(root / "pelicanconf.py")
        site = moderation.site_of(content)
        contributions = moderation.load(site)
    finally:
        sys.path[:] = saved_path  # the intake keeps its own plugins/ on sys.path
    settings = content.settings
    cfg = community_config.from_settings(settings)
    articles = {}
    for source in content.sources("article"):
        # Open to contributions: what readers see (published, its day come), read as the build reads it.
        if source.status == "published" and source.date is not None and source.slug:
            articles[source.slug] = Article(source.slug, source.title, site_url + "/" + source.url,
                                            _disclosure(source.header))
    page = content.page(transparency_config.from_settings(settings).page)
    transparence = site_url + "/" + page.url if page is not None and page.status != "draft" else ""
    folder = root / "intake" / "blocklists"
    authors: dict[str, set[str]] = {}
    for c in contributions:
        if c.author and not c.official:
            authors.setdefault(identity_key(c.author), set()).add(c.author_email_hash)
    return Snapshot(
        commit=commit, site=site, site_name=settings.get("SITENAME") or "", articles=articles,
        contributions=tuple(contributions), blocklists=Blocklists.read(folder if folder.is_dir() else BLOCKLISTS),
        max_body_chars=int(getattr(cfg, "max_body_chars", DEFAULT_MAX_BODY)), transparence_url=transparence,
        thanks_url=cfg.thanks_url,
        by_id={c.id: c for c in contributions},
        authors={key: frozenset(hashes) for key, hashes in authors.items()},
    )
