"""`invoke build` and `invoke preview` with the previous output and caches present render only what changed.

The incremental plugin (plugins/incremental/) keeps a record of what each page
was built from; a build given the previous output links the pages whose
record holds instead of rendering them. What it writes must be, byte for
byte, what a fresh build writes.
"""

from __future__ import annotations

import json
import sys

import pytest

from conftest import ROOT, invoke, project_copy

sys.path.insert(0, str(ROOT / "scripts"))
import bench  # noqa: E402  (different_files)

pytestmark = pytest.mark.build
CACHES = {"build": "preview", "preview": "production"}


def _changes(project, task) -> dict:
    return json.loads((project / "cache" / CACHES[task] / "incremental-changes.json").read_text(encoding="utf-8"))


def _build(project, task, *args):
    result = invoke(project, task, *args)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.mark.parametrize("task", ["build", "preview"])
def test_a_second_build_renders_only_what_changed_and_writes_a_fresh_builds_bytes(tmp_path, task):
    project = project_copy(tmp_path)
    output = project / "output"
    _build(project, task)
    first = _changes(project, task)
    assert first["incremental"] is False and len(first["rendered"]) > 20

    # No change: every page is kept from the previous output, and the site is the same, byte for byte.
    before = tmp_path / "before"
    before.mkdir()
    for path in output.rglob("*"):
        if path.is_file():
            target = before / path.relative_to(output)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    feeds = {str(path.relative_to(output)): path.stat().st_ino for path in (output / "flux").rglob("*")
             if path.is_file()}
    assert len(feeds) > 10 and set(feeds) <= set(first["rendered"])  # the feeds are recorded like the pages
    _build(project, task)
    unchanged = _changes(project, task)
    # No feed was rendered again: each is the previous build's file, linked (the same inode).
    assert {name: (output / name).stat().st_ino for name in feeds} == feeds
    assert unchanged["incremental"] is True
    assert unchanged["rendered"] == [] and unchanged["changed"] == [] and unchanged["removed"] == []
    assert unchanged["kept"] == len(first["rendered"])
    assert bench.different_files(before, output) == []

    # One article's text changed: its page and the lists that show it are rendered, another article's page is not.
    article = project / "content" / "articles" / "second.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nUne phrase ajoutée après coup.\n", encoding="utf-8")
    _build(project, task)
    edited = _changes(project, task)
    assert "second/index.html" in edited["changed"]
    # A page that does not show the changed article is not rendered again (premier-article shows it: « À lire
    # aussi » and its neighbours' links).
    unrelated = sorted(str(path.relative_to(before)) for path in before.rglob("*.html")
                       if "second/" not in path.read_text(encoding="utf-8")
                       and "Second article" not in path.read_text(encoding="utf-8"))
    assert unrelated and not set(unrelated) & set(edited["rendered"]), sorted(set(unrelated) & set(edited["rendered"]))
    pages = [name for name in edited["rendered"] if name not in feeds]
    assert 0 < len(pages) < (len(first["rendered"]) - len(feeds)) / 2
    assert "Une phrase ajoutée après coup." in (output / "second" / "index.html").read_text(encoding="utf-8")
    # Only the feeds that hold the article (or a contribution under it) are rendered again: those whose
    # previous bytes never name its address are kept; those that carry its text changed.
    holding = {name for name in feeds if "/second/" in (before / name).read_text(encoding="utf-8")}
    rendered_feeds = {name for name in edited["rendered"] if name in feeds}
    assert holding and len(holding) < len(feeds)
    assert rendered_feeds <= holding, sorted(rendered_feeds - holding)
    assert {"flux/site.atom.xml", "flux/site.rss.xml", "flux/site.json"} <= set(edited["changed"])
    assert "Une phrase ajoutée après coup." in (output / "flux" / "site.atom.xml").read_text(encoding="utf-8")

    # An approved contribution's text changed: the feeds that carry it show the new text.
    contribution = project / "content" / "contributions" / "premier-article" / "alice-1.md"
    contribution.write_text(contribution.read_text(encoding="utf-8").replace("très", "vraiment"), encoding="utf-8")
    _build(project, task)
    assert "flux/contributions/premier-article.atom.xml" in _changes(project, task)["changed"]
    assert "vraiment" in (output / "flux" / "contributions" / "premier-article.atom.xml").read_text(encoding="utf-8")
    _build(project, task, "--output", str(tmp_path / "fresh"), "--ignore-cache")
    assert bench.different_files(output, tmp_path / "fresh") == []
