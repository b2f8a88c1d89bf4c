"""The intake's working clone of the site's repository: read the published branch, commit on new branches, push.

Commits are made with git's plumbing (a private index, ``commit-tree``), never
in a working tree, so that writing a branch cannot disturb the checked-out
copy of the published branch that the intake reads the site from. Each
commit starts from the remote branch as it is right now: a push is never
forced, and one refused because the branch moved is simply tried again from
its new tip. Writing a file that the branch already has makes no commit, so a
job that runs twice (after a crash) does no harm.

A token (INTAKE_GIT_TOKEN) reaches git through the environment
(``GIT_CONFIG_*``), never through the command line or the clone's config.
"""

from __future__ import annotations

import base64
import fcntl
import os
import subprocess
import threading
from contextlib import contextmanager
from pathlib import Path

from .config import IntakeConfig


class GitError(RuntimeError):
    """A git command failed (the message says which, and git's own words)."""


class Repository:
    """The clone in the intake's data folder."""

    def __init__(self, cfg: IntakeConfig):
        self.cfg = cfg
        self.path = cfg.clone
        self._lock = threading.RLock()

    @contextmanager
    def locked(self):
        """Hold the clone for this thread and this process (a second process waits)."""
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path.parent / "repository.lock", "w") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    yield self
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)

    def _env(self, extra: dict | None = None) -> dict:
        env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
        env.update(GIT_TERMINAL_PROMPT="0", GIT_AUTHOR_NAME=self.cfg.git_author_name,
                   GIT_AUTHOR_EMAIL=self.cfg.git_author_email, GIT_COMMITTER_NAME=self.cfg.git_author_name,
                   GIT_COMMITTER_EMAIL=self.cfg.git_author_email, LC_ALL="C.UTF-8")
        if self.cfg.git_token:
            basic = base64.b64encode(f"x-access-token:{self.cfg.git_token}".encode()).decode()
            env.update(GIT_CONFIG_COUNT="1", GIT_CONFIG_KEY_0="http.extraHeader",
                       GIT_CONFIG_VALUE_0=f"Authorization: Basic {basic}")
        env.update(extra or {})
        return env

    def git(self, *args: str, stdin: str | None = None, env: dict | None = None, check: bool = True) -> str:
        """Run git in the clone; its output (GitError when it fails and check is on)."""
        result = subprocess.run(["git", "-C", str(self.path), *args], input=stdin, capture_output=True, text=True, encoding="utf-8",
                                env=self._env(env), timeout=300)
        if check and result.returncode != 0:
            message = (result.stderr or result.stdout).strip()
            if self.cfg.git_token:
                message = message.replace(self.cfg.git_token, "***")
            raise GitError(f"git {args[0]} failed: {message}")
        return result.stdout.strip()

    def ensure(self) -> None:
        """Create the clone if it does not exist yet (fetching happens in fetch())."""
        if (self.path / ".git").is_dir():
            return
        self.path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q")
        self.git("remote", "add", "origin", self.cfg.git_remote)

    def fetch(self) -> None:
        """Bring every branch of the remote (GitError when it cannot be reached)."""
        self.ensure()
        self.git("fetch", "-q", "--prune", "origin", "+refs/heads/*:refs/remotes/origin/*")

    def tip(self, branch: str) -> str | None:
        """The commit a remote branch points to, as last fetched (None when it does not exist)."""
        out = self.git("rev-parse", "-q", "--verify", f"refs/remotes/origin/{branch}^{{commit}}", check=False)
        return out or None

    def checkout_base(self) -> str:
        """Make the working tree the published branch as last fetched; its commit."""
        commit = self.tip(self.cfg.git_branch)
        if commit is None:
            raise GitError(f"the remote has no branch {self.cfg.git_branch!r} (INTAKE_GIT_BRANCH)")
        self.git("checkout", "-q", "--force", "--detach", commit)
        self.git("clean", "-q", "-ffdx", "-e", ".intake-*")
        return commit

    def merged(self, branch: str) -> bool:
        """Whether a remote branch is already part of the published branch."""
        tip, base = self.tip(branch), self.tip(self.cfg.git_branch)
        if not tip or not base:
            return False
        return subprocess.run(["git", "-C", str(self.path), "merge-base", "--is-ancestor", tip, base],
                              env=self._env()).returncode == 0

    def read(self, branch: str, path: str) -> str | None:
        """A file of a remote branch as last fetched (None when absent)."""
        tip = self.tip(branch)
        if tip is None:
            return None
        result = subprocess.run(["git", "-C", str(self.path), "show", f"{tip}:{path}"], capture_output=True,
                                env=self._env())
        return result.stdout.decode("utf-8") if result.returncode == 0 else None

    def commit_and_push(self, branch: str, files: dict[str, str], message: str, start: str | None = None) -> str | None:
        """Write files (path → text) in one commit on top of `branch` (or of `start`, default the published
        branch, when `branch` does not exist yet), push it.

        Returns the new commit, or None when the branch already had these
        exact files (nothing to do). Raises GitError when the push fails.
        """
        parent = self.tip(branch) or self.tip(start or self.cfg.git_branch)
        if parent is None:
            raise GitError(f"the remote has no branch {self.cfg.git_branch!r} (INTAKE_GIT_BRANCH)")
        index = {"GIT_INDEX_FILE": str(self.path / ".git" / f"intake-index-{threading.get_ident()}")}
        try:
            self.git("read-tree", parent, env=index)
            for path, text in sorted(files.items()):
                blob = self.git("hash-object", "-w", "--stdin", "--path", path, stdin=text)
                self.git("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=index)
            tree = self.git("write-tree", env=index)
        finally:
            Path(index["GIT_INDEX_FILE"]).unlink(missing_ok=True)
        if tree == self.git("rev-parse", f"{parent}^{{tree}}"):
            return None  # already there (a job run twice), or already published
        commit = self.git("commit-tree", tree, "-p", parent, stdin=message + "\n")
        self.git("push", "-q", "origin", f"{commit}:refs/heads/{branch}")
        self.git("update-ref", f"refs/remotes/origin/{branch}", commit)
        return commit
