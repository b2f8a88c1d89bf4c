"""Caches and worker processes never change what a build writes."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT, project_copy, run_pelican

sys.path.insert(0, str(ROOT / "scripts"))

import bench  # noqa: E402
import benchcorpus  # noqa: E402

pytestmark = pytest.mark.build

# Two builds in one long-running process (as the live preview runs them), with an edit of
# the sanitiser's source between them: the second build still runs the code it imported.
LONG_RUNNING = textwrap.dedent("""
    import sys
    from pathlib import Path
    project, cache = Path(sys.argv[1]), sys.argv[2]
    sys.path.insert(0, str(project / "plugins"))
    from pelican import Pelican
    from pelican.settings import read_settings

    def build(output):
        settings = read_settings(str(project / "pelicanconf.py"),
                                 override={"OUTPUT_PATH": str(project / output), "CACHE_PATH": cache})
        Pelican(settings).run()

    build("first")
    sanitize = project / "plugins" / "community" / "sanitize.py"
    sanitize.write_text(sanitize.read_text(encoding="utf-8").replace(
        'LINK_REL = "ugc nofollow noopener"', 'LINK_REL = "ugc nofollow noopener noreferrer"'), encoding="utf-8")
    (project / "content" / "contributions" / "second" / "alice-2.md").write_text(
        (project / "content" / "contributions" / "second" / "alice-2.md").read_text(encoding="utf-8")
        + "\\nVoir https://exemple.org/nouveau\\n", encoding="utf-8")
    build("second")
""")


def test_code_edited_under_a_running_preview_never_reaches_a_later_build(tmp_path):
    project = project_copy(tmp_path)
    cache = tmp_path / "cache"
    done = subprocess.run([sys.executable, "-c", LONG_RUNNING, str(project), str(cache)], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    # The process kept the old sanitiser: its pages show the old link rel, as they must.
    assert 'href="https://exemple.org/nouveau" rel="ugc nofollow noopener"' in \
        (project / "second" / "second" / "index.html").read_text(encoding="utf-8")
    # A new process runs the new code, and the cache the old one filled must not hide it.
    fresh = run_pelican(project / "content", tmp_path / "fresh", str(project / "pelicanconf.py"),
                        overrides={"CACHE_PATH": str(cache)})
    assert fresh.returncode == 0, fresh.log
    assert 'href="https://exemple.org/nouveau" rel="ugc nofollow noopener noreferrer"' in fresh.page(
        "second/index.html")


def test_a_build_on_every_core_writes_the_bytes_of_a_build_in_one_process(tmp_path):
    content = benchcorpus.make(tmp_path / "corpus", 80)  # enough articles and bodies for the workers to start
    one = run_pelican(content, tmp_path / "one", "publishconf.py", overrides={"BUILD_WORKERS": 1})
    every = run_pelican(content, tmp_path / "every", "publishconf.py", overrides={"BUILD_WORKERS": 2})
    assert one.returncode == every.returncode == 0, one.log + every.log
    assert bench.different_files(one.output, every.output) == []
    assert len(list((one.output / "contributeur").iterdir())) > 100


def test_warm_caches_write_the_bytes_of_a_first_build(tmp_path):
    content = benchcorpus.make(tmp_path / "corpus", 20)
    caches = {"CACHE_PATH": str(tmp_path / "kept")}
    first = run_pelican(content, tmp_path / "first", "publishconf.py", overrides=caches)
    article = content / "articles" / "article-00003.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nUne phrase de plus.\n", encoding="utf-8")
    warm = run_pelican(content, tmp_path / "warm", "publishconf.py", overrides=caches)
    fresh = run_pelican(content, tmp_path / "fresh", "publishconf.py")
    assert first.returncode == warm.returncode == fresh.returncode == 0
    assert bench.different_files(warm.output, fresh.output) == []
    assert "Une phrase de plus" in warm.page("article-00003/index.html")
