"""Benchmark: what the community plugin costs a build (behind `invoke bench`).

Generates its own synthetic corpus (fixed seed): N French articles and M
contributions spread over them (threads, every kind, some unapproved), then
builds the same articles with and without the community plugin, each build in
a fresh process, and reports wall time (median of several runs) and peak
memory (max RSS of the build process).
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDS = ("marque communauté conversation transparence réseau confiance message public idée écoute "
         "dialogue partage client produit service valeur identité réputation contenu lecteur "
         "question réponse projet équipe qualité usage attente engagement").split()

# Runs one Pelican build in this process and prints its time and peak memory as JSON.
RUNNER = """
import json, resource, sys, time
sys.argv = ["pelican"] + sys.argv[1:]
from pelican import main
start = time.perf_counter()
try:
    main()
except SystemExit as exc:
    if exc.code:
        raise
elapsed = time.perf_counter() - start
print("BENCH " + json.dumps({"seconds": elapsed,
      "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def make_corpus(root: Path, articles: int, contributions: int, seed: int = 2009) -> Path:
    """Write a synthetic content folder; return its path."""
    rng = random.Random(seed)
    content = root / "content"
    for folder in ("articles", "pages", "authors", "contributions"):
        (content / folder).mkdir(parents=True, exist_ok=True)
    authors = [f"Auteur {n:02d}" for n in range(20)]
    for name in authors:
        slug = name.lower().replace(" ", "-")
        (content / "authors" / f"{slug}.md").write_text(f"Name: {name}\nRole: Rédaction\n\nBio.\n", encoding="utf-8")
    slugs = []
    for n in range(articles):
        slug = f"article-{n:04d}"
        slugs.append(slug)
        paragraphs = "\n\n".join(_sentence(rng, 40) + " " + _sentence(rng, 30) for _ in range(5))
        tags = ", ".join(sorted({f"etiquette-{rng.randrange(40):02d}" for _ in range(3)}))
        (content / "articles" / f"{slug}.md").write_text(
            f"Title: Article de test numéro {n}\nSlug: {slug}\n"
            f"Date: {2010 + n % 15}-{1 + n % 12:02d}-{1 + n % 28:02d} 10:00:00+01:00\n"
            f"Author: {rng.choice(authors)}\nCategory: Catégorie {n % 8}\nTags: {tags}\n"
            f"Summary: {_sentence(rng, 20)}\nLang: fr\nFeed_id: tag:bench.example,2026-01-01:{slug}\n\n"
            f"{paragraphs}\n",
            encoding="utf-8",
        )
    kinds = ["comment"] * 6 + ["testimonial", "idea", "mention", "comment"]
    statuses = ["approved"] * 8 + ["pending", "rejected"]
    by_article: dict[str, list[str]] = {}
    for n in range(contributions):
        slug = slugs[n % len(slugs)]
        ident = f"b-{n:05d}"
        siblings = by_article.setdefault(slug, [])
        reply = f"Reply_to: {rng.choice(siblings)}\n" if siblings and rng.random() < 0.4 else ""
        kind = rng.choice(kinds)
        status = rng.choice(statuses)
        extra = "Votes: 3\nIdea_status: reviewing\n" if kind == "idea" else ""
        extra += "Reason: spam\n" if status == "rejected" else ""
        folder = content / "contributions" / slug
        folder.mkdir(exist_ok=True)
        (folder / f"{ident}.md").write_text(
            f"Id: {ident}\nArticle: {slug}\nAuthor: Lecteur {n % 500}\n"
            f"Date: 2025-{1 + n % 12:02d}-{1 + n % 28:02d} 12:00:00+01:00\nKind: {kind}\nStatus: {status}\n"
            f"{reply}Source: Commentaires du site\n{extra}\n{_sentence(rng, 25)}\n\n*{_sentence(rng, 8)}*\n",
            encoding="utf-8",
        )
        siblings.append(ident)
    return content


def build_once(content: Path, output: Path, plugins: list[str], cache: Path) -> dict:
    """One build in a fresh process: seconds and peak MiB."""
    command = [sys.executable, "-c", RUNNER, str(content), "-s", str(ROOT / "pelicanconf.py"),
               "-o", str(output), "--ignore-cache", "--quiet", "-e", f"PLUGINS={json.dumps(plugins)}",
               f"CACHE_PATH={json.dumps(str(cache))}"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    line = next((l for l in result.stdout.splitlines() if l.startswith("BENCH ")), None)
    if result.returncode != 0 or line is None:
        raise RuntimeError(f"benchmark build failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(line[6:])


def run(articles: int = 1000, contributions: int = 10000, repeat: int = 3) -> dict:
    """Build the corpus with and without the community plugin; return the figures."""
    sys.path.insert(0, str(ROOT))
    import pelicanconf

    # Only the community plugin differs; the feeds plugin is measured by its own benchmark.
    without = [p for p in pelicanconf.PLUGINS if p not in ("community", "syndication")]
    with_plugin = without + ["community"]
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        content = make_corpus(Path(tmp), articles, contributions)
        runs: dict[str, list[dict]] = {"without": [], "cold": [], "warm": []}
        warm_cache = Path(tmp) / "cache-warm"
        build_once(content, Path(tmp) / "out-prime", with_plugin, warm_cache)  # fills the body cache
        for index in range(repeat):
            out = Path(tmp) / f"out-{index}"
            runs["without"].append(build_once(content, out / "without", without, Path(tmp) / f"cache-w{index}"))
            runs["cold"].append(build_once(content, out / "cold", with_plugin, Path(tmp) / f"cache-c{index}"))
            runs["warm"].append(build_once(content, out / "warm", with_plugin, warm_cache))
    figures = {"articles": articles, "contributions": contributions, "runs": repeat}
    for label, items in runs.items():
        figures[f"{label}_seconds"] = statistics.median(r["seconds"] for r in items)
        figures[f"{label}_peak_mib"] = max(r["peak_mib"] for r in items)
    for label in ("cold", "warm"):
        figures[f"{label}_time_pct"] = 100 * (figures[f"{label}_seconds"] / figures["without_seconds"] - 1)
        figures[f"{label}_memory_pct"] = 100 * (figures[f"{label}_peak_mib"] / figures["without_peak_mib"] - 1)
    return figures


def report(figures: dict) -> str:
    """The figures as a small table."""
    return "\n".join([
        f"Community plugin benchmark: {figures['articles']} articles, {figures['contributions']} contributions "
        f"(median of {figures['runs']} builds each)",
        f"  without the plugin:          {figures['without_seconds']:6.2f} s, peak {figures['without_peak_mib']:4.0f} MiB",
        f"  with it, cold (empty cache): {figures['cold_seconds']:6.2f} s, peak {figures['cold_peak_mib']:4.0f} MiB"
        f"  ({figures['cold_time_pct']:+.1f} % time, {figures['cold_memory_pct']:+.1f} % memory)",
        f"  with it, warm (body cache):  {figures['warm_seconds']:6.2f} s, peak {figures['warm_peak_mib']:4.0f} MiB"
        f"  ({figures['warm_time_pct']:+.1f} % time, {figures['warm_memory_pct']:+.1f} % memory)",
        "  target: the plugin adds at most 15 %",
    ])


if __name__ == "__main__":
    print(report(run()))
