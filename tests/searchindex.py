"""Helpers for the search tests: read a built Pagefind index, and a fixture site with secret words.

Pagefind stores one fragment per record (pagefind/fragment/*.pf_fragment):
gzip of b"pagefind_dcd" followed by the record as JSON (url, content, meta,
filters), as its own script reads them.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from conftest import copy_site

SIGNATURE = b"pagefind_dcd"
# A word that only an unpublished text of the fixture site carries once fixture_with_secrets() has
# added them; their first six letters appear in no other text (the index stores stems), and no
# word of a published text starts them (Pagefind also matches a word that starts a searched one).
SECRETS = {
    "draft": ("articles/brouillon.md", "Zorglubesque"),
    "hidden": ("articles/cache.md", "Brocantissime"),
    "future": ("articles/futur.md", "Xylochronique"),
    "pending": ("contributions/premier-article/bob-pending.md", "Patafiolage"),
    "rejected": ("contributions/premier-article/carl-rejected.md", "Kwarkonium"),
    "contribution on a draft": ("contributions/brouillon-secret/draft-contrib.md", "Gribouillage"),
}
# And one that a published text carries: the control that shows the search works.
PUBLISHED = ("articles/second.md", "Quintessenciel")


def fragments(site: Path, bundle_dir: str = "pagefind") -> list[dict]:
    """Every record of a built index, as Pagefind's script reads it."""
    found = []
    for path in sorted((Path(site) / bundle_dir / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(SIGNATURE), path
        found.append(json.loads(data[len(SIGNATURE):]))
    return found


def fixture_with_secrets(tmp_path: Path) -> Path:
    """A copy of the fixture site's content whose unpublished texts each carry a unique word."""
    content = copy_site(tmp_path)
    for name, word in [*SECRETS.values(), PUBLISHED]:
        path = content / name
        path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n\nUn mot unique : {word}.\n",
                        encoding="utf-8")
    return content


__all__ = ["PUBLISHED", "SECRETS", "fragments", "fixture_with_secrets"]
