"""`invoke bench` on a small corpus: it runs, checks itself, and prints every figure.

Figures are not asserted (speed is never a test); what is checked is that
the benchmark builds what it claims, with warm caches writing the same bytes
as a first build.
"""

import shutil
import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))

import bench  # noqa: E402


def test_bench_builds_each_configuration_and_reports_them():
    figures = bench.run(articles=12, contributions=80, repeat=1)
    assert figures["articles"] == 12 and figures["contributions"] == 80 and figures["contributors"] > 5
    for label in ("without", "floor", "cold", "warm"):
        assert figures[f"{label}_seconds"] > 0 and figures[f"{label}_peak_mib"] > 0
    text = bench.report(figures)
    for needle in ("without the plugin", "floor", "cold", "warm", "every build", "target: the plugin adds at most 15 %"):
        assert needle in text


@pytest.mark.parametrize("time_pct, time_range, memory_pct, expected, settled", [
    (6.9, (-9.9, 34.9), 13.4, "time met (median +6.9 %), peak memory met (+13.4 %)", False),
    (18.5, (6.4, 30.2), 13.4, "time NOT met (median +18.5 %), peak memory met (+13.4 %)", False),
    (12.0, (10.0, 14.0), 22.0, "time met (median +12.0 %), peak memory NOT met (+22.0 %)", True),
    (19.0, (16.0, 25.0), 13.0, "time NOT met (median +19.0 %)", True),
])
def test_the_verdict_covers_time_and_memory_and_says_when_the_rounds_disagree(
        time_pct, time_range, memory_pct, expected, settled):
    text = bench.verdict({"warm_time_pct": time_pct, "warm_time_pct_range": time_range,
                          "warm_memory_pct": memory_pct})
    assert expected in text
    assert ("the rounds disagree" not in text) == settled


def test_different_files_sees_a_changed_byte_and_a_missing_file(tmp_path):
    for side in ("a", "b"):
        (tmp_path / side / "x").mkdir(parents=True)
        (tmp_path / side / "x" / "page.html").write_text("<p>même</p>", encoding="utf-8")
    assert bench.different_files(tmp_path / "a", tmp_path / "b") == []
    (tmp_path / "b" / "x" / "page.html").write_text("<p>autre</p>", encoding="utf-8")
    (tmp_path / "a" / "seule.html").write_text("", encoding="utf-8")
    assert bench.different_files(tmp_path / "a", tmp_path / "b") == ["seule.html", "x/page.html"]


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind counts the instructions")
def test_bench_counts_instructions_with_valgrind():
    figures = bench.run(articles=6, contributions=30, repeat=1, instructions=True)
    assert figures["without_instructions"] > 10**8 and figures["warm_instructions"] > figures["without_instructions"]
    assert "instructions run in user space" in bench.report(figures)
