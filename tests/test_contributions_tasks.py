"""Moderation from the command line: each task only changes files, and the build follows."""

from __future__ import annotations

import json

import pytest

from conftest import SHARED, invoke, project_copy, run_pelican
from htmlcheck import soup

pytestmark = pytest.mark.build


@pytest.fixture
def project(tmp_path):
    return project_copy(tmp_path)


def out(result):
    return " ".join((result.stdout + result.stderr).split())


def add(project, *extra, body="Un avis sincère : merci !"):
    return invoke(project, "contributions.add", "--article", "second", "--author", "Zoé Lectrice",
                  "--date", "2021-07-02T08:30:00+02:00", "--source", "e-mail à la rédaction",
                  "--body", body, *extra)


def test_add_creates_a_pending_file_and_prints_its_id_last(project):
    result = add(project)
    assert result.returncode == 0, out(result)
    ident = result.stdout.strip().splitlines()[-1].split()[-1]
    path = project / "content" / "contributions" / "second" / f"{ident}.md"
    text = path.read_text(encoding="utf-8")
    assert f"Id: {ident}" in text and "Status: pending" in text and "Author: Zoé Lectrice" in text
    assert "Date: 2021-07-02 08:30:00+02:00" in text and "Source: e-mail à la rédaction" in text
    listed = invoke(project, "contributions.list", "--status", "pending")
    assert ident in listed.stdout and "Zoé Lectrice" in listed.stdout


def test_pending_is_unpublished_until_approved_then_published(project, tmp_path):
    ident = add(project).stdout.split()[-1]
    build = run_pelican(project / "content", tmp_path / "before")
    assert build.returncode == 0 and "Un avis sincère" not in build.page("second/index.html")
    approved = invoke(project, "contributions.approve", ident, "--moderator", "Modo Test")
    assert approved.returncode == 0, out(approved)
    text = (project / "content" / "contributions" / "second" / f"{ident}.md").read_text(encoding="utf-8")
    assert "Status: approved" in text and "Moderator: Modo Test" in text and "Moderated_at: " in text
    build = run_pelican(project / "content", tmp_path / "after")
    assert soup(build.output / "second" / "index.html").select_one(f"#contribution-{ident}")


def approve_and_build_with_caches(project, tmp_path):
    """Add and approve a contribution, build once with caches in tmp_path: (id, cache settings, build)."""
    ident = add(project).stdout.split()[-1]
    assert invoke(project, "contributions.approve", ident).returncode == 0
    caches = {"CACHE_PATH": str(tmp_path / "cache")}
    build = run_pelican(project / "content", tmp_path / "first", overrides=caches)
    assert build.returncode == 0, build.log
    return ident, caches, build


def test_moderation_changes_reach_a_build_with_warm_caches(project, tmp_path):
    # The build caches Pelican's read articles and the rendered bodies;
    # a decision taken after a build must still win on the next one, with the same caches.
    ident, caches, build = approve_and_build_with_caches(project, tmp_path)
    assert "Un avis sincère" in build.page("second/index.html")
    assert "community-bodies.json" in [p.name for p in (tmp_path / "cache").iterdir()]
    rejected = invoke(project, "contributions.reject", ident, "--reason", "hors sujet")
    assert rejected.returncode == 0, out(rejected)
    build = run_pelican(project / "content", tmp_path / "rejected", overrides=caches)
    assert build.returncode == 0, build.log
    assert "Un avis sincère" not in build.page("second/index.html")
    assert not soup(build.output / "second" / "index.html").select_one(f"#contribution-{ident}")
    assert "Un avis sincère" not in build.page("communaute/index.html")


def test_edits_reach_every_page_with_warm_caches(project, tmp_path):
    # Articles and bodies come from the caches: an edited body and a renamed
    # article must show everywhere all the same.
    ident, caches, build = approve_and_build_with_caches(project, tmp_path)
    assert "Un avis sincère" in build.page("contributeur/zoe-lectrice/index.html")
    contribution = project / "content" / "contributions" / "second" / f"{ident}.md"
    contribution.write_text(contribution.read_text(encoding="utf-8").replace("Un avis sincère", "Un avis révisé"),
                            encoding="utf-8")
    article = project / "content" / "articles" / "second.md"
    title = next(line for line in article.read_text(encoding="utf-8").splitlines() if line.startswith("Title:"))
    article.write_text(article.read_text(encoding="utf-8").replace(title, "Title: Un titre tout neuf"),
                       encoding="utf-8")
    build = run_pelican(project / "content", tmp_path / "second", overrides=caches)
    assert build.returncode == 0, build.log
    for page in ("second/index.html", "contributeur/zoe-lectrice/index.html", "communaute/index.html"):
        text = build.page(page)
        assert "Un avis révisé" in text and "Un avis sincère" not in text, page
    for page in ("contributeur/zoe-lectrice/index.html", "communaute/index.html"):
        assert "Un titre tout neuf" in build.page(page), page


def test_a_lost_bodies_cache_is_written_back_with_every_body_feeds_included(project, tmp_path):
    # The bodies cache is saved once every generator has run: the bodies that only
    # the feeds show are in it too, so a lost file is rebuilt whole by the next build.
    ident, caches, build = approve_and_build_with_caches(project, tmp_path)
    stored = tmp_path / "cache" / "community-bodies.json"
    first = json.loads(stored.read_text(encoding="utf-8"))["bodies"]
    published = [line for line in build.page("flux/communaute.atom.xml").splitlines() if "<entry>" in line]
    assert len(first) >= len(published) > 0
    stored.unlink()
    again = run_pelican(project / "content", tmp_path / "again", overrides=caches)
    assert again.returncode == 0, again.log
    assert json.loads(stored.read_text(encoding="utf-8"))["bodies"] == first
    for page in ("second/index.html", "contributeur/zoe-lectrice/index.html", "flux/communaute.atom.xml"):
        assert again.page(page) == build.page(page), page


def test_reject_records_the_reason(project):
    ident = add(project).stdout.split()[-1]
    assert invoke(project, "contributions.reject", ident).returncode != 0, "a reason is required"
    result = invoke(project, "contributions.reject", ident, "--reason", "hors sujet")
    assert result.returncode == 0, out(result)
    text = (project / "content" / "contributions" / "second" / f"{ident}.md").read_text(encoding="utf-8")
    assert "Status: rejected" in text and "Reason: hors sujet" in text


def test_redact_removes_text_and_identity_but_keeps_the_thread(project, tmp_path):
    result = invoke(project, "contributions.redact", "alice-1")
    assert result.returncode == 0, out(result)
    text = (project / "content" / "contributions" / "premier-article" / "alice-1.md").read_text(encoding="utf-8")
    assert "Alice" not in text and "alice.secret" not in text and "203.0.113.7" not in text
    assert "Merci pour cet article" not in text and "Status: redacted" in text
    # The quote in second.md now points to a redacted contribution: the writer must remove it.
    quote = project / "content" / "articles" / "second.md"
    quote.write_text(quote.read_text(encoding="utf-8").replace("[[contribution:alice-1]]", ""), encoding="utf-8")
    build = run_pelican(project / "content", tmp_path / "out", "publishconf.py")
    assert build.returncode == 0, build.log
    page = soup(build.output / "premier-article" / "index.html")
    tombstone = page.select_one("#contribution-alice-1")
    assert "Contribution retirée" in tombstone.get_text()
    assert tombstone.find_parent("li").select_one("ol #contribution-marque-1"), "the reply keeps its place"
    for path in build.files():
        data = path.read_text(encoding="utf-8", errors="replace")
        assert "Merci pour cet article" not in data and "alice-1" not in data.replace("contribution-alice-1", ""), path


@pytest.mark.parametrize("args, bad_value", [
    (["--article", "inconnu"], "'inconnu'"),
    (["--date", "hier soir"], "'hier soir'"),
    (["--kind", "avis"], "'avis'"),
    (["--reply-to", "fantome"], "'fantome'"),
])
def test_add_rejects_bad_values_by_name(project, args, bad_value):
    base = {"--article": "second", "--author": "Zoé", "--date": "2021-07-02T08:30:00+02:00",
            "--source": "forum", "--body": "Texte."}
    base.update(dict(zip(args[::2], args[1::2])))
    flat = [item for pair in base.items() for item in pair]
    result = invoke(project, "contributions.add", *flat)
    assert result.returncode != 0 and bad_value in out(result), out(result)


@pytest.mark.parametrize("task", ["approve", "redact"])
def test_unknown_id_fails_with_its_name(project, task):
    result = invoke(project, f"contributions.{task}", "alice-11")
    assert result.returncode != 0 and "'alice-11'" in out(result) and "alice-1" in out(result)


def test_brand_reply_must_be_official(project):
    result = invoke(project, "contributions.add", "--article", "second", "--author", "La rédaction",
                    "--date", "2021-07-02T08:30:00+02:00", "--source", "site", "--body", "Merci !")
    assert result.returncode != 0 and "Official" in out(result)
    result = invoke(project, "contributions.add", "--article", "second", "--author", "La rédaction",
                    "--date", "2021-07-02T08:30:00+02:00", "--source", "site", "--body", "Merci !",
                    "--official", "--reply-to", "temoin-1")
    assert result.returncode == 0, out(result)


def test_approve_refuses_a_contribution_without_source(project):
    path = project / "content" / "contributions" / "second" / "sans-source.md"
    path.write_text("Id: sans-source\nArticle: second\nAuthor: X\nDate: 2021-07-01 10:00:00+02:00\n\nTexte.\n",
                    encoding="utf-8")
    result = invoke(project, "contributions.approve", "sans-source")
    assert result.returncode != 0 and "Source:" in out(result) and "ne peut pas être approuvée" in out(result)


def test_body_file(project, tmp_path):
    body = tmp_path / "avis.md"
    body.write_text("Texte lu depuis un fichier.", encoding="utf-8")
    result = invoke(project, "contributions.add", "--article", "second", "--author", "Zoé",
                    "--date", "2021-07-02T08:30:00+02:00", "--source", "forum", "--body-file", str(body))
    assert result.returncode == 0, out(result)
    ident = result.stdout.split()[-1]
    assert "Texte lu depuis un fichier." in (project / "content/contributions/second" / f"{ident}.md").read_text()


WXR = SHARED / "samples" / "wordpress" / "theme-unit-test-data.xml"
DISQUS = SHARED / "samples" / "disqus" / "export-exemple.xml"


@pytest.mark.skipif(not WXR.is_file(), reason="../shared/samples is not beside the repository")
def test_import_task_maps_reports_and_is_idempotent(project, tmp_path):
    mapping = tmp_path / "map.csv"
    mapping.write_text("source,article\ntemplate-comments,premier-article\ntemplate-paginated,second\n",
                       encoding="utf-8")
    first = invoke(project, "contributions.import", str(WXR), "--map", str(mapping))
    assert first.returncode == 0, out(first)
    assert "created" in first.stdout and "no matching article" in first.stdout
    created = sorted((project / "content" / "contributions").rglob("wp-*.md"))
    assert created, first.stdout
    for path in created:
        assert "Article: premier-article" in path.read_text(encoding="utf-8") or \
            "Article: second" in path.read_text(encoding="utf-8")
    second = invoke(project, "contributions.import", str(WXR), "--map", str(mapping))
    assert second.returncode == 0 and sorted((project / "content" / "contributions").rglob("wp-*.md")) == created
    assert "already" in second.stdout
    emails = {line.split(": ", 1)[1] for path in created for line in path.read_text(encoding="utf-8").splitlines()
              if line.startswith("Author_email: ")}
    assert emails, "the export's e-mail addresses are kept for moderation"
    build = run_pelican(project / "content", tmp_path / "out", "publishconf.py")
    assert build.returncode == 0, build.log
    for path in build.files():
        data = path.read_text(encoding="utf-8", errors="replace")
        assert not [e for e in emails if e in data], path


@pytest.mark.skipif(not DISQUS.is_file(), reason="../shared/samples is not beside the repository")
def test_import_disqus_reports_unmatched_threads(project):
    result = invoke(project, "contributions.import", str(DISQUS), "--dry-run")
    assert result.returncode == 0, out(result)
    assert "no matching article" in result.stdout
    assert not list((project / "content" / "contributions").rglob("dsq-*.md")), "a dry run writes nothing"


def test_import_refuses_a_hostile_file_by_name(project, tmp_path):
    bomb = tmp_path / "bombe.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                    '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>&b;</channel></rss>', encoding="utf-8")
    result = invoke(project, "contributions.import", str(bomb))
    assert result.returncode != 0 and "bombe.xml" in out(result)
