"""What changed since the last published build: the HTML gate's scope on a merge (issue 28 point 3).

vnu judges each page alone. A page whose bytes are those of the published
site already passed it when it was published (nothing is deployed unless
every gate passed), so a merge checks only the pages, stylesheets and SVG
files that are new or differ from the published ones: a change to one
article is checked in seconds, a change to a template (every page differs)
is checked everywhere. The nightly run checks every page (publish.yml:
``invoke publish --full-html``), so a new vnu rule still reaches the pages
that no merge touched.

The other gates judge relations between files (a link and the page it
points to, a feed and its entries) and keep the whole build as their scope:
a deleted page still fails the pages that link to it.

The published site is read where it is deployed: the public repository's
branch (git: the blob id of each file, from a shallow fetch) or the bucket
(S3: the ETag of each object, the MD5 of a single-part upload). When it
cannot be read, or holds no site yet, the gate checks every page.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .site import Site


@dataclass(frozen=True)
class Published:
    """The files of the published site: relative path → digest, of the kind named (git blob id or MD5)."""

    where: str
    kind: str  # "git" (blob ids) or "md5" (S3 ETags)
    files: dict[str, str] = field(default_factory=dict)

    def same(self, relative: str, data: bytes) -> bool:
        """Whether the published site holds these very bytes at this path."""
        published = self.files.get(relative)
        if published is None:
            return False
        if self.kind == "git":
            return published == git_blob_id(data)
        return "-" not in published and published == hashlib.md5(data).hexdigest()


def git_blob_id(data: bytes) -> str:
    """The id git gives a file's content (what `git hash-object` prints)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def from_git(remote: str, branch: str = "gh-pages") -> tuple[Published | None, str]:
    """The published files of a repository's branch, or None and why (no such branch, unreadable remote)."""
    from .gitpages import resolve_remote

    remote = resolve_remote(remote)
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update({"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    with tempfile.TemporaryDirectory(prefix="published-") as tmp:
        def git(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run(["git", "--git-dir", tmp, *args], capture_output=True, text=True, env=env, cwd=tmp)

        if git("init", "-q", "--bare", tmp).returncode != 0:
            return None, "git init failed"
        fetched = git("fetch", "-q", "--no-tags", "--depth=1", remote, f"+refs/heads/{branch}:refs/published")
        if fetched.returncode != 0:
            reason = " / ".join((fetched.stderr or fetched.stdout).strip().splitlines()[-2:])
            return None, f"{remote} {branch} could not be read ({reason})"
        listing = git("ls-tree", "-r", "-z", "refs/published")
        if listing.returncode != 0:
            return None, f"{remote} {branch} could not be listed"
    files = {}
    for entry in listing.stdout.split("\0"):
        if "\t" in entry:
            meta, path = entry.split("\t", 1)
            files[path] = meta.split()[2]
    return Published(f"{remote} {branch}", "git", files), ""


def from_s3(client, bucket: str, prefix: str) -> tuple[Published | None, str]:
    """The published objects of a bucket's prefix (their ETags), or None and why."""
    from .s3 import _listing, normalise_prefix

    prefix = normalise_prefix(prefix)
    try:
        objects = _listing(client, bucket, prefix)
    except Exception as exc:  # any failure to read means: check every page
        return None, f"s3://{bucket}/{prefix} could not be listed ({exc})"
    return Published(f"s3://{bucket}/{prefix}", "md5",
                     {key[len(prefix):]: etag for key, etag in objects.items() if key.startswith(prefix)}), ""


def changed_files(site: Site, published: Published, files: list[Path]) -> list[Path]:
    """Those of `files` (of the build) that the published site does not hold with the same bytes."""
    return [path for path in files if not published.same(site.relative(path), path.read_bytes())]
