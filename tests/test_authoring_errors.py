"""A broken article fails the build with file, field and fix; it never vanishes silently."""

from __future__ import annotations

import pytest

from conftest import ROOT, copy_site, invoke, project_copy, run_pelican

pytestmark = pytest.mark.build

GOOD = (FIXTURE := ROOT / "tests/fixtures/site/content/articles/second.md").read_text(encoding="utf-8")

BROKEN = {
    "unparsable date": ("Date: 2021-06-15 18:30:00+02:00", "Date: 15 juin, vers midi",
                        ["second.md", "Date:", "'15 juin, vers midi'", "ISO 8601"]),
    "missing title": ("Title: Second article\n", "", ["second.md", "Title:", "(absent)", "ligne « Title: Le titre »"]),
    "unknown status": ("Lang: fr", "Lang: fr\nStatus: publié", ["second.md", "Status:", "'publié'", "published, draft, hidden"]),
    "missing internal file": ("Un texte court", "[lien]({filename}inexistant.md) Un texte court",
                              ["second.md", "link (line", "{filename}inexistant.md", "does not exist", "Fix:"]),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
@pytest.mark.parametrize("settings", ["pelicanconf.py", "publishconf.py"])
def test_broken_header_fails_build_and_names_file_field_fix(tmp_path, case, settings):
    old, new, expected = BROKEN[case]
    content = copy_site(tmp_path)
    (content / "articles" / "second.md").write_text(GOOD.replace(old, new), encoding="utf-8")
    build = run_pelican(content, tmp_path / "out", settings)
    assert build.returncode != 0
    log = " ".join(build.log.split())
    for piece in expected:
        assert piece in log, (piece, build.log)


def test_duplicate_slug_fails_and_names_both_files(tmp_path):
    content = copy_site(tmp_path)
    (content / "articles" / "copie.md").write_text(GOOD, encoding="utf-8")
    build = run_pelican(content, tmp_path / "out")
    log = " ".join(build.log.split())
    assert build.returncode != 0
    assert "Slug: = 'second'" in log and "copie.md" in log and "second.md" in log


def test_link_to_a_future_article_fails_in_production_only(tmp_path):
    content = copy_site(tmp_path)
    (content / "articles" / "second.md").write_text(
        GOOD + "\nBientôt : [le futur]({filename}futur.md).\n", encoding="utf-8")
    assert run_pelican(content, tmp_path / "local").returncode == 0
    build = run_pelican(content, tmp_path / "prod", "publishconf.py")
    assert build.returncode != 0 and "a draft or future-dated article" in " ".join(build.log.split())


@pytest.mark.parametrize("task", ["build", "preview"])
def test_invoke_build_fails_and_keeps_the_previous_site(tmp_path, task):
    project = project_copy(tmp_path)
    first = invoke(project, task)
    assert first.returncode == 0, first.stdout + first.stderr
    before = (project / "output" / "second" / "index.html").read_text(encoding="utf-8")
    (project / "content" / "articles" / "second.md").write_text(
        GOOD.replace("Date: 2021-06-15 18:30:00+02:00", "Date: demain"), encoding="utf-8")
    second = invoke(project, task)
    out = " ".join((second.stdout + second.stderr).split())
    assert second.returncode != 0
    assert "content/articles/second.md" in out and "Date:" in out and "'demain'" in out
    assert "left as it was" in out
    assert (project / "output" / "second" / "index.html").read_text(encoding="utf-8") == before


def test_invoke_check_makes_warnings_fatal(tmp_path):
    project = project_copy(tmp_path)
    assert invoke(project, "check").returncode == 0
    (project / "content" / "articles" / "second.md").write_text(
        GOOD.replace("Lang: fr", "Lang: fr\nTilte: faute de frappe"), encoding="utf-8")
    assert invoke(project, "build").returncode == 0
    result = invoke(project, "check")
    assert result.returncode != 0 and "tilte" in result.stdout + result.stderr


def test_invoke_new_creates_a_complete_draft(tmp_path):
    project = project_copy(tmp_path)
    result = invoke(project, "new", "Un nouvel élan : la co-création !", "--author", "Camille Témoin")
    assert result.returncode == 0, result.stderr
    path = project / "content" / "articles" / "un-nouvel-elan-la-co-creation.md"
    text = path.read_text(encoding="utf-8")
    for field in ["Title: Un nouvel élan : la co-création !", "Slug: un-nouvel-elan-la-co-creation", "Date: ",
                  "Author: Camille Témoin", "Category: Essais", "Tags: ", "Summary: ", "Lang: fr", "Status: draft",
                  "Feed_id: tag:marques-communautes.github.io,"]:
        assert field in text
    assert "+01:00" in text or "+02:00" in text
    assert invoke(project, "check").returncode == 0
    assert invoke(project, "new", "Un nouvel élan : la co-création !").returncode != 0
    assert invoke(project, "new", " ").returncode != 0
