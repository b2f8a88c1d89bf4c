#!/usr/bin/env python3
"""Benchmark: feed generation for N synthetic articles, our plugin vs Pelican's built-in writer.

    .venv/bin/python scripts/bench_feeds.py [N]        (default N = 1000)

Generates its own corpus (fixed random seed, French text, categories, tags,
authors with profiles, internal links, some corrected articles) in a
temporary folder and builds it twice with the production settings, each
build in its own Python process (Pelican's signals are process-wide):

- ours: plugins editorial + syndication, Pelican's feeds off; time spent in
  the feeds generator's ``generate_output`` (every feed file, the OPML list
  and the /suivre/ page);
- pelican: plugin editorial only, Pelican's feed writer on for the whole
  site, each category, tag and author, Atom and RSS (FEED_ALL_*,
  CATEGORY_FEED_*, TAG_FEED_*, AUTHOR_FEED_*); time spent in
  ``pelican.writers.Writer.write_feed``.

Both keep 20 entries per feed (``max_entries`` / ``FEED_MAX_ITEMS``). Only
feed generation is timed, never the rest of the build. ``run()`` returns the
figures as a dict; nothing here is a test.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
SEED = 20261122
MAX_ENTRIES = 20
SITEURL = "https://bench.example.org"
PARIS = ZoneInfo("Europe/Paris")

CATEGORIES = ["Stratégie", "Médias sociaux", "Communautés", "Marketing", "Transparence", "Service client",
              "Études", "Témoignages"]
TAGS = ["conversation", "co-création", "e-réputation", "identité numérique", "influence", "publicité", "forums",
        "blogs", "modération", "fidélité", "marque employeur", "écoute", "crise", "confiance", "éthique",
        "innovation", "participation", "ambassadeurs", "avis clients", "contenus", "vidéo", "mobile",
        "données", "mesure", "relations presse", "événements", "jeux concours", "partenariats", "open source",
        "service après-vente", "réseaux sociaux", "microblogs", "wikis", "podcasts", "recrutement",
        "formation", "qualité", "produits", "prix", "distribution"]
AUTHORS = ["Camille Martin", "Yves Duron", "Antoine Dupin", "Bruno Clement", "Léa Moreau", "Hugo Petit",
           "Inès Garnier", "Chloé Lambert", "Mathis Roux", "Élodie Faure", "Nora Benali", "Paul Girard"]
WORDS = ("marque communauté conversation client internaute réseau média social confiance transparence "
         "échange dialogue contenu stratégie valeur écoute réponse relation avis produit service entreprise "
         "message public audience influence réputation identité participation engagement collaboration "
         "plateforme forum blog commentaire partage recommandation expérience qualité promesse attente "
         "éthique responsabilité modération règle charte question idée proposition innovation").split()


def _sentence(rng: random.Random) -> str:
    words = rng.sample(WORDS, rng.randint(8, 16))
    return words[0].capitalize() + " " + " ".join(words[1:]) + rng.choice([".", ".", ".", " ?", " !"])


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 6)))


def make_corpus(root: Path, n_articles: int, seed: int = SEED) -> Path:
    """Write a synthetic content folder (articles, author profiles, one page); return its path."""
    rng = random.Random(seed)
    content = Path(root) / "content"
    (content / "articles").mkdir(parents=True)
    (content / "authors").mkdir()
    (content / "pages").mkdir()
    (content / "pages" / "a-propos.md").write_text(
        "Title: À propos\nSlug: a-propos\nLang: fr\nSummary: Page du banc d'essai.\n\nUn site de test.\n",
        encoding="utf-8")
    for name in AUTHORS:
        slug = name.lower().replace(" ", "-").replace("é", "e").replace("è", "e").replace("ï", "i").replace("ô", "o")
        (content / "authors" / f"{slug}.md").write_text(
            f"Name: {name}\nRole: Auteur de test\nOrganisation: Banc d'essai\n"
            "Source_note: Personne fictive du banc d'essai.\n\nBiographie fictive.\n", encoding="utf-8")
    start = dt.datetime(2009, 1, 1, 9, 0, tzinfo=PARIS)
    for index in range(n_articles):
        date = (start + dt.timedelta(days=index * 6, hours=rng.randint(0, 10))).astimezone(PARIS)
        slug = f"article-{index:04d}"
        tags = ", ".join(rng.sample(TAGS, rng.randint(2, 4)))
        paragraphs = [_paragraph(rng) for _ in range(rng.randint(4, 8))]
        if index:
            paragraphs.insert(1, f"Voir aussi [l'article précédent]({{filename}}article-{index - 1:04d}.md) "
                                 "et [la page à propos]({filename}/pages/a-propos.md).")
        lines = [
            f"Title: {_sentence(rng).rstrip(' .?!')} ({index})",
            f"Slug: {slug}",
            f"Date: {date.isoformat(sep=' ')}",
        ]
        if rng.random() < 0.1:
            lines.append(f"Modified: {(date + dt.timedelta(days=rng.randint(1, 90))).astimezone(PARIS).isoformat(sep=' ')}")
        lines += [
            f"Author: {rng.choice(AUTHORS)}",
            f"Category: {rng.choice(CATEGORIES)}",
            f"Tags: {tags}",
            f"Summary: {_sentence(rng)}",
            "Lang: fr",
            f"Feed_id: tag:bench.example.org,{date.date().isoformat()}:{rng.getrandbits(32):08x}",
        ]
        (content / "articles" / f"{slug}.md").write_text("\n".join(lines) + "\n\n" + "\n\n".join(paragraphs) + "\n",
                                                         encoding="utf-8")
    return content


def _settings(mode: str, content: Path, output: Path) -> dict:
    """Overrides of publishconf.py for one benchmark build."""
    common = {
        "PATH": str(content), "OUTPUT_PATH": str(output), "SITEURL": SITEURL, "FEED_DOMAIN": SITEURL,
        "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False, "DELETE_OUTPUT_DIRECTORY": True,
    }
    if mode == "ours":
        return {**common, "PLUGINS": ["editorial", "syndication"], "SYNDICATION": {
            "id_authority": "bench.example.org", "feed_id_date": "2026-11-22", "max_entries": MAX_ENTRIES}}
    return {**common, "PLUGINS": ["editorial"], "FEED_MAX_ITEMS": MAX_ENTRIES,
            "FEED_ALL_ATOM": "feeds/all.atom.xml", "FEED_ALL_RSS": "feeds/all.rss.xml",
            "CATEGORY_FEED_ATOM": "feeds/category/{slug}.atom.xml", "CATEGORY_FEED_RSS": "feeds/category/{slug}.rss.xml",
            "TAG_FEED_ATOM": "feeds/tag/{slug}.atom.xml", "TAG_FEED_RSS": "feeds/tag/{slug}.rss.xml",
            "AUTHOR_FEED_ATOM": "feeds/author/{slug}.atom.xml", "AUTHOR_FEED_RSS": "feeds/author/{slug}.rss.xml"}


def _child(mode: str, content: Path, output: Path) -> dict:
    """One build in this process; return the feed generation time and the number of feeds."""
    sys.path.insert(0, str(ROOT / "plugins"))
    import logging

    from pelican import Pelican
    from pelican.settings import read_settings
    from pelican.writers import Writer

    logging.disable(logging.WARNING)  # the benchmark measures, it does not lint
    settings = read_settings(str(ROOT / "publishconf.py"), override=_settings(mode, content, output))
    pelican = Pelican(settings)  # loads the plugins
    spent = {"seconds": 0.0, "feeds": 0, "calls": 0}
    if mode == "ours":
        generator_class = sys.modules["syndication.generator"].FeedsGenerator
        original = generator_class.generate_output

        def timed(self, writer):
            begin = time.perf_counter()
            original(self, writer)
            spent["seconds"] += time.perf_counter() - begin
            spent["calls"] += 1
            spent["feeds"] += sum(1 for path in self.written if not path.endswith(".opml"))

        generator_class.generate_output = timed
    else:
        original = Writer.write_feed

        def timed(self, *args, **kwargs):
            begin = time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                spent["seconds"] += time.perf_counter() - begin
                spent["feeds"] += 1
                spent["calls"] += 1

        Writer.write_feed = timed
    pelican.run()
    if not spent["calls"]:
        raise RuntimeError(f"{mode}: the timer was never called; nothing was measured")
    return spent


def _measure(mode: str, content: Path, output: Path) -> dict:
    result = subprocess.run([sys.executable, __file__, "--child", mode, str(content), str(output)],
                            cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{mode} build failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(n_articles: int = 1000) -> dict:
    """Build a synthetic site of `n_articles` twice; return the feed generation figures."""
    with tempfile.TemporaryDirectory(prefix="bench-feeds-") as tmp:
        content = make_corpus(Path(tmp), n_articles)
        ours = _measure("ours", content, Path(tmp) / "ours")
        theirs = _measure("pelican", content, Path(tmp) / "pelican")
    return {
        "articles": n_articles,
        "feeds_written_ours": ours["feeds"],
        "ours_seconds": round(ours["seconds"], 3),
        "feeds_written_pelican": theirs["feeds"],
        "pelican_seconds": round(theirs["seconds"], 3),
    }


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        mode, content, output = argv[1], Path(argv[2]), Path(argv[3])
        print(json.dumps(_child(mode, content, output)))
        return 0
    n_articles = int(argv[0]) if argv else 1000
    figures = run(n_articles)
    print(f"Feed generation for {figures['articles']} articles (20 entries per feed):")
    print(f"  syndication plugin (feedgen): {figures['feeds_written_ours']} feeds in {figures['ours_seconds']:.2f} s "
          "(with the OPML list and the /suivre/ page)")
    print(f"  Pelican's feed writer:        {figures['feeds_written_pelican']} feeds in "
          f"{figures['pelican_seconds']:.2f} s")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
