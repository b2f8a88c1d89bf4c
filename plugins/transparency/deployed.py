"""What readers were shown: the source commits the public site was deployed from, and when.

`invoke publish --target git` (scripts/publishing/gitpages.py) pushes each
build to the public repository's branch as one commit titled ``Publish
<12 characters>`` whose message says "... from source commit <hash>": the
private commit the site was built from. It is dated when it was made, just
before its push: when readers started to see that build. A state of a text
was seen by readers only if the site was deployed while it was the text's
state (versions.py): a change refused by the review gate and replaced before
the next deploy, or the middle one of two merges during one running publish,
never was.

That branch is public, so it is read anonymously, with plain git, in a
throw-away bare repository: ``git ls-remote``, then one ``git fetch`` of its
commits only (``--filter=tree:0``: not the site's files, which a server
without filters sends anyway), then one ``git log``.

An erasure (scripts/publishing/erasure.py) removes from that branch the
publishes that held a trace of a contribution. What they deployed is kept,
one line per publish (:func:`carried_line`), in the message of the commit
that follows them (``Publish of source commit <hash> at <date>``), so that
the versions they showed stay in the history.

What a message says is trusted as far as this: only the deploy key pushes to
that branch. A publish made from a checkout with uncommitted changes counts as
its commit. A commit that names no source (made by hand, or "from an unknown
source commit") is counted apart: what it deployed is unknown.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import tempfile
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from blogcore.errors import SiteError

SETTING = "TRANSPARENCY['deployed_from']"
ORIGIN = "publishconf.py (DEPLOYED_FROM)"
TIMEOUT = 120  # seconds for each git command that reaches the remote
MARKER = "from source commit "  # gitpages.SourceCommit.body()
_HASH = r"[0-9a-f]{40}|[0-9a-f]{64}"
_OWN = re.compile(rf"{MARKER}({_HASH})(?![0-9a-f])")
# Only words every publish message already holds: an erasure drops the commits whose message holds a word
# of the erased contribution (erasure.py), and this line must not make a commit look like one.
CARRIED = "Publish of source commit {source} at {date}"
_CARRIED = re.compile(rf"^Publish of source commit ({_HASH}) at (\S+)$", re.M)
FIX = ("make sure the public repository exists and anyone may read it at that address (in GitHub Actions: the "
       "repository variable PUBLIC_REPOSITORY, README « Publishing »), then publish again; a build that must not "
       "know the deploys (a local preview) runs without DEPLOYED_FROM")


@dataclass(frozen=True)
class Publish:
    """One deploy of the public site: the source commit it was built from, and when it went online."""

    source: str  # the full hash of the private commit
    date: dt.datetime  # the publish commit's committer date


@dataclass(frozen=True)
class Deploys:
    """Every deploy the public branch records, oldest first."""

    publishes: tuple[Publish, ...] = ()
    unnamed: int = 0  # commits of the branch that name no source commit
    exists: bool = True  # False when the remote has no such branch yet (nothing was ever deployed there)


def carried_line(publish: Publish) -> str:
    """The line that keeps a removed publish's record in the message of the commit after it."""
    return CARRIED.format(source=publish.source, date=publish.date.isoformat())


def parse(message: str, date: dt.datetime) -> list[Publish]:
    """Every deploy a publish commit's message records: its own (dated `date`) and those it carries."""
    found = []
    title = message.split("\n", 1)[0]
    own = _OWN.search(message)
    # Its own source: named in the title as gitpages writes it (an older publish added ": subject").
    if own and (title == f"Publish {own.group(1)[:12]}" or title.startswith(f"Publish {own.group(1)[:12]}: ")):
        found.append(Publish(own.group(1), date))
    for source, when in _CARRIED.findall(message):
        try:
            found.append(Publish(source, dt.datetime.fromisoformat(when)))
        except ValueError:
            continue  # not a line an erasure wrote
    return found


def shown_address(remote: str) -> str:
    """The remote as the log may show it: without a user or a password it might hold."""
    parts = urlsplit(remote)
    if parts.scheme and "@" in parts.netloc:
        return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
    return remote


def read(remote: str, branch: str) -> Deploys:
    """The deploys recorded on `branch` of `remote` (SiteError naming the fix when it cannot be read)."""
    path = Path(remote).expanduser()
    if "://" not in remote and path.exists():
        remote = str(path.resolve())  # git runs in a temporary folder
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update({"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    ref = f"refs/heads/{branch}"
    with tempfile.TemporaryDirectory(prefix="deployed-") as tmp:
        def git(*args: str) -> str:
            # Anonymous: no stored credential is offered (the repository is public).
            command = ["git", "--git-dir", tmp, "-c", "credential.helper=", *args]
            try:
                result = subprocess.run(command, capture_output=True, env=env, cwd=tmp, timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                raise SiteError(ORIGIN, SETTING, shown_address(remote), f"git {args[0]} got no answer within "
                                f"{TIMEOUT} s, so what readers were shown cannot be known", FIX) from None
            if result.returncode != 0:
                said = result.stderr.decode("utf-8", "replace").strip().splitlines()
                raise SiteError(ORIGIN, SETTING, shown_address(remote), f"the branch {branch} cannot be read "
                                f"({' / '.join(said[-2:])}), so what readers were shown cannot be known", FIX)
            return result.stdout.decode("utf-8", "replace")

        git("init", "-q", "--bare", tmp)
        git("config", "remote.public.url", remote)
        if not git("ls-remote", "--heads", "public", ref).split():
            return Deploys(exists=False)
        git("fetch", "-q", "--no-tags", "--filter=tree:0", "public", f"+{ref}:refs/deployed")
        log = git("log", "--format=%x1e%cI%x1f%B", "refs/deployed")
    publishes, unnamed = set(), 0
    for record in log.split("\x1e")[1:]:
        date, _, message = record.partition("\x1f")
        found = parse(message, dt.datetime.fromisoformat(date.strip()))
        unnamed += not found
        publishes.update(found)
    return Deploys(tuple(sorted(publishes, key=lambda p: (p.date, p.source))), unnamed)


@dataclass(frozen=True)
class Shown:
    """The deploys placed on the publishing line: when was the text of a commit range online?"""

    places: tuple[int, ...]  # places on the line (0: the commit being built), ascending
    dates: tuple[tuple[dt.datetime, ...], ...]  # for each place, the dates it was deployed on
    elsewhere: int = 0  # deploys of commits that are not on the line (a branch, a rewritten history)

    @classmethod
    def place(cls, deploys: Deploys, line: dict[str, int], tz) -> Shown:
        """Each deploy at its source commit's place on the line (commit → place, 0 the newest)."""
        by_place: dict[int, list[dt.datetime]] = {}
        elsewhere = 0
        for publish in deploys.publishes:
            place = line.get(publish.source)
            if place is None:
                elsewhere += 1
                continue
            by_place.setdefault(place, []).append(publish.date.astimezone(tz))
        places = tuple(sorted(by_place))
        return cls(places, tuple(tuple(sorted(by_place[p])) for p in places), elsewhere)

    def between(self, older: int, newer: int | None) -> list[dt.datetime]:
        """The dates the site was deployed from a commit at place `older` or after, before place `newer`."""
        start = bisect_right(self.places, -1 if newer is None else newer)
        end = bisect_right(self.places, older)
        return sorted(date for dates in self.dates[start:end] for date in dates)
