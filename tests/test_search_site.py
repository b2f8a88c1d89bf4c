"""Search in a real production build: what the index holds, the search page, the header link, the switch.

The fixture site (tests/fixtures/site) has a draft, a hidden and a
future-dated article, pending and rejected contributions and a contribution
on the draft; tests/searchindex.py gives each of them a word of its own.
The index must hold every published article and page, and every approved
contribution of a published article in its article's thread record, each
at its own anchor, and none of those words. The browser side (searching, results, accessibility) is
tests/test_search_browser.py.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys

import pytest

from conftest import FIXTURE_SITE, project_copy, run_pelican
from htmlcheck import soup, text_of
from searchindex import PUBLISHED, SECRETS, fragments

pytestmark = pytest.mark.build

SITE_URL = "https://marques-communautes.github.io"
# Approved contributions of published articles (the fixture's contribution files).
APPROVED = {"premier-article": ["alice-1", "marque-1", "code-1", "dora-1", "idee-1", "fil-1", "fil-2", "fil-3",
                                "fil-4", "fil-5", "fil-6", "fil-7"],
            "second": ["temoin-1", "alice-2", "mention-1"]}


@pytest.fixture(scope="module")
def secret_build(secrets_production):
    return secrets_production  # conftest.py: shared with test_search_browser.py


@pytest.fixture(scope="module")
def records(secret_build):
    return {record["url"]: record for record in fragments(secret_build.output)}


def anchors(record: dict) -> dict[str, str]:
    """A thread record's contributions: anchor id -> the heading a result shows."""
    return {a["id"]: a["text"] for a in record["anchors"] if a["element"] == "h2"}


def test_the_index_holds_every_published_text_and_each_approved_contribution_at_its_anchor(secret_build, records):
    expected = {"premier-article/", "second/", "a-propos/", "transparence/"}  # the fixture's two pages
    expected |= {f"{article}/#contributions" for article in APPROVED}  # one record per article's thread
    assert set(records) == expected
    for article, idents in APPROVED.items():
        thread = records[f"{article}/#contributions"]
        assert sorted(anchors(thread)) == sorted(f"contribution-{ident}" for ident in idents), article
        page = soup(secret_build.output / article / "index.html")
        assert page.find(id="contributions"), "the thread's own link lands on the page's contributions"
        for anchor in anchors(thread):  # each sub-result's link lands on its contribution
            assert page.find(id=anchor), anchor


def test_nothing_unpublished_reaches_the_index(secret_build, records):
    text = json.dumps(list(records.values()), ensure_ascii=False).casefold()
    for what, (_, word) in SECRETS.items():
        assert word.casefold() not in text, f"the {what}'s word is in the index"
    for marker in ("secret-pending", "secret-rejected", "secret-draft-contrib", "brouillon secret", "article du futur",
                   "article caché", "accessible par son adresse", "coulisses", "alice.secret@example.org"):
        assert marker not in text, marker
    assert PUBLISHED[1].casefold() in text, "the control word of a published article is indexed"
    # and the compressed files do not carry them either (word chunks, filters, metadata)
    for path in (secret_build.output / "pagefind").rglob("*"):
        if path.is_file() and path.suffix in (".pf_index", ".pf_filter", ".pf_meta"):
            data = gzip.decompress(path.read_bytes()).decode("utf-8", "replace").casefold()
            for _, word in SECRETS.values():
                assert word.casefold()[:6] not in data, (path, word)


def test_records_carry_title_author_date_category_and_kind(records):
    article = records["premier-article/"]
    # (Pagefind adds the first image of an article's HTML, and its alt text, as metadata of its own)
    assert {key: article["meta"][key] for key in ("title", "author", "date")} == {
        "title": "Premier article\u00a0: les bases", "author": "Camille Témoin", "date": "1er janvier 2020"}
    assert article["filters"] == {"kind": ["Article"], "category": ["Essais"]}
    assert "Pourquoi écrire" in article["content"] and "<" not in article["content"]
    page = records["a-propos/"]
    assert page["filters"] == {"kind": ["Page"]} and page["meta"]["title"] == "À propos"
    thread = records["premier-article/#contributions"]
    assert thread["meta"] == {"title": "Contributions de la communauté", "article": "Premier article\u00a0: les bases"}
    assert thread["filters"] == {"kind": ["Contribution"], "category": ["Essais"]}
    headings = anchors(thread)
    assert headings["contribution-idee-1"] == "Idée d’Élise Idée, 7 janvier 2020"
    assert "Idée d’Élise Idée, 7 janvier 2020. Et si le blog proposait un flux par auteur" in thread["content"]
    assert headings["contribution-marque-1"].startswith("Commentaire de La rédaction (réponse officielle), ")
    # the body's code is text, escaped nowhere and never markup
    assert "</script><b>" in thread["content"]
    assert "</script><b>" not in json.dumps(thread["anchors"], ensure_ascii=False)


def test_the_index_is_french_and_holds_only_what_the_search_page_uses(secret_build):
    bundle = secret_build.output / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["fr"] and entry["languages"]["fr"]["page_count"] == 4 + 2
    assert (bundle / "pagefind.js").is_file() and (bundle / "wasm.fr.pagefind").is_file()
    assert not list(bundle.glob("*ui*")) and not (bundle / "pagefind-highlight.js").exists()
    assert not (bundle / "pagefind-worker.js").exists(), "the search page runs Pagefind without a worker"


def test_every_page_links_to_the_search_page_from_its_header(fixture_production):
    pages = [p for p in fixture_production.output.rglob("*.html")]
    assert len(pages) > 10
    for path in pages:
        link = soup(path).select_one("header nav a[href='https://marques-communautes.github.io/recherche/']")
        assert link is not None and link.get_text() == "Rechercher", path
    current = soup(fixture_production.output / "recherche" / "index.html").select_one("nav [aria-current=page]")
    assert current.get_text() == "Rechercher"


def test_the_search_page_without_javascript_says_so_and_offers_the_archives_and_tags(fixture_production):
    page = soup(fixture_production.output / "recherche" / "index.html")
    assert page.html["lang"] == "fr" and page.h1.get_text() == "Rechercher"
    notice = page.find("noscript")
    assert "La recherche a besoin de JavaScript" in notice.get_text()
    assert {a["href"] for a in notice.find_all("a")} == {f"{SITE_URL}/archives/", f"{SITE_URL}/etiquettes/"}
    form = page.select_one("form[role=search]")
    assert form.has_attr("hidden"), "the form is shown by the script only: without it, it could not search"
    assert form["data-bundle"] == f"{SITE_URL}/pagefind/pagefind.js"
    assert [s["src"] for s in page.find_all("script", src=True)] == [f"{SITE_URL}/theme/js/recherche.js"]
    labels = {box["value"] for box in form.select("input[name=kind]")}
    assert labels == {"Article", "Page", "Contribution"}
    assert not form.select("input[name=category]"), "one category (Essais): no category filter to offer"
    assert "sans serveur ni service extérieur" in text_of(page).replace("\u00a0", " ")


def test_the_local_preview_has_no_search_by_default(fixture_local):
    assert not (fixture_local.output / "pagefind").exists()
    assert not (fixture_local.output / "recherche").exists()
    assert "Rechercher" not in fixture_local.page("index.html")


def test_search_can_be_turned_off_in_production(tmp_path):
    build = run_pelican(FIXTURE_SITE / "content", tmp_path / "out", "publishconf.py",
                        overrides={"SEARCH": {"enabled": False}})
    assert build.returncode == 0, build.log
    assert not (build.output / "pagefind").exists() and not (build.output / "recherche").exists()
    assert "recherche/" not in build.page("index.html")


def test_a_bad_setting_fails_the_build_naming_it(tmp_path):
    build = run_pelican(FIXTURE_SITE / "content", tmp_path / "out", "publishconf.py",
                        overrides={"SEARCH": {"enabled": True, "langue": "fr"}})
    assert build.returncode != 0
    assert "SEARCH['langue']" in build.log and "unknown setting" in build.log


def test_without_pagefind_the_build_fails_and_the_published_site_stays(tmp_path):
    """invoke preview: a build whose index cannot be written leaves output/ as it was."""
    project = project_copy(tmp_path)
    output = project / "output"
    output.mkdir()
    (output / "index.html").write_text("ancien site", encoding="utf-8")
    env = {**os.environ, "PAGEFIND_BINARY_PATH": str(tmp_path / "no-pagefind")}
    result = subprocess.run([sys.executable, "-m", "invoke", "preview"], cwd=project, capture_output=True, text=True,
                            env=env)
    assert result.returncode != 0
    log = result.stdout + result.stderr
    assert "Pagefind" in log and "scripts/setup" in log and "SEARCH" in log, log[-3000:]
    assert (output / "index.html").read_text(encoding="utf-8") == "ancien site"
    assert sorted(p.name for p in output.iterdir()) == ["index.html"]
