"""`invoke intake.bench` on a short run: it measures what it claims through the real service, and prints it.

Figures are not asserted (speed is never a test); what is checked is that each
round really had a slow source being read while the good mention was posted,
that the slow source was cut off, and that the report names every figure.
"""

import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))

import bench_intake  # noqa: E402


def test_the_intake_bench_times_a_good_mention_behind_a_slow_source():
    figures = bench_intake.run(interval=0.3, timeout=1.0, rounds=1)
    assert set(figures["runs"]) == {3, 1}
    for run in figures["runs"].values():
        assert len(run["good_waited"]) == len(run["slow_held"]) == 1
        assert all(held > 0 for held in run["slow_held"])
    text = bench_intake.report(figures)
    assert "3 webmention worker(s)" in text and "1 webmention worker(s)" in text and "92 s" in text
