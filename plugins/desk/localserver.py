"""The desk on a writer's machine (`invoke desk`): Decap's local server over the working copy.

``decap-server`` (npm, pinned in package.json) in its ``git`` mode, the only one
with the editorial workflow: each draft is a branch ``cms/<collection>/<slug>``
of the working copy, its review state the branch's description
(``decap-cms/draft``, ``decap-cms/pending_review``, ``decap-cms/pending_publish``), and
"Publier" merges it into the working copy's branch, which the live preview
then rebuilds. The server listens on 127.0.0.1 only and has no sign-in: it is
for this machine.

Pending contributions reach the desk as such branches: the intake pushes each
one to ``cms/contributions/<article>/<id>`` of the team's repository;
:func:`pending_from_remote` makes a local branch of every one not merged yet,
in review, so that the desk lists them.
"""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from pathlib import Path

from blogcore.errors import SiteError

ROOT = Path(__file__).resolve().parents[2]
SERVER = ROOT / "node_modules" / "decap-server" / "dist" / "index.js"
PREFIX = "cms/"
PENDING = "decap-cms/pending_review"
FIX_INSTALL = "run scripts/setup (it installs the npm package decap-server pinned in package.json into node_modules/)"


def git(repo: Path, *args: str, check: bool = True) -> str:
    """Run git in `repo`; its output, stripped."""
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise SiteError(str(repo), "git " + " ".join(args), result.returncode, result.stderr.strip() or "git failed",
                        "check that the folder is a git working copy of the site")
    return result.stdout.strip()


def current_branch(repo: Path) -> str:
    """The working copy's branch (the desk publishes into it); a SiteError when detached."""
    branch = git(repo, "rev-parse", "--abbrev-ref", "HEAD")
    if branch == "HEAD":
        raise SiteError(str(repo), "branch", None, "the working copy is not on a branch",
                        "git switch main (the desk publishes into the branch you are on)")
    return branch


def refuse_unsaved_changes(repo: Path) -> None:
    """The desk commits whatever the working copy holds: refuse to start over uncommitted changes."""
    changes = git(repo, "status", "--porcelain", "--untracked-files=normal")
    if changes:
        first = changes.splitlines()[0][3:]
        raise SiteError(str(repo), "working copy", first,
                        f"{len(changes.splitlines())} file(s) changed and not committed: the desk's saves would "
                        "sweep them into its commits",
                        "commit them (git commit -am '…') or put them aside (git stash), then start the desk again")


def pending_from_remote(repo: Path, remote: str = "origin") -> list[str]:
    """Local review branches for the remote's pending contributions (``cms/contributions/…``); the new ones."""
    if remote not in git(repo, "remote").split():
        return []
    git(repo, "fetch", "--quiet", remote, f"+refs/heads/{PREFIX}*:refs/remotes/{remote}/{PREFIX}*")
    local = set(git(repo, "for-each-ref", "--format=%(refname:short)", f"refs/heads/{PREFIX}").split())
    created = []
    for ref in git(repo, "for-each-ref", "--format=%(refname:short)", f"refs/remotes/{remote}/{PREFIX}contributions/").split():
        branch = ref[len(remote) + 1:]
        if branch in local:
            continue
        if subprocess.run(["git", "merge-base", "--is-ancestor", ref, "HEAD"], cwd=repo).returncode == 0:
            continue  # merged already: published or refused
        git(repo, "branch", "--no-track", branch, ref)  # no upstream: git would refuse to delete it once published
        git(repo, "config", f"branch.{branch}.description", PENDING)
        created.append(branch)
    return created


def refresh_reviews(repo: Path, base: str) -> list[str]:
    """Merge `base` into every review branch that lacks its newest commit, without a checkout; the branches refreshed.

    Decap's local server shows a review as ``git diff <base> <branch>``: once something
    else was published, an older branch would seem to undo it (and the desk would open
    the wrong file). GitHub compares from the merge base, so the desk against GitHub needs
    none of this. The merge is made with git's plumbing (merge-tree, commit-tree) and the
    branch moved only if nobody moved it meanwhile; a branch in conflict is left as it is.
    """
    head = git(repo, "rev-parse", base)
    current = git(repo, "rev-parse", "--abbrev-ref", "HEAD")
    refreshed = []
    for branch in git(repo, "for-each-ref", "--format=%(refname:short)", f"refs/heads/{PREFIX}").split():
        tip = git(repo, "rev-parse", branch)
        if branch == current or subprocess.run(["git", "merge-base", "--is-ancestor", head, tip], cwd=repo).returncode == 0:
            continue
        merged = subprocess.run(["git", "merge-tree", "--write-tree", tip, head], cwd=repo, capture_output=True, text=True)
        if merged.returncode != 0:
            continue  # a conflict: the review stays as it is, for a person to settle
        commit = git(repo, "commit-tree", merged.stdout.split()[0], "-p", tip, "-p", head,
                     "-m", f"Merge {base} into {branch} (the desk keeps its reviews up to date)")
        if subprocess.run(["git", "update-ref", f"refs/heads/{branch}", commit, tip], cwd=repo,
                          capture_output=True).returncode == 0:
            refreshed.append(branch)
    return refreshed


class Refresher(threading.Thread):
    """Keeps the review branches up to date with the published branch while the desk runs."""

    def __init__(self, repo: Path, base: str, period: float = 0.2):
        super().__init__(name="desk-refresher", daemon=True)
        self.repo, self.base, self.period = repo, base, period
        self.stopping = threading.Event()

    def run(self) -> None:
        """Each time the published branch moves, refresh the reviews."""
        seen = None
        while not self.stopping.wait(self.period):
            try:
                tip = git(self.repo, "rev-parse", self.base)
                if tip != seen:
                    refresh_reviews(self.repo, self.base)
                    seen = tip
            except SiteError:
                continue  # git busy (a lock held by the desk's server): try at the next tick

    def stop(self) -> None:
        """Stop at the next tick."""
        self.stopping.set()


def free_port() -> int:
    """A free port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(repo: Path, port: int) -> subprocess.Popen:
    """Start decap-server in git mode over `repo` on 127.0.0.1:`port`; return once it answers."""
    if not SERVER.is_file():
        raise SiteError(str(SERVER), "decap-server", None, "Decap's local server is not installed", FIX_INSTALL)
    environment = {**os.environ, "MODE": "git", "PORT": str(port), "BIND_HOST": "127.0.0.1",
                   "GIT_REPO_DIRECTORY": str(repo), "LOG_LEVEL": os.environ.get("DESK_LOG_LEVEL", "warn")}
    # Its own folder as current directory: it reads a .env file from there, never the site's.
    process = subprocess.Popen(["node", str(SERVER)], cwd=SERVER.parent, env=environment)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SiteError(str(SERVER), "decap-server", process.returncode, "Decap's local server stopped at start",
                            "read its messages above; another program may use the port (invoke desk --backend-port N)")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.1)
    stop(process)
    raise SiteError(str(SERVER), "decap-server", port, "Decap's local server did not answer within 30 s",
                    "try again; if it persists, run it by hand to read its messages")


def stop(process: subprocess.Popen) -> None:
    """Stop the local server (it holds no state of its own: git does)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
