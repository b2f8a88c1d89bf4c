"""Git target: the built site as the only content of a branch (gh-pages style).

Plain git commands, in a throw-away bare repository (the project's own
checkout is never touched):

1. `git ls-remote` the remote: is there already a branch, at which commit?
2. fetch that commit (depth 1) and stage the build folder, exactly, in a
   temporary index, plus an empty .nojekyll (GitHub Pages serves the files
   as they are);
3. if the tree is the one the branch already holds, stop: no new commit;
4. otherwise commit that tree on top of the branch, with a message naming
   the source commit by its hash only (the team's repository is private: its
   commit subjects, which may name a draft or a reader, never reach the public
   repository), and push it, never forced: if the branch moved in the meantime
   the push is refused and the deployed site stays as it was.

Only `invoke contributions.erase` (erasure.py) ever rewrites this history,
with a lease on the commit it read.

A push is one atomic ref update: readers see the old site or the new one.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .pipeline import DeployError, DeployResult
from .site import Site

DEFAULT_NAME = "invoke publish"
DEFAULT_EMAIL = "publish@localhost"


@dataclass(frozen=True)
class SourceCommit:
    """The commit of the project the site was built from (its hash: nothing of its message)."""

    sha: str | None
    dirty: bool = False

    def title(self) -> str:
        if not self.sha:
            return "Publish from an unknown source commit (not a git checkout)"
        return f"Publish {self.sha[:12]}"

    def body(self) -> str:
        if not self.sha:
            return "The source folder was not a git checkout."
        extra = ", plus uncommitted changes" if self.dirty else ""
        return f"Site built by `invoke publish` from source commit {self.sha}{extra}."


def source_commit(root: Path) -> SourceCommit:
    """HEAD of the project's checkout (GITHUB_SHA when git cannot tell), and whether files differ from it."""
    def git(*args):
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)

    head = git("rev-parse", "--verify", "HEAD")
    if head.returncode != 0:
        return SourceCommit(os.environ.get("GITHUB_SHA") or None)
    status = git("status", "--porcelain")
    return SourceCommit(head.stdout.strip(), bool(status.stdout.strip()) if status.returncode == 0 else False)


def resolve_remote(remote: str) -> str:
    """A local path becomes absolute (git runs elsewhere); URLs are kept as given."""
    path = Path(remote).expanduser()
    if "://" not in remote and path.exists():
        return str(path.resolve())
    return remote


def check_remote(remote: str) -> None:
    """Fail early (DeployError) when the remote cannot be read, before a build and gates that take a while."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env["GIT_TERMINAL_PROMPT"] = "0"
    result = subprocess.run(["git", "ls-remote", "--heads", "--", resolve_remote(remote)],
                            capture_output=True, text=True, env=env, cwd=tempfile.gettempdir())
    if result.returncode != 0:
        reason = " / ".join((result.stderr or result.stdout).strip().splitlines()[-2:])
        raise DeployError(f"--remote {remote!r} cannot be read ({reason}): give the path of an existing "
                          "repository, or a URL this machine may push to")


class _Git:
    """Git on a throw-away bare repository whose work tree is the build folder."""

    def __init__(self, work: Path, site: Site):
        self.env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
        self.env.update({
            "GIT_DIR": str(work), "GIT_INDEX_FILE": str(work / "publish-index"), "GIT_WORK_TREE": str(site.root),
            "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C",
        })
        self.cwd = site.root
        for variable, key, default in (("GIT_AUTHOR_NAME", "user.name", DEFAULT_NAME),
                                       ("GIT_AUTHOR_EMAIL", "user.email", DEFAULT_EMAIL)):
            configured = self.run("config", "--get", key, check=False).stdout.strip()
            if not configured and not os.environ.get(variable):
                self.env[variable] = default
                self.env[variable.replace("AUTHOR", "COMMITTER")] = default

    def run(self, *args: str, check: bool = True, stdin: str | None = None, what: str = "") -> subprocess.CompletedProcess:
        command = ["git", "-c", "core.autocrlf=false", "-c", "core.safecrlf=false", "-c", "core.excludesFile=",
                   *args]
        result = subprocess.run(command, cwd=self.cwd, env=self.env, capture_output=True, text=True, input=stdin)
        if check and result.returncode != 0:
            message = (result.stderr or result.stdout).strip().splitlines()
            raise DeployError(f"{what or 'git ' + args[0]} failed: {' / '.join(message[-4:])}")
        return result


def stage_site(git: _Git) -> tuple[str, int]:
    """Write the build folder (plus an empty .nojekyll) as a tree; its id and its number of files."""
    git.run("add", "--all", "--force", "--", ".", what="staging the build")
    nojekyll = git.run("hash-object", "-w", "--stdin", stdin="").stdout.strip()
    git.run("update-index", "--add", "--cacheinfo", f"100644,{nojekyll},.nojekyll")
    tree = git.run("write-tree").stdout.strip()
    return tree, len(git.run("ls-files").stdout.splitlines())


def commit_message(site: Site, source: SourceCommit) -> str:
    """The message of a publish commit: the source commit's hash and the site's address, nothing private."""
    return f"{source.title()}\n\n{source.body()}\nSite: {site.siteurl}/\n"


def deploy(site: Site, remote: str, branch: str = "gh-pages", source: SourceCommit | None = None) -> DeployResult:
    """Make `branch` of `remote` hold exactly the build (plus .nojekyll); no commit when nothing changed."""
    remote = resolve_remote(remote)
    source = source or SourceCommit(None)
    ref = f"refs/heads/{branch}"
    with tempfile.TemporaryDirectory(prefix="publish-git-") as tmp:
        work = Path(tmp) / "repo.git"
        init = subprocess.run(["git", "init", "-q", "--bare", str(work)], capture_output=True, text=True)
        if init.returncode != 0:
            raise DeployError(f"git init failed: {init.stderr.strip()}")
        git = _Git(work, site)
        listed = git.run("ls-remote", "--heads", "--", remote, ref,
                         what=f"reading {remote} (does it exist, and may this machine read it?)").stdout.split()
        parent = listed[0] if listed else None
        old_tree = None
        if parent:
            git.run("fetch", "-q", "--no-tags", "--depth=1", remote, f"+{ref}:refs/published",
                    what=f"fetching {branch} from {remote}")
            old_tree = git.run("rev-parse", "refs/published^{tree}").stdout.strip()
        tree, files = stage_site(git)
        if tree == old_tree:
            return DeployResult("git", False, f"no change: {remote} {branch} already holds this site "
                                f"(commit {parent[:12]}); no commit made", {"commit": parent, "tree": tree})
        arguments = ["commit-tree", tree, "-F", "-"] + (["-p", parent] if parent else [])
        commit = git.run(*arguments, stdin=commit_message(site, source), what="committing the site").stdout.strip()
        git.run("push", "-q", remote, f"{commit}:{ref}",
                what=f"pushing to {remote} {branch} (the deployed site was left as it was)")
    return DeployResult("git", True, f"pushed {commit[:12]} to {remote} {branch}: {files} files",
                        {"commit": commit, "tree": tree, "parent": parent})
