"""Benchmark of the live preview at a writer's cadence (behind `invoke bench-preview`).

On a generated corpus (benchcorpus.py: N articles, 10×N contributions) it
starts the preview as `invoke livereload` does (`python -m livepreview`,
local settings), opens the events stream a browser page opens, and saves a
file every `interval` seconds for `seconds` seconds without ever waiting for
the preview: mostly an edited article, and in turn a new draft, an edited
draft, a new article and an approved contribution. For each save it measures
the time (wall clock, one machine) from the save to the reload event of the
first build that began after it (the build that shows it: its page, lists and feeds are written by
that one build and put in place together), and the CPU seconds each build
took in the preview's process. The raw figures are kept in
cache/bench-preview.json. It checks, after the new article's build,
that the home page and the site's feed name it.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import bench
import benchcorpus

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"median": 0.5, "worst": 1.0, "lists": 2.0, "cpu": 2.0}
CYCLE = ["article", "article", "draft-new", "article", "article", "draft", "article", "new", "article", "approve"]


class Writer:
    """The saves of one writer on the corpus."""

    def __init__(self, corpus: bench.Corpus):
        self.corpus = corpus
        self.drafts = 0
        self.news = 0

    def save(self, kind: str) -> str:
        """Make one save of this kind; what a reader would look for afterwards (a title), or ""."""
        content = self.corpus.content
        if kind == "article":
            self.corpus.edit_article()
        elif kind == "approve":
            self.corpus.approve_contribution()
        elif kind in ("draft-new", "draft", "new"):
            if kind == "draft-new":
                self.drafts += 1
            if kind == "new":
                self.news += 1
            slug = f"brouillon-{self.drafts}" if kind != "new" else f"nouveau-{self.news}"
            title = f"Un texte neuf numéro {self.drafts if kind != 'new' else self.news}"
            path = content / "articles" / f"{slug}.md"
            status = "Status: draft\n" if kind != "new" else ""
            body = path.read_text(encoding="utf-8") if kind == "draft" else ""
            path.write_text(
                f"Title: {title}\nSlug: {slug}\nDate: 2026-01-0{1 + self.news % 8} 10:00:00+01:00\n"
                f"Author: Auteur 01\nCategory: {benchcorpus.categories()[0]}\nTags: etiquette-01\n{status}"
                f"Feed_id: tag:bench.example,2026-01-01:{slug}\n\nUn premier paragraphe.\n"
                + (body.split("\n\n", 1)[1] + "Une phrase de plus.\n" if body else ""),
                encoding="utf-8")
            return title if kind == "new" else ""
        return ""


def run(articles: int = 1000, seconds: float = 60.0, interval: float = 2.0, cycle: list[str] | None = None) -> dict:
    """Start the preview on a fresh corpus, save at the cadence, return the figures (see report)."""
    with tempfile.TemporaryDirectory(prefix="bench-preview-") as tmp:
        folder = Path(tmp)
        corpus = bench.Corpus(folder, articles)
        port = bench._free_port()
        output = folder / "preview"
        log = open(folder / "preview.log", "w", encoding="utf-8")
        environment = {**os.environ, "PYTHONPATH": str(ROOT / "scripts")}
        started = time.perf_counter()
        preview = subprocess.Popen(
            [sys.executable, "-m", "livepreview", "--root", str(ROOT), "--content", str(corpus.content),
             "--settings", str(ROOT / "pelicanconf.py"), "--output", str(output), "--cache", str(folder / "cache"),
             "--port", str(port)], cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
        try:
            events = _connect(port, preview, folder)
            first_build = time.perf_counter() - started
            received: list[tuple[float, dict]] = []
            lock = threading.Lock()

            def listen() -> None:
                try:
                    while True:
                        name, data = events.next()
                        if name == "failure":
                            raise RuntimeError(data["error"][:2000])
                        if name == "reload":
                            with lock:
                                received.append((time.time(), data))
                except (RuntimeError, OSError, ValueError) as exc:
                    with lock:
                        received.append((time.time(), {"error": str(exc)}))

            threading.Thread(target=listen, daemon=True).start()
            writer, saves, checks = Writer(corpus), [], []
            end = time.time() + seconds
            number = 0
            while time.time() < end:
                kind = (cycle or CYCLE)[number % len(cycle or CYCLE)]
                title = writer.save(kind)
                saves.append((time.time(), kind))
                if title:
                    checks.append((saves[-1][0], title))
                number += 1
                time.sleep(max(0.0, saves[-1][0] + interval - time.time()))
            last = saves[-1][0]
            deadline = time.perf_counter() + 300
            while time.perf_counter() < deadline:
                with lock:
                    if any("error" in d for _, d in received):
                        raise RuntimeError(f"the preview failed: {[d for _, d in received if 'error' in d]}")
                    if any(d["started"] >= last for _, d in received):
                        break
                time.sleep(0.05)
            else:
                raise RuntimeError("the preview never showed the last save")
            events.close()
        finally:
            preview.terminate()  # SIGTERM, as the task stops it (a background job ignores SIGINT)
            try:
                preview.wait(30)
            except subprocess.TimeoutExpired:
                preview.kill()
            log.close()
        shown = []
        for saved_at, kind in saves:
            at, data = next((t, d) for t, d in received if d["started"] >= saved_at)
            shown.append({"kind": kind, "seconds": at - saved_at})
        listed = all(title in (output / "index.html").read_text(encoding="utf-8")
                     and title in (output / "flux" / "site.atom.xml").read_text(encoding="utf-8")
                     for _, title in checks) if checks and (output / "flux" / "site.atom.xml").exists() else None
        figures = {"articles": articles, "contributions": 10 * articles, "interval": interval, "first_build": first_build,
                "saves": shown, "builds": [d for _, d in received], "listed": listed,
                "returncode": preview.returncode}
        (ROOT / "cache").mkdir(exist_ok=True)
        (ROOT / "cache" / "bench-preview.json").write_text(json.dumps(figures, indent=1), encoding="utf-8")
        return figures


def _connect(port: int, preview: subprocess.Popen, folder: Path) -> bench.Events:
    deadline = time.monotonic() + 900
    while True:
        try:
            events = bench.Events(port, "/")
            events.next()  # its state
            return events
        except OSError:
            if preview.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the preview did not start: see {folder / 'preview.log'}")
            time.sleep(0.2)


def _span(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s median ({min(values):.2f} to {max(values):.2f})"


def report(figures: dict) -> str:
    """The figures as the bench prints them."""
    saves, builds = figures["saves"], [b for b in figures["builds"] if "seconds" in b]
    times = [s["seconds"] for s in saves]
    cpu = [b["cpu"] for b in builds if "cpu" in b]
    lines = [f"Live preview: {figures['articles']} articles, {figures['contributions']} contributions; a save every "
             f"{figures['interval']:g} s, never waiting ({len(saves)} saves, {len(builds)} builds); first build "
             f"{figures['first_build']:.0f} s",
             f"  save to browser told (page, lists and feeds, one build): {_span(times)}"]
    for kind in sorted({s["kind"] for s in saves}):
        lines.append(f"    {kind:<10} {_span([s['seconds'] for s in saves if s['kind'] == kind])}")
    lines.append(f"  build time: {_span([b['seconds'] for b in builds])}; CPU per build: {_span(cpu)}")
    if figures["listed"] is not None:
        lines.append(f"  new articles on the home page and in the site's feed: {'yes' if figures['listed'] else 'NO'}")
    lines.append(f"  preview stopped with status {figures['returncode']}")
    verdicts = [("median ≤ 0.5 s", statistics.median(times) <= TARGETS["median"]),
                ("worst ≤ 1 s", max(times) <= TARGETS["worst"]),
                ("lists and feeds ≤ 2 s", max(times) <= TARGETS["lists"]),
                ("CPU ≤ 2 s per save", max(cpu) <= TARGETS["cpu"])]
    lines.append("  targets: " + "; ".join(f"{name}: {'met' if met else 'NOT met'}" for name, met in verdicts))
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(run()))
