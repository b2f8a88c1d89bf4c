"""The public history of every text, from a real git repository, on a real production build.

A repository holds the fixture site and a history written to try every
promise of the history (issue 25, points 1-3) the way a hostile or careless
team would break it: a draft paragraph committed then removed before
publishing, a draft "renamed" by git into a new article, an article deleted
and another created at its name, a file overwritten by another article, a
Markdown comment, a commit that changes only the tags, a branch whose
intermediate states were never online, a date in the future replaced before
it came, a disclosure, links to files deleted since, a public note, commit
messages and authors that must never be published, and a version withheld
for a legal reason. Every text that must stay unpublished carries a word of
its own, searched for in every file the build writes (search index
included). The same commit builds the same bytes from another clone; a
shallow clone fails with the fix; a folder outside git has no history. The
real site is checked against its own repository, and the gates pass with a
withheld version on its own settings.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURE_SITE, ROOT, Build
from htmlcheck import soup, text_of

# One worker runs this file: its tests share module-scoped builds (README, "For developers").
pytestmark = [pytest.mark.build]

SITE = "https://marques-communautes.github.io"
NOTE = "Un paragraphe sur la source a été ajouté."
AUTHOR, EMAIL = "Quentin Commiteur", "quentin.commiteur@example.org"
# Words that only texts readers never saw carry: none may be in anything the build writes.
NEVER_PUBLIC = {
    "draft paragraph": "Paragraphedebrouillon",
    "draft renamed into an article": "Ideebrouillonnee",
    "article deleted, another at its name": "Texteancienefface",
    "article overwritten by another": "Textereemplacesurplace",
    "Markdown comment": "Commentaireinterne",
    "comment changed": "Commentairemodifie",
    "state on a branch": "Etatdebranchejamaisenligne",
    "future date replaced before it came": "Textefuturjamaislu",
    "trailer in a commit body": "Bandeauducommit",
}
WITHHELD = "Passageillicite"
FEED_ID = "tag:marques-communautes.github.io,2023-02-01:{}"


def git(repo: Path, *args: str, when: str | None = None) -> str:
    """Run git in `repo` as a named team member, at a fixed time."""
    env = {**os.environ, "GIT_AUTHOR_NAME": AUTHOR, "GIT_AUTHOR_EMAIL": EMAIL,
           "GIT_COMMITTER_NAME": AUTHOR, "GIT_COMMITTER_EMAIL": EMAIL}
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    result = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def commit(repo: Path, number: int, subject: str, when: str) -> str:
    """Commit everything with a subject and a body no reader may see; the full hash."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"{subject} (interne-{number})", "-m",
        f"Corps-du-commit-{number}: detail for the team only.\n\nNote-de-modification: Bandeauducommit {number}",
        when=when)
    return git(repo, "rev-parse", "HEAD").strip()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def article(title: str, slug: str, token: str, body: str, *, date: str = "2023-02-01 10:00:00+01:00",
            extra: str = "") -> str:
    return (f"Title: {title}\nSlug: {slug}\nDate: {date}\nAuthor: Camille Témoin\nCategory: Essais\n"
            f"Tags: conversation\nSummary: Un texte de l'historique.\nLang: fr\nFeed_id: {FEED_ID.format(token)}\n"
            f"{extra}\n{body}\n")


LONG = ("Ce texte assez long sert à ce que git reconnaisse le fichier quand il change de nom : il garde "
        "la plupart de ses lignes, une phrase après l'autre, comme un vrai article qu'on déplace.\n\n" * 4)


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A repository with the fixture site and a history that tries every promise; the named commits."""
    root = tmp_path_factory.mktemp("history") / "repo"
    shutil.copytree(FIXTURE_SITE / "content", root / "content")
    a = root / "content" / "articles"
    c: dict[str, str] = {}
    git(root, "init", "-q", "-b", "main")
    c["import"] = commit(root, 1, "Import the fixture site", "2023-01-02T10:00:00+01:00")
    edit(a / "second.md", "Un texte court ; avec une correction.", "Un texte bref ; avec une correction.")
    c["shorter"] = commit(root, 2, "Second: a shorter word", "2023-01-03T10:00:00+01:00")
    edit(a / "premier-article.md", "![Schéma public]", "La source est citée plus bas.\n\n![Schéma public]")
    edit(a / "premier-article.md", "Lang: fr\n", f"Lang: fr\nNote-de-modification: {NOTE}\n")
    c["noted"] = commit(root, 3, "Premier: say where the source is", "2023-01-04T10:00:00+01:00")
    git(root, "mv", "content/articles/second.md", "content/articles/deuxieme.md")
    edit(a / "premier-article.md", "{filename}second.md", "{filename}deuxieme.md")
    c["rename"] = commit(root, 4, "Rename second.md to deuxieme.md", "2023-01-05T10:00:00+01:00")
    git(root, "checkout", "-q", "-b", "side")
    edit(root / "content" / "pages" / "a-propos.md", "rien de plus.", "rien de plus. Etatdebranchejamaisenligne.")
    commit(root, 5, "A propos: a word on a branch", "2023-01-06T10:00:00+01:00")
    edit(root / "content" / "pages" / "a-propos.md", "rien de plus. Etatdebranchejamaisenligne.",
         "rien de plus, vraiment.")
    commit(root, 6, "A propos: the word readers will read", "2023-01-06T11:00:00+01:00")
    git(root, "checkout", "-q", "main")
    edit(a / "deuxieme.md", "Une lectrice", "Une lectrice attentive")
    c["adjective"] = commit(root, 7, "Deuxieme: an adjective", "2023-01-07T10:00:00+01:00")
    git(root, "merge", "-q", "--no-ff", "side", "-m", "Merge side (interne-8)", when="2023-01-08T10:00:00+01:00")
    c["merge"] = git(root, "rev-parse", "HEAD").strip()

    # A draft paragraph committed, then removed before the article is published.
    (a / "publie-tard.md").write_text(article("Publié tard", "publie-tard", "00000001",
                                              "Le texte public.\n\nParagraphedebrouillon à retirer.",
                                              extra="Status: draft\n"), encoding="utf-8")
    commit(root, 9, "Draft with a paragraph", "2023-02-01T10:00:00+01:00")
    edit(a / "publie-tard.md", "\n\nParagraphedebrouillon à retirer.", "")
    commit(root, 10, "Draft without it", "2023-02-02T10:00:00+01:00")
    edit(a / "publie-tard.md", "Status: draft\n", "")
    c["late"] = commit(root, 11, "Publish it", "2023-02-03T10:00:00+01:00")

    # A file only ever a draft, that git sees renamed into a new article; an article deleted; one overwritten.
    (a / "idee.md").write_text(article("Une idée", "une-idee", "00000002", LONG + "Ideebrouillonnee.",
                                       extra="Status: draft\n"), encoding="utf-8")
    (a / "ancien.md").write_text(article("Ancien", "ancien", "00000003", "Texteancienefface."), encoding="utf-8")
    (a / "remplace.md").write_text(article("Remplacé", "remplace", "00000004", "Textereemplacesurplace."),
                                   encoding="utf-8")
    commit(root, 12, "Three more texts", "2023-02-04T10:00:00+01:00")
    git(root, "mv", "content/articles/idee.md", "content/articles/renomme.md")
    (a / "renomme.md").write_text(article("Un article né d'un brouillon", "renomme", "00000002", LONG),
                                  encoding="utf-8")
    (a / "remplace.md").write_text(article("Un autre article", "remplace", "00000005", "Un texte tout neuf."),
                                   encoding="utf-8")
    git(root, "rm", "-q", "content/articles/ancien.md")
    c["renamed"] = commit(root, 13, "Publish the idea, replace one, delete one", "2023-02-05T10:00:00+01:00")
    (a / "ancien.md").write_text(article("Nouveau à l'ancien nom", "nouveau-ancien", "00000006",
                                         "Un texte sans rapport."), encoding="utf-8")
    c["reborn"] = commit(root, 14, "A new text at the old name", "2023-02-06T10:00:00+01:00")

    # A Markdown comment, header fields, and commits that change nothing readers see.
    (a / "commente.md").write_text(article("Commenté", "commente", "00000007",
                                           "Un **texte** commenté.\n\n[//]: # (Commentaireinterne : à revoir)"),
                                   encoding="utf-8")
    c["commented"] = commit(root, 15, "A commented text", "2023-02-07T10:00:00+01:00")
    edit(a / "commente.md", "Commentaireinterne", "Commentairemodifie")
    edit(a / "commente.md", "Tags: conversation", "Tags: conversation, coulisses")
    edit(a / "commente.md", "Summary: Un texte de l'historique.", "Summary: Un résumé revu.")
    c["comment changed"] = commit(root, 16, "Only the comment, the tags, the summary", "2023-02-08T10:00:00+01:00")
    edit(a / "commente.md", "Un **texte** commenté.", "Un **texte** commenté, et relu.")
    c["reread"] = commit(root, 17, "A word readers see", "2023-02-09T10:00:00+01:00")

    # A disclosure, then a change that drops it.
    (a / "partenaire.md").write_text(article("Avec un partenaire", "partenaire", "00000008",
                                             "Un texte [chez le partenaire](https://maison-x.example/offre).",
                                             extra="Partnership: collaboration\nSponsor: Maison X\n"
                                                   "Sponsor_url: https://maison-x.example/\n"), encoding="utf-8")
    c["sponsored"] = commit(root, 18, "Sponsored text", "2023-02-10T10:00:00+01:00")
    edit(a / "partenaire.md", "Partnership: collaboration\nSponsor: Maison X\nSponsor_url: https://maison-x.example/\n",
         "")
    edit(a / "partenaire.md", "Un texte [chez le partenaire](https://maison-x.example/offre).", "Un texte sans lien.")
    c["unsponsored"] = commit(root, 19, "No partner any more", "2023-02-11T10:00:00+01:00")

    # Links to a text and an image deleted since.
    (a / "cible.md").write_text(article("Cible", "cible", "00000009", "La cible."), encoding="utf-8")
    shutil.copy(root / "content" / "images" / "public.png", root / "content" / "images" / "cible.png")
    (a / "lie.md").write_text(article("Lié", "lie", "0000000a", "Voir [la cible]({filename}cible.md) et "
                                      "[le premier]({filename}premier-article.md).\n\n"
                                      "![Image de la cible]({static}/images/cible.png)"), encoding="utf-8")
    c["linked"] = commit(root, 20, "Linked texts", "2023-02-12T10:00:00+01:00")
    git(root, "rm", "-q", "content/articles/cible.md", "content/images/cible.png")
    (a / "lie.md").write_text(article("Lié", "lie", "0000000a", "Voir [le premier]({filename}premier-article.md)."),
                              encoding="utf-8")
    c["unlinked"] = commit(root, 21, "The target goes", "2023-02-13T10:00:00+01:00")

    # A date in the future, replaced before it came.
    (a / "futur-remplace.md").write_text(article("Futur", "futur-remplace", "0000000b", "Textefuturjamaislu.",
                                                 date="2099-01-01 10:00:00+01:00"), encoding="utf-8")
    commit(root, 22, "Scheduled", "2023-02-14T10:00:00+01:00")
    (a / "futur-remplace.md").write_text(article("Futur", "futur-remplace", "0000000b", "Le texte du jour.",
                                                 date="2023-02-15 09:00:00+01:00"), encoding="utf-8")
    c["unscheduled"] = commit(root, 23, "Published today instead", "2023-02-15T10:00:00+01:00")

    # A passage a legal request will withhold.
    (a / "retrait.md").write_text(article("Retrait", "retrait", "0000000c", "Premier état."), encoding="utf-8")
    c["before"] = commit(root, 24, "Text to withhold from", "2023-02-16T10:00:00+01:00")
    edit(a / "retrait.md", "Premier état.", f"Premier état. {WITHHELD} sur une personne.")
    edit(a / "retrait.md", "Lang: fr\n", "Lang: fr\nNote-de-modification: Une phrase sur une personne.\n")
    c["withheld"] = commit(root, 25, "The passage", "2023-02-17T10:00:00+01:00")
    edit(a / "retrait.md", f"Premier état. {WITHHELD} sur une personne.", "Premier état. Deuxième ajout.")
    c["after"] = commit(root, 26, "Passage removed", "2023-02-18T10:00:00+01:00")
    return root, c


def build_from(content: Path, output: Path, env: dict | None = None, overrides: dict | None = None,
               cwd: Path = ROOT, settings: Path = ROOT / "publishconf.py") -> Build:
    command = [sys.executable, "-m", "pelican", str(content), "-s", str(settings), "-o", str(output),
               "--fatal", "warnings", "--ignore-cache", "--verbose"]
    # Its cache beside its output unless the test gives one: never the repository's cache/, which
    # other builds (tests running in parallel, the writer's) share.
    overrides = {"CACHE_PATH": str(Path(output).parent / f"{Path(output).name}-cache"), **(overrides or {})}
    for key, value in overrides.items():
        command += ["-e", f"{key}={json.dumps(value)}"]
    # DEPLOYED_FROM (publishconf.py): a test that wants the deploys read gives it in `env`.
    clean = {k: v for k, v in os.environ.items()
             if k not in ("SITEURL", "PYTHONHASHSEED", "TZ", "DEPLOYED_FROM", "DEPLOYED_BRANCH")}
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                            env={**clean, "COLUMNS": "400", **(env or {})})
    return Build(result.returncode, output, result.stdout + result.stderr)


def withholding(reasons: dict[str, str]) -> dict:
    """The fixture site's TRANSPARENCY settings (pelicanconf.py's) with versions withheld."""
    return {"affiliate_domains": [], "withheld_versions": reasons}


@pytest.fixture(scope="module")
def built(repo, tmp_path_factory) -> Build:
    build = build_from(repo[0] / "content", tmp_path_factory.mktemp("history-out") / "out")
    assert build.returncode == 0, build.log
    return build


@pytest.fixture(scope="module")
def withheld_build(repo, tmp_path_factory) -> Build:
    reason = "Retirée à la demande d’une personne citée (décision du 20 février 2023)."
    build = build_from(repo[0] / "content", tmp_path_factory.mktemp("withheld-out") / "out",
                       overrides={"TRANSPARENCY": withholding({repo[1]["withheld"][:10]: reason})})
    assert build.returncode == 0, build.log
    return build


def history_lines(build: Build, url_path: str) -> list:
    section = soup(build.output / url_path / "index.html").select_one("section#historique")
    return section.select("li.history__item")


def shown_ids(build: Build, url_path: str) -> list[str]:
    """The version ids of a text's history, newest first."""
    return [li.select_one("code").get_text() if li.select_one("code") else "retirée"
            for li in history_lines(build, url_path)]


def every_text(output: Path) -> str:
    """Everything the build wrote, as text (compressed search fragments opened)."""
    parts = []
    for path in sorted(p for p in output.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        parts.append(data.decode("utf-8", "replace"))
    return "\n".join(parts)


def ids(c: dict[str, str], *names: str) -> list[str]:
    return [c[name][:10] for name in names]


# ------------------------------------------------------------------ 1. published states only

def test_a_history_lists_the_states_readers_saw_once_each(repo, built):
    _, c = repo
    assert shown_ids(built, "premier-article") == ids(c, "noted", "import"), "the rename changed nothing readers saw"
    assert shown_ids(built, "second") == ids(c, "adjective", "shorter", "import"), "renames followed"
    assert shown_ids(built, "commente") == ids(c, "reread", "commented"), "a comment, tags, a summary: no version"
    assert shown_ids(built, "a-propos") == ids(c, "merge", "import"), "a branch counts from its merge"
    lines = history_lines(built, "a-propos")
    assert lines[0].time["datetime"] == "2023-01-08T10:00:00+01:00"


def test_a_draft_paragraph_never_published_appears_nowhere(repo, built):
    _, c = repo
    assert shown_ids(built, "publie-tard") == ids(c, "late")
    page = soup(built.output / "publie-tard" / "versions" / c["late"][:10] / "index.html")
    assert "Le texte public." in text_of(page) and "C’est la première version publiée" in text_of(page)


def test_a_draft_renamed_an_article_deleted_or_overwritten_give_no_history(repo, built):
    _, c = repo
    assert shown_ids(built, "renomme") == ids(c, "renamed"), "the draft it was renamed from was never public"
    assert shown_ids(built, "nouveau-ancien") == ids(c, "reborn"), "git rm ended the old text's history"
    assert shown_ids(built, "remplace") == ids(c, "renamed"), "another Feed_id is another text"
    assert shown_ids(built, "futur-remplace") == ids(c, "unscheduled"), "its first date never came"


@pytest.mark.parametrize("case", sorted(NEVER_PUBLIC))
def test_what_readers_never_saw_is_in_no_file_of_the_build(built, case):
    assert NEVER_PUBLIC[case] not in every_text(built.output), case


def test_version_pages_show_the_rendered_text_and_only_the_header_readers_saw(repo, built):
    _, c = repo
    for commit_name in ("commented", "reread"):
        html = built.page(f"commente/versions/{c[commit_name][:10]}/index.html")
        page = soup(built.output / "commente" / "versions" / c[commit_name][:10] / "index.html")
        assert page.select_one(".version__prose strong").get_text() == "texte", "Markdown is rendered"
        for raw in ("**", "[//]", "Feed_id", FEED_ID.format("00000007"), "Tags", "coulisses", "Summary",
                    "Un résumé revu", "Lang", "Slug", "Status"):
            assert raw not in html, (commit_name, raw)
    changed = soup(built.output / "commente" / "versions" / c["reread"][:10] / "index.html")
    assert [i.get_text() for i in changed.select("div.diff del, div.diff ins")] == [
        "[suppression\u00a0: commenté.]", "[ajout\u00a0: commenté, et relu.]"]
    assert "Ni le titre ni ce qui entoure le texte" in text_of(changed)
    first = soup(built.output / "second" / "versions" / c["import"][:10] / "index.html")
    facts = {dt.get_text(): dt.find_next("dd").get_text() for dt in first.select(".version__header dt")}
    assert facts == {"Auteur": "Camille Témoin", "Publié le": "15 juin 2021"}
    assert first.select_one(".corrections--top .correction__label").get_text().startswith("Rectificatif du")
    # French typography as on the article (a narrow no-break space before « ; »)
    assert "Un texte court\u202f; avec une correction." in first.select_one(".version__prose").get_text()


def test_the_word_diff_compares_what_readers_read(repo, built):
    _, c = repo
    page = soup(built.output / "second" / "versions" / c["shorter"][:10] / "index.html")
    diff = page.select_one("div.diff")
    assert [d.get_text() for d in diff.select("del")] == ["[suppression\u00a0: court\u202f;]"]
    assert [i.get_text() for i in diff.select("ins")] == ["[ajout\u00a0: bref\u202f;]"]
    assert "{filename}" not in diff.get_text() and "Un texte" in diff.get_text()
    assert page.select_one('meta[name="robots"]')["content"] == "noindex"
    assert page.select_one('nav.version__nav a[rel="prev"]')["href"].endswith(f"/second/versions/{c['import'][:10]}/")


def test_a_version_shows_the_disclosure_it_had_with_the_articles_own_mention(repo, built):
    _, c = repo
    sponsored = soup(built.output / "partenaire" / "versions" / c["sponsored"][:10] / "index.html")
    mention = sponsored.select_one("p.disclosure strong").get_text()
    assert mention == "Publicité — collaboration commerciale avec Maison X"
    assert sponsored.select_one("p.disclosure").find_next("h1") is not None, "before the title"
    assert "sponsored" in sponsored.select_one('.version__prose a[href^="https://maison-x.example"]')["rel"]
    after = soup(built.output / "partenaire" / "versions" / c["unsponsored"][:10] / "index.html")
    assert after.select_one("p.disclosure") is None
    rows = {tr.th.get_text(): [td.get_text() for td in tr.select("td")]
            for tr in after.select(".version__fields tbody tr")}
    assert rows["Mention"] == [mention, "(retiré)"]


def test_links_to_files_deleted_since_keep_their_words_and_break_nothing(repo, built):
    _, c = repo
    page = soup(built.output / "lie" / "versions" / c["linked"][:10] / "index.html")
    prose = page.select_one(".version__prose")
    assert "la cible" in prose.get_text() and not prose.select('a[href*="cible"]') and not prose.select("img")
    assert "[image\u00a0: Image de la cible]" in prose.get_text()
    assert prose.select_one("a")["href"] == f"{SITE}/premier-article/"
    assert "Unable to find" not in built.log


def test_the_same_commit_builds_the_same_bytes_from_another_clone(repo, built, tmp_path):
    clone = tmp_path / "elsewhere" / "clone"
    subprocess.run(["git", "clone", "-q", str(repo[0]), str(clone)], check=True)
    (tmp_path / "cwd").mkdir()
    again = build_from(clone / "content", tmp_path / "b", env={"PYTHONHASHSEED": "7", "TZ": "Pacific/Auckland"},
                       cwd=tmp_path / "cwd")
    assert again.returncode == 0, again.log
    first = sorted(p.relative_to(built.output).as_posix() for p in built.output.rglob("*") if p.is_file())
    second = sorted(p.relative_to(again.output).as_posix() for p in again.output.rglob("*") if p.is_file())
    assert first == second and any("/versions/" in name for name in first)
    different = [name for name in first if (built.output / name).read_bytes() != (again.output / name).read_bytes()]
    assert different == []


# ------------------------------------------------------------------ 2. the public note, never the commit

def test_each_line_shows_its_date_and_the_public_note_or_a_neutral_label(repo, built):
    lines = history_lines(built, "premier-article")
    noted, first = lines
    assert noted.time["datetime"] == "2023-01-04T10:00:00+01:00" and noted.time.get_text() == "4 janvier 2023"
    assert noted.select_one(".history__note").get_text(" ", strip=True) == f"Note de modification\u00a0: {NOTE}"
    assert first.select_one(".history__label").get_text() == "Première version publiée"
    second = history_lines(built, "second")
    assert second[0].select_one(".history__label").get_text() == "Modification sans note de la rédaction"
    retrait = history_lines(built, "retrait")
    assert [li.select_one(".history__note, .history__label").get_text(" ", strip=True) for li in retrait] == [
        "Modification sans note de la rédaction", "Note de modification\u00a0: Une phrase sur une personne.",
        "Première version publiée"], "a note is shown on the version that introduced it, once"


def test_no_commit_subject_body_author_email_or_hash_is_published(repo, built):
    root, _ = repo
    everything = every_text(built.output)
    log = git(root, "log", "--all", "--format=%H%x00%s%x00%b%x00%an%x00%ae%x1e")
    for record in filter(str.strip, log.split("\x1e")):
        full, subject, body, name, email = (part.strip() for part in record.split("\x00"))
        for secret in (full, subject, name, email, *filter(None, body.splitlines())):
            assert secret not in everything, secret
    assert "interne-" not in everything and "Corps-du-commit" not in everything
    for path in built.output.rglob("*.html"):
        assert not soup(path).select('#historique [lang="en"], .version [lang="en"]'), path


def test_only_a_new_public_note_moves_mis_a_jour_le(built):
    updated = soup(built.output / "premier-article" / "index.html").select_one(".byline__updated")
    assert updated.time["datetime"] == "2023-01-04T10:00:00+01:00"
    assert "Mis à jour le 4 janvier 2023" in updated.get_text() and NOTE in updated.get_text()
    assert soup(built.output / "second" / "index.html").select_one(".byline__updated") is None
    retrait = soup(built.output / "retrait" / "index.html").select_one(".byline__updated")
    assert retrait.time["datetime"] == "2023-02-17T10:00:00+01:00", "the newest version with a note"
    # feeds keep a correction's date, never a version's
    assert "<updated>2021-07-01T09:00:00+02:00</updated>" in built.page("flux/site.atom.xml")


def test_a_note_the_build_cannot_publish_fails_naming_the_file_and_the_fix(repo, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(repo[0] / "content", content)
    edit(content / "articles" / "retrait.md", "Note-de-modification: Une phrase sur une personne.",
         "Note-de-modification: " + "Une phrase trop longue. " * 20)
    build = build_from(content, tmp_path / "out")
    log = " ".join(build.log.split())
    assert build.returncode != 0 and "retrait.md" in log and "Note-de-modification:" in log and "280" in log


# ------------------------------------------------------------------ 3. withholding

def test_a_withheld_version_keeps_a_dated_line_and_loses_its_text_everywhere(repo, withheld_build):
    _, c = repo
    out = withheld_build.output
    assert WITHHELD not in every_text(out) and "Une phrase sur une personne" not in every_text(out)
    assert not (out / "retrait" / "versions" / c["withheld"][:10]).exists()
    line = history_lines(withheld_build, "retrait")[1]
    assert line.time["datetime"] == "2023-02-17T10:00:00+01:00" and line.a is None and line.code is None
    assert line.get_text(" ", strip=True).endswith(
        "Version retirée\u00a0: Retirée à la demande d’une personne citée (décision du 20 février 2023).")
    assert soup(out / "retrait" / "index.html").select_one(".byline__updated") is None


def test_the_versions_around_a_withheld_one_link_and_compare_to_each_other(repo, withheld_build):
    _, c = repo
    out = withheld_build.output
    after = soup(out / "retrait" / "versions" / c["after"][:10] / "index.html")
    assert after.select_one('a[rel="prev"]')["href"] == f"{SITE}/retrait/versions/{c['before'][:10]}/"
    assert [i.get_text() for i in after.select("div.diff ins")] == ["[ajout\u00a0:  Deuxième ajout.]"]
    assert not after.select("div.diff del")
    assert "Une version retirée pour une raison de droit précède celle-ci" in text_of(after)
    before = soup(out / "retrait" / "versions" / c["before"][:10] / "index.html")
    assert before.select_one('a[rel="next"]')["href"] == f"{SITE}/retrait/versions/{c['after'][:10]}/"
    pointing = [p for p in out.rglob("*.html") if f"versions/{c['withheld'][:10]}" in p.read_text(encoding="utf-8")]
    assert pointing == []


def test_withheld_versions_are_counted_apart_in_the_figures(repo, withheld_build):
    import jsonschema

    data = json.loads(withheld_build.page("transparence.json"))
    jsonschema.Draft202012Validator(json.loads(withheld_build.page("transparence.schema.json"))).validate(data)
    retrait = next(a for a in data["revisions"]["articles"] if a["url"].endswith("/retrait/"))
    assert retrait == {"title": "Retrait", "url": f"{SITE}/retrait/", "revisions": 2, "withheld": 1,
                       "mention": None}
    assert data["revisions"]["withheld"] == 1
    figures = text_of(soup(withheld_build.output / "transparence" / "index.html"))
    assert "1 version retirée pour une raison de droit reste datée dans l’historique" in figures


def test_the_gates_pass_with_a_withheld_version(repo, withheld_build):
    """HTML and links on every page; accessibility on the version pages of every kind (diffs, tables, notes)."""
    from publishing import browsergate, gates, htmlgate
    from publishing.site import Site

    missing = htmlgate.tools_missing() + browsergate.tools_missing()
    if missing:
        pytest.skip(f"missing {', '.join(missing)}: scripts/setup --test installs it")
    _, c = repo
    pages = tuple(f"{slug}/versions/{c[name][:10]}/" for slug, name in (
        ("retrait", "before"), ("retrait", "after"), ("partenaire", "sponsored"), ("partenaire", "unsponsored"),
        ("lie", "linked"), ("commente", "reread"))) + ("retrait/",)
    site = Site(withheld_build.output, SITE)
    results = gates.run_gates(site, ("html", "links", "a11y"), pages=pages)
    assert all(result.ok for result in results), gates.report(results, site)


def test_a_withheld_entry_stays_in_force_while_its_text_is_unpublished(repo, tmp_path):
    """Unpublishing the text does not make the entry an error to remove; republishing it keeps the passage out."""
    _, c = repo
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo[0]), str(clone)], check=True)
    settings = {"TRANSPARENCY": withholding({c["withheld"][:10]: "Décision de justice."})}
    edit(clone / "content" / "articles" / "retrait.md", "Lang: fr\n", "Lang: fr\nStatus: draft\n")
    commit(clone, 27, "Unpublish", "2023-03-01T10:00:00+01:00")
    hidden = build_from(clone / "content", tmp_path / "unpublished", overrides=settings)
    assert hidden.returncode == 0, hidden.log
    assert not (hidden.output / "retrait").exists() and WITHHELD not in every_text(hidden.output)
    edit(clone / "content" / "articles" / "retrait.md", "Status: draft\n", "")
    commit(clone, 28, "Publish again", "2023-03-02T10:00:00+01:00")
    again = build_from(clone / "content", tmp_path / "republished", overrides=settings)
    assert again.returncode == 0, again.log
    assert WITHHELD not in every_text(again.output)
    line = history_lines(again, "retrait")[1].get_text(" ", strip=True)
    assert "Version retirée\u00a0: Décision de justice." in line


@pytest.mark.parametrize("which, expected", [
    ("unknown", "no commit of the texts' history has this id"),
    ("comment changed", "is part of the version {commented} of commente/"),
    ("after", "this is the text online today at retrait/"),
])
def test_a_withheld_id_that_would_withhold_nothing_or_the_text_online_fails(repo, tmp_path, which, expected):
    """A typo, the commit of a state inside a version, or the text readers read today: the build says so."""
    _, c = repo
    key = "0123456789" if which == "unknown" else c[which][:10]
    build = build_from(repo[0] / "content", tmp_path / "out", overrides={"TRANSPARENCY": withholding({key: ""})})
    log = " ".join(build.log.split())
    assert build.returncode != 0 and f"TRANSPARENCY['withheld_versions'][{key!r}]" in log
    assert expected.format(commented=c["commented"][:10]) in log


# ------------------------------------------------------------------ clones and copies

def test_a_shallow_clone_fails_with_the_fix(repo, tmp_path):
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo[0]}", str(shallow)], check=True)
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


# ------------------------------------------------------------------ the real site

def _real_repository() -> None:
    inside = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=ROOT, capture_output=True, text=True)
    if inside.stdout.strip() != "true":
        pytest.skip("the project is not a git checkout here")


def test_the_real_site_shows_versions_never_its_commits(site_production):
    """content/ is in this repository: each version is a commit of its publishing line, no message shows."""
    _real_repository()
    line = set(git(ROOT, "log", "--first-parent", "--format=%H", "--", "content").split())
    texts = [p for p in (ROOT / "content").glob("*/*.md") if p.parent.name in ("articles", "pages")]
    for source in texts:
        slug = re.search(r"^Slug:\s*(\S+)", source.read_text(encoding="utf-8"), re.M).group(1)
        for li in history_lines(site_production, slug):
            code = li.select_one("code").get_text()
            assert any(commit.startswith(code) for commit in line), (source, code)
            assert (site_production.output / slug / "versions" / code / "index.html").is_file()
    everything = every_text(site_production.output)
    subjects = git(ROOT, "log", "--format=%s", "--", "content").splitlines()
    assert subjects and [s for s in subjects if s in everything] == []


def test_the_real_site_passes_the_gates_with_a_withheld_version(site_production, tmp_path):
    """A legal request on the real site's own settings: links and HTML stay valid (issue 25, point 3)."""
    _real_repository()
    from publishing import gates, htmlgate
    from publishing.site import Site

    if htmlgate.tools_missing():
        pytest.skip(f"missing {', '.join(htmlgate.tools_missing())}: scripts/setup --test installs it")
    # A version with a published version on each side, if a text has one (else the oldest of two).
    candidates = []
    for page in sorted(site_production.output.glob("*/index.html")):
        section = soup(page).select_one("section#historique")
        found = [code.get_text() for code in section.select("li code")] if section else []
        if len(found) >= 2:
            candidates.append((len(found) >= 3, page.parent.name, found))
    assert candidates, "the real site has a text with two versions"
    _, slug, found = max(candidates)
    withheld = found[1] if len(found) >= 3 else found[-1]
    settings = tmp_path / "withheld.py"
    reasons = {withheld: "Décision de justice."}
    settings.write_text(f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom publishconf import *  # noqa\n"
                        f"TRANSPARENCY = {{**TRANSPARENCY, 'withheld_versions': {reasons!r}}}\n", encoding="utf-8")
    build = build_from(ROOT / "content", tmp_path / "out", settings=settings,
                       overrides={"CACHE_PATH": str(tmp_path / "cache")})
    assert build.returncode == 0, build.log
    assert not (build.output / slug / "versions" / withheld).exists()
    lines = [li.get_text(" ", strip=True) for li in history_lines(build, slug)]
    assert any(line.endswith("Version retirée\u00a0: Décision de justice.") for line in lines)
    site = Site(build.output, SITE)
    results = gates.run_gates(site, ("html", "links"))
    assert all(result.ok for result in results), gates.report(results, site)
