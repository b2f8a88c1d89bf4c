"""Builds with the previous build's file cache (blogcore/filecache.py): an unchanged bad file fails every build with
the same French line, and an edited file is checked again, as `invoke build` runs them."""

from __future__ import annotations

import pickle
import sys

import pytest

from conftest import ROOT, invoke, project_copy

sys.path.insert(0, str(ROOT / "scripts"))
import bench  # noqa: E402  (different_files)

pytestmark = pytest.mark.build


def _build(project):
    result = invoke(project, "build")
    return result.returncode, result.stdout + result.stderr


def _problems(output: str) -> list[str]:
    """The lines of a failed build that name a file of the content."""
    return sorted(line.strip() for line in output.splitlines() if "content/" in line and " = " in line)


def test_a_bad_file_fails_every_build_until_it_is_fixed(tmp_path):
    project = project_copy(tmp_path)
    code, output = _build(project)
    assert code == 0, output[-3000:]
    cache = project / "cache" / "preview" / "plugins-contributions.pickle"
    assert cache.is_file()

    # A contribution with an e-mail address where readers would see it.
    good = (project / "content" / "contributions" / "premier-article" / "alice-1.md").read_text(encoding="utf-8")
    bad = project / "content" / "contributions" / "premier-article" / "alice-1.md"
    bad.write_text(good.replace("Author: Alice Martin", "Author: alice@example.org"), encoding="utf-8")
    code, first = _build(project)
    assert code != 0 and "Traceback" not in first
    expected = [line for line in _problems(first) if "alice-1.md: Author: = 'alice@example.org'" in line]
    assert expected and "Author_email" in expected[0], first[-3000:]
    # Nothing changed: the cache gives the file's answer, a failure with the same French line.
    stored = pickle.loads(cache.read_bytes())["entries"][str(bad)]
    assert [problem.value for problem in stored[3][1]] == ["alice@example.org"]
    code, second = _build(project)
    assert code != 0 and _problems(second) == _problems(first)

    # Edited (same size, at once): the new value is named, never the old one.
    bad.write_text(good.replace("Author: Alice Martin", "Author: alice@example.net"), encoding="utf-8")
    code, third = _build(project)
    assert code != 0 and "'alice@example.net'" in third and "'alice@example.org'" not in third
    bad.write_text(good, encoding="utf-8")
    code, output = _build(project)
    assert code == 0, output[-3000:]

    # An article with active HTML: refused, again on the next build, accepted once removed.
    article = project / "content" / "articles" / "second.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text + "\n<script>alert(1)</script>\n", encoding="utf-8")
    code, first = _build(project)
    assert code != 0 and "second.md: HTML = '<script>'" in first, first[-3000:]
    code, second = _build(project)
    assert code != 0 and "second.md: HTML = '<script>'" in second
    assert _problems(second) == _problems(first)
    article.write_text(text, encoding="utf-8")
    code, output = _build(project)
    assert code == 0, output[-3000:]
    # After all this, the site is what a build without any cache writes, byte for byte.
    fresh = invoke(project, "build", "--output", str(tmp_path / "fresh"), "--ignore-cache")
    assert fresh.returncode == 0, fresh.stderr[-3000:]
    assert bench.different_files(project / "output", tmp_path / "fresh") == []
