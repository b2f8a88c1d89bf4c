"""One full build of tests/fixtures/site, checked against what readers must see."""

from __future__ import annotations

import re

import pytest

from conftest import FIXTURE_SITE, run_pelican
from htmlcheck import loaded_urls, soup, text_of, third_party

pytestmark = pytest.mark.build

EMBARGOED = ["Brouillon secret", "brouillon-secret", "Article du futur", "article-du-futur",
             "embargo-brouillon", "embargo-futur", "secret-draft", "secret-future", "Coulisses"]


def test_drafts_and_future_articles_appear_nowhere_in_production(fixture_production):
    for path in fixture_production.files():
        data = path.read_bytes().decode("utf-8", "replace")
        for marker in EMBARGOED:
            assert marker not in data and marker not in str(path), f"{marker} leaked into {path}"
    assert not (fixture_production.output / "drafts").exists()


def test_draft_only_images_are_not_published_but_shared_ones_are(fixture_production):
    images = sorted(p.name for p in (fixture_production.output / "images").iterdir())
    assert images == ["couverture.jpg", "public.png"]  # a cover image (Image:) is published with its article


def test_local_preview_shows_drafts_to_writers(fixture_local):
    assert (fixture_local.output / "drafts" / "brouillon-secret" / "index.html").is_file()
    assert "Brouillon secret" not in fixture_local.page("index.html")


def test_hidden_article_is_reachable_but_not_listed(fixture_production):
    assert (fixture_production.output / "article-cache" / "index.html").is_file()
    for listing in ["index.html", "archives/index.html", "categorie/essais/index.html", "sitemap.xml"]:
        assert "article-cache" not in fixture_production.page(listing), listing


def test_article_page_shows_title_author_french_dates_and_source(fixture_production):
    page = soup(fixture_production.output / "premier-article" / "index.html")
    assert page.html["lang"] == "fr"
    assert page.h1.get_text() == "Premier article\u00a0: les bases"
    main = text_of(page)
    assert "1er janvier 2020" in main
    assert page.select_one('main time[datetime="2020-01-01T10:00:00+01:00"]')
    assert page.select_one('a[rel~="author"]').get_text(strip=True) == "Camille Témoin"
    assert "Revue de test" in main and page.select_one('a[href="https://revue.example.org/premier"]')
    modified = text_of(soup(fixture_production.output / "second" / "index.html"))
    assert "15 juin 2021" in modified and "1er juillet 2021" in modified


def test_french_typography_in_rendered_text(fixture_production):
    html = fixture_production.page("premier-article/index.html")
    assert "Pourquoi écrire\u202f?" in html
    assert "«\u00a0dialoguer\u00a0»\u00a0:" in html
    assert "Un texte court\u202f; avec" in fixture_production.page("second/index.html")


def test_internal_links_become_page_addresses(fixture_production):
    page = soup(fixture_production.output / "premier-article" / "index.html")
    hrefs = {a["href"] for a in page.select("main .prose a")}
    assert "https://marques-communautes.github.io/second/" in hrefs
    assert "https://marques-communautes.github.io/a-propos/" in hrefs
    assert page.select_one('main img[src="https://marques-communautes.github.io/images/public.png"]')


def test_every_listing_page_exists(fixture_production):
    for path in ["index.html", "archives/index.html", "categories/index.html", "categorie/essais/index.html",
                 "etiquettes/index.html", "etiquette/conversation/index.html", "auteurs/index.html",
                 "auteur/camille-temoin/index.html", "a-propos/index.html", "404.html"]:
        page = soup(fixture_production.output / path)
        assert page.html["lang"] == "fr", path
        assert len(page.find_all("h1")) == 1, path
        assert page.select_one("a.skip-link, a[href='#contenu']"), path
        assert page.find("main", id="contenu") and page.find("nav") and page.find("footer"), path


def test_home_lists_latest_articles_with_summaries(fixture_production):
    page = soup(fixture_production.output / "index.html")
    titles = [a.get_text(strip=True) for a in page.select("main article h2 a, main article h3 a")]
    assert titles[:2] == ["Second article", "Premier article\u00a0: les bases"]
    assert "corrigé après publication" in text_of(page)


def test_sitemap_lists_published_urls_only(fixture_production):
    sitemap = fixture_production.page("sitemap.xml")
    assert sitemap.startswith("<?xml")
    locs = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    base = "https://marques-communautes.github.io/"
    assert {base, base + "premier-article/", base + "second/", base + "a-propos/"} <= locs
    assert all(loc.startswith(base) for loc in locs)


def test_no_page_loads_anything_from_a_third_party(fixture_production):
    for path in fixture_production.output.rglob("*.html"):
        urls = loaded_urls(soup(path))
        assert not third_party(urls, {"marques-communautes.github.io"}), path
        # The theme runs no script, except on the search page: its own, from the site itself.
        scripts = [node["src"] for node in soup(path).find_all("script", src=True)]
        search = path.relative_to(fixture_production.output).as_posix() == "recherche/index.html"
        assert scripts == (["https://marques-communautes.github.io/theme/js/recherche.js"] if search else []), path


def test_siteurl_is_overridable_by_environment(tmp_path):
    build = run_pelican(FIXTURE_SITE / "content", tmp_path / "out", "publishconf.py",
                        env={"SITEURL": "https://blog.example.net"})
    assert build.returncode == 0, build.log
    assert 'href="https://blog.example.net/second/"' in build.page("index.html")


def test_lists_paginate_with_french_links(tmp_path):
    # run_pelican: its cache beside its output, never the repository's cache/ (other runs share it).
    out = tmp_path / "out"
    build = run_pelican(FIXTURE_SITE / "content", out, "publishconf.py", overrides={"DEFAULT_PAGINATION": 1})
    assert build.returncode == 0, build.log
    first = soup(out / "index.html")
    older = first.select_one('nav.pagination a[rel="prev"], nav.pagination a[rel="next"]')
    assert older is not None and "Articles plus anciens" in older.get_text()
    second = soup(out / "page" / "2" / "index.html")
    assert "Articles plus récents" in text_of(second, "nav.pagination")
    assert [a.get_text() for a in second.select("main article h2 a")] == ["Premier article\u00a0: les bases"]
    assert (out / "categorie" / "essais" / "page" / "2" / "index.html").is_file()
