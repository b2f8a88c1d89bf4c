"""Gates first, deploy only if every gate passed; the report names each failure (unit level)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from blogcore.errors import Problem  # noqa: E402
from publishing import pipeline  # noqa: E402
from publishing.gates import GATES, GateResult, report  # noqa: E402
from publishing.site import Site  # noqa: E402

BROKEN = Problem("suivre/index.html", "<a href> (line 12)", "https://example.org/gone/",
                 "gone/index.html is not in the build", "link with {filename}")


def results(failing: str | None = None) -> list[GateResult]:
    return [GateResult(name, [BROKEN] if name == failing else [], 0.5, "checked") for name in GATES]


def test_a_failing_gate_means_no_deploy(monkeypatch, tmp_path):
    monkeypatch.setattr(pipeline, "run_gates", lambda site, only, pages, published=None: results("links"))
    deployed, printed = [], []
    with pytest.raises(pipeline.GatesFailed) as caught:
        pipeline.publish(Site(tmp_path, "https://example.org"), lambda: deployed.append(1), out=printed.append)
    assert deployed == []
    assert str(caught.value) == "1 gate(s) failed: links"
    text = printed[0]
    assert "FAIL  links" in text and "PASS  html" in text
    assert "suivre/index.html: <a href> (line 12) = 'https://example.org/gone/': gone/index.html is not in the build" \
        in text


def test_every_gate_passing_deploys_once(monkeypatch, tmp_path):
    monkeypatch.setattr(pipeline, "run_gates", lambda site, only, pages, published=None: results())
    calls = []
    outcome = pipeline.DeployResult("git", True, "pushed")
    assert pipeline.publish(Site(tmp_path, "https://example.org"), lambda: calls.append(1) or outcome,
                            out=lambda text: None) is outcome
    assert calls == [1]


def test_the_report_lists_each_gate_its_time_and_caps_long_lists(tmp_path):
    many = [GateResult("links", [BROKEN] * 45, 1.25, "3 links")]
    text = report(many, Site(tmp_path, "https://example.org"), 2.0)
    assert "FAIL  links  internal links and #anchors: 3 links  [1.2 s]" in text or "[1.3 s]" in text
    assert text.count("gone/index.html is not in the build") == 40 and "... and 5 more" in text
    assert text.endswith("1 gate(s) failed: links")
