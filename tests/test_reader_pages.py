"""What a reader meets on the fixture site: the phone-first header, cover images, cards, « À lire aussi », icons.

Reads the session's builds of tests/fixtures/site (conftest: fixture_production, fixture_local), shared with
the other test modules: no build of its own. One browser test drives Debian's chromium at 375, 768 and 1280 px.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from PIL import Image

from browser import browser, serve_directory
from conftest import ROOT
from htmlcheck import soup
from publishing import browsergate

pytestmark = pytest.mark.build

SITE = "https://marques-communautes.github.io"
COVER = f"{SITE}/images/couverture.jpg"
COVER_ALT = "Un cadre brique autour de quatre barres bleues de longueurs décroissantes."
ICONS = ROOT / "theme" / "static" / "icons"
PHONE = {"width": 375, "height": 667}  # an iPhone SE's first screen
MAX_HEADER_SHARE = 0.15


def metas(page) -> dict[str, str]:
    return {m.get("property") or m.get("name"): m["content"] for m in page.select("meta[content]")}


def test_the_cover_shows_on_the_article_with_its_size_and_description(fixture_production):
    page = soup(fixture_production.output / "second" / "index.html")
    image = page.select_one("main .article__cover img")
    assert (image["src"], image["alt"], image["width"], image["height"]) == (COVER, COVER_ALT, "1200", "630")
    # after the title and byline, before the text
    assert page.select_one("main h1").find_all_next("img")[0] is image
    meta = metas(page)
    assert meta["og:image"] == meta["twitter:image"] == COVER
    assert (meta["og:image:width"], meta["og:image:height"], meta["og:image:type"]) == ("1200", "630", "image/jpeg")
    assert meta["og:image:alt"] == meta["twitter:image:alt"] == COVER_ALT
    assert meta["twitter:card"] == "summary_large_image"
    assert (fixture_production.output / "images" / "couverture.jpg").is_file()


def test_home_cards_show_image_type_of_work_title_and_summary(fixture_production):
    cards = {card.select_one(".card__title a").get_text(): card
             for card in soup(fixture_production.output / "index.html").select("main .card")}
    second, first = cards["Second article"], cards["Premier article\u00a0: les bases"]
    image = second.select_one("img.card__image")
    assert (image["src"], image["alt"], image["loading"]) == (COVER, COVER_ALT, "lazy")
    assert second.select_one(".card__kicker").get_text() == "Article de la marque"
    assert first.select_one(".card__kicker").get_text() == "Republication"
    assert first.select_one("img") is None  # no cover: no image, nothing invented
    assert "corrigé après publication" in second.select_one(".card__summary").get_text()


def test_feed_entries_carry_the_cover_as_an_enclosure_and_at_the_top_of_the_content(fixture_production):
    for name in ("site.atom.xml", "site.rss.xml"):
        feed = feedparser.parse(str(fixture_production.output / "flux" / name))
        entries = {e.link: e for e in feed.entries}
        second, first = entries[f"{SITE}/second/"], entries[f"{SITE}/premier-article/"]
        assert [(e.href, e.type, e.length) for e in second.enclosures] == [
            (COVER, "image/jpeg", str((fixture_production.output / "images" / "couverture.jpg").stat().st_size))], name
        top = BeautifulSoup(second.content[0].value, "html.parser").find(True)  # the first element, as readers show it
        assert top.name == "p" and top.img and dict(top.img.attrs) == {
            "src": COVER, "alt": COVER_ALT, "width": "1200", "height": "630"}, name
        assert first.enclosures == [], name
    json_feed = feedparser.parse(str(fixture_production.output / "flux" / "site.json"))
    assert {e.link: e.get("image") for e in json_feed.entries}.get(f"{SITE}/second/", COVER) == COVER


def test_read_also_lists_related_listed_articles_only(fixture_production):
    for slug in ("premier-article", "second", "article-cache"):
        page = soup(fixture_production.output / slug / "index.html")
        box = page.select_one("aside.related")
        links = [a["href"] for a in box.select(".card__title a")]
        assert box.h2.get_text() == "À lire aussi" and 1 <= len(links) <= 3
        # shares "conversation" and "Essais" with them: the hidden article is never offered
        assert f"{SITE}/article-cache/" not in links and f"{SITE}/{slug}/" not in links
        assert not any("brouillon" in href or "futur" in href for href in links)
    premier = soup(fixture_production.output / "premier-article" / "index.html")
    assert [a["href"] for a in premier.select("aside.related .card__title a")] == [f"{SITE}/second/"]


def test_icons_are_made_from_the_current_logo_and_linked(fixture_production):
    logo = ROOT / "theme" / "static" / "images" / "logo.svg"
    recorded = (ICONS / "logo.sha256").read_text(encoding="utf-8").split()[0]
    assert recorded == hashlib.sha256(logo.read_bytes()).hexdigest(), "the logo changed: run `invoke icons`"
    for name, side in (("apple-touch-icon.png", 180), ("icon-192.png", 192), ("icon-512.png", 512)):
        with Image.open(ICONS / name) as icon:
            assert icon.size == (side, side) and icon.mode == "RGBA", name
    with Image.open(ICONS / "favicon.ico") as ico:
        assert {(16, 16), (32, 32)} <= set(ico.info["sizes"])
    head = soup(fixture_production.output / "index.html").head
    links = {(link["rel"][0], link["href"]) for link in head.select("link[rel~=icon], link[rel=apple-touch-icon]")}
    assert ("apple-touch-icon", f"{SITE}/theme/icons/apple-touch-icon.png") in links
    assert ("icon", f"{SITE}/theme/icons/favicon.ico") in links and ("icon", f"{SITE}/theme/images/logo.svg") in links
    for _rel, href in links:
        assert (fixture_production.output / href.removeprefix(SITE + "/")).is_file(), href


HEADER_JS = """() => {
  const header = document.querySelector('.site-header');
  const shown = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden'
                     && e.checkVisibility();
  const items = [...document.querySelectorAll('.site-nav li')];
  const line = [document.querySelector('.site-title'), ...items.filter(shown)]
      .map(e => e.getBoundingClientRect()).map(r => [r.top, r.bottom]);
  return {height: header.getBoundingClientRect().height, items: items.length, shown: items.filter(shown).length,
          toggle: shown(document.querySelector('.site-nav__toggle')), line: line,
          scroll: document.documentElement.scrollWidth};
}"""


def _one_line(boxes) -> bool:
    """Every box shares a band with every other (they stand on one line)."""
    return max(top for top, _ in boxes) < min(bottom for _, bottom in boxes)


@pytest.mark.browser
def test_header_phone_first_folds_without_javascript_and_fits_one_line_wide(fixture_local, tmp_path, request):
    if browsergate.tools_missing():
        pytest.skip("axe-core or chromium missing: scripts/setup --test installs them")
    shots, problems = tmp_path / "captures", []
    shots.mkdir()
    with serve_directory(fixture_local.output) as base, browser() as chromium:
        for width, height in ((375, 667), (768, 1024), (1280, 800)):
            # Without JavaScript: the menu must fold and open by itself (a <details>).
            context = chromium.new_context(viewport={"width": width, "height": height}, java_script_enabled=False)
            page = context.new_page()
            page.goto(base + "second/")
            folded = page.evaluate(HEADER_JS)
            page.screenshot(path=shots / f"article-{width}.png")
            if width < 1200:
                assert folded["toggle"] and folded["shown"] == 0, (width, folded)
                page.click(".site-nav__toggle")
                opened = page.evaluate(HEADER_JS)
                assert opened["shown"] == opened["items"] >= 8, (width, opened)
                page.screenshot(path=shots / f"article-{width}-menu.png")
                page.click(".site-nav a[href$='suivre/']")
                assert page.url == base + "suivre/"
            else:
                assert not folded["toggle"] and folded["shown"] == folded["items"], folded
                assert _one_line(folded["line"]), folded  # the title and every entry on one line
            if width == 375:
                assert folded["height"] <= MAX_HEADER_SHARE * height, folded
            assert folded["scroll"] <= width, (width, folded)  # nothing wider than the screen
            context.close()
        # axe finds nothing, in both colour schemes, on a phone (menu open) and a wide screen: the article (header,
        # cover, « À lire aussi »); the home page's cards on a phone (the a11y gate checks it at 1280 px).
        for scheme in browsergate.COLOR_SCHEMES:
            for width, height in ((375, 667), (1280, 800)):
                context = chromium.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
                page = context.new_page()
                for path in ("second/", "") if width == 375 and scheme == "light" else ("second/",):
                    page.goto(base + path)
                    if width == 375:
                        page.click(".site-nav__toggle")
                    page.screenshot(path=shots / f"{path.strip('/') or 'accueil'}-{width}-{scheme}.png")
                    problems += [f"{width}px {scheme} /{path}: {v['id']}: {v['help']} "
                                 f"{[n['target'] for n in v['nodes']]}" for v in browsergate._axe(page)]
                context.close()
    assert problems == []
    assert len(list(shots.glob("*.png"))) >= 10
