"""The site's promises, tried as a hostile user would, on real builds of the fixture site."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, copy_site, invoke, project_copy, run_pelican

pytestmark = pytest.mark.build


def flat(build) -> str:
    return " ".join(build.log.split())


def contribution(content: Path, ident: str, *lines: str, body: str = "Un avis.") -> Path:
    path = content / "contributions" / "second" / f"{ident}.md"
    header = [f"Id: {ident}", "Article: second", "Date: 2021-06-25 10:00:00+02:00", "Status: approved",
              "Source: Commentaires du site"]
    keys = {line.split(":")[0] for line in lines}
    header = [line for line in header if line.split(":")[0] not in keys] + list(lines)
    path.write_text("\n".join(header) + "\n\n" + body + "\n", encoding="utf-8")
    return path


# 1. Nothing from outside the project is published -------------------------------------------------

def test_a_symlink_out_of_the_repository_fails_the_build_and_the_check(tmp_path):
    project = project_copy(tmp_path)
    (project / "content" / "images" / "env.txt").symlink_to("/proc/self/environ")
    (project / "theme" / "static" / "passwd.css").symlink_to("/etc/passwd")
    build = invoke(project, "build")
    log = " ".join((build.stdout + build.stderr).split())
    assert build.returncode != 0
    assert "content/images/env.txt" in log and "env.txt -> /proc/self/environ" in log and "pointe hors du dépôt" in log
    assert "theme/static/passwd.css" in log and "-> /etc/passwd" in log
    assert not (project / "output").exists()
    check = invoke(project, "check", "--production", "--gates", "links")
    assert check.returncode != 0 and "env.txt -> /proc/self/environ" in check.stdout + check.stderr


def test_a_symlink_inside_the_repository_is_published(tmp_path):
    project = project_copy(tmp_path)
    (project / "content" / "images" / "copie.png").symlink_to(project / "content" / "images" / "public.png")
    assert invoke(project, "build").returncode == 0
    assert (project / "output" / "images" / "copie.png").read_bytes()[:4] == b"\x89PNG"


# 2. No file is silently ignored ------------------------------------------------------------------

def test_misplaced_and_hidden_files_fail_the_build_saying_where_they_belong(tmp_path):
    content = copy_site(tmp_path)
    article = (content / "articles" / "second.md").read_text(encoding="utf-8")
    (content / "notes.md").write_text("# Notes\n", encoding="utf-8")
    (content / "drafts").mkdir()
    (content / "drafts" / "idee.md").write_text(article.replace("Slug: second", "Slug: idee"), encoding="utf-8")
    (content / "divers").mkdir()
    (content / "divers" / "page.html").write_text("<p>x</p>", encoding="utf-8")
    (content / "articles" / "Article.MD").write_text(article.replace("Slug: second", "Slug: autre"), encoding="utf-8")
    (content / "articles" / ".notes.md").write_text(article.replace("Slug: second", "Slug: cache"), encoding="utf-8")
    build = run_pelican(content, tmp_path / "out")
    log = flat(build)
    assert build.returncode != 0
    for name in ("content/notes.md", "content/drafts/idee.md", "content/divers/page.html"):
        assert name in log and "un dossier que la construction ne lit pas" in log
    assert "Article.MD" in log and "renommez-le en Article.md" in log
    assert ".notes.md" in log and "un fichier caché n'est jamais publié ni vérifié" in log
    assert "les articles vont dans content/articles/" in log and "EDITORIAL['ignored_files']" in log


def test_editor_files_are_ignored_quietly_and_listed_files_on_purpose(tmp_path):
    content = copy_site(tmp_path)
    for name in ("second.md~", ".second.md.swp", "#second.md#"):
        (content / "articles" / name).write_text("brouillon d'éditeur", encoding="utf-8")
    (content / "notes.md").write_text("# Notes internes\n", encoding="utf-8")
    build = run_pelican(content, tmp_path / "out", fatal="warnings",
                        overrides={"EDITORIAL": {"authors_path": "authors", "ignored_files": ["notes.md"]}})
    assert build.returncode == 0, build.log
    written = [p.name for p in build.files()]
    assert not any(name.endswith(("~", ".swp", "#")) or name == "notes.md" for name in written)


# 3, 4. The brand never speaks as a reader; only its team signs official replies -------------------

@pytest.mark.parametrize("author", ["La re\u0301daction", "La redaction", "La r\u200bédaction",
                                    "Ｌａ ｒéｄａｃｔｉｏｎ", "La  rédaction", "La rédaction.", "La_rédaction",
                                    "Marques et communautés officiel"])
def test_a_reader_named_like_the_brand_fails_the_build(tmp_path, author):
    content = copy_site(tmp_path)
    path = contribution(content, "c-faux", f"Author: {author}")
    build = run_pelican(content, tmp_path / "out")
    # A zero-width space is refused first as a character no reader can see (blogcore.names.name_problem).
    words = "pas un nom qu'un lecteur peut voir" if "\u200b" in author else "celui de la marque"
    assert build.returncode != 0 and path.name in build.log and words in build.log


def test_an_official_reply_needs_a_member_of_the_team(tmp_path):
    project = project_copy(tmp_path)
    added = invoke(project, "contributions.add", "--article", "second", "--author", "Troll", "--official",
                   "--date", "2021-07-02T08:30:00+02:00", "--source", "e-mail", "--body", "Je suis la marque.")
    assert added.returncode != 0 and "Official: = 'yes'" in added.stderr + added.stdout
    assert not list((project / "content" / "contributions" / "second").glob("c-*.md"))
    path = contribution(project / "content", "c-troll", "Author: Troll", "Official: yes")
    build = run_pelican(project / "content", tmp_path / "out")
    assert build.returncode != 0 and path.name in build.log and "official_authors" in build.log


# 5. No personal data through metadata ------------------------------------------------------------

def test_an_e_mail_address_in_the_source_fails_and_the_task_refuses_it(tmp_path):
    project = project_copy(tmp_path)
    added = invoke(project, "contributions.add", "--article", "second", "--author", "Anne",
                   "--date", "2021-07-02T08:30:00+02:00", "--source", "e-mail de anne.secret@example.fr",
                   "--body", "Bonjour.")
    assert added.returncode != 0 and "Source:" in added.stderr and "donnée personnelle" in added.stderr
    path = contribution(project / "content", "c-mail", "Author: Anne", "Source: e-mail de anne.secret@example.fr")
    build = run_pelican(project / "content", tmp_path / "out")
    assert build.returncode != 0 and path.name in build.log and "Source:" in build.log


def test_personal_data_in_a_body_is_masked_on_the_page(tmp_path):
    content = copy_site(tmp_path)
    contribution(content, "c-corps", "Author: Anne",
                 body="Écrivez à [anne.secret@example.fr](https://example.org/contact) ou au 06 12 34 56 78.")
    build = run_pelican(content, tmp_path / "out")
    assert build.returncode == 0, build.log
    for page in ["second/index.html", "flux/communaute.atom.xml", "contributeur/anne/index.html"]:
        text = build.page(page)
        assert "anne.secret" not in text and "06 12 34 56 78" not in text, page
    assert 'href="https://example.org/contact"' in build.page("second/index.html")


# 7. Dates never crash the build ------------------------------------------------------------------

@pytest.mark.parametrize("where, value", [("contribution", "0001-01-01 00:00+01:00"),
                                          ("article", "9999-12-31 23:30-05:00"),
                                          ("article", "2026-03-29 02:30:00"),
                                          ("contribution", "2021-06-25 10:00:00")])
def test_dates_out_of_range_in_a_gap_or_without_offset_fail_with_the_fix(tmp_path, where, value):
    content = copy_site(tmp_path)
    if where == "contribution":
        path = contribution(content, "c-date", "Author: Anne", f"Date: {value}")
    else:
        path = content / "articles" / "second.md"
        text = path.read_text(encoding="utf-8")
        path.write_text("\n".join(f"Date: {value}" if line.startswith("Date:") else line
                                  for line in text.splitlines()) + "\n", encoding="utf-8")
    build = run_pelican(content, tmp_path / "out", "publishconf.py")
    log = flat(build)
    assert build.returncode != 0 and path.name in log and f"Date: = '{value}'" in log and "Correction :" in log
    assert "ValueError" not in log and "OverflowError" not in log


def test_a_contribution_dated_in_the_future_waits_for_its_day(tmp_path):
    content = copy_site(tmp_path)
    contribution(content, "c-demain", "Author: Anne", "Date: 2999-01-01 10:00:00+01:00", body="Message du futur.")
    build = run_pelican(content, tmp_path / "out", "publishconf.py")
    assert build.returncode == 0, build.log
    for page in ["second/index.html", "communaute/index.html", "flux/communaute.atom.xml"]:
        assert "Message du futur" not in build.page(page)


# 8. Titles that make no slug ---------------------------------------------------------------------

def test_a_title_without_letters_never_makes_a_nameless_file(tmp_path):
    project = project_copy(tmp_path)
    made = invoke(project, "new", "🎉🔥💯", "--author", "Camille Témoin")
    assert made.returncode != 0 and "--slug" in made.stderr
    assert not (project / "content" / "articles" / ".md").exists()
    made = invoke(project, "new", "🎉🔥💯", "--slug", "fete", "--author", "Camille Témoin")
    assert made.returncode == 0 and "Slug: fete" in (project / "content/articles/fete.md").read_text(encoding="utf-8")
    text = (project / "content" / "articles" / "second.md").read_text(encoding="utf-8")
    (project / "content" / "articles" / "second.md").write_text(
        text.replace("Title: Second article", "Title: 🎉🔥💯").replace("Slug: second\n", ""), encoding="utf-8")
    build = run_pelican(project / "content", tmp_path / "out")
    assert build.returncode != 0 and "Title: = '🎉🔥💯'" in build.log and "ajoutez sous le titre une ligne « Slug:" in flat(build)
    assert "outside output path" not in build.log


# 9. Contribution size ----------------------------------------------------------------------------

def test_a_huge_body_fails_the_build_naming_the_file(tmp_path):
    content = copy_site(tmp_path)
    path = contribution(content, "c-enorme", "Author: Anne", body="Bla " * 1_300_000)
    build = run_pelican(content, tmp_path / "out")
    assert build.returncode != 0 and path.name in flat(build) and "'5199999 caractères'" in flat(build)


# 11. Active HTML in articles ---------------------------------------------------------------------

def test_a_script_in_an_article_fails_unless_allowed(tmp_path):
    content = copy_site(tmp_path)
    path = content / "articles" / "second.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n<script>fetch('https://evil.example/')</script>\n",
                    encoding="utf-8")
    build = run_pelican(content, tmp_path / "out")
    assert build.returncode != 0 and "second.md" in build.log and "HTML = '<script>'" in build.log
    allowed = run_pelican(content, tmp_path / "allowed",
                          overrides={"EDITORIAL": {"authors_path": "authors", "allow_scripts": True}})
    assert allowed.returncode == 0, allowed.log


# Active HTML and loads from other hosts, whatever the spelling and the place (issue 25, point 7) ----

def test_active_html_and_foreign_loads_fail_in_every_place_a_writer_publishes(tmp_path):
    content = copy_site(tmp_path)
    files = {
        # an onload after an alt=">" (the old pattern missed it), in an article
        "articles/second.md": '\n<p><img alt=">" onload="alert(1)" src="/images/public.png"></p>\n',
        # a static page, a standalone SVG (run on the site's origin when opened), a stylesheet, an XML file
        "extra/widget.html": '<!DOCTYPE html><html lang="fr"><head><title>w</title></head><body><!-- --!>'
                             '<img src="/x.png" onerror="alert(1)"> --></body></html>',
        "images/anime.svg": '<svg xmlns="http://www.w3.org/2000/svg"><a><set attributeName="href" '
                            'to="javascript:alert(1)"/><text>x</text></a></svg>',
        "images/charge.svg": '<svg xmlns="http://www.w3.org/2000/svg"><image href="/ok.png"><animate '
                             'attributeName="xlink:href" values="/ok.png;https://evil.example/a.png"/></image></svg>',
        "extra/style.css": "body { background: url(ht\\74ps://evil.example/escaped.png); }",
        "extra/entites.xml": '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "&#60;script&#62;">]><x>&e;</x>',
    }
    for name, text in files.items():
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text((path.read_text(encoding="utf-8") if path.exists() else "") + text, encoding="utf-8")
    profile = content / "authors" / "camille-temoin.md"
    profile.write_text(profile.read_text(encoding="utf-8") + '\n<p style="background:url(//evil.example/bio.png)">'
                       "x</p>\n", encoding="utf-8")
    build = run_pelican(content, tmp_path / "out")
    log = flat(build)
    assert build.returncode != 0
    for name, value in [("second.md", "'onload='"), ("widget.html", "'onerror='"),
                        ("anime.svg", "'javascript: (<set attributeName=href>)'"),
                        ("charge.svg", "'https://evil.example/a.png'"), ("style.css", "'https://evil.example/escaped.png'"),
                        ("entites.xml", "<!ENTITY>"), ("camille-temoin.md", "'//evil.example/bio.png'")]:
        assert name in log and value in log, (name, value, build.log)
    assert "sur un autre site sans un clic" in log and "Correction :" in log
    allowed = run_pelican(content, tmp_path / "allowed",
                          overrides={"EDITORIAL": {"authors_path": "authors", "allow_scripts": True}})
    assert allowed.returncode == 0, allowed.log


# 12. Builds leave nothing behind, and the site is readable by a web server ------------------------

def test_an_interrupted_build_leaves_no_temporary_folder_and_the_site_is_world_readable(tmp_path):
    project = project_copy(tmp_path)
    assert invoke(project, "build").returncode == 0
    assert oct((project / "output").stat().st_mode & 0o777) == "0o755"
    before = sorted(p.name for p in project.iterdir())
    process = subprocess.Popen([sys.executable, "-m", "invoke", "build"], cwd=project,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not list(project.glob(".output-new-*")) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert list(project.glob(".output-new-*")), "the build never started"
    process.send_signal(signal.SIGTERM)
    process.wait(30)
    assert sorted(p.name for p in project.iterdir()) == before
    # A build killed outright (SIGKILL) cannot clean up: the next build does.
    os.makedirs(project / ".output-new-999999-abcd")
    assert invoke(project, "build").returncode == 0
    left = list(project.glob(".output-new-*"))
    assert not left, [(p.name, sorted(str(q.relative_to(p)) for q in p.rglob("*"))[:5]) for p in left]


# 12. A damaged cache never blocks a check or a publish ----------------------------------------------

def _damage(cache: Path, how: str) -> list[str]:
    damaged = []
    for path in sorted(p for p in cache.iterdir() if p.name != "settings.fingerprint"):
        if how == "truncated":
            path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
        elif how == "random":
            path.write_bytes(random.Random(path.name).randbytes(4096))
        else:
            path.unlink()
            path.mkdir()
            (path / "x").write_text("?", encoding="utf-8")
        damaged.append(path.name)
    return damaged


@pytest.mark.parametrize("how", ["truncated", "random", "folder"])
def test_a_damaged_cache_is_discarded_with_a_warning_that_fails_nothing(tmp_path, how):
    project = project_copy(tmp_path)
    assert invoke(project, "build").returncode == 0
    cache = project / "cache" / "preview"
    damaged = _damage(cache, how)
    assert "ArticlesGenerator-Readers" in damaged and "community-bodies.json" in damaged
    built = invoke(project, "build")
    assert built.returncode == 0, built.stdout + built.stderr
    warnings = [line for line in built.stderr.splitlines() if line.startswith("WARNING [sitebuild]")]
    assert len(warnings) == len(damaged) and all("removed (it is rebuilt)" in line for line in warnings)
    assert invoke(project, "check").returncode == 0
    _damage(cache, how)
    checked = invoke(project, "check")
    assert checked.returncode == 0 and "WARNING [sitebuild]" in checked.stderr
    assert invoke(project, "build").returncode == 0 and "WARNING" not in invoke(project, "build").stderr


def test_a_cache_folder_replaced_by_a_file_fails_nothing(tmp_path):
    project = project_copy(tmp_path)
    (project / "cache").mkdir()
    (project / "cache" / "production").write_text("pas un dossier", encoding="utf-8")
    checked = invoke(project, "check", "--production", "--gates", "links,feeds")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "was a file, not a cache folder" in checked.stderr and (project / "cache" / "production").is_dir()
