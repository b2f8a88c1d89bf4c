"""Moderation actions on contribution files (behind `invoke contributions.*`).

Each action only changes files under content/contributions/, so that every
decision is reviewed in a pull request and published on merge. Bad values
raise :class:`~blogcore.errors.SiteError` naming the value and the fix.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import fcntl
import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from blogcore import sources
from blogcore.errors import SiteError, raise_if_any
from blogcore.isodate import DateError, parse_iso

from . import config as community_config
from . import store
from .model import KINDS, STATUSES, Contribution


# The refusals of a decision, in French: the tasks print them and the desk (plugins/desk) shows the
# same ones when a moderator clicks (what is wrong, the fix).
MESSAGES = {
    "approve_redacted": ("une contribution retirée n'a plus de texte à publier", "ajoutez plutôt une nouvelle contribution"),
    "approve_no_source": ("une contribution sans source ne peut pas être approuvée",
                          "ajoutez au fichier « Source: <où elle a été publiée d'abord> », puis approuvez-la"),
    "reject_reason": ("un refus enregistre son motif", "par exemple --reason 'spam' ou --reason 'données personnelles'"),
    "reject_redacted": ("elle est déjà retirée (rien n'en est publié)", "laissez-la telle quelle"),
    "moderator": ("une décision enregistre qui l'a prise",
                  "donnez votre nom, sans « ; » (par défaut : git config user.name)"),
}


@dataclass(frozen=True)
class Site:
    """What moderation needs to know about the site."""

    content_root: Path
    contributions_root: Path
    tz: ZoneInfo
    articles: dict[str, str]  # slug → URL path ("/slug/")
    brand_names: tuple[str, ...]
    official_authors: tuple[str, ...] = ()
    max_body: int = store.DEFAULT_MAX_BODY


def load_site(settings_file: Path) -> Site:
    """Read the Pelican settings and the articles' addresses (without building: blogcore.sources)."""
    return site_of(sources.Site.from_file(settings_file))


def site_of(content: sources.Site) -> Site:
    """What moderation needs of a site already read."""
    settings = content.settings
    # Every article, drafts too (a contribution may wait for its article), at its address once published.
    articles = {slug: "/" + content.address("article", "published", slug, s.header, s.date)[0]
                for slug, s in content.articles().items()}
    cfg = community_config.from_settings(settings)
    return Site(content.root, content.root / cfg.path, content.tz, articles, cfg.brand_names,
                cfg.official_authors, cfg.max_body_chars)


def load(site: Site) -> list[Contribution]:
    """Every contribution; fails if a file is broken."""
    contributions, problems = store.load_all(site.contributions_root, site.tz, max_body=site.max_body)
    raise_if_any(problems)
    return contributions


def find(site: Site, contribution_id: str) -> Contribution:
    """One contribution by id, or a SiteError naming the unknown id."""
    contributions = load(site)
    for contribution in contributions:
        if contribution.id == contribution_id:
            return contribution
    close = difflib.get_close_matches(contribution_id, [c.id for c in contributions], n=3)
    hint = f"did you mean {', '.join(close)}?" if close else "list the ids with: invoke contributions.list"
    raise SiteError("contributions", "id", contribution_id, "no contribution has this id", hint)


def _check_article(site: Site, slug: str) -> None:
    if slug not in site.articles:
        close = difflib.get_close_matches(slug, list(site.articles), n=3)
        hint = f"did you mean {', '.join(close)}?" if close else "use the slug of an article (its address)"
        raise SiteError("--article", "article", slug, "no article has this slug", hint)


def add(site: Site, *, article: str, author: str, date: str, source: str, body: str,
        source_url: str = "", author_url: str = "", kind: str = "comment", reply_to: str = "",
        official: bool = False) -> Contribution:
    """Create a pending contribution file; return it (with its new id)."""
    _check_article(site, article)
    try:
        when = parse_iso(date, site.tz, require_offset=True)
    except DateError as exc:
        raise SiteError("--date", "date", date, str(exc), exc.fix.replace(" 10:00:00", "T10:30:00")) from None
    except ValueError:
        raise SiteError("--date", "date", date, "not an ISO 8601 date",
                        "write e.g. 2026-11-22T10:30:00+01:00") from None
    if kind not in KINDS:
        raise SiteError("--kind", "kind", kind, "unknown kind", f"use one of {', '.join(KINDS)}")
    if not (author or "").strip():
        raise SiteError("--author", "author", author, "a contribution needs its author's name",
                        "give the name the author chose ('Anonyme' if none)")
    if not (body or "").strip():
        raise SiteError("--body", "body", body, "the contribution is empty", "give its text with --body or --body-file")
    if not (source or "").strip():
        raise SiteError("--source", "source", source, "every contribution says where it was first published",
                        "e.g. --source 'e-mail' or --source 'forum'")
    existing = load(site)
    if reply_to:
        parent = next((c for c in existing if c.id == reply_to), None)
        if parent is None:
            raise SiteError("--reply-to", "reply_to", reply_to, "no contribution has this id",
                            "list the ids with: invoke contributions.list --article " + article)
        if parent.article != article:
            raise SiteError("--reply-to", "reply_to", reply_to, f"that contribution is on '{parent.article}'",
                            "a reply belongs to the same article as its parent")
    ids = {c.id for c in existing}
    new = store.new_id()
    while new in ids:
        new = store.new_id()
    contribution = Contribution(
        id=new, article=article, author=author.strip(), date=when, body=body.strip(),
        author_url=(author_url or "").strip(), kind=kind, status="pending", reply_to=reply_to or "",
        official=official, source=source.strip(), source_url=(source_url or "").strip(),
    )
    _validate_one(site, contribution, existing)
    path = store.write(site.contributions_root, contribution)
    return contribution.with_changes(path=str(path))


def _validate_one(site: Site, contribution: Contribution, others: list[Contribution]) -> None:
    """Run the file rules on a contribution before writing it."""
    text = store.dump_contribution(contribution)
    shown = store.display(store.file_path(site.contributions_root, contribution))
    parsed, problems = store.parse_contribution(text, shown, site.tz, max_body=site.max_body)
    raise_if_any(problems)
    rest = [c for c in others if c.id != contribution.id]
    problems = store.check_collection(rest + [parsed.with_changes(path="")], set(site.articles), site.brand_names,
                                      site.official_authors)
    raise_if_any([p for p in problems if p.file == contribution.id or contribution.id in str(p.value)])


@contextlib.contextmanager
def _locked(site: Site):
    """Hold the contributions folder's lock: one decision at a time, across processes."""
    # flock on the folder itself: no lock file to leave behind or to commit.
    root = site.contributions_root
    root.mkdir(parents=True, exist_ok=True)
    handle = os.open(root, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # releases the lock


def _now(site: Site, now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(site.tz).replace(microsecond=0)


def _check_moderator(moderator: str) -> str:
    name = " ".join((moderator or "").split())
    if not name or ";" in name:
        raise SiteError("--moderator", "moderator", moderator, *MESSAGES["moderator"])
    return name


def _decide(site: Site, contribution_id: str, action: str, moderator: str, now: dt.datetime | None,
            refuse, **changes) -> Contribution:
    """Apply one decision under the lock, to the file as it is now (read again under the lock)."""
    moderator = _check_moderator(moderator)
    with _locked(site):
        contribution = find(site, contribution_id)
        refuse(contribution)
        updated = contribution.decided(action, moderator, _now(site, now), **changes)
        _validate_one(site, updated.with_changes(path=""), load(site))
        store.write(site.contributions_root, updated)
    return updated


def approve(site: Site, contribution_id: str, moderator: str, now: dt.datetime | None = None) -> Contribution:
    """Mark a contribution approved (it needs a source)."""
    def refuse(contribution: Contribution) -> None:
        if contribution.status == "redacted":
            raise SiteError(store.display(contribution.path), "Status:", "redacted", *MESSAGES["approve_redacted"])
        if not contribution.source:
            raise SiteError(store.display(contribution.path), "Source:", None, *MESSAGES["approve_no_source"])

    return _decide(site, contribution_id, "approved", moderator, now, refuse, reason="")


def reject(site: Site, contribution_id: str, reason: str, moderator: str,
           now: dt.datetime | None = None) -> Contribution:
    """Mark a contribution rejected, recording why."""
    if not (reason or "").strip():
        raise SiteError("--reason", "reason", reason, *MESSAGES["reject_reason"])

    def refuse(contribution: Contribution) -> None:
        if contribution.status == "redacted":
            raise SiteError(store.display(contribution.path), "Status:", "redacted", *MESSAGES["reject_redacted"])

    return _decide(site, contribution_id, "rejected", moderator, now, refuse, reason=reason.strip())


def redact(site: Site, contribution_id: str, moderator: str, now: dt.datetime | None = None) -> Contribution:
    """Remove a contribution's text and its author's identity; keep a tombstone for its thread."""
    moderator = _check_moderator(moderator)
    with _locked(site):
        contribution = find(site, contribution_id)
        tombstone = contribution.redacted(moderator, _now(site, now))
        store.write(site.contributions_root, tombstone)
    return tombstone


def listing(site: Site, status: str | None = None, article: str | None = None) -> list[Contribution]:
    """Contributions filtered by status and article, oldest first."""
    if status and status not in STATUSES:
        raise SiteError("--status", "status", status, "unknown status", f"use one of {', '.join(STATUSES)}")
    if article:
        _check_article(site, article)
    items = [c for c in load(site) if (not status or c.status == status) and (not article or c.article == article)]
    return sorted(items, key=lambda c: (c.date, c.id))


def check_new(site: Site, contribution: Contribution, existing: list[Contribution]) -> None:
    """Run the build's file rules on a contribution not written yet (the intake service's check); SiteErrors if any."""
    _validate_one(site, contribution, existing)
