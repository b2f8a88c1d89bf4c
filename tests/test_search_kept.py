"""Search is indexed again only when an indexed text changed (issue 28 point 3; plugins/search/kept.py).

Real production builds of the fixture site sharing one cache folder, as CI
keeps it between runs. Pagefind is the real binary behind a wrapper that
notes each start, so the tests see whether it ran.
"""

from __future__ import annotations

import stat
import sys

import pytest

from conftest import ROOT, copy_site, run_pelican
from searchindex import fragments

pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The fixture site, a counting Pagefind, one cache folder and a first production build."""
    if str(ROOT / "plugins") not in sys.path:
        sys.path.insert(0, str(ROOT / "plugins"))
    from search.indexer import find_binary

    folder = tmp_path_factory.mktemp("search-kept")
    starts = folder / "pagefind-starts.log"
    wrapper = folder / "pagefind"
    wrapper.write_text(f'#!/bin/sh\necho started >> "{starts}"\nexec "{find_binary()}" "$@"\n', encoding="utf-8")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    content = copy_site(folder)

    def build(name: str):
        result = run_pelican(content, folder / name, "publishconf.py", fatal="warnings",
                             env={"PAGEFIND_BINARY_PATH": str(wrapper)}, overrides={"CACHE_PATH": str(folder / "cache")})
        assert result.returncode == 0, result.log
        return result.output

    def runs() -> int:
        return len(starts.read_text(encoding="utf-8").splitlines()) if starts.exists() else 0

    first = build("first")
    assert runs() == 1
    return {"content": content, "build": build, "runs": runs, "first": first}


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_untouched_rebuild_keeps_the_index_without_running_pagefind(site):
    again = site["build"]("again")
    assert site["runs"]() == 1, "Pagefind ran although no indexed text changed"
    assert _files(again / "pagefind") == _files(site["first"] / "pagefind")
    assert {r["url"] for r in fragments(again)} == {r["url"] for r in fragments(site["first"])}


def test_a_changed_title_runs_pagefind_again_and_the_new_title_is_found(site):
    runs_before = site["runs"]()
    article = site["content"] / "articles" / "second.md"
    text = article.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("Title:"))
    article.write_text(text.replace(title, "Title: Un titre tout neuf", 1), encoding="utf-8")
    changed = site["build"]("changed")
    assert site["runs"]() == runs_before + 1, "a changed title must be indexed again"
    titles = {r["url"]: r["meta"]["title"] for r in fragments(changed)}
    assert titles["second/"] == "Un titre tout neuf"
    assert "Un titre tout neuf" not in {r["meta"]["title"] for r in fragments(site["first"])}
