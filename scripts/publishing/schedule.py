"""On time: does a scheduled run have a text to publish? (README, « Publishing », "On time")

An article dated 09:00 must be online soon after 09:00, not at the next
nightly run. The publish workflow runs this check every 15 minutes; it
answers in seconds, and the workflow builds and deploys only when it says so.

What it compares: the set of texts (articles and pages) whose date is
reached *now*, read from the checkout's headers, with the set the deployed
site was built with, which every publish writes into the site as
``publication.json`` (:func:`write_manifest`, called by ``invoke publish``):
one digest per text (its path, status and date, hashed: the public site never
names a file of the private repository), the instant the set was taken (just
before the build started, so the build holds at least that set) and the
source commit. The check reads that file from the public repository's branch
with plain git (one shallow fetch of the branch's last commit, without the
site's other files where the server allows it).

It says "publish" when there is no such file yet (a first publish, or a site
deployed before this check), or when a text of the checkout whose date came
since that instant is not in the deployed set. A text that is missing for
another reason (a merge whose publish failed or is running) is left to that
merge's run and to the nightly one, so a failing merge is not retried every
15 minutes; the answer names it all the same.

Standard library only (and the header reader of plugins/blogcore, itself
standard library only): the workflow runs it with the system's python3,
before any setup, so that most scheduled runs end in seconds.

    python3 scripts/publishing/schedule.py --remote URL [--branch gh-pages] [--github-output FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import fnmatch
import hashlib
import json
import os
import runpy
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "plugins") not in sys.path:
    sys.path.insert(0, str(ROOT / "plugins"))

from blogcore.headers import read_header  # noqa: E402
from blogcore.isodate import parse_iso  # noqa: E402

MANIFEST = "publication.json"  # at the root of the built site
FORMAT = 1
EXTENSIONS = (".md", ".markdown", ".mkd", ".mdown")  # what Pelican's Markdown reader reads
NOT_PUBLIC = ("draft",)  # blogcore/public.py: a draft is never public; published and hidden texts are
TIMEOUT = 120  # seconds for each git command that reaches the remote


@dataclass(frozen=True)
class Text:
    """One article or page of the checkout: where it is, its status and its date (None: no date)."""

    path: str  # relative to the project, with /
    status: str
    date: dt.datetime | None

    @property
    def digest(self) -> str:
        """What the manifest holds for this text: a hash, never its path."""
        when = self.date.astimezone(dt.timezone.utc).isoformat() if self.date else ""
        return hashlib.sha256(f"{self.path}\n{self.status}\n{when}".encode()).hexdigest()[:24]

    def due(self, now: dt.datetime) -> bool:
        """Whether readers see it at `now` (its status is not a draft and its date has come)."""
        return self.status not in NOT_PUBLIC and (self.date is None or self.date <= now)


@dataclass(frozen=True)
class Decision:
    """The check's answer: publish or not, why (in French, for the workflow's log), and the texts it is about."""

    publish: bool
    reason: str
    came: tuple[Text, ...] = ()  # due since the last publish, not deployed
    other: tuple[Text, ...] = ()  # due, not deployed, but not because of their date


def now_utc() -> dt.datetime:
    """The current instant, to the second."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _settings(root: Path) -> dict:
    return runpy.run_path(str(root / "pelicanconf.py"))


def texts(root: Path) -> list[Text]:
    """Every article and page of the project at `root`, as the build reads them (pelicanconf.py's paths)."""
    settings = _settings(root)
    content = Path(settings.get("PATH") or root / "content")
    if not content.is_absolute():
        content = root / content
    tz = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    ignored = list(settings.get("IGNORE_FILES") or [])
    found: dict[str, Text] = {}
    for paths, excludes in ((settings.get("ARTICLE_PATHS", [""]), settings.get("ARTICLE_EXCLUDES", [])),
                            (settings.get("PAGE_PATHS", ["pages"]), settings.get("PAGE_EXCLUDES", []))):
        skipped = {(content / e).resolve() for e in excludes}
        for folder in paths:
            for dirpath, dirnames, filenames in os.walk(content / folder):
                here = Path(dirpath)
                dirnames[:] = sorted(d for d in dirnames if (here / d).resolve() not in skipped
                                     and not any(fnmatch.fnmatch(d, p) for p in ignored))
                for name in sorted(filenames):
                    if not name.endswith(EXTENSIONS) or any(fnmatch.fnmatch(name, p) for p in ignored):
                        continue
                    path = here / name
                    shown = path.relative_to(root).as_posix()
                    found.setdefault(shown, _text(path, shown, tz))
    return sorted(found.values(), key=lambda t: t.path)


def _text(path: Path, shown: str, tz: ZoneInfo) -> Text:
    header = read_header(path)
    status = (header.get("status") or "published").strip().lower()
    raw = header.get("date")
    try:
        date = parse_iso(raw, tz) if raw else None
    except ValueError:
        date = None  # the build refuses it, naming the file: not this check's job
    return Text(shown, status, date)


def due_set(found: list[Text], now: dt.datetime) -> dict[str, Text]:
    """The texts readers see at `now`, by digest."""
    return {t.digest: t for t in found if t.due(now)}


def manifest(found: list[Text], at: dt.datetime, source: str) -> bytes:
    """The content of publication.json: the set of texts due at `at`, as digests."""
    data = {"format": FORMAT, "at": at.astimezone(dt.timezone.utc).isoformat(), "source": source,
            "texts": sorted(due_set(found, at))}
    return (json.dumps(data, indent=1) + "\n").encode()


def write_manifest(output: Path, root: Path, at: dt.datetime, source: str) -> Path:
    """Write publication.json into a built site (`at`: taken before the build started)."""
    target = Path(output) / MANIFEST
    target.write_bytes(manifest(texts(root), at, source))
    return target


def _git_env() -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env["GIT_TERMINAL_PROMPT"] = "0"
    return env


def read_deployed(remote: str, branch: str = "gh-pages") -> dict | None:
    """The deployed site's publication.json (None when the branch or the file does not exist).

    Raises RuntimeError when the remote cannot be read at all.
    """
    path = Path(remote).expanduser()
    if "://" not in remote and path.exists():
        remote = str(path.resolve())
    env = _git_env()
    with tempfile.TemporaryDirectory(prefix="schedule-") as tmp:
        def git(*args: str, check: bool = True) -> subprocess.CompletedProcess:
            done = subprocess.run(["git", "-C", tmp, *args], capture_output=True, text=True, env=env,
                                  timeout=TIMEOUT)
            if check and done.returncode != 0:
                raise RuntimeError(f"git {args[0]} : {done.stderr.strip() or done.stdout.strip()}")
            return done

        git("init", "-q", "--bare")
        git("remote", "add", "origin", remote)
        heads = git("ls-remote", "--heads", "origin", branch).stdout
        if not heads.strip():
            return None
        # The last publish only, without the site's files where the server filters (GitHub does).
        git("fetch", "-q", "--depth", "1", "--filter=blob:none", "origin", f"+refs/heads/{branch}:refs/site")
        shown = git("show", f"refs/site:{MANIFEST}", check=False)
        if shown.returncode != 0:
            return None
        try:
            data = json.loads(shown.stdout)
            data["at"] = dt.datetime.fromisoformat(data["at"])
            data["texts"] = set(data["texts"])
        except (ValueError, KeyError, TypeError):
            return None  # unreadable: publishing again writes a good one
        return data


def decide(found: list[Text], deployed: dict | None, now: dt.datetime) -> Decision:
    """Publish when a text came due since the deployed set was taken and is not in it (or nothing to compare)."""
    if deployed is None:
        return Decision(True, f"le site publié n'a pas de {MANIFEST} lisible (premier passage) : publication")
    missing = [t for digest, t in sorted(due_set(found, now).items(), key=lambda i: i[1].path)
               if digest not in deployed["texts"]]
    came = tuple(t for t in missing if t.date is not None and t.date > deployed["at"])
    other = tuple(t for t in missing if t not in came)
    since = deployed["at"].astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    if came:
        names = ", ".join(f"{t.path} ({t.date.isoformat()})" for t in came)
        return Decision(True, f"{len(came)} texte(s) dont la date est arrivée depuis la dernière publication "
                              f"({since}) : {names}", came, other)
    reason = f"rien à publier : aucun texte n'est arrivé à sa date depuis la dernière publication ({since})"
    if other:
        reason += (f" ; {len(other)} texte(s) de main ne sont pas en ligne pour une autre raison (une fusion "
                   "dont la publication a échoué ou est en cours : sa propre publication ou celle de la nuit "
                   "s'en charge) : " + ", ".join(t.path for t in other))
    return Decision(False, reason, came, other)


def _head(root: Path) -> str:
    done = subprocess.run(["git", "-C", str(root), "rev-parse", "--verify", "HEAD"], capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else ""


def main(argv: list[str] | None = None) -> int:
    """The workflow's step: print the decision; write publish=true|false (and same_source) to --github-output."""
    parser = argparse.ArgumentParser(description="Is there a text whose date came and that is not online yet?")
    parser.add_argument("--remote", required=True, help="the PUBLIC repository holding the built site")
    parser.add_argument("--branch", default="gh-pages")
    parser.add_argument("--root", default=str(ROOT), help="the project's checkout (default: this one)")
    parser.add_argument("--github-output", default="", help="the file of $GITHUB_OUTPUT")
    args = parser.parse_args(argv)
    root = Path(args.root)
    try:
        deployed = read_deployed(args.remote, args.branch)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        # Cannot tell: publish (the publish job reads the same repository and says what is wrong).
        deployed, decision = None, Decision(True, f"dépôt public illisible ({exc}) : publication par prudence")
    else:
        decision = decide(texts(root), deployed, now_utc())
    same = bool(deployed) and deployed.get("source") == _head(root) != ""
    print(("Publier : " if decision.publish else "Ne rien faire : ") + decision.reason)
    if args.github_output:
        with open(args.github_output, "a", encoding="utf-8") as out:
            out.write(f"publish={'true' if decision.publish else 'false'}\n")
            out.write(f"same_source={'true' if same else 'false'}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
