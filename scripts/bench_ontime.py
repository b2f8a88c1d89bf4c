#!/usr/bin/env python3
"""Benchmark: from an article's date to its page online, with the scheduled publish's steps, on this site.

    .venv/bin/invoke bench-on-time [--runs 2]

The steps of publish.yml's quarter-hour run (README, « Publishing », "On time"),
run here in a clone of this repository (its whole history) with a local bare
repository as the public one:

0. once: a first ``invoke publish --target git`` (the site then carries its
   publication.json), not counted;
1. an article dated a little ahead, merged into main before its date (what a
   writer does); a check before its date must say "nothing to do" (timed: what
   most scheduled runs cost);
2. at its date: the check (``python3 scripts/publishing/schedule.py``, the
   runner's python, no setup) says "publish";
3. ``invoke publish --target git``: the production build, every gate, the push;
4. the article's page is read back from the bare repository's gh-pages.

The article is a copy of a real one of content/ under a new title, slug, date
and Feed_id (nothing invented; the clone is thrown away). Printed: each step,
and the time from the article's date to its page on the public branch. On
GitHub add the wait for the next quarter-hour run (at most 15 minutes; about
1 minute for a text dated at a quarter hour), the runner's start and the
cached setup, and Pages' own deploy. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_publish import _invoke, _run, _team, _timed  # noqa: E402

MODEL = "content/articles/citoyens.md"  # the article copied (its text, author and source notes unchanged)
LEAD = 20  # seconds between the merge and the article's date
SYSTEM_PYTHON = "/usr/bin/python3"
STEPS = (
    ("idle", "a check with nothing to do (before the date)"),
    ("check", "the check at the date: publish"),
    ("publish", "invoke publish: production build, every gate, push"),
    ("online", "from the article's date to its page on gh-pages"),
)


def _article(team: Path, number: int, when: dt.datetime) -> str:
    """Write and commit a copy of MODEL dated `when`; its slug."""
    slug = f"citoyens-banc-{number}"
    lines = (team / MODEL).read_text(encoding="utf-8").splitlines()
    fields = {"Title": f"Citoyens ! (banc d'essai {number})", "Slug": slug,
              "Date": when.isoformat(sep=" ", timespec="seconds"),
              "Feed_id": f"tag:marques-communautes.github.io,{when:%Y-%m-%d}:banc{number:04d}"}
    out = [f"{line.split(':', 1)[0]}: {fields[line.split(':', 1)[0]]}" if line.split(":", 1)[0] in fields else line
           for line in lines]
    (team / "content" / "articles" / f"{slug}.md").write_text("\n".join(out) + "\n", encoding="utf-8")
    _run(["git", "add", "-A"], team, "git add")
    _run(["git", "commit", "-q", "-m", f"Article programmé {slug}"], team, "git commit")
    return slug


def _check(team: Path, remote: Path) -> tuple[float, str]:
    started = time.perf_counter()
    done = _run([SYSTEM_PYTHON, "-S", "scripts/publishing/schedule.py", "--remote", str(remote)], team, "the check")
    return time.perf_counter() - started, done.stdout.strip()


def run(runs: int = 2) -> dict:
    """Time each step over `runs` scheduled articles."""
    figures: dict[str, list[float]] = {key: [] for key, _ in STEPS}
    figures["publish cpu"] = []
    with tempfile.TemporaryDirectory(prefix="bench-on-time-") as tmp_name:
        tmp = Path(tmp_name)
        team = _team(tmp)
        remote = tmp / "public.git"
        _run(["git", "init", "-q", "--bare", str(remote)], tmp, "git init")
        _run(["git", "config", "uploadpack.allowFilter", "true"], remote, "git config")  # as GitHub
        publish = _invoke("publish", "--target", "git", "--remote", str(remote))
        _run(publish, team, "the first publish")
        for number in range(1, runs + 1):
            date = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=LEAD)).replace(microsecond=0)
            slug = _article(team, number, date.astimezone())
            seconds, said = _check(team, remote)
            if not said.startswith("Ne rien faire"):
                raise SystemExit(f"bench-on-time: before the date the check should do nothing: {said}")
            figures["idle"].append(seconds)
            time.sleep(max(0.0, (date - dt.datetime.now(dt.timezone.utc)).total_seconds()) + 1)
            seconds, said = _check(team, remote)
            if not said.startswith("Publier") or slug not in said:
                raise SystemExit(f"bench-on-time: at the date the check should publish {slug}: {said}")
            figures["check"].append(seconds)
            figures["publish"].append(_timed(publish, team, "invoke publish", figures["publish cpu"]))
            page = subprocess.run(["git", "-C", str(remote), "cat-file", "-e", f"gh-pages:{slug}/index.html"])
            if page.returncode != 0:
                raise SystemExit(f"bench-on-time: {slug}/index.html is not on gh-pages after the publish")
            figures["online"].append((dt.datetime.now(dt.timezone.utc) - date).total_seconds())
    figures["load"] = [os.getloadavg()[0]]
    return figures


def report(figures: dict) -> str:
    """The figures: each step's median and range."""
    runs = len(figures["online"])
    lines = [f"From an article's date to its page online, scheduled publish's steps ({runs} run(s); median, range):"]
    for key, label in STEPS:
        values = figures[key]
        span = f"  ({min(values):.1f} to {max(values):.1f})" if len(values) > 1 else ""
        lines.append(f"  {label:<58} {statistics.median(values):6.1f} s{span}")
    cpu = figures["publish cpu"]
    lines.append(f"CPU time (user + system, every process) of invoke publish: {statistics.median(cpu):.1f} s "
                 f"({min(cpu):.1f} to {max(cpu):.1f}); it does not depend on the load")
    lines.append("On GitHub, add the wait for the next quarter-hour run (at most 15 min; ~1 min for a text dated at "
                 "a quarter hour), the runner, the cached setup and Pages' deploy.")
    lines.append(f"(wall times on this machine, {os.cpu_count()} cores, load average {figures['load'][0]:.1f} at the end)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2)
    print(report(run(parser.parse_args().runs)))


if __name__ == "__main__":
    main()
