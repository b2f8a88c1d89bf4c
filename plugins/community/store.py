"""Read, check and write contribution files (content/contributions/<slug>/<id>.md).

The build and the moderation tasks share this module, so a file that the
tasks write is a file the build accepts, and the same rules reject a bad one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo

from blogcore.errors import Problem, SiteError, display_path
from blogcore.headers import parse_header
from blogcore.isodate import format_iso, parse_iso

from .cache import FileCache, digest
from .model import (
    FIELD_ORDER, ID_PATTERN, IDEA_STATUSES, KINDS, STATUSES, Contribution, located, parse_bool, usual_name,
)

DATE_FIX = "write an ISO 8601 date with its offset, e.g. 2009-02-27 10:00:00+01:00"
REQUIRED = ("id", "article", "date")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


# Messages name files the way the writer sees them (shared with the other plugins).
display = display_path


def new_id(prefix: str = "c") -> str:
    """A fresh random id for a contribution typed in by a moderator."""
    return f"{prefix}-{secrets.token_hex(5)}"


def import_id(system: str, *key: str) -> str:
    """A stable id for an imported contribution: same export → same id."""
    digest = hashlib.sha256("\x1f".join((system,) + key).encode("utf-8")).hexdigest()[:12]
    return f"{system}-{digest}"


def parse_contribution(text: str, path: str, tz: ZoneInfo, real_path: str | None = None,
                       file_key: str = "", root: str = "") -> tuple[Contribution | None, list[Problem]]:
    """Parse one contribution file; return it (or None) and its problems.

    `path` names the file in messages; `real_path` (default: `path`;
    relative to `root` if given) is stored, with `file_key`, the digest of
    the file's bytes (see Contribution.key).
    """
    header = parse_header(text)
    problems: list[Problem] = []

    def bad(field: str, value, message: str, fix: str) -> None:
        problems.append(Problem(path, field.capitalize() + ":", value, message, fix))

    fields = header.fields
    for key in header.duplicates:
        bad(key, fields[key], "the field is written twice", "keep one line for it")
    for key in fields:
        if key not in FIELD_ORDER:
            bad(key, fields[key], "unknown field in a contribution", f"use only: {', '.join(FIELD_ORDER)}")
    for key in REQUIRED:
        if not header.get(key):
            bad(key, None, "a contribution needs this field",
                {"id": "add 'Id: c-...' (invoke contributions.add creates one)",
                 "article": "add 'Article: <slug of the article>'",
                 "date": "add 'Date: 2026-11-22 10:00:00+01:00'"}[key])
    status = (header.get("status") or "pending").lower()
    if status not in STATUSES:
        bad("status", header.get("status"), "unknown status", f"use one of {', '.join(STATUSES)}")
    kind = (header.get("kind") or "comment").lower()
    if kind not in KINDS:
        bad("kind", header.get("kind"), "unknown kind", f"use one of {', '.join(KINDS)}")
    if not header.get("author") and status != "redacted":
        bad("author", None, "a contribution needs its author's name",
            "add 'Author: <name the author chose>' (or 'Anonyme' if the author chose none)")
    ident = header.get("id") or ""
    if ident and not ID_PATTERN.fullmatch(ident):
        bad("id", ident, "an id is lower-case letters, digits and single hyphens", "e.g. 'Id: c-3f2a9b10c4'")
    dates: dict[str, dt.datetime | None] = {"date": None, "moderated_at": None}
    for key in dates:
        if header.get(key):
            try:
                dates[key] = parse_iso(header.get(key), tz)
            except ValueError:
                bad(key, header.get(key), "not a valid date", DATE_FIX)
    official = parse_bool(header.get("official") or "")
    if official is None:
        bad("official", header.get("official"), "not yes or no", "write 'Official: yes' or remove the line")
    votes = None
    if header.get("votes"):
        try:
            votes = int(header.get("votes"))
            if votes < 0:
                raise ValueError
        except ValueError:
            bad("votes", header.get("votes"), "not a whole number >= 0", "write e.g. 'Votes: 12'")
    idea_status = (header.get("idea_status") or "").lower()
    if idea_status and idea_status not in IDEA_STATUSES:
        bad("idea_status", header.get("idea_status"), "unknown idea status",
            f"use one of {', '.join(IDEA_STATUSES)} ({', '.join(IDEA_STATUSES.values())})")
    if (votes is not None or idea_status) and kind != "idea":
        bad("kind", kind, "votes and idea status belong to ideas", "write 'Kind: idea' or remove Votes/Idea_status")
    for key in ("author_url", "source_url"):
        value = header.get(key)
        if value and not re.match(r"https?://[^\s/]+", value):
            bad(key, value, "not an absolute web address", "write it with https:// or http://, or remove it")
    author = header.get("author") or ""
    if _EMAIL.search(author):
        bad("author", author, "an e-mail address would be published as the author's name",
            "put the address in 'Author_email:' (never published) and a name in 'Author:'")
    if status == "rejected" and not header.get("reason"):
        bad("reason", None, "a rejected contribution records why", "add 'Reason: <why it was rejected>'")
    if problems:
        return None, problems
    contribution = Contribution(
        id=ident, article=header.get("article"), author=author, date=dates["date"],
        body=header.body.strip(), author_url=header.get("author_url", ""),
        author_email=header.get("author_email", ""), author_ip=header.get("author_ip", ""),
        author_email_hash=header.get("author_email_hash", ""),
        kind=kind, status=status, reply_to=header.get("reply_to", ""), official=bool(official),
        source=header.get("source", ""), source_url=header.get("source_url", ""),
        moderator=header.get("moderator", ""), moderated_at=dates["moderated_at"],
        reason=header.get("reason", ""), votes=votes, idea_status=idea_status,
        original_id=header.get("original_id", ""), imported_from=header.get("imported_from", ""),
        key=file_key, root=root, name=located(root, real_path or path, header.get("article"), ident),
    )
    return contribution, problems


def read_body(contribution: Contribution) -> str:
    """The Markdown body of a contribution, read from its file if it was left there (see Contribution.key).

    Read exactly as parse_contribution reads it, and only if the file still
    has the bytes that were checked: a file edited during the build fails it
    rather than publish text that was never checked.
    """
    if contribution.body is not None:
        return contribution.body
    shown = display(contribution.path)
    try:
        with open(contribution.path, "rb") as handle:
            raw = handle.read()
        if digest(raw) != contribution.key:
            raise SiteError(shown, "body", None, "the file changed while the site was being built", "build again")
        return parse_header(raw.decode("utf-8-sig")).body.strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise SiteError(shown, "body", None, f"the file can no longer be read ({exc})", "build again") from exc


def dump_contribution(contribution: Contribution) -> str:
    """The file text of a contribution (fields in a fixed order, empty ones left out)."""
    lines = []
    for key in FIELD_ORDER:
        value = getattr(contribution, key)
        if key == "official":
            value = "yes" if value else ""
        elif isinstance(value, dt.datetime):
            value = format_iso(value)
        elif value is None:
            value = ""
        value = " ".join(str(value).split())  # a header value is one line
        if value:
            lines.append(f"{key.capitalize()}: {value}")
    body = contribution.body.strip()
    return "\n".join(lines) + "\n\n" + (body + "\n" if body else "")


def file_path(root: Path, contribution: Contribution) -> Path:
    """Where a contribution's file lives."""
    return Path(root) / usual_name(contribution.article, contribution.id)


def write(root: Path, contribution: Contribution) -> Path:
    """Write (or rewrite) one contribution file; returns its path."""
    path = Path(contribution.path) if contribution.path else file_path(root, contribution)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".md.tmp")
    tmp.write_text(dump_contribution(contribution), encoding="utf-8")
    os.replace(tmp, path)
    return path


def load_all(root: Path, tz: ZoneInfo, cache: FileCache | None = None) -> tuple[list[Contribution], list[Problem]]:
    """Read every contribution file under `root`, sorted by path.

    With a cache, a file checked by an earlier build is neither parsed again
    (same bytes) nor even read (same status; see cache.py). Files with
    problems are never cached.
    """
    contributions: list[Contribution] = []
    problems: list[Problem] = []
    root = Path(root)
    if not root.is_dir():
        return contributions, problems
    root_shown = display(root)  # once: resolving 10,000 paths one by one is slow
    root_text = str(root)
    start = len(root_text) + 1
    for entry in _entries(root_text):
        path = entry.path
        name = entry.name
        relative = path[start:]
        if not name.endswith(".md"):
            problems.append(Problem(root_shown + "/" + relative, "file name", name, "not a contribution file (.md)",
                                    "rename it to .md or move it out of content/contributions/"))
            continue
        contribution = None
        if cache:
            status = entry.stat()
            contribution = cache.recall(relative, status, root_text)
        if contribution is None:
            with open(path, "rb") as handle:
                raw = handle.read()
            key = digest(raw) if cache else ""
            contribution = cache.recall_bytes(relative, status, key, root_text) if cache else None
            if contribution is None:
                shown = root_shown + "/" + relative
                try:
                    text = raw.decode("utf-8-sig")
                except UnicodeDecodeError:
                    problems.append(Problem(shown, "encoding", name, "the file is not UTF-8", "save it as UTF-8"))
                    continue
                contribution, found = parse_contribution(text, shown, tz, real_path=relative, file_key=key,
                                                         root=root_text)
                problems += found
                if contribution is None:
                    continue
                if cache:
                    cache.store(relative, status, key, contribution)
        contributions.append(contribution)
    return contributions, problems


def _entries(folder: str):
    """Files under a folder, depth first, sorted by name; hidden files and folders skipped.

    A folder's files come before its subfolders: cache.scan_order is this order.
    """
    with os.scandir(folder) as scan:
        entries = sorted((e for e in scan if not e.name.startswith(".")), key=lambda e: e.name)
    folders = []
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            folders.append(entry)
        else:
            yield entry
    for entry in folders:
        yield from _entries(entry.path)


class _Shown:
    """A contribution's file name for messages, computed only if a message needs it."""

    __slots__ = ("contribution",)

    def __init__(self, contribution: Contribution):
        self.contribution = contribution

    def __str__(self) -> str:
        c = self.contribution
        return display(c.path) if c.path else c.id


def check_collection(contributions: list[Contribution], articles: set[str],
                     brand_names: tuple[str, ...] = ()) -> list[Problem]:
    """Rules that span files: articles exist, ids unique, threads hold, honest identity."""
    problems: list[Problem] = []
    by_id: dict[str, Contribution] = {}
    brand = {name.casefold() for name in brand_names}
    for c in contributions:
        shown = _Shown(c)
        if c.id in by_id:
            problems.append(Problem(str(shown), "Id:", c.id, f"the same id as {display(by_id[c.id].path)}",
                                    "give one of them a new id (ids must be unique across the site)"))
            continue
        by_id[c.id] = c
        if c.article not in articles:
            problems.append(Problem(str(shown), "Article:", c.article, "no article has this slug",
                                    "write the slug of an existing article (see its Slug: line or its address)"))
        if c.name:  # else a file in its usual place, or no file yet (see model.located)
            # os.path, not pathlib: this can run for every contribution of the site.
            folder, file_name = os.path.split(c.name)
            folder = os.path.basename(folder)
            if folder != c.article:
                problems.append(Problem(str(shown), "Article:", c.article, f"the file is in the folder of '{folder}'",
                                        f"move the file to content/contributions/{c.article}/ or fix Article:"))
            if file_name != c.id + ".md":
                problems.append(Problem(str(shown), "Id:", c.id, f"the file is named '{file_name}'",
                                        f"rename the file to {c.id}.md"))
        if c.status == "approved" and not c.source:
            problems.append(Problem(str(shown), "Source:", None, "a contribution without a source cannot be approved",
                                    "add 'Source: <where it was first published>' (site comments, e-mail, forum...)"))
        if c.author.casefold() in brand and not c.official:
            problems.append(Problem(str(shown), "Official:", "no", f"'{c.author}' is the brand itself",
                                    "mark the brand's replies 'Official: yes' (the brand never speaks as a user)"))
        if c.official and c.kind == "testimonial":
            problems.append(Problem(str(shown), "Kind:", c.kind, "the brand cannot write a testimonial about itself",
                                    "use 'Kind: comment' for an official reply"))
    for c in contributions:
        if not c.reply_to:
            continue
        shown = _Shown(c)
        parent = by_id.get(c.reply_to)
        if parent is None:
            problems.append(Problem(str(shown), "Reply_to:", c.reply_to, "no contribution has this id",
                                    "write the id of an existing contribution, or remove the line"))
        elif parent.article != c.article:
            problems.append(Problem(str(shown), "Reply_to:", c.reply_to, f"that contribution belongs to '{parent.article}'",
                                    "a reply must be on the same article as its parent"))
        elif parent.id == c.id:
            problems.append(Problem(str(shown), "Reply_to:", c.reply_to, "a contribution cannot answer itself",
                                    "remove the line"))
    # A cycle (a answers b answers a) would hide both: refuse it.
    for c in contributions:
        seen, current = set(), c
        while current and current.reply_to:
            if current.id in seen:
                problems.append(Problem(str(_Shown(c)), "Reply_to:", c.reply_to,
                                        "the replies form a loop", "one contribution of the loop must not be a reply"))
                break
            seen.add(current.id)
            current = by_id.get(current.reply_to)
    return problems
