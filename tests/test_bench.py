"""`invoke bench` on a small corpus: it runs every configuration, checks itself, and prints every figure.

Figures are not asserted (speed is never a test); what is checked is that the
benchmark builds what it claims: a realistic corpus, plain Pelican next to
ours, warm builds writing the bytes of a first build, the live preview
answering each save.
"""

import shutil
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))

import bench  # noqa: E402
import benchcorpus  # noqa: E402

pytestmark = pytest.mark.build


def test_the_corpus_is_realistic_and_the_same_every_time(tmp_path):
    first = benchcorpus.make(tmp_path / "a", 12)
    again = benchcorpus.make(tmp_path / "b", 12)
    assert bench.different_files(first, again) == []
    article = (first / "articles" / "article-00007.md").read_text(encoding="utf-8")
    body = article.split("\n\n", 1)[1]
    assert 700 <= len(body.split()) <= 1100
    for shape in ("\n## ", "\n- ", "\n1. ", "\n> ", "](https://", "{filename}", "![", "{static}/images/"):
        assert shape in article, shape
    assert len(list((first / "contributions").rglob("*.md"))) == 120


def test_bench_builds_each_configuration_and_reports_them():
    figures = bench.run(articles=12, rounds=1, edits=3)
    assert figures["articles"] == 12 and figures["contributions"] == 120
    for label in ("cold", "warm", "edit", "approve"):
        item = figures["builds"][label]
        assert item["seconds"] > 0 and item["plain_seconds"] > 0 and item["peak_mib"] > 0
    preview = figures["preview"]
    assert len(preview["site"]) == 3 and all(seconds > 0 for seconds in preview["site"])
    assert len(preview["page"]) + preview["missed_quick"] == 3
    text = bench.report(figures)
    for needle in ("cold build", "warm build", "after saving one article", "after approving one contribution",
                   "live preview", "targets: warm ≤ 1.0× plain"):
        assert needle in text


def test_different_files_sees_a_changed_byte_and_a_missing_file(tmp_path):
    for side in ("a", "b"):
        (tmp_path / side / "x").mkdir(parents=True)
        (tmp_path / side / "x" / "page.html").write_text("<p>même</p>", encoding="utf-8")
    assert bench.different_files(tmp_path / "a", tmp_path / "b") == []
    (tmp_path / "b" / "x" / "page.html").write_text("<p>autre</p>", encoding="utf-8")
    (tmp_path / "a" / "seule.html").write_text("", encoding="utf-8")
    assert bench.different_files(tmp_path / "a", tmp_path / "b") == ["seule.html", "x/page.html"]


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind counts the instructions")
def test_bench_counts_instructions_with_valgrind(tmp_path):
    corpus = bench.Corpus(tmp_path, 10)
    # One count (the cheapest: plain Pelican); the bench counts the others the same way.
    assert bench.instructions_of(corpus.plain(tmp_path / "plain")) > 10**8
