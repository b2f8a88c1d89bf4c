"""Discovery: head links on every page, the "Suivre" page and the OPML list (fixture build)."""

from __future__ import annotations

import sys
import pytest
from lxml import etree

from conftest import ROOT
from htmlcheck import soup

sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "feeds"))
from feedcheck import feed_files  # noqa: E402

pytestmark = pytest.mark.build

SITE_URL = "https://marques-communautes.github.io"
SITE_FEEDS = {
    f"{SITE_URL}/flux/site.atom.xml": ("application/atom+xml", "Marques & communautés — tous les articles (Atom)"),
    f"{SITE_URL}/flux/site.rss.xml": ("application/rss+xml", "Marques & communautés — tous les articles (RSS)"),
    f"{SITE_URL}/flux/site.json": ("application/feed+json", "Marques & communautés — tous les articles (JSON Feed)"),
}


def alternates(page) -> dict[str, tuple[str, str]]:
    """{href: (type, title)} of the <link rel="alternate"> in the head."""
    return {link["href"]: (link.get("type"), link.get("title"))
            for link in page.head.find_all("link") if "alternate" in (link.get("rel") or [])}


def feed_urls(output) -> set[str]:
    return {f"{SITE_URL}/{p.relative_to(output).as_posix()}" for p in feed_files(output)}


def test_every_html_page_links_the_site_feeds_and_only_existing_feeds(fixture_production):
    existing = feed_urls(fixture_production.output)
    pages = sorted(fixture_production.output.rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        links = alternates(soup(path))
        for href, described in SITE_FEEDS.items():
            assert links.get(href) == described, (path, href)
        assert set(links) <= existing, (path, set(links) - existing)
        for kind, title in links.values():
            assert title and kind in ("application/atom+xml", "application/rss+xml", "application/feed+json")


def test_an_article_links_its_category_tags_author_and_contributions_feeds(fixture_production):
    links = alternates(soup(fixture_production.output / "premier-article" / "index.html"))
    expected = {
        "flux/categorie/essais.atom.xml": "Catégorie Essais (Atom)",
        "flux/categorie/essais.rss.xml": "Catégorie Essais (RSS)",
        "flux/etiquette/transparence.atom.xml": "Étiquette transparence (Atom)",
        "flux/etiquette/conversation.rss.xml": "Étiquette conversation (RSS)",
        "flux/auteur/camille-temoin.atom.xml": "Articles de Camille Témoin (Atom)",
    }
    if (fixture_production.output / "flux/contributions/premier-article.atom.xml").exists():
        expected["flux/contributions/premier-article.atom.xml"] = \
            "Contributions sur «\u00a0Premier article\u00a0: les bases\u00a0» (Atom)"
    for path, title in expected.items():
        assert links[f"{SITE_URL}/{path}"][1] == title, path


@pytest.mark.parametrize("page, feed, title", [
    ("categorie/essais/index.html", "flux/categorie/essais", "Catégorie Essais"),
    ("etiquette/conversation/index.html", "flux/etiquette/conversation", "Étiquette conversation"),
    ("auteur/camille-temoin/index.html", "flux/auteur/camille-temoin", "Articles de Camille Témoin"),
])
def test_taxonomy_pages_link_their_own_feed(fixture_production, page, feed, title):
    links = alternates(soup(fixture_production.output / page))
    assert links[f"{SITE_URL}/{feed}.atom.xml"] == ("application/atom+xml", f"{title} (Atom)")
    assert links[f"{SITE_URL}/{feed}.rss.xml"] == ("application/rss+xml", f"{title} (RSS)")
    others = [h for h in links if h not in SITE_FEEDS and "/flux/communaute." not in h]
    assert sorted(others) == sorted([f"{SITE_URL}/{feed}.atom.xml", f"{SITE_URL}/{feed}.rss.xml"])


def test_the_follow_page_lists_every_feed_with_its_address(fixture_production):
    page = soup(fixture_production.output / "suivre" / "index.html")
    main = page.find("main")
    assert page.h1.get_text(strip=True) == "Suivre le site"
    shown = {code.get_text(strip=True) for code in main.find_all("code")}
    linked = {a["href"] for a in main.find_all("a")}
    for url in feed_urls(fixture_production.output):
        assert url in shown and url in linked, url
    assert f"{SITE_URL}/flux/abonnements.opml" in linked
    headings = [h.get_text(strip=True) for h in main.select("details h3")]
    for heading in ["Tout le site", "Par catégorie", "Par étiquette", "Par auteur"]:
        assert heading in headings
    text = main.get_text(" ")
    assert "Les articles de la catégorie Essais." in text and "Les articles signés Camille Témoin." in text


def test_the_follow_page_offers_the_main_choices_first_and_folds_the_full_list(fixture_production):
    main = soup(fixture_production.output / "suivre" / "index.html").find("main")
    choices, folded = main.select_one(".follow-main"), main.find("details")
    assert choices and folded and "open" not in folded.attrs  # folded; <details> opens without JavaScript
    assert choices.find_next("details") is folded  # the choices come first
    assert [h.get_text(strip=True) for h in choices.find_all("h3")] == ["Tout le site", "Une catégorie", "Un auteur"]
    def seen(a) -> str:  # what the eye reads (a screen reader also hears the visually hidden part)
        return "".join(a.find_all(string=True, recursive=False)).strip()

    linked = {a["href"]: a for a in choices.find_all("a")}
    # One click each: the whole site, every category and every author, in Atom and RSS.
    for stem in ("site", "categorie/essais", "auteur/camille-temoin"):
        assert seen(linked[f"{SITE_URL}/flux/{stem}.atom.xml"]) == "Atom"
        assert seen(linked[f"{SITE_URL}/flux/{stem}.rss.xml"]) == "RSS"
    # A screen reader hears which feed, not "Atom" ten times; the name starts with what is seen (WCAG 2.5.3).
    camille = linked[f"{SITE_URL}/flux/auteur/camille-temoin.rss.xml"]
    assert " ".join(camille.get_text().split()) == "RSS : Articles de Camille Témoin"
    assert camille.select_one(".visually-hidden")
    opml = choices.find("a", href=f"{SITE_URL}/flux/abonnements.opml")
    assert opml["download"] == "abonnements.opml" and "OPML" in opml.get_text()
    # The long list (tags, community, corrections, each conversation) is below, folded; nothing of it above.
    assert len(choices.find_all("code")) == 1
    assert f"{SITE_URL}/flux/etiquette/conversation.atom.xml" not in linked
    assert folded.find("a", href=f"{SITE_URL}/flux/etiquette/conversation.atom.xml")


def test_navigation_leads_to_the_follow_page(fixture_production):
    for path in ["index.html", "premier-article/index.html", "suivre/index.html"]:
        nav = soup(fixture_production.output / path).find("nav")
        assert nav.find("a", href=f"{SITE_URL}/suivre/", string="Suivre"), path
    current = soup(fixture_production.output / "suivre/index.html").find("a", attrs={"aria-current": "page"})
    assert current.get_text(strip=True) == "Suivre"


def test_opml_lists_every_feed_for_a_one_click_import(fixture_production):
    data = (fixture_production.output / "flux" / "abonnements.opml").read_bytes()
    # A real XML parser that never expands an entity nor reaches the network, as a careful reader does.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    tree = etree.fromstring(data, parser).getroottree()
    root = tree.getroot()
    assert tree.docinfo.doctype == "" and tree.docinfo.encoding.upper() == "UTF-8"
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert [child.tag for child in root] == ["head", "body"]
    assert root.find("head/title").text == "Marques & communautés — tous les flux"  # in French
    assert root.find("head/docs").text == "http://opml.org/spec2.opml"
    for outline in root.iter("outline"):  # OPML 2.0: every outline has a text
        assert outline.get("text"), etree.tostring(outline)
    folders = [o.get("text") for o in root.find("body")]
    assert folders[:2] == ["Tout le site", "La communauté"] and "Par auteur" in folders
    titles = [o.get("title") for o in root.iter("outline") if o.get("xmlUrl")]
    assert "Marques & communautés — articles de Camille Témoin" in titles
    assert all(outline.get("language") == "fr" for outline in root.iter("outline") if outline.get("xmlUrl"))
    outlines = [o for o in root.iter("outline") if o.get("xmlUrl")]
    for outline in outlines:
        assert outline.get("type") == "rss" and outline.get("text") and outline.get("title")
        assert outline.get("htmlUrl", "").startswith(SITE_URL + "/")
    listed = {o.get("xmlUrl") for o in outlines}
    assert len(listed) == len(outlines)
    stems = {url.rsplit(".", 2)[0] if url.endswith(".xml") else url.rsplit(".", 1)[0]
             for url in feed_urls(fixture_production.output)}
    assert {url.removesuffix(".atom.xml") for url in listed} == stems  # every feed, in its Atom format
    assert all(url.endswith(".atom.xml") for url in listed)
