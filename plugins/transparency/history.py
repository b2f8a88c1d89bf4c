"""The public history of every text, read from git.

One ``git log`` for the whole content folder per build (not one process per
file: a site may have thousands of articles), then every file's history is
rebuilt from it, following renames from the newest commit back, as
``git log --follow`` does (merge commits are left out, as it leaves them out).
The texts of past versions are read in one ``git cat-file --batch`` process,
only when a version page is written.

What a revision shows is fixed by its commit: the hash (cut to a fixed
length, never git's abbreviation, whose length depends on the clone), the
author date, the subject and the ``Note-de-modification:`` trailer. Nothing
depends on the build's time or on the clone, so the same commit builds the
same bytes.

- A content folder outside any git repository (a copied fixture site, the
  benchmark corpus) has no history: ``History.reason`` says why, and the
  pages leave the section out.
- A shallow clone would show a cut history as if it were whole: the build
  fails, naming the fix (``fetch-depth: 0``).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from blogcore.errors import SiteError

NOTE_TRAILER = "Note-de-modification"
SHORT = 10  # characters of a hash shown and used in version addresses
_FORMAT = f"%x1e%H%x1f%aI%x1f%s%x1f%(trailers:key={NOTE_TRAILER},valueonly,unfold,separator=%x1d)%x1f"
SHALLOW_FIX = ("fetch the whole history: `git fetch --unshallow` here; in GitHub Actions, give actions/checkout "
               "`with: fetch-depth: 0` (.github/workflows/*.yml do)")


@dataclass(frozen=True)
class Revision:
    """One commit that changed a text: what readers see of it."""

    commit: str
    date: dt.datetime
    subject: str
    note: str
    path: str  # the file's path at that commit, relative to the repository's root

    @property
    def short(self) -> str:
        """The hash as shown and in the version's address."""
        return self.commit[:SHORT]


@dataclass
class History:
    """Every revision of every file of the content folder (empty when there is no repository)."""

    root: str = ""  # the repository's top folder ("" when the content is not in git)
    reason: str = ""  # why there is no history, when there is none
    revisions: dict[str, list[Revision]] = field(default_factory=dict)  # repository path -> newest first

    @property
    def available(self) -> bool:
        """True when the content folder is in a git repository."""
        return bool(self.root)

    def of(self, source_path: str) -> list[Revision]:
        """The revisions of one file (absolute path), newest first; [] when it has none."""
        if not self.root:
            return []
        return self.revisions.get(self.key(source_path), [])

    def key(self, source_path: str) -> str:
        """A file's path relative to the repository, as git writes it."""
        return os.path.relpath(os.path.realpath(source_path), self.root).replace(os.sep, "/")

    def texts(self, wanted: list[Revision]) -> dict[tuple[str, str], str | None]:
        """The file's text at each revision ((commit, path) -> text, None when absent), in one git process."""
        keys = sorted({(r.commit, r.path) for r in wanted})
        if not keys or not self.root:
            return {}
        request = "".join(f"{commit}:{path}\n" for commit, path in keys).encode("utf-8")
        output = _git(self.root, "cat-file", "--batch", stdin=request)
        found: dict[tuple[str, str], str | None] = {}
        position = 0
        for key in keys:
            end = output.index(b"\n", position)
            header = output[position:end].split()
            position = end + 1
            if len(header) < 3 or header[1] != b"blob":
                found[key] = None
                continue
            size = int(header[2])
            found[key] = output[position:position + size].decode("utf-8", "replace")
            position += size + 1
        return found


def _git(cwd: str, *args: str, stdin: bytes | None = None) -> bytes:
    """Run git in `cwd`; CalledProcessError with git's message on failure."""
    # Settings a user may have that would change what git writes: fixed here.
    fixed = ("core.quotepath=false", "log.showSignature=false", "i18n.logOutputEncoding=UTF-8")
    result = subprocess.run(["git", *(f for pair in fixed for f in ("-c", pair)), *args], cwd=cwd, input=stdin,
                            capture_output=True, check=False, env={**os.environ, "LC_ALL": "C"})
    if result.returncode != 0:
        raise subprocess.CalledProcessError(result.returncode, ["git", *args], result.stdout, result.stderr)
    return result.stdout


def load(content_root: str, tz: ZoneInfo) -> History:
    """The history of every file under `content_root` (History with a reason when there is none)."""
    try:
        top = _git(content_root, "rev-parse", "--show-toplevel").decode("utf-8").strip()
    except FileNotFoundError:
        return History(reason="git is not installed")
    except subprocess.CalledProcessError as exc:
        message = exc.stderr.decode("utf-8", "replace").strip()
        if "not a git repository" in message:
            return History(reason=f"{content_root} is not in a git repository")
        raise SiteError(content_root, "git", message.splitlines()[-1] if message else exc.returncode,
                        "git cannot read this repository, so the history of the texts cannot be built",
                        "fix what git says (e.g. `git config --global --add safe.directory <folder>`), or "
                        "set TRANSPARENCY = {'history': False}") from None
    shallow = _git(top, "rev-parse", "--is-shallow-repository").decode().strip()
    if shallow == "true":
        raise SiteError(top, "git clone", "shallow", "this clone lacks the older commits, so every history "
                        "would be cut short", SHALLOW_FIX)
    top = os.path.realpath(top)
    folder = os.path.relpath(os.path.realpath(content_root), top).replace(os.sep, "/")
    try:
        raw = _git(top, "log", "-M", "--name-status", "-z", f"--format={_FORMAT}", "--", folder)
    except subprocess.CalledProcessError as exc:
        if b"does not have any commits" in exc.stderr:
            return History(root=top)
        raise
    return History(root=top, revisions=parse_log(raw.decode("utf-8", "replace"), tz))


def parse_log(text: str, tz: ZoneInfo) -> dict[str, list[Revision]]:
    """Every file's revisions from `git log -M --name-status -z --format=…` output, renames followed."""
    commits = []
    for record in text.split("\x1e")[1:]:
        head, _, changes = record.partition("\x00")
        commit, date, subject, note, _ = head.split("\x1f")
        tokens = [t for t in changes.lstrip("\n\x00").split("\x00")]
        found = []
        index = 0
        while index < len(tokens) and tokens[index]:
            status = tokens[index].strip()
            if status[:1] in ("R", "C"):
                found.append((status[0], tokens[index + 1], tokens[index + 2]))
                index += 3
            else:
                found.append((status[:1], tokens[index + 1], tokens[index + 1]))
                index += 2
        when = dt.datetime.fromisoformat(date).astimezone(tz)
        notes = " ".join(" ".join(n.split()) for n in note.split("\x1d") if n.strip())
        commits.append((commit, when, subject, notes, found))
    # Walk from the newest commit back: `names` maps a path, as it was at that
    # point, to the file it became (its path today, or at the newest commit).
    names: dict[str, str] = {}
    result: dict[str, list[Revision]] = {}
    for commit, when, subject, notes, changes in commits:
        for status, old, new in changes:
            current = names.get(new, new)
            if new not in names and current in result:
                continue  # a later file took over this name: it is another file's history
            result.setdefault(current, []).append(Revision(commit, when, subject, notes, new))
            names[new] = current
            if status == "R":
                names.pop(new, None)
                names[old] = current
    return result
