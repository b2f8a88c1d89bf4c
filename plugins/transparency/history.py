"""The history of every text's file, read from git: the raw material of its versions.

One ``git log`` for the whole content folder per build (not one process per
file: a site may have thousands of articles), then every file's history is
rebuilt from it, following renames from the newest commit back. The texts of
past states are read in one ``git cat-file --batch`` process.

Only the publishing line counts: the first-parent history of the commit the
site is built from (``--first-parent``, a merge compared with the commit it
was merged into), because that is the sequence of states the site was
published from. A branch's own commits (a writer's drafts, a review) were
never online; their result is online from the merge on. Not every state of
the line was online either (a change the review gate refused, two merges
during one publish): when the build knows the deploys (deployed.py), a state
counts only if it was deployed; :meth:`History.line` places the deployed
commits on the line.

What is read of a commit is its hash and its committer date (when it reached
the line), never its message or its author: nothing a team writes for itself
can reach a page. A history ends where its file was created: a file deleted
and later created again at the same name starts a new history (versions.py
also cuts it where the text's identity changes).

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

SHORT = 10  # characters of a hash used in version ids and addresses
_FORMAT = "%x1e%H%x1f%cI%x1f"
SHALLOW_FIX = ("fetch the whole history: `git fetch --unshallow` here; in GitHub Actions, give actions/checkout "
               "`with: fetch-depth: 0` (.github/workflows/*.yml do)")


@dataclass(frozen=True)
class Revision:
    """One commit of the publishing line that changed a text's file."""

    commit: str
    date: dt.datetime  # committer date: when the commit reached the line the site is built from
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
    order: dict[str, int] = field(default_factory=dict)  # commit -> its place in the log (0: the newest)
    _by_path: dict[str, list[str]] | None = field(default=None, repr=False)
    _line: dict[str, int] | None = field(default=None, repr=False)

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

    def locate(self, path: str, commit: str) -> str:
        """The file (its path at the newest commit) that repository path `path` was at `commit` ("" if none)."""
        if self._by_path is None:
            self._by_path = {}
            for key, revisions in self.revisions.items():
                for name in {r.path for r in revisions}:
                    self._by_path.setdefault(name, []).append(key)
        place = self.order.get(commit)
        if place is None:
            return ""
        for key in self._by_path.get(path, ()):
            # The file's state at `commit` is that of its newest revision at or before it.
            current = next((r for r in self.revisions[key] if self.order[r.commit] >= place), None)
            if current is not None and current.path == path:
                return key
        return ""

    def line(self) -> dict[str, int]:
        """Every commit of the publishing line, texts changed or not → its place (0: the commit built)."""
        if self._line is None:
            self._line = {}
            if self.root and self.order:
                listed = _git(self.root, "rev-list", "--first-parent", "HEAD").decode("ascii").split()
                self._line = {commit: place for place, commit in enumerate(listed)}
        return self._line

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
        raw = _git(top, "log", "--first-parent", "--diff-merges=first-parent", "-M", "--name-status", "-z",
                   f"--format={_FORMAT}", "--", folder)
    except subprocess.CalledProcessError as exc:
        if b"does not have any commits" in exc.stderr:
            return History(root=top)
        raise
    revisions, order = parse_log(raw.decode("utf-8", "replace"), tz)
    return History(root=top, revisions=revisions, order=order)


def parse_log(text: str, tz: ZoneInfo) -> tuple[dict[str, list[Revision]], dict[str, int]]:
    """Every file's revisions from `git log -M --name-status -z --format=…` output, renames followed.

    Also each commit's place in the log (0 for the newest).

    A file's history ends (going back) at the commit that created it: an older
    file deleted at the same name is another file.
    """
    commits = []
    for record in text.split("\x1e")[1:]:
        head, _, changes = record.partition("\x00")
        commit, date, _ = head.split("\x1f")
        tokens = changes.lstrip("\n\x00").split("\x00")
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
        commits.append((commit, dt.datetime.fromisoformat(date).astimezone(tz), found))
    # Walk from the newest commit back: `names` maps a path, as it was at that
    # point, to the file it became (its path today, or at the newest commit).
    names: dict[str, str] = {}
    result: dict[str, list[Revision]] = {}
    for commit, when, changes in commits:
        for status, old, new in changes:
            current = names.get(new, new)
            if new not in names and current in result:
                continue  # a later file took over this name: it is another file's history
            result.setdefault(current, []).append(Revision(commit, when, new))
            names.pop(new, None)
            if status == "R":
                names[old] = current
            elif status not in ("A", "C"):
                names[new] = current
            # "A" or "C": the file was created here; an older file of that name is another one
    return result, {commit: place for place, (commit, _, _) in enumerate(commits)}
