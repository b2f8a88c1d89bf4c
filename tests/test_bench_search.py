"""scripts/bench_search.py on a small corpus: it builds both ways, measures one search, prints every figure.

Figures are not asserted (speed is never a test); what is checked is that the
benchmark builds and measures what it claims.
"""

import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))

import bench_search  # noqa: E402
from publishing import browsergate  # noqa: E402

pytestmark = pytest.mark.build


def test_bench_builds_with_and_without_search_and_reports_the_figures():
    browser = not browsergate.tools_missing()
    figures = bench_search.run(articles=12, contributions=80, repeat=1, browser=browser)
    assert figures["articles"] == 12 and figures["contributions"] == 80
    assert 12 < figures["records"] <= 12 + 80, "every article and the approved contributions"
    assert figures["with_seconds"] > 0 and figures["without_seconds"] > 0 and figures["index_seconds"] > 0
    assert figures["index_files"] > figures["records"] and figures["index_bytes"] > 100_000
    text = bench_search.report(figures)
    for needle in ("without search (reference)", "with search", "Pagefind", "index:",
                   "target: the index adds at most 15 %"):
        assert needle in text
    if browser:
        search = figures["search"]
        assert search["results"] > 10 and search["shown"] == 10, "one page of results: ten fragments, not all"
        fragments = [url for url, _ in search["by_file"] if "/fragment/" in url]
        assert len(fragments) == 10
        assert "one search ('confiance'" in text and "kB downloaded" in text
