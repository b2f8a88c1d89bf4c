"""Benchmark: the whole product as users run it, next to plain Pelican (behind `invoke bench`).

On a generated corpus (benchcorpus.py: N articles and 10×N contributions, in
one or several shapes: realistic, long articles, many tags and authors, long
threads, many images; each size and shape is reported on its own) it builds:

- **ours**: every plugin, production settings (publishconf.py), feeds
  included, with Pelican's and our caches as a user has them: *cold* (empty
  caches: a first build, or CI without a kept cache), *warm* (nothing
  changed), *edit* (one article saved) and *approve* (one contribution
  approved); a warm, edit or approve build is given the previous build's
  output (``INCREMENTAL_FROM``), as `invoke build`, `invoke publish` and CI
  give it, so that it renders only what changed;
- **plain Pelican** on the same articles: its default theme, Atom feeds for
  all, category, tag and author, no plugins, its caches off.

Each build runs in a fresh process, right next to a plain Pelican build (a
pair; the order alternates from one round to the next), because this shared
machine changes speed by tens of percent from one minute to the next: each
figure is the median of the per-pair ratios, with their range. Peak memory
is the build process's max RSS (worker processes apart), and "every process"
the highest sum, read every 50 ms, of the resident memory of the build and of
every process it started (Pagefind, git, workers), plain Pelican's likewise. With
``instructions``, valgrind also counts the instructions of a plain, a cold
(in one process) and a warm build: a figure that noise does not move.

The live preview is measured as a writer uses it: `python -m livepreview` on
the corpus (local settings), then ten saves of ten articles and one of a
contribution; for each, the time from the save to the page rebuilt and the
browser told (its "page" event), and to the whole site rebuilt ("site").
"""

from __future__ import annotations

import compileall
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import benchcorpus

ROOT = Path(__file__).resolve().parents[1]
SITEURL = "https://marques-communautes.github.io"
# Issue 28 point 4: time against plain Pelican's, the build process's peak memory against plain Pelican's, and
# every process of the build together (Pagefind's included) at 5,000 articles, in MiB.
TARGETS = {"warm": 1.0, "cold": 1.5, "memory": 2.0, "tree_mib_5000": 1536, "preview_median": 1.0,
           "preview_worst": 2.0, "site": 3.0}
CONFIGURATIONS = ("cold", "warm", "edit", "approve")

# Runs one Pelican build in this process and prints its time and peak memory as JSON. A thread reads, every
# 50 ms, the resident memory of the process and of every process it started (Pagefind, git, workers) from
# /proc: their sum at its highest is "tree_peak_mib", what the machine must hold at once.
RUNNER = """
import json, os, resource, sys, threading, time
sys.argv = ["pelican"] + sys.argv[1:]
def tree_kib():
    total, todo, seen = 0, [os.getpid()], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open(f"/proc/{pid}/status") as status:
                total += next((int(l.split()[1]) for l in status if l.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as children:
                    todo += [int(child) for child in children.read().split()]
        except (OSError, ValueError):
            pass
    return total
tree_peak = [0]
def sample():
    while True:
        tree_peak[0] = max(tree_peak[0], tree_kib())
        time.sleep(0.05)
threading.Thread(target=sample, daemon=True).start()
from pelican import main
def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
start, cpu_start, children_start = time.perf_counter(), time.process_time(), children_cpu()
try:
    main()
except SystemExit as exc:
    if exc.code:
        raise
elapsed = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
print("BENCH " + json.dumps({"seconds": elapsed,
      "cpu_seconds": time.process_time() - cpu_start + children_cpu() - children_start,
      "peak_mib": usage.ru_maxrss / 1024,
      "workers_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
      # Sampling can miss a short peak: the build's own peak is a floor of what was held at once.
      "tree_peak_mib": max(tree_peak[0], tree_kib(), usage.ru_maxrss) / 1024}))
"""
# Reads every file under the folders given (see warm_up).
WARM_UP = """
import os, sys
for folder in sys.argv[1:]:
    for parent, _, names in os.walk(folder):
        for name in names:
            with open(os.path.join(parent, name), "rb") as handle:
                handle.read()
"""


class Corpus:
    """The generated site and the two ways of building it."""

    def __init__(self, folder: Path, articles: int, shape: str = "realistic"):
        self.folder = folder
        self.articles = articles
        self.shape = shape
        self.content = benchcorpus.make(folder, articles, shape=shape)
        self.plain_settings = benchcorpus.plain_settings(folder, self.content, SITEURL)
        self.cache = folder / "cache-warm"
        self.edits = 0

    def ours(self, output: Path, cache: Path, extra: dict | None = None) -> list[str]:
        """The command line of our build (what `invoke preview` runs, with the bench's folders)."""
        settings = {"CACHE_PATH": str(cache), **(extra or {})}
        return [str(self.content), "-s", str(ROOT / "publishconf.py"), "-o", str(output), "--fatal", "errors",
                "-e", *(f"{key}={json.dumps(value)}" for key, value in settings.items())]

    def plain(self, output: Path) -> list[str]:
        """The command line of plain Pelican's build."""
        return [str(self.content), "-s", str(self.plain_settings), "-o", str(output), "--ignore-cache"]

    def edit_article(self) -> Path:
        """Save one article with a new sentence (a different article each time)."""
        self.edits += 1
        path = self.content / "articles" / f"article-{(self.edits * 37) % self.articles:05d}.md"
        path.write_text(path.read_text(encoding="utf-8") + f"\nUne phrase ajoutée, numéro {self.edits}.\n",
                        encoding="utf-8")
        return path

    def approve_contribution(self) -> Path:
        """Approve one pending contribution, as `invoke contributions.approve` writes it."""
        for path in sorted((self.content / "contributions").rglob("*.md")):
            text = path.read_text(encoding="utf-8")
            if "Status: pending" in text:
                path.write_text(text.replace("Status: pending", "Status: approved\nModerator: Banc d'essai\n"
                                             "Moderated_at: 2026-01-01 10:00:00+01:00"), encoding="utf-8")
                return path
        raise RuntimeError("the corpus has no pending contribution left")


def warm_up(*folders: Path) -> None:
    """Read every file under the folders, so that a build finds them in memory (as after a checkout)."""
    # In a process of its own: Linux counts the peak memory of the process that
    # starts a build in the build's own peak, so the benchmark itself stays small.
    subprocess.run([sys.executable, "-c", WARM_UP, *map(str, folders)], check=True)


def build_once(arguments: list[str], warm: tuple[Path, ...]) -> dict:
    """One build in a fresh process: seconds, CPU seconds and peak MiB."""
    warm_up(*warm)
    result = subprocess.run([sys.executable, "-c", RUNNER, *arguments, "--quiet"], capture_output=True, text=True,
                            cwd=ROOT)
    line = next((l for l in result.stdout.splitlines() if l.startswith("BENCH ")), None)
    if result.returncode != 0 or line is None:
        raise RuntimeError(f"benchmark build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return json.loads(line[6:])


def instructions_of(arguments: list[str]) -> int:
    """Instructions one build runs in user space, counted by valgrind (deterministic, unlike its time)."""
    command = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
               sys.executable, "-c", RUNNER, *arguments, "--quiet"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    found = re.search(r"I\s+refs:\s+([\d,]+)", result.stderr)
    if result.returncode != 0 or found is None:
        raise RuntimeError(f"the counted build failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def different_files(first: Path, second: Path) -> list[str]:
    """Relative paths of the files that are not byte-identical in two output folders (or only in one)."""
    def files(root: Path) -> dict[str, Path]:
        return {str(p.relative_to(root)): p for p in root.rglob("*") if p.is_file()}

    mine, theirs = files(first), files(second)
    return sorted(name for name in mine.keys() | theirs.keys()
                  if name not in mine or name not in theirs or mine[name].read_bytes() != theirs[name].read_bytes())


def summary(ratios: list[float]) -> dict:
    """Median and range of per-pair ratios."""
    return {"median": statistics.median(ratios), "low": min(ratios), "high": max(ratios)}


def measure_builds(corpus: Corpus, rounds: int, configurations: tuple[str, ...] = CONFIGURATIONS,
                   check: bool = True) -> dict:
    """Each configuration, each build paired with a plain Pelican build; figures by configuration.

    With `check`, two more builds show that a warm build writes the bytes of a cold one.
    """
    folder = corpus.folder
    warm = (corpus.content, ROOT / "theme", ROOT / "plugins")
    # After a first build, a user's Python keeps the plugins' bytecode; a machine with
    # PYTHONDONTWRITEBYTECODE would otherwise charge every build for compiling them again.
    compileall.compile_dir(ROOT / "plugins", quiet=1)
    # Fills the kept caches and the incremental record (given an output that does not exist yet, as a first
    # `invoke build` is: every page is rendered and recorded).
    build_once(corpus.ours(folder / "out-prime", corpus.cache, {"INCREMENTAL_FROM": str(folder / "out-none")}), warm)
    previous = folder / "out-prime"  # the output a kept-cache build replaces, as `invoke build` and CI give it
    runs: dict[str, list[tuple[dict, dict]]] = {name: [] for name in CONFIGURATIONS if name in configurations}
    for number in range(rounds):
        for label in runs:
            if label == "edit":
                corpus.edit_article()
            elif label == "approve":
                corpus.approve_contribution()
            cache = folder / f"cache-cold-{number}" if label == "cold" else corpus.cache
            output = folder / f"out-{label}-{number}"
            # A warm build is given the output it replaces (INCREMENTAL_FROM, as tasks.py does): the pages whose
            # record holds are linked from it, not rendered.
            extra = None if label == "cold" else {"INCREMENTAL_FROM": str(previous)}
            mine = lambda: build_once(corpus.ours(output, cache, extra),  # noqa: E731
                                      warm + ((cache, previous) if label != "cold" else ()))
            theirs = lambda: build_once(corpus.plain(folder / f"out-plain-{label}-{number}"), warm)  # noqa: E731
            pair = (mine(), theirs()) if number % 2 == 0 else tuple(reversed((theirs(), mine())))
            runs[label].append(pair)
            if label != "cold":
                previous = output
    # The caches must change nothing: a warm build writes the very bytes of a build from nothing.
    if check:
        build_once(corpus.ours(folder / "out-check", folder / "cache-check"), warm)
        build_once(corpus.ours(folder / "out-check-warm", corpus.cache, {"INCREMENTAL_FROM": str(previous)}),
                   warm + (previous,))
        differ = different_files(folder / "out-check", folder / "out-check-warm")
        if differ:
            raise RuntimeError(f"warm and cold builds differ in {len(differ)} files, e.g. {differ[:3]}")
    figures = {}
    for label, pairs in runs.items():
        figures[label] = {
            "time": summary([mine["seconds"] / theirs["seconds"] for mine, theirs in pairs]),
            "cpu": summary([mine["cpu_seconds"] / theirs["cpu_seconds"] for mine, theirs in pairs]),
            "seconds": statistics.median(mine["seconds"] for mine, _ in pairs),
            "plain_seconds": statistics.median(theirs["seconds"] for _, theirs in pairs),
            "peak_mib": max(mine["peak_mib"] for mine, _ in pairs),
            "workers_peak_mib": max(mine["workers_peak_mib"] for mine, _ in pairs),
            "tree_peak_mib": max(mine["tree_peak_mib"] for mine, _ in pairs),
            "plain_peak_mib": max(theirs["peak_mib"] for _, theirs in pairs),
            "plain_tree_peak_mib": max(theirs["tree_peak_mib"] for _, theirs in pairs),
            "memory": summary([mine["peak_mib"] / theirs["peak_mib"] for mine, theirs in pairs]),
            "rounds": [round(mine["seconds"], 2) for mine, _ in pairs],
            "plain_rounds": [round(theirs["seconds"], 2) for _, theirs in pairs],
        }
    return figures


def count_instructions(corpus: Corpus) -> dict:
    """Instructions of a plain build, a cold build in one process and a warm build."""
    folder = corpus.folder
    return {
        "plain": instructions_of(corpus.plain(folder / "out-count-plain")),
        "cold": instructions_of(corpus.ours(folder / "out-count-cold", folder / "cache-count", {"BUILD_WORKERS": 1})),
        "warm": instructions_of(corpus.ours(folder / "out-count-warm", corpus.cache)),
    }


class Events:
    """The live preview's Server-Sent Events, read as a browser page would."""

    def __init__(self, port: int, page: str):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.connection.request("GET", f"/__preview__/events?page={page}")
        self.response = self.connection.getresponse()

    def next(self) -> tuple[str, dict]:
        """The next event: (name, data)."""
        name, data = "", ""
        while True:
            line = self.response.fp.readline().decode("utf-8")
            if not line:
                raise RuntimeError("the preview closed its events")
            line = line.rstrip("\n")
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data = line[6:]
            elif not line and name:
                return name, json.loads(data)

    def until_site(self, saved_at: float) -> tuple[float | None, float | None, float]:
        """Seconds from a save to its page event, its lists event (None without them) and its site event."""
        page = lists = None
        while True:
            name, data = self.next()
            if name == "failure":
                raise RuntimeError(f"the preview's build failed: {data['error'][:2000]}")
            if name == "reload" and data.get("phase") == "page" and page is None:
                page = time.perf_counter() - saved_at
            if name == "reload" and data.get("phase") == "lists" and lists is None:
                lists = time.perf_counter() - saved_at
            if name == "reload" and data.get("phase") == "site":
                return page, lists, time.perf_counter() - saved_at

    def close(self) -> None:
        """Hang up."""
        self.connection.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def measure_preview(corpus: Corpus, edits: int = 10) -> dict:
    """The live preview's latency for `edits` saved articles and one approved contribution."""
    port = _free_port()
    log = open(corpus.folder / "preview.log", "w", encoding="utf-8")
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "scripts")}
    preview = subprocess.Popen([sys.executable, "-m", "livepreview", "--root", str(ROOT), "--content", str(corpus.content),
                                "--settings", str(ROOT / "pelicanconf.py"), "--output", str(corpus.folder / "preview"),
                                "--cache", str(corpus.folder / "cache-preview"), "--port", str(port)], cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 600
        while True:
            try:
                events = Events(port, "/")
                break
            except OSError:
                if preview.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the preview did not start: see {corpus.folder / 'preview.log'}")
                time.sleep(0.2)
        events.next()  # its state
        pages, lists, sites = [], [], []
        for _ in range(edits):
            time.sleep(0.3)
            corpus.edit_article()
            page, listed, site = events.until_site(time.perf_counter())
            pages.append(page)
            lists.append(listed if listed is not None else site)  # without a quick path, the site is the list
            sites.append(site)
        time.sleep(0.3)
        corpus.approve_contribution()
        contribution_page, contribution_lists, contribution_site = events.until_site(time.perf_counter())
        events.close()
    finally:
        preview.send_signal(signal.SIGINT)
        try:
            preview.wait(30)
        except subprocess.TimeoutExpired:
            preview.kill()
        log.close()
    quick = [p for p in pages if p is not None]
    return {"edits": edits, "page": quick, "lists": lists, "site": sites, "missed_quick": edits - len(quick),
            "contribution_page": contribution_page, "contribution_lists": contribution_lists,
            "contribution_site": contribution_site}


def run(articles: int | tuple[int, ...] = 1000, rounds: int = 3, instructions: bool = False, preview: bool = True,
        edits: int = 10, shapes: tuple[str, ...] = ("realistic",),
        configurations: tuple[str, ...] = CONFIGURATIONS) -> dict:
    """Build a corpus of each size and shape every way asked; return the figures (see report).

    The live preview is measured once, on the first shape at the first size.
    """
    sizes = (articles,) if isinstance(articles, int) else tuple(articles)
    figures: dict = {"sizes": list(sizes), "rounds": rounds, "runs": []}
    for size in sizes:
        for shape in shapes:
            with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
                corpus = Corpus(Path(tmp), size, shape)
                item = {"articles": size, "contributions": 10 * size, "shape": shape,
                        "builds": measure_builds(corpus, rounds, configurations)}
                if instructions:
                    item["instructions"] = count_instructions(corpus)
                if preview and "preview" not in figures:
                    figures["preview"] = measure_preview(corpus, edits)
                figures["runs"].append(item)
    return figures


def _ratio(item: dict) -> str:
    return f"{item['median']:.2f}× (pairs {item['low']:.2f} to {item['high']:.2f})"


NAMES = {"cold": "cold build (empty caches)", "warm": "warm build (nothing changed)",
         "edit": "after saving one article", "approve": "after approving one contribution"}


def _memory_growth(runs: list[dict]) -> list[str]:
    """Whether every process together grows no faster than the corpus, shape by shape (cold builds)."""
    lines = []
    for shape in dict.fromkeys(item["shape"] for item in runs):
        points = sorted((item["articles"], item["builds"]["cold"]["tree_peak_mib"]) for item in runs
                        if item["shape"] == shape and "cold" in item["builds"])
        if len(points) >= 2:
            (small, low), (large, high) = points[0], points[-1]
            lines.append(f"  memory of every process, {shape}: {low:.0f} MiB at {small} articles, {high:.0f} MiB at "
                         f"{large} ({high / low:.2f}× for {large / small:.0f}× the articles: "
                         f"{'no faster than linear' if high / low <= large / small else 'FASTER than linear'})")
    return lines


def report(figures: dict) -> str:
    """The figures as the bench prints them: one block per size and shape, then the targets."""
    lines = [f"Benchmark: ours = every plugin, production settings (search included); plain = Pelican alone "
             f"(default theme, Atom feeds, no caches); {figures['rounds']} round(s), each build paired with a plain "
             f"one, medians of the pair ratios with their range; peak = the build process's, every process = the "
             f"highest sum of the build's processes (Pagefind, git, workers) read every 50 ms"]
    verdicts = []
    for item in figures["runs"]:
        builds = item["builds"]
        lines.append(f" {item['shape']}: {item['articles']} articles, {item['contributions']} contributions")
        for label, text in NAMES.items():
            if label not in builds:
                continue
            build = builds[label]
            lines.append(f"  {text:<34} {build['seconds']:6.2f} s vs plain {build['plain_seconds']:6.2f} s: "
                         f"time {_ratio(build['time'])}, CPU {build['cpu']['median']:.2f}×; peak "
                         f"{build['peak_mib']:.0f} MiB vs {build['plain_peak_mib']:.0f} MiB "
                         f"({_ratio(build['memory'])}); every process {build['tree_peak_mib']:.0f} MiB "
                         f"vs {build['plain_tree_peak_mib']:.0f} MiB")
            lines.append(f"  {'':<34} every build (s): ours {build['rounds']}, plain {build['plain_rounds']}")
        if "instructions" in item:
            counted = item["instructions"]
            lines.append(f"  instructions (valgrind): plain {counted['plain'] / 1e9:.2f} G, cold in one process "
                         f"{counted['cold'] / 1e9:.2f} G ({counted['cold'] / counted['plain']:.2f}×), warm "
                         f"{counted['warm'] / 1e9:.2f} G ({counted['warm'] / counted['plain']:.2f}×)")
        where = f"{item['shape']} {item['articles']}"
        if "warm" in builds:
            verdicts.append((f"{where} warm ≤ 1.0× plain", builds["warm"]["time"]["median"] <= TARGETS["warm"]))
        if "cold" in builds:
            verdicts.append((f"{where} cold ≤ 1.5× plain", builds["cold"]["time"]["median"] <= TARGETS["cold"]))
        peak = max(build["memory"]["median"] for build in builds.values())
        verdicts.append((f"{where} peak ≤ 2× plain", peak <= TARGETS["memory"]))
        if item["articles"] >= 5000:
            tree = max(build["tree_peak_mib"] for build in builds.values())
            verdicts.append((f"{where} every process < 1.5 GiB", tree < TARGETS["tree_mib_5000"]))
    lines += _memory_growth(figures["runs"])
    if "preview" in figures:
        preview = figures["preview"]
        page = preview["page"]
        lines.append(f"  live preview, {preview['edits']} saved articles: page rebuilt and browser told in "
                     + (f"{statistics.median(page):.2f} s median ({min(page):.2f} to {max(page):.2f})" if page
                        else "(no quick rebuild)")
                     + f"; lists, feeds and contributors' pages in {statistics.median(preview['lists']):.2f} s "
                     f"median ({min(preview['lists']):.2f} to {max(preview['lists']):.2f}); whole site rebuilt "
                     f"(the check that everything is as a fresh build) in {statistics.median(preview['site']):.2f} s "
                     f"median ({min(preview['site']):.2f} to {max(preview['site']):.2f})"
                     + (f"; {preview['missed_quick']} saves without a quick rebuild" if preview["missed_quick"] else ""))
        contribution = preview["contribution_page"]
        lines.append(f"  live preview, an approved contribution: page "
                     + (f"{contribution:.2f} s" if contribution is not None else "(no quick rebuild)")
                     + (f", lists {preview['contribution_lists']:.2f} s" if preview["contribution_lists"] else "")
                     + f", whole site {preview['contribution_site']:.2f} s")
        if page:
            verdicts.append(("preview ≤ 1.0 s median", statistics.median(page) <= TARGETS["preview_median"]))
            verdicts.append(("preview ≤ 2 s worst", max(page) <= TARGETS["preview_worst"]))
        verdicts.append(("every page showing the change within 3 s", max(preview["lists"]) <= TARGETS["site"]))
    lines.append("  targets: " + "; ".join(f"{name}: {'met' if met else 'NOT met'}" for name, met in verdicts))
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(run()))
