#!/usr/bin/env python3
"""Benchmark: from a moderator's "approve" to the page deployed, step by step, on this site.

    .venv/bin/invoke bench-publish [--runs 3] [--tests]

The same steps as the publish that follows a merge (publish.yml), run here:

1. approve: `invoke contributions.approve ID` on the contribution's branch
   (the task a moderator, or the desk, runs);
2. commit and merge: the decision committed, the branch merged into main;
3. setup, caches warm: `scripts/setup --test` with .venv/ and node_modules/
   in place (what CI restores from its cache) and the Debian packages
   installed;
4. production build and every gate: `invoke check --production --output`
   (what `invoke publish` runs before it deploys), with the build caches of
   the previous run (CI restores cache/ too);
5. deploy: the checked site pushed to a local bare repository's gh-pages
   (gitpages.deploy, the code `invoke publish --target git` calls).

Each run approves a new pending contribution of the real content, in a clone
of this repository (its whole history: pages show their history from git)
in a temporary folder; the first build there is a warm-up, not counted.
`--tests` also times the test suite once (`invoke test`), the step the
publish skips when CI already passed on the same tree
(publishing/testedtree.py). Figures: medians and ranges over the runs.
Nothing here is a test; `run()` returns the figures and `report()` prints them.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STEPS = (
    ("approve", "approve (invoke contributions.approve)"),
    ("merge", "commit the decision, merge into main"),
    ("setup", "setup, caches warm (scripts/setup --test)"),
    ("gates", "production build + every gate (invoke check --production)"),
    ("deploy", "deploy to a local bare gh-pages (git push)"),
)
ARTICLE = "marketing-2-0-vu-par-yves-duron"
GIT_ENV = {"GIT_AUTHOR_NAME": "Banc d'essai", "GIT_AUTHOR_EMAIL": "banc@localhost",
           "GIT_COMMITTER_NAME": "Banc d'essai", "GIT_COMMITTER_EMAIL": "banc@localhost"}


def _run(command: list[str], cwd: Path, what: str) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, **GIT_ENV, "COLUMNS": "200"})
    if result.returncode != 0:
        raise SystemExit(f"bench-publish: {what} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def _cpu() -> float:
    """CPU seconds (user + system) of every finished child process, theirs included."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(command: list[str], cwd: Path, what: str, cpu: list[float] | None = None) -> float:
    started, used = time.perf_counter(), _cpu()
    _run(command, cwd, what)
    if cpu is not None:
        cpu.append(_cpu() - used)
    return time.perf_counter() - started


def _invoke(*args: str) -> list[str]:
    return [sys.executable, "-m", "invoke", *args]


def _team(tmp: Path) -> Path:
    """A clone of this repository with the project's .venv/ and node_modules/ in place (as CI restores them)."""
    team = tmp / "team"
    _run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(team)], tmp, "git clone")
    _run(["git", "checkout", "-q", "-B", "main"], team, "git checkout")
    for name in (".venv", "node_modules"):
        (team / name).symlink_to(ROOT / name)
    return team


def _pending(team: Path, number: int) -> tuple[str, str]:
    """A pending contribution on its own branch, as the intake pushes it: (branch, id)."""
    branch = f"contributions/banc-{number}"
    _run(["git", "checkout", "-q", "-b", branch, "main"], team, "git checkout")
    added = _run(_invoke("contributions.add", "--article", ARTICLE, "--author", f"Lectrice {number}",
                         # Each its own minute: two feed entries never share a date (the feeds gate).
                         "--date", f"2026-11-20T10:{number:02d}:00+01:00", "--source",
                         "Formulaire de contribution du site",
                         "--body", f"Contribution numéro {number} du banc d'essai."), team, "contributions.add")
    ident = added.stdout.split()[-1]
    _run(["git", "add", "-A"], team, "git add")
    _run(["git", "commit", "-q", "-m", f"Contribution {ident} en attente"], team, "git commit")
    return branch, ident


def _deploy_command(site: Path, remote: Path, team: Path) -> list[str]:
    code = ("import sys; sys.path.insert(0, 'scripts'); from publishing import gitpages; "
            "from publishing.site import Site; "
            f"gitpages.deploy(Site({str(site)!r}, 'https://marques-communautes.github.io'), {str(remote)!r}, "
            f"'gh-pages', gitpages.source_commit({str(team)!r}))")
    return [sys.executable, "-c", code]


def run(runs: int = 3, tests: bool = False) -> dict:
    """Time each step over `runs` approvals; optionally the test suite once."""
    figures: dict[str, list[float]] = {key: [] for key, _ in STEPS}
    figures["gates cpu"] = []
    with tempfile.TemporaryDirectory(prefix="bench-publish-") as tmp_name:
        tmp = Path(tmp_name)
        team = _team(tmp)
        remote = tmp / "public.git"
        _run(["git", "init", "-q", "--bare", str(remote)], tmp, "git init")
        _run(_invoke("check", "--production", "--output", str(tmp / "warm-up")), team, "the warm-up build")
        for number in range(1, runs + 1):
            branch, ident = _pending(team, number)
            figures["approve"].append(_timed(_invoke("contributions.approve", ident, "--moderator", "Banc"),
                                             team, "contributions.approve"))
            started = time.perf_counter()
            _run(["git", "commit", "-q", "-am", f"Approbation de {ident}"], team, "git commit")
            _run(["git", "checkout", "-q", "main"], team, "git checkout main")
            _run(["git", "merge", "-q", "--no-ff", "-m", f"Fusion de {branch}", branch], team, "git merge")
            figures["merge"].append(time.perf_counter() - started)
            figures["setup"].append(_timed(["bash", "scripts/setup", "--test"], team, "scripts/setup --test"))
            site = tmp / f"site-{number}"
            figures["gates"].append(_timed(_invoke("check", "--production", "--output", str(site)), team,
                                           "invoke check --production", figures["gates cpu"]))
            figures["deploy"].append(_timed(_deploy_command(site, remote, team), team, "the deploy"))
        if tests:
            figures["tests cpu"] = []
            figures["tests"] = [_timed(_invoke("test"), ROOT, "invoke test", figures["tests cpu"])]
    figures["load"] = [os.getloadavg()[0]]
    return figures


def _span(values: list[float]) -> str:
    median = statistics.median(values)
    if len(values) == 1:
        return f"{median:6.1f} s"
    return f"{median:6.1f} s  ({min(values):.1f} to {max(values):.1f})"


def report(figures: dict) -> str:
    """The figures as a table: each step's median and range, then the total."""
    runs = len(figures["approve"])
    lines = [f"Approval to deployed on this site, step by step ({runs} run(s); median, range):"]
    for key, label in STEPS:
        lines.append(f"  {label:<62} {_span(figures[key])}")
    totals = [sum(figures[key][i] for key, _ in STEPS) for i in range(runs)]
    lines.append(f"  {'total (tests skipped: this tree passed them in CI)':<62} {_span(totals)}")
    if "tests" in figures:
        lines.append(f"  {'the test suite (invoke test), when it must run':<62} {_span(figures['tests'])}")
    lines.append(f"CPU time (user + system, every process) of the build and gates: {_span(figures['gates cpu'])}"
                 + (f"; of the test suite: {_span(figures['tests cpu'])}" if "tests cpu" in figures else ""))
    lines.append(f"(wall times on this machine, {os.cpu_count()} cores, load average {figures['load'][0]:.1f} at the "
                 "end: other work slows them; CPU time does not depend on it)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tests", action="store_true", help="also time the test suite once")
    arguments = parser.parse_args()
    print(report(run(arguments.runs, arguments.tests)))


if __name__ == "__main__":
    main()
