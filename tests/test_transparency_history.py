"""The public history of every text, from a real git repository, on a built site.

A small repository holds the fixture site and a few commits (an edit, an
edit with a ``Note-de-modification:`` trailer, a rename, a branch merged
back); the built pages must show exactly what ``git log --follow`` shows for
each file, a page per version with its word-level diff, « Mis à jour le »
moved only by the trailer, and the same bytes from another clone of the same
commit. A shallow clone fails with the fix; a folder outside git has no
history. The real site (content/) is checked against its own repository too.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURE_SITE, ROOT, Build, run_pelican
from htmlcheck import soup, text_of

pytestmark = pytest.mark.build

SITE = "https://marques-communautes.github.io"
NOTE = "Un paragraphe sur la source a été ajouté."


def git(repo: Path, *args: str, when: str | None = None) -> str:
    """Run git in `repo` as a fixed person, at a fixed time."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "Rédaction Test", "GIT_AUTHOR_EMAIL": "redaction@example.org",
           "GIT_COMMITTER_NAME": "Rédaction Test", "GIT_COMMITTER_EMAIL": "redaction@example.org"}
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    result = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """A repository with the fixture site and a history worth showing."""
    root = tmp_path_factory.mktemp("history") / "repo"
    shutil.copytree(FIXTURE_SITE / "content", root / "content")
    articles = root / "content" / "articles"
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Import the fixture site", when="2023-01-02T10:00:00+01:00")
    edit(articles / "second.md", "Un texte court ; avec une correction.", "Un texte bref ; avec une correction.")
    git(root, "commit", "-q", "-am", "Second: a shorter word", when="2023-01-03T10:00:00+01:00")
    edit(articles / "premier-article.md", "![Schéma public]", "La source est citée plus bas.\n\n![Schéma public]")
    git(root, "commit", "-q", "-am", "Premier: say where the source is",
        "-m", f"Note-de-modification: {NOTE}", when="2023-01-04T10:00:00+01:00")
    git(root, "mv", "content/articles/second.md", "content/articles/deuxieme.md")
    edit(articles / "premier-article.md", "{filename}second.md", "{filename}deuxieme.md")
    git(root, "commit", "-q", "-am", "Rename second.md to deuxieme.md", when="2023-01-05T10:00:00+01:00")
    git(root, "checkout", "-q", "-b", "side")
    edit(root / "content" / "pages" / "a-propos.md", "rien de plus.", "rien de plus, vraiment.")
    git(root, "commit", "-q", "-am", "A propos: one more word", when="2023-01-06T10:00:00+01:00")
    git(root, "checkout", "-q", "main")
    edit(articles / "deuxieme.md", "Une lectrice", "Une lectrice attentive")
    git(root, "commit", "-q", "-am", "Deuxieme: an adjective", when="2023-01-07T10:00:00+01:00")
    git(root, "merge", "-q", "--no-ff", "side", "-m", "Merge side", when="2023-01-08T10:00:00+01:00")
    return root


def build_from(content: Path, output: Path, env: dict | None = None, overrides: dict | None = None,
               cwd: Path = ROOT) -> Build:
    command = [sys.executable, "-m", "pelican", str(content), "-s", str(ROOT / "publishconf.py"), "-o", str(output),
               "--fatal", "warnings", "--ignore-cache", "--verbose"]
    for key, value in (overrides or {}).items():
        command += ["-e", f"{key}={value}"]
    clean = {k: v for k, v in os.environ.items() if k not in ("SITEURL", "PYTHONHASHSEED", "TZ")}
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                            env={**clean, "COLUMNS": "400", **(env or {})})
    return Build(result.returncode, output, result.stdout + result.stderr)


@pytest.fixture(scope="module")
def built(repo, tmp_path_factory) -> Build:
    build = build_from(repo / "content", tmp_path_factory.mktemp("history-out") / "out")
    assert build.returncode == 0, build.log
    return build


def shown_history(build: Build, url_path: str) -> list[str]:
    """The short hashes of the history section of a page, in the order shown."""
    section = soup(build.output / url_path / "index.html").select_one("section#historique")
    return [code.get_text() for code in section.select(".history__version code")]


def follow(repo: Path, path: str) -> list[str]:
    return [h[:10] for h in git(repo, "log", "--follow", "--format=%H", "--", path).split()]


@pytest.mark.parametrize("path, url", [
    ("content/articles/premier-article.md", "premier-article"),
    ("content/articles/deuxieme.md", "second"),
    ("content/pages/a-propos.md", "a-propos"),
    ("content/pages/transparence.md", "transparence"),
])
def test_history_entries_equal_git_log_follow(repo, built, path, url):
    expected = follow(repo, path)
    assert expected and shown_history(built, url) == expected
    if url == "second":
        assert len(expected) == 4, "the rename is followed back to the commits of second.md"


def test_each_entry_shows_its_date_hash_message_and_note(repo, built):
    section = soup(built.output / "premier-article" / "index.html").select_one("section#historique")
    items = section.select("li.history__item")
    noted = items[1]  # newest first: the rename, then the commit with the trailer
    assert noted.time["datetime"] == "2023-01-04T10:00:00+01:00" and noted.time.get_text() == "4 janvier 2023"
    assert noted.select_one(".history__message").get_text() == "Premier: say where the source is"
    assert noted.select_one(".history__message")["lang"] == "en"
    assert NOTE in noted.select_one(".history__note").get_text()
    assert "Rédaction Test" not in built.page("premier-article/index.html")  # who committed is not shown
    assert "redaction@example.org" not in built.page("premier-article/index.html")


def test_only_a_note_moves_mis_a_jour_le(built):
    premier = soup(built.output / "premier-article" / "index.html")
    updated = premier.select_one(".byline__updated")
    assert updated.time["datetime"] == "2023-01-04T10:00:00+01:00"
    assert "Mis à jour le 4 janvier 2023" in updated.get_text() and NOTE in updated.get_text()
    # second was edited and renamed after its correction, without a note: no « Mis à jour le »
    assert soup(built.output / "second" / "index.html").select_one(".byline__updated") is None
    # and feeds keep its correction's date, not the date of a later commit
    assert "<updated>2021-07-01T09:00:00+02:00</updated>" in built.page("flux/site.atom.xml")


def test_every_version_has_a_page_with_a_readable_word_level_diff(repo, built):
    for slug, path in (("second", "content/articles/deuxieme.md"), ("premier-article", "content/articles/premier-article.md")):
        for short in follow(repo, path):
            assert (built.output / slug / "versions" / short / "index.html").is_file(), (slug, short)
    shorter = git(repo, "log", "--format=%H", "--grep", "shorter word").strip()[:10]
    html = soup(built.output / "second" / "versions" / shorter / "index.html")
    diff = html.select_one("div.diff")
    # French typography keeps « ; » with its word (a narrow no-break space): it changes with it.
    assert [d.get_text() for d in diff.select("del")] == ["[suppression\u00a0: court\u202f;]"]
    assert [i.get_text() for i in diff.select("ins")] == ["[ajout\u00a0: bref\u202f;]"]
    assert "Un texte" in diff.get_text() and "avec une correction." in diff.get_text()
    assert html.select_one('meta[name="robots"]')["content"] == "noindex"
    assert html.select_one('nav.version__nav a[rel="prev"]') is not None
    first = git(repo, "log", "--format=%H", "--grep", "Import the fixture").strip()
    first_page = soup(built.output / "second" / "versions" / first[:10] / "index.html")
    assert "première version" in text_of(first_page) and first_page.select_one("div.diff") is None
    assert first in text_of(first_page), "the full hash is on the version's page"
    renamed = git(repo, "log", "--format=%H", "--grep", "Rename").strip()[:10]
    renamed_page = soup(built.output / "premier-article" / "versions" / renamed / "index.html")
    assert [d.get_text() for d in renamed_page.select("div.diff del, div.diff ins")] == [
        "[suppression\u00a0: second]({filename}second.md)]", "[ajout\u00a0: second]({filename}deuxieme.md)]"]


def test_the_same_commit_builds_the_same_bytes_from_another_clone(repo, built, tmp_path):
    clone = tmp_path / "elsewhere" / "clone"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True)
    (tmp_path / "cwd").mkdir()
    again = build_from(clone / "content", tmp_path / "b", env={"PYTHONHASHSEED": "7", "TZ": "Pacific/Auckland"},
                       cwd=tmp_path / "cwd")
    assert again.returncode == 0, again.log
    first = sorted(p.relative_to(built.output).as_posix() for p in built.output.rglob("*") if p.is_file())
    second = sorted(p.relative_to(again.output).as_posix() for p in again.output.rglob("*") if p.is_file())
    assert first == second and any("/versions/" in name for name in first)
    different = [name for name in first if (built.output / name).read_bytes() != (again.output / name).read_bytes()]
    assert different == []


def test_a_shallow_clone_fails_with_the_fix(repo, tmp_path):
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow)], check=True)
    build = build_from(shallow / "content", tmp_path / "out")
    log = " ".join(build.log.split())
    assert build.returncode != 0
    assert "shallow" in log and "fetch-depth: 0" in log and "git fetch --unshallow" in log


def test_a_folder_outside_git_builds_without_history(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE / "content", content)
    build = build_from(content, tmp_path / "out")
    assert build.returncode == 0, build.log
    assert "[transparency] no history of changes on the pages" in " ".join(build.log.split())
    assert soup(build.output / "premier-article" / "index.html").select_one("#historique") is None
    assert not list(build.output.rglob("versions"))


def test_a_withheld_version_is_listed_without_its_page(repo, tmp_path):
    shorter = git(repo, "log", "--format=%H", "--grep", "shorter word").strip()
    build = build_from(repo / "content", tmp_path / "out",
                       overrides={"TRANSPARENCY": '{"withheld_versions": ["%s"]}' % shorter[:12]})
    assert build.returncode == 0, build.log
    assert not (build.output / "second" / "versions" / shorter[:10]).exists()
    section = soup(build.output / "second" / "index.html").select_one("section#historique")
    withheld = [li for li in section.select("li") if shorter[:10] in li.get_text()]
    assert len(withheld) == 1 and "(non publiée)" in withheld[0].get_text() and withheld[0].a is None
    newer = git(repo, "log", "--format=%H", "-1", "--grep", "Rename").strip()[:10]
    after = text_of(soup(build.output / "second" / "versions" / newer / "index.html"))
    assert "La version précédente n’est pas publiée" in after


def test_the_real_site_shows_its_own_git_history(site_production):
    """content/ is in this repository: each text's history is what git log --follow says."""
    inside = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=ROOT, capture_output=True, text=True)
    if inside.stdout.strip() != "true":
        pytest.skip("the project is not a git checkout here")
    for source in sorted((ROOT / "content").glob("*/*.md")):
        if source.parent.name not in ("articles", "pages"):
            continue
        slug = re.search(r"^Slug:\s*(\S+)", source.read_text(encoding="utf-8"), re.M).group(1)
        expected = follow(ROOT, source.relative_to(ROOT).as_posix())
        if not expected:
            continue  # a text not committed yet
        assert shown_history(site_production, slug) == expected, source
        for short in expected:
            assert (site_production.output / slug / "versions" / short / "index.html").is_file()
