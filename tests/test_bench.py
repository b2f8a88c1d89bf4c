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


def test_each_shape_stresses_what_it_names(tmp_path):
    long = (benchcorpus.make(tmp_path / "long", 12, shape="long") / "articles" / "article-00007.md").read_text(
        encoding="utf-8")
    assert len(long.split("\n\n", 1)[1].split()) >= 4000 and long.count("\n## ") >= 10
    assert long.count("\n### ") >= 10 and "\n    - " in long and "|---|" in long
    taxonomy = benchcorpus.make(tmp_path / "taxonomy", 400, shape="taxonomy")
    tags = {tag for path in (taxonomy / "articles").glob("*.md") for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith("Tags: ") for tag in line[6:].split(", ")}
    assert len(tags) > 150 and len(list((taxonomy / "authors").glob("*.md"))) >= 40
    assert any("\nAuthors: " in path.read_text(encoding="utf-8") for path in (taxonomy / "articles").glob("*.md"))
    threads = benchcorpus.make(tmp_path / "threads", 20, shape="threads") / "contributions"
    sizes = sorted(len(list(folder.glob("*.md"))) for folder in threads.iterdir())
    assert sizes == [100, 100]
    some = (threads / "article-00010" / "b-000011.md").read_text(encoding="utf-8")
    assert some.split("\n\n", 1)[1].count("\n\n") >= 1  # several paragraphs
    images = benchcorpus.make(tmp_path / "images", 12, shape="images")
    article = (images / "articles" / "article-00003.md").read_text(encoding="utf-8")
    names = [f"a00003-{index}.png" for index in range(4)]
    assert all(f"{{static}}/images/{name}" in article for name in names)
    assert all((images / "images" / name).read_bytes().startswith(b"\x89PNG") for name in names)


def test_bench_builds_each_configuration_and_reports_them():
    figures = bench.run(articles=12, rounds=1, edits=3)
    run = figures["runs"][0]
    assert run["articles"] == 12 and run["contributions"] == 120 and run["shape"] == "realistic"
    for label in ("cold", "warm", "edit", "approve"):
        item = run["builds"][label]
        assert item["seconds"] > 0 and item["plain_seconds"] > 0 and item["peak_mib"] > 0
        # Every process together holds at least the build's own process.
        assert item["tree_peak_mib"] >= 0.9 * item["peak_mib"] and item["plain_tree_peak_mib"] > 0
    preview = figures["preview"]
    assert len(preview["site"]) == 3 and all(seconds > 0 for seconds in preview["site"])
    assert len(preview["page"]) + preview["missed_quick"] == 3
    text = bench.report(figures)
    for needle in ("realistic: 12 articles", "cold build", "warm build", "after saving one article",
                   "after approving one contribution", "every process", "live preview",
                   "targets: realistic 12 warm ≤ 1.0× plain"):
        assert needle in text


def test_the_report_says_whether_memory_grows_faster_than_the_corpus():
    def run(articles: int, tree: float) -> dict:
        build = {"seconds": 1.0, "plain_seconds": 1.0, "time": {"median": 1.0, "low": 1.0, "high": 1.0},
                 "cpu": {"median": 1.0}, "peak_mib": 100.0, "plain_peak_mib": 80.0, "tree_peak_mib": tree,
                 "plain_tree_peak_mib": 80.0, "memory": {"median": 1.25, "low": 1.25, "high": 1.25},
                 "rounds": [1.0], "plain_rounds": [1.0], "workers_peak_mib": 0}
        return {"articles": articles, "contributions": 10 * articles, "shape": "threads", "builds": {"cold": build}}

    linear = bench.report({"rounds": 1, "runs": [run(1000, 400.0), run(5000, 1400.0)]})
    assert "threads: 400 MiB at 1000 articles, 1400 MiB at 5000" in linear and "no faster than linear" in linear
    assert "threads 5000 every process < 1.5 GiB: met" in linear
    faster = bench.report({"rounds": 1, "runs": [run(1000, 200.0), run(5000, 1600.0)]})
    assert "FASTER than linear" in faster and "threads 5000 every process < 1.5 GiB: NOT met" in faster


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
