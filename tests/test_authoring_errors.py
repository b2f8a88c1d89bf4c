"""A broken article fails the build with file, field and fix, in French, all at once; it never vanishes silently."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import ROOT, copy_site, invoke, project_copy, run_pelican

pytestmark = pytest.mark.build

GOOD = (FIXTURE := ROOT / "tests/fixtures/site/content/articles/second.md").read_text(encoding="utf-8")
CACHE = (ROOT / "tests/fixtures/site/content/articles/cache.md").read_text(encoding="utf-8")
ALICE = (ROOT / "tests/fixtures/site/content/contributions/premier-article/alice-1.md").read_text(encoding="utf-8")

# Every problem a writer can make in one save, and the French line each must give (file, field, value, fix).
BROKEN = {
    "articles/second.md": GOOD.replace("Date: 2021-06-15 18:30:00+02:00", "Date: 15 juin, vers midi")
                              .replace("Lang: fr", "Lang: fr\nStatus: publié\nTilte: faute de frappe")
                              .replace("Category: Essais", "Category: Esais")
                              .replace("Un texte court", "[lien]({filename}inexistant.md) Un texte court"),
    "articles/cache.md": CACHE.replace("Title: Article caché\n", "").replace("Camille Témoin", "camille temoin"),
    "contributions/premier-article/alice-1.md": ALICE.replace("Status: approved", "Status: approuvé"),
}
LINES = {
    "date": ["second.md: Date: = '15 juin, vers midi'", "ISO 8601", "Correction : écrivez une date"],
    "status": ["second.md: Status: = 'publié'", "statut inconnu", "published, draft, hidden"],
    "category": ["second.md: Category: = 'Esais'", "vouliez-vous dire « Essais » ?", "EDITORIAL[\"categories\"]"],
    "link": ["second.md: lien (ligne", "{filename}inexistant.md", "n'existe pas", "Correction : corrigez le chemin"],
    "title": ["cache.md: Title: = (absent)", "ligne « Title: Le titre »"],
    "author": ["cache.md: Author: = 'camille temoin'", "vouliez-vous dire « Camille Témoin » ?",
               "content/authors/camille-temoin.md"],
    "contribution": ["alice-1.md: Status: = 'approuvé'", "statut inconnu", "Correction : utilisez"],
}


def broken(content):
    """Write every broken file into a copy of the fixture's content."""
    for name, text in BROKEN.items():
        (content / name).write_text(text, encoding="utf-8")
    return content


@pytest.fixture(scope="module")
def broken_project(tmp_path_factory):
    """A project around the fixture site, built once, then broken in every way at once."""
    project = project_copy(tmp_path_factory.mktemp("authoring"))
    first = invoke(project, "build")
    assert first.returncode == 0, first.stdout + first.stderr
    broken(project / "content")
    return project


def line_of(output: str, *pieces: str) -> str:
    """The one output line holding every piece (a problem is one line)."""
    found = [line for line in output.splitlines() if all(piece in line for piece in pieces)]
    assert found, (pieces, output)
    return found[0]


@pytest.mark.parametrize("task", ["build", "check"])
def test_invoke_names_every_problem_in_french_at_once_then_stops_without_traceback(broken_project, task):
    before = (broken_project / "output" / "second" / "index.html").read_text(encoding="utf-8")
    result = invoke(broken_project, task)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output and "SiteError" not in output and "Fix:" not in output
    for pieces in LINES.values():
        line_of(output, *pieces)
    unknown = "vouliez-vous dire « Title: » ?"
    if task == "check":  # a warning is a problem when warnings are fatal, in the same pass
        line_of(output, "second.md: Tilte: = 'faute de frappe'", unknown)
    else:
        assert unknown not in output.split("problèmes à corriger")[1].split("La construction a échoué")[0]
    assert "La construction a échoué" in output and "est resté tel quel" in output
    assert (broken_project / "output" / "second" / "index.html").read_text(encoding="utf-8") == before


def test_the_production_build_names_every_problem_in_french_at_once(tmp_path):
    build = run_pelican(broken(copy_site(tmp_path)), tmp_path / "out", "publishconf.py")
    assert build.returncode != 0 and "Traceback" not in build.log
    for pieces in LINES.values():
        line_of(build.log, *pieces)


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
    assert build.returncode != 0 and "un article daté du futur, pas encore publié" in " ".join(build.log.split())


def test_invoke_new_writes_placeholders_that_check_names_until_replaced(tmp_path):
    project = project_copy(tmp_path)
    result = invoke(project, "new", "Un nouvel élan : la co-création !", "--author", "Camille Témoin")
    assert result.returncode == 0, result.stderr
    path = project / "content" / "articles" / "un-nouvel-elan-la-co-creation.md"
    text = path.read_text(encoding="utf-8")
    for field in ["Title: Un nouvel élan : la co-création !", "Slug: un-nouvel-elan-la-co-creation", "Date: ",
                  "Author: Camille Témoin", "Category: Essais", "Tags: à-trier", "Summary: ", "Lang: fr",
                  "Status: draft", "Feed_id: tag:marques-communautes.github.io,"]:
        assert field in text
    assert "+01:00" in text or "+02:00" in text
    check = invoke(project, "check")
    output = check.stdout + check.stderr
    assert check.returncode != 0 and "Traceback" not in output
    for field in ("Summary: = 'Résumé en une ou deux phrases", "Tags: = 'à-trier'", "texte (ligne 12) = \"Premier"):
        line_of(output, "un-nouvel-elan-la-co-creation.md: " + field, "« invoke new » a écrit ce texte à remplacer")
    text = (text.replace("Tags: à-trier", "Tags: conversation")
                .replace("Résumé en une ou deux phrases, affiché dans les listes et les flux.", "Un élan.")
                .replace("Premier paragraphe de l'article.", "Le vrai texte."))
    path.write_text(text, encoding="utf-8")
    assert invoke(project, "check").returncode == 0
    assert invoke(project, "new", "Un nouvel élan : la co-création !").returncode != 0
    assert invoke(project, "new", " ").returncode != 0


@pytest.mark.parametrize("git_name, expected", [("camille temoin", "Author: Camille Témoin\n"), ("Quelqu'un", None)])
def test_invoke_new_defaults_to_the_profile_of_the_git_user(tmp_path, git_name, expected):
    project = project_copy(tmp_path)
    config = tmp_path / "gitconfig"
    config.write_text(f"[user]\n\tname = {git_name}\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "invoke", "new", "Sans auteur"], cwd=project, capture_output=True,
                            text=True, env={**os.environ, "GIT_CONFIG_GLOBAL": str(config),
                                            "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path)})
    path = project / "content" / "articles" / "sans-auteur.md"
    if expected:
        assert result.returncode == 0, result.stderr
        assert expected in path.read_text(encoding="utf-8")
    else:  # no profile has that name: no default that would fail, the writer is told which names exist
        assert result.returncode != 0 and not path.exists()
        assert "--author" in result.stderr and "Camille Témoin" in result.stderr
