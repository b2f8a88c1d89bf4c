"""Erasure: after a redaction, no trace of the contribution in anything public the project controls.

`invoke contributions.erase ID` (tasks.py) runs these steps and stops at the
first problem, with nothing public changed:

1. the contribution is redacted in the committed files (else a French refusal);
2. its traces come from every version the private repository's history holds
   (`contribution_versions`, then traces.py);
3. the production site is built, every warning fatal; a passage of the text
   still in it (a quotation pasted into an article) is refused, naming the
   page; a name or an address the site still shows elsewhere (another
   published contribution of the same author) is not a trace of this one:
   it is reported and not looked for;
4. every quality gate runs on that build (pipeline.py);
5. the public target is cleaned:
   - git (`erase_git`): every branch and tag of the public repository is
     rewritten without the commits whose files, file names or messages hold a
     trace (the publishes made while the contribution was online); the
     commits before them keep their hashes, those after are copied with their
     dates and messages; the checked build is committed on top of the deploy
     branch. What the removed publishes deployed (their source commits and
     dates: the version history counts the states readers were shown,
     plugins/transparency/deployed.py) is kept as one line each in the
     message of the commit that follows them (the new top commit when they
     were the newest, made even if the build is unchanged). One atomic
     push, each ref with a lease on the commit this task read: a publish that
     landed in the meantime makes the push fail (run the task again), it is
     never overwritten. A remote that is a local path is
     then garbage-collected; a hosted one keeps the dropped commits, readable
     by their hash only, until its own garbage collection (README, "Erasure");
   - s3 (`erase_s3`): the build is deployed (s3.py); if the bucket keeps
     versions, every older version that holds a trace is deleted;
6. verification (`verify_git`, `verify_s3`): every object reachable from
   every ref of the public repository (a fresh fetch of all its refs, pull
   request refs included), or every version of every object of the bucket,
   is read and searched; each trace left is named (where, which kind, never
   its value) and the task exits non-zero.

The normal publish (gitpages.py) never forces a push; this task alone
rewrites, and only the commits that hold a trace.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .gitpages import SourceCommit, _Git, commit_message, resolve_remote, stage_site
from .pipeline import DeployError
from .site import Site
from .traces import Scanner, Trace

MAX_LINES = 20  # remaining traces listed per report; the count says how many more


@dataclass(frozen=True)
class Remaining:
    """A trace found where it must not be."""

    where: str
    traces: frozenset[Trace]

    def __str__(self) -> str:
        return f"{self.where} : {', '.join(sorted({t.label for t in self.traces}))}"


@dataclass
class GitErasure:
    """What `erase_git` did."""

    dropped: list[str] = field(default_factory=list)    # commits that held a trace, no longer reachable
    rewritten: dict[str, tuple[str, str]] = field(default_factory=dict)  # ref → (old, new); new "" = deleted
    pruned: bool = False


# ------------------------------------------------------------------ the private history


def contribution_versions(repository: Path, contributions_root: Path, ident: str) -> list[dict[str, str]]:
    """Every distinct version of the contribution's file that a ref of the private repository reaches:
    its header fields (lower-case) and `body`."""
    from blogcore.headers import parse_header

    root = Path(repository).resolve()
    folder = Path(contributions_root).resolve().relative_to(root).as_posix()
    log = _run(["git", "-C", str(root), "log", "--all", "--format=%x00%H", "--name-only", "--",
                f":(glob){folder}/**/{ident}.md"], what="reading the private history").stdout.decode()
    specs = []
    for chunk in log.split("\x00")[1:]:
        commit, *paths = [line for line in chunk.splitlines() if line.strip()]
        specs += [f"{commit}:{path}" for path in paths]
    versions, seen = [], set()
    for _spec, kind, data in _cat_file(["git", "-C", str(root)], specs):
        if kind != "blob" or data in seen:
            continue  # "missing": the commit deleted the file
        seen.add(data)
        header = parse_header(data.decode("utf-8", "replace"))
        versions.append({**header.fields, "body": header.body})
    return versions


# ------------------------------------------------------------------ git: scan, rewrite, verify


class _Objects:
    """Every object reachable from the refs of a bare repository, read once, and where traces are."""

    def __init__(self, git_dir: Path, scanner: Scanner):
        listing = _bare(git_dir, "rev-list", "--objects", "--all").splitlines()
        self.paths: dict[str, str] = {}
        for line in listing:
            sha, _, path = line.partition(" ")
            self.paths.setdefault(sha, path)
        self.commits: dict[str, tuple[str, list[str]]] = {}  # commit → (tree, parents)
        self.trees: dict[str, list[tuple[str, str, str]]] = {}  # tree → [(mode, name, object)]
        self.hits: dict[str, set[Trace]] = {}  # blob, commit or tag → the traces in its bytes
        self.named: dict[tuple[str, str], set[Trace]] = {}  # (tree, entry name) → the traces in the name
        self.raw: dict[str, bytes] = {}  # commits and tags, to copy them
        for sha, kind, data in _cat_file(["git", "--git-dir", str(git_dir)], list(self.paths)):
            if kind == "tree":
                self.trees[sha] = _tree_entries(data)
                for _mode, name, _object in self.trees[sha]:
                    found = scanner.find_in_text(name)
                    if found:
                        self.named[sha, name] = found
                continue
            if kind == "blob":
                found = scanner.find(data)
            else:  # a commit or a tag: its message and the names in it
                self.raw[sha] = data
                found = scanner.find_in_text(data.decode("utf-8", "replace"))
                if kind == "commit":
                    header = data.split(b"\n\n", 1)[0].decode("utf-8", "replace").splitlines()
                    tree = next(line.split()[1] for line in header if line.startswith("tree "))
                    self.commits[sha] = (tree, [line.split()[1] for line in header if line.startswith("parent ")])
            if found:
                self.hits[sha] = found
        self._under: dict[str, list[tuple[str, frozenset[Trace]]]] = {}

    def tree_traces(self, tree: str) -> list[tuple[str, frozenset[Trace]]]:
        """(path, traces) of every file or folder under a tree whose name or bytes hold a trace."""
        if tree not in self._under:
            found = []
            for mode, name, sha in self.trees.get(tree, []):
                folder = mode.startswith("4")
                traces = self.named.get((tree, name), set()) | (set() if folder else self.hits.get(sha, set()))
                if traces:
                    found.append((name, frozenset(traces)))
                if folder:
                    found += [(f"{name}/{path}", inner) for path, inner in self.tree_traces(sha)]
            self._under[tree] = found
        return self._under[tree]

    def commit_traces(self, commit: str) -> list[tuple[str, frozenset[Trace]]]:
        """Where a commit holds traces: its message, or files of its tree."""
        found = [("(message du commit)", frozenset(self.hits[commit]))] if commit in self.hits else []
        return found + self.tree_traces(self.commits[commit][0])


def erase_git(site: Site, remote: str, branch: str, scanner: Scanner, source: SourceCommit | None = None,
              out=print) -> GitErasure:
    """Rewrite the public repository's branches and tags without the commits that hold a trace, the checked
    build on top of `branch`; push them in one atomic, leased push (see the module's docstring)."""
    remote = resolve_remote(remote)
    ref = f"refs/heads/{branch}"
    result = GitErasure()
    with tempfile.TemporaryDirectory(prefix="erase-git-") as tmp:
        work = Path(tmp) / "repo.git"
        _run(["git", "init", "-q", "--bare", str(work)], what="git init")
        git = _Git(work, site)
        git.run("fetch", "-q", "--no-tags", remote, "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*",
                what=f"fetching every branch and tag of {remote}")
        old_refs = dict(line.split()[::-1] for line in
                        git.run("for-each-ref", "--format=%(objectname) %(refname)").stdout.splitlines())
        objects = _Objects(work, scanner)
        order = git.run("rev-list", "--topo-order", "--reverse", "--all").stdout.split() if old_refs else []
        mapping: dict[str, str | None] = {}
        carried: dict[str, list] = {}  # a removed commit → what it and the removed ones before it deployed
        for commit in order:
            tree, parents = objects.commits[commit]
            kept = list(dict.fromkeys(mapping[p] for p in parents if mapping.get(p)))
            inherited = list(dict.fromkeys(p for parent in parents for p in carried.get(parent, ())))
            if objects.commit_traces(commit):
                result.dropped.append(commit)
                mapping[commit] = kept[0] if kept else None
                carried[commit] = inherited + _deploys(objects.raw[commit])
            elif kept == parents and not inherited:
                mapping[commit] = commit
            else:
                mapping[commit] = _copy_commit(git, objects.raw[commit], tree, kept, _carried(inherited))
        new_refs: dict[str, str | None] = {}
        for name, old in old_refs.items():
            new_refs[name] = _rewritten_ref(git, objects, mapping, old)
        # The checked build, on top of what is left of the deploy branch (with the record of the removed
        # publishes that were its newest).
        tip = new_refs.get(ref)
        tree, _files = stage_site(git)
        record = _carried(carried.get(old_refs.get(ref, ""), []))
        if tip is None or record or git.run("rev-parse", f"{tip}^{{tree}}").stdout.strip() != tree:
            arguments = ["commit-tree", tree, "-F", "-"] + (["-p", tip] if tip else [])
            message = commit_message(site, source or SourceCommit(None)) + record
            tip = git.run(*arguments, stdin=message, what="committing the site").stdout.strip()
        new_refs[ref] = tip
        push = []
        for name in sorted(set(old_refs) | {ref}):
            old, new = old_refs.get(name, ""), new_refs.get(name) or ""
            if old != new:
                result.rewritten[name] = (old, new)
                push += [f"--force-with-lease={name}:{old}", f"{new}:{name}" if new else f":{name}"]
        if push:
            git.run("push", "-q", "--atomic", remote, *push,
                    what=f"pushing the rewritten history to {remote} (if a publish landed meanwhile, run the "
                         "erasure again; nothing was changed)")
    if result.rewritten and Path(remote).is_dir():
        # A repository on this machine: the dropped commits leave the disk too.
        for command in (["reflog", "expire", "--expire=now", "--all"], ["gc", "--quiet", "--prune=now"]):
            _run(["git", "-C", remote, *command], what=f"git {command[0]} in {remote}")
        result.pruned = True
    return result


def _deploys(raw: bytes) -> list:
    """What a publish commit (raw bytes) records as deployed: its source commit and those it carries."""
    from transparency.deployed import parse

    header, _, message = raw.partition(b"\n\n")
    committer = next(line for line in header.split(b"\n") if line.startswith(b"committer "))
    seconds, offset = committer.rsplit(b" ", 2)[1:]
    sign, hours, minutes = (-1 if offset[:1] == b"-" else 1), int(offset[1:3]), int(offset[3:5])
    zone = dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
    return parse(message.decode("utf-8", "replace"), dt.datetime.fromtimestamp(int(seconds), zone))


def _carried(publishes: list) -> str:
    """The lines that keep removed publishes' records in the message of the commit after them ("" if none)."""
    from transparency.deployed import carried_line

    return "".join(carried_line(publish) + "\n" for publish in publishes)


def _copy_commit(git: _Git, raw: bytes, tree: str, parents: list[str], record: str = "") -> str:
    """The same commit (author, committer, dates, message) with other parents, `record` added to its message; a
    signature is dropped."""
    header, _, message = raw.partition(b"\n\n")
    if record:
        message = message.rstrip(b"\n") + b"\n" + record.encode("utf-8")
    lines, skipping = [f"tree {tree}".encode()] + [f"parent {p}".encode() for p in parents], False
    for line in header.split(b"\n"):
        if skipping and line.startswith(b" "):
            continue
        skipping = line.startswith(b"gpgsig")
        if not (skipping or line.startswith((b"tree ", b"parent "))):
            lines.append(line)
    data = b"\n".join(lines) + b"\n\n" + message
    return _run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], git.env, data,
                what="copying a commit").stdout.decode().strip()


def _rewritten_ref(git: _Git, objects: _Objects, mapping: dict[str, str | None], old: str) -> str | None:
    """Where a ref points once rewritten (None: deleted); an annotated tag is copied onto its new commit."""
    if old in objects.commits:
        return mapping.get(old)
    raw = objects.raw.get(old)
    if raw is None or not raw.startswith(b"object "):
        return old  # a ref to a tree or a blob: verification says if it holds a trace
    target = raw.split(b"\n", 1)[0].split()[1].decode()
    if old in objects.hits:
        return None  # the tag's own message holds a trace
    new_target = mapping.get(target, target) if target in objects.commits else target
    if new_target == target:
        return old
    if new_target is None:
        return None
    header, _, message = raw.partition(b"\n\n")
    message = message.split(b"-----BEGIN PGP SIGNATURE-----", 1)[0]
    data = f"object {new_target}".encode() + header[header.index(b"\n"):] + b"\n\n" + message
    return _run(["git", "hash-object", "-t", "tag", "-w", "--stdin"], git.env, data,
                what="copying a tag").stdout.decode().strip()


def verify_git(remote: str, scanner: Scanner) -> list[Remaining]:
    """Every trace still reachable from any ref of the remote (all of them: branches, tags, pull requests)."""
    remote = resolve_remote(remote)
    with tempfile.TemporaryDirectory(prefix="erase-verify-") as tmp:
        work = Path(tmp) / "repo.git"
        _run(["git", "init", "-q", "--bare", str(work)], what="git init")
        _bare(work, "fetch", "-q", "--no-tags", remote, "+refs/*:refs/*", what=f"fetching every ref of {remote}")
        objects = _Objects(work, scanner)
        refs = dict(line.split()[::-1] for line in
                    _bare(work, "for-each-ref", "--format=%(objectname) %(refname)").splitlines())
        remaining = []
        for name, sha in sorted(refs.items()):
            if sha in objects.hits and sha not in objects.commits:
                remaining.append(Remaining(f"{name} ({sha[:12]})", frozenset(objects.hits[sha])))
            reachable = _bare(work, "rev-list", name).split()
            for commit in reachable:
                for path, traces in objects.commit_traces(commit):
                    remaining.append(Remaining(f"{name}, commit {commit[:12]}, {path}", traces))
        return remaining


# ------------------------------------------------------------------ s3


def erase_s3(site: Site, bucket: str, prefix: str, client, scanner: Scanner) -> tuple[str, list[str]]:
    """Deploy the checked build, then delete every older version that holds a trace (versioned buckets).
    The deploy's summary, and the versions deleted ("key (version)")."""
    from . import s3

    result = s3.deploy(site, bucket, prefix, client=client)
    prefix = s3.normalise_prefix(prefix)
    deleted = []
    if _versioning(client, bucket):
        for key, version, latest, marker in _versions(client, bucket, prefix):
            if latest and not marker:
                continue  # the deployed build: checked before, verified after
            if scanner.find_in_text(key) or (not marker and scanner.find(_read(client, bucket, key, version))):
                client.delete_object(Bucket=bucket, Key=key, VersionId=version)
                deleted.append(f"{key} ({version})")
    return result.summary, deleted


def verify_s3(client, bucket: str, prefix: str, scanner: Scanner) -> list[Remaining]:
    """Every trace left under the prefix: in the objects, and in every version a versioned bucket keeps."""
    from . import s3

    prefix = s3.normalise_prefix(prefix)
    remaining = []
    if _versioning(client, bucket):
        items = [(key, version, marker) for key, version, _latest, marker in _versions(client, bucket, prefix)]
    else:
        items = [(key, None, False) for key in _keys(client, bucket, prefix)]
    for key, version, marker in items:
        found = scanner.find_in_text(key) | (set() if marker else scanner.find(_read(client, bucket, key, version)))
        if found:
            where = f"s3://{bucket}/{key}" + (f" (version {version})" if version else "")
            remaining.append(Remaining(where, frozenset(found)))
    return remaining


def _versioning(client, bucket: str) -> bool:
    """Whether the bucket keeps (or once kept) older versions of its objects."""
    return client.get_bucket_versioning(Bucket=bucket).get("Status") in ("Enabled", "Suspended")


def _versions(client, bucket: str, prefix: str):
    """(key, version id, is latest, is a delete marker) of every version under the prefix."""
    for page in client.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Versions", []):
            yield item["Key"], item["VersionId"], item["IsLatest"], False
        for item in page.get("DeleteMarkers", []):
            yield item["Key"], item["VersionId"], item["IsLatest"], True


def _keys(client, bucket: str, prefix: str):
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            yield item["Key"]


def _read(client, bucket: str, key: str, version: str | None) -> bytes:
    extra = {"VersionId": version} if version else {}
    return client.get_object(Bucket=bucket, Key=key, **extra)["Body"].read()


# ------------------------------------------------------------------ git plumbing


def _clean_env(extra: dict | None = None) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update({"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    return {**env, **(extra or {})}


def _run(command: list[str], env: dict | None = None, stdin: bytes | None = None, what: str = "") \
        -> subprocess.CompletedProcess:
    result = subprocess.run(command, env=env or _clean_env(), input=stdin, capture_output=True,
                            cwd=tempfile.gettempdir())
    if result.returncode != 0:
        message = (result.stderr or result.stdout).decode("utf-8", "replace").strip().splitlines()
        raise DeployError(f"{what or command[1]} failed: {' / '.join(message[-4:])}")
    return result


def _bare(git_dir: Path, *args: str, what: str = "") -> str:
    """Output of a git command on a bare repository."""
    return _run(["git", "--git-dir", str(git_dir), *args], what=what or f"git {args[0]}").stdout.decode()


def _cat_file(git: list[str], names: list[str]):
    """(name, type, content) of each object name or `commit:path` spec, with `git cat-file --batch`
    (`git`: the command that names the repository, e.g. ["git", "-C", path])."""
    if not names:
        return
    output = _run([*git, "cat-file", "--batch"], stdin=("\n".join(names) + "\n").encode(),
                  what="reading objects").stdout
    position = 0
    for name in names:
        end = output.index(b"\n", position)
        header = output[position:end].split()
        position = end + 1
        if len(header) < 3 or header[-1] == b"missing":
            yield name, "missing", b""
            continue
        size = int(header[2])
        yield name, header[1].decode(), output[position:position + size]
        position += size + 1


def _tree_entries(data: bytes) -> list[tuple[str, str, str]]:
    """(mode, name, object id) of each entry of a raw tree object."""
    entries, position = [], 0
    while position < len(data):
        space = data.index(b" ", position)
        nul = data.index(b"\0", space)
        entries.append((data[position:space].decode(), data[space + 1:nul].decode("utf-8", "replace"),
                        data[nul + 1:nul + 21].hex()))
        position = nul + 21
    return entries
