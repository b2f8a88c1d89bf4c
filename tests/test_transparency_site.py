"""Transparency on a built site: disclosures, corrections, type of work, trust signals, figures.

One production build of tests/fixtures/site plus the test-only texts of
tests/fixtures/transparency (a partnership of each type, a tribune with its
method, an article corrected three times, contributions with their moderation
decisions), read as readers, feed readers and machines read it.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import jsonschema
import pytest
from lxml import etree

from conftest import FIXTURE_SITE, ROOT, Build, run_pelican
from htmlcheck import soup, text_of
from searchindex import fragments

sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "feeds"))
from feedcheck import ATOM, check_feed, feed_files  # noqa: E402

pytestmark = pytest.mark.build

SITE = "https://marques-communautes.github.io"
TRANSPARENCY = ROOT / "tests" / "fixtures" / "transparency"
SETTINGS = {"TRANSPARENCY": {"affiliate_domains": ["aff.example.net"]}}
MENTIONS = {
    "partenariat-collab": "Publicité — collaboration commerciale avec Maison Exemple",
    "liens-affilies": "Contient des liens affiliés — Programme Exemple",
    "produit-offert": "Produit offert par Atelier Test",
    "annonce-saison": "Publicité — pour le compte de Annonceur Test",
}
WORK_TYPES = {  # slug: (visible label, JSON-LD @type)
    "partenariat-collab": ("Contenu sponsorisé", "AdvertiserContentArticle"),
    "liens-affilies": ("Contenu sponsorisé", "AdvertiserContentArticle"),
    "tribune": ("Tribune / texte invité", "OpinionNewsArticle"),
    "premier-article": ("Republication", "Article"),
    "corrige": ("Article de la marque", "BlogPosting"),
    "second": ("Article de la marque", "BlogPosting"),
}
HIDDEN = "campagne-cachee"  # Status: hidden, sponsored and corrected: reachable by its address, listed nowhere
HIDDEN_MENTION = "Publicité — pour le compte de Annonceur Discret"
POLICIES = ("publishingPrinciples", "correctionsPolicy", "ethicsPolicy", "ownershipFundingInfo",
            "actionableFeedbackPolicy", "masthead")


def content_with_transparency(tmp_path: Path) -> Path:
    """The fixture site with the test-only texts and contributions beside it."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE / "content", content)
    for path in (TRANSPARENCY / "articles").glob("*.md"):
        shutil.copy(path, content / "articles" / path.name)
    shutil.copytree(TRANSPARENCY / "contributions", content / "contributions", dirs_exist_ok=True)
    shutil.copytree(TRANSPARENCY / "authors", content / "authors", dirs_exist_ok=True)
    return content


@pytest.fixture(scope="module")
def site(transparency_production) -> Build:
    """The production build (every warning fatal, as `invoke check` builds); conftest.py shares it."""
    return transparency_production


def page(build: Build, slug: str):
    return soup(build.output / slug / "index.html")


def json_ld(html_page) -> list[dict]:
    return [json.loads(node.string) for node in html_page.find_all("script", type="application/ld+json")]


def article_ld(html_page) -> dict:
    (found,) = [d for d in json_ld(html_page) if d["@type"] != "Organization"]
    return found


def atom_entries(build: Build, feed: str) -> dict[str, etree._Element]:
    root = etree.parse(str(build.output / feed)).getroot()
    return {e.find(f"{{{ATOM}}}link").get("href"): e for e in root.findall(f"{{{ATOM}}}entry")}


# ------------------------------------------------------------------ 1. disclosure

@pytest.mark.parametrize("slug", sorted(MENTIONS))
def test_mention_names_the_partner_before_the_first_heading(site, slug):
    html = page(site, slug)
    mention = html.select_one("main p.disclosure")
    assert mention is not None and mention.get_text() == MENTIONS[slug]
    first_heading = html.find(re.compile(r"^h[1-6]$"))
    assert first_heading.name == "h1"
    following = [node for node in mention.find_all_next() if node is first_heading]
    assert following, "the mention comes before the first heading of the page"


def card_mention_checked(card, where) -> str:
    """The slug of a card's article, once checked: the mention before the title of a sponsored one, else none."""
    link = card.select_one(".card__title a")
    slug = urlsplit(link["href"]).path.strip("/")
    mention = card.select_one(".disclosure")
    if slug in MENTIONS:
        assert mention is not None and mention.get_text() == MENTIONS[slug], (where, slug)
        assert card.find_all(True).index(mention) < card.find_all(True).index(link), (where, slug)
    else:
        assert mention is None, (where, slug)
    return slug


def test_mention_on_every_card_before_its_title(site):
    for listing in ("index.html", "categorie/essais/index.html", "auteur/camille-temoin/index.html",
                    "etiquette/conversation/index.html"):
        for card in soup(site.output / listing).select("article.card"):
            card_mention_checked(card, listing)


def test_read_also_shows_each_sponsored_article_with_its_mention_and_never_the_hidden_one(site):
    """« À lire aussi » (plugins/reading/related.py) under every article: listed articles, mention before the title."""
    seen = set()
    for path in sorted(site.output.glob("*/index.html")):
        for card in soup(path).select("aside.related article.card"):
            slug = card_mention_checked(card, path)
            seen.add(slug)
            assert slug != HIDDEN, path
    assert seen & set(MENTIONS), "sponsored articles share the tags: some are offered, with their mention"


def test_mention_in_every_feed_entry_title_summary_and_content(site):
    for path in feed_files(site.output):
        if path.name.startswith("corrections"):
            continue
        if path.suffix == ".json":
            items = {i["url"]: i for i in json.loads(path.read_text(encoding="utf-8"))["items"]}
            for url, item in items.items():
                slug = urlsplit(url).path.strip("/")
                if slug in MENTIONS:
                    assert item["title"].startswith("[Publicité] ")
                    assert MENTIONS[slug] in item["summary"] and MENTIONS[slug] in item["content_html"]
            continue
        for entry in feedparser.parse(path.read_bytes()).entries:
            url = urlsplit(entry.link)
            if url.fragment:  # a reader's contribution: not a paid text
                assert not entry.title.startswith("[Publicité]"), (path, entry.title)
            elif url.path.strip("/") in MENTIONS:
                mention = MENTIONS[url.path.strip("/")]
                assert entry.title.startswith("[Publicité] "), (path, entry.title)
                assert mention in entry.summary and mention in entry.content[0].value, path
            else:
                assert not entry.title.startswith("[Publicité]"), (path, entry.title)


def slug_of(url: str) -> str:
    return urlsplit(url).path.strip("/")


def metas(html_page) -> dict[str, str]:
    return {m.get("property") or m.get("name"): m["content"] for m in html_page.select("meta[content]")}


def before(node, other) -> bool:
    """True when `node` comes before `other` in the document."""
    return any(found is other for found in node.find_all_next())


@pytest.mark.parametrize("slug", sorted(MENTIONS))
def test_title_description_opengraph_and_twitter_carry_the_mention(site, slug):
    html = page(site, slug)
    title = html.select_one("h1").get_text()
    meta = metas(html)
    assert html.title.get_text() == f"[Publicité] {title} – Marques & communautés"
    assert meta["og:title"] == meta["twitter:title"] == f"[Publicité] {title}"
    assert meta["description"].startswith(MENTIONS[slug] + ". ")
    assert meta["og:description"] == meta["twitter:description"] == meta["description"]
    plain = metas(page(site, "tribune"))  # a text without a counterpart is left as it is
    assert not plain["og:title"].startswith("[Publicité]") and "Publicité" not in plain["og:description"]


def test_the_404_list_and_the_corrections_page_show_the_mention_before_the_title(site):
    html = soup(site.output / "404.html")
    lines = html.select(".not-found .link-list")[-1].select("li")
    assert lines, "the 404 page lists the recent articles"
    for line in lines:
        mention = line.select_one(".disclosure-inline")
        if slug_of(line.a["href"]) in MENTIONS:
            assert mention.strong.get_text() == MENTIONS[slug_of(line.a["href"])] and before(mention, line.a)
        else:
            assert mention is None, line
    items = page(site, "corrections").select("ol.corrections-list > li")
    sponsored = [li for li in items if slug_of(li.h2.a["href"]) in MENTIONS]
    assert sponsored, "a sponsored article has a correction in the fixture"
    for li in items:
        mention = li.select_one(".disclosure")
        if li in sponsored:
            assert mention.get_text() == MENTIONS[slug_of(li.h2.a["href"])] and before(mention, li.h2)
        else:
            assert mention is None


def test_a_correction_s_feed_entry_names_its_text_with_the_mention(site):
    for name in ("corrections.atom.xml", "corrections.rss.xml"):
        for entry in feedparser.parse((site.output / "flux" / name).read_bytes()).entries:
            slug = slug_of(entry.link)
            if slug in MENTIONS:
                assert entry.title.endswith(f" ({MENTIONS[slug]})"), entry.title
                assert MENTIONS[slug] in entry.content[0].value if "content" in entry else MENTIONS[slug] in entry.summary
            else:
                assert "Publicité" not in entry.title


def test_contribution_cards_and_entries_name_the_article_with_its_mention_after_the_title(site):
    cards = []
    for listing in ("communaute/index.html", "contributeur/lectrice-test/index.html"):
        cards += [(listing, card) for card in soup(site.output / listing).select("article.card--contribution")]
    assert any(slug_of(card.h2.a["href"] if card.h2 else card.h3.a["href"]) in MENTIONS for _, card in cards)
    for listing, card in cards:
        heading = card.select_one(".card__title")
        mention = heading.select_one(".disclosure-inline--after")
        slug = slug_of(heading.a["href"])
        if slug in MENTIONS:  # in the heading, after the article's title: it is not the reader's words
            assert mention.get_text() == f"({MENTIONS[slug]})" and before(heading.a, mention), listing
            assert card.select_one("p.disclosure") is None, "a reader's contribution is never marked as advertising"
        else:
            assert mention is None, (listing, slug)
    seen = 0
    for name in ("communaute.atom.xml", "contributions/partenariat-collab.atom.xml",
                 "contributions/partenariat-collab.rss.xml"):
        for entry in feedparser.parse((site.output / "flux" / name).read_bytes()).entries:
            slug = slug_of(entry.link)
            if slug in MENTIONS:
                seen += 1
                assert entry.title.endswith(f"\u00a0» ({MENTIONS[slug]})") and not entry.title.startswith("[")
    assert seen == 3


def test_a_contribution_quoted_in_another_text_names_its_sponsored_article_with_the_mention(site):
    elsewhere = page(site, "tribune").select_one("main .prose figure.quote-card figcaption")
    assert " ".join(elsewhere.get_text().split()) == (
        "— Lectrice Test, commentaire du 11 mai 2022 sur « Un atelier avec la Maison Exemple » "
        f"({MENTIONS['partenariat-collab']})")
    assert elsewhere.select_one(".disclosure-inline--after strong").get_text() == MENTIONS["partenariat-collab"]
    at_home = page(site, "partenariat-collab").select_one("main .prose figure.quote-card figcaption")
    assert " ".join(at_home.get_text().split()) == "— Lectrice Test, commentaire du 11 mai 2022"  # its page says it


def test_feeds_of_a_sponsored_article_s_contributions_are_labelled_on_suivre_in_opml_and_head_links(site):
    mention = MENTIONS["partenariat-collab"]
    items = page(site, "suivre").select(".feed-list__item")
    found = [item for item in items if slug_of(item.select_one(".feed-list__name a")["href"]) == "partenariat-collab"]
    assert len(found) == 1
    assert found[0].select_one(".feed-list__name").get_text().endswith(f"\u00a0» ({mention})")
    assert mention in found[0].select_one(".feed-list__what").get_text()
    opml = etree.parse(str(site.output / "flux" / "abonnements.opml"))
    outlines = [o for o in opml.iter("outline") if "contributions/partenariat-collab" in (o.get("xmlUrl") or "")]
    assert outlines and all(o.get("text").endswith(f"({mention})") for o in outlines)
    head = page(site, "partenariat-collab").select('head link[rel="alternate"][href*="contributions/partenariat"]')
    assert head and all(mention in link["title"] for link in head)
    feed = feedparser.parse((site.output / "flux/contributions/partenariat-collab.atom.xml").read_bytes())
    assert feed.feed.title.endswith(f"({mention})")


def test_search_records_carry_the_mention_and_keep_their_kind(site):
    records = {r["url"]: r for r in fragments(site.output)}
    by_slug = {}
    for url, record in records.items():
        by_slug.setdefault(slug_of(url.split("#")[0]), []).append(record)
    assert HIDDEN not in by_slug, "a hidden text is never in the index"
    for slug, found in by_slug.items():
        for record in found:
            if slug in MENTIONS:
                assert record["meta"]["disclosure"] == MENTIONS[slug], (slug, record["meta"])
            else:
                assert "disclosure" not in record["meta"], slug
    kinds = {r["filters"]["kind"][0] for r in by_slug["partenariat-collab"]}
    assert kinds == {"Article", "Contribution"}, "the mention changes no result's kind"


def test_a_hidden_sponsored_text_shows_its_mention_on_its_page_and_is_in_no_register(site):
    html = page(site, HIDDEN)
    mention = html.select_one("main p.disclosure")
    assert mention.get_text() == HIDDEN_MENTION and before(mention, html.h1)
    assert metas(html)["og:title"].startswith("[Publicité] ")
    assert html.select_one(".correction").get_text().startswith("Précision du 21 juin 2022")
    export = site.page("transparence.json")
    assert HIDDEN not in export and "Annonceur Discret" not in export
    everywhere = [p.relative_to(site.output).as_posix() for p in site.output.rglob("*")
                  if p.is_file() and p.suffix in (".html", ".xml", ".json", ".opml")
                  and (HIDDEN in p.read_text(encoding="utf-8") or "Annonceur Discret" in p.read_text(encoding="utf-8"))]
    assert everywhere == [f"{HIDDEN}/index.html"], "only its own page: no list, register, feed or sitemap"
    assert not any(HIDDEN in r["url"] for r in fragments(site.output))


def test_a_hidden_article_links_only_to_pages_the_build_writes(site):
    """Point 8: its category, author and tag that no listed article carries are text; the links gate passes."""
    from publishing import links
    from publishing.site import Site

    html = page(site, HIDDEN)
    assert not (site.output / "categorie" / "campagnes").exists() and not (site.output / "auteur" / "equipe-campagnes").exists()
    assert [n.get_text() for n in html.select(".article__kicker .term--no-page")] == ["Campagnes"]
    assert html.select_one(".byline__author").get_text(" ", strip=True) == "Par Équipe Campagnes"
    assert html.select_one(".byline__author a") is None and html.select_one(".author-box__more") is None
    taxonomy = html.select_one("ul.taxonomy")
    assert [n.get_text() for n in taxonomy.select(".term--no-page")] == ["Campagnes", "campagne-seule"]
    assert [a["href"] for a in taxonomy.select("a")] == [f"{SITE}/etiquette/conversation/"]  # a tag with a page
    listed = page(site, "partenariat-collab")  # a listed article links its terms as before
    assert listed.select_one(".term--no-page") is None and listed.select_one(".byline__author a[rel=author]")
    found, summary = links.run(Site(site.output, SITE))
    assert found == [], "\n".join(map(str, found))


def test_json_ld_is_advertiser_content_naming_the_sponsor(site):
    data = article_ld(page(site, "partenariat-collab"))
    assert data["@type"] == "AdvertiserContentArticle"
    assert data["sponsor"] == {"@type": "Organization", "name": "Maison Exemple", "url": "https://www.maison-exemple.fr/"}
    assert article_ld(page(site, "produit-offert"))["sponsor"] == {"@type": "Organization", "name": "Atelier Test"}


def test_transparence_page_lists_every_partnership_with_its_mention(site):
    html = page(site, "transparence")
    listed = {urlsplit(li.a["href"]).path.strip("/"): li.select_one(".disclosure-inline strong").get_text()
              for li in html.select("#liste-partenariats li")}
    assert listed == MENTIONS  # the hidden campagne-cachee is in no register
    for li in html.select("#liste-partenariats li"):  # the mention before the title, as on a card
        assert li.find_all(True).index(li.select_one(".disclosure-inline")) < li.find_all(True).index(li.a)
    by_type = {row.th.get_text(): int(row.td.get_text()) for row in html.select("#partenariats-par-type tbody tr")}
    assert by_type == {"Publicité": 1, "Collaboration commerciale": 1, "Liens affiliés": 1, "Produit offert": 1}


def test_paid_links_are_sponsored_and_readers_links_stay_ugc(site):
    html = page(site, "partenariat-collab")
    prose = html.select_one("main .prose")
    rels = {a["href"]: a.get("rel") for a in prose.select("a[href^='http']")}
    assert rels["https://www.maison-exemple.fr/atelier"] == ["sponsored"]
    assert rels["https://boutique.maison-exemple.fr/produit"] == ["sponsored"]  # a sub-domain of the partner's
    assert rels["https://autre.example.org/page"] is None
    quoted = prose.select_one("figure.quote-card a[href='https://boutique.maison-exemple.fr/autre']")
    assert quoted["rel"] == ["ugc", "nofollow", "noopener"]
    thread = html.select_one("#contribution-collab-1 .contribution__body a")
    assert thread["rel"] == ["ugc", "nofollow", "noopener"]
    affiliate = page(site, "liens-affilies").select_one("main .prose a[href^='https://livres.aff.example.net']")
    assert affiliate["rel"] == ["sponsored"]
    assert affiliate.find_next_sibling("span", class_="affiliate-note").get_text() == " (lien affilié)"


def test_an_undeclared_affiliate_link_fails_the_build_naming_file_and_link(tmp_path):
    content = content_with_transparency(tmp_path)
    tribune = content / "articles" / "tribune.md"
    tribune.write_text(tribune.read_text(encoding="utf-8") + "\n[Acheter](https://aff.example.net/x?ref=1)\n",
                       encoding="utf-8")
    build = run_pelican(content, tmp_path / "out", "publishconf.py", overrides=SETTINGS)
    log = " ".join(build.log.split())
    assert build.returncode != 0
    assert "tribune.md" in log and "'https://aff.example.net/x?ref=1'" in log
    assert "affiliate domain aff.example.net" in log and "Partnership: affiliation" in log


@pytest.mark.parametrize("header, expected", [
    ("Partnership: sponsoring\nSponsor: X", ["Partnership:", "'sponsoring'", "publicite, collaboration"]),
    ("Partnership: publicite", ["Sponsor:", "(absent)", "LCEN"]),
    ("Sponsor: Maison X", ["Sponsor:", "ne déclare aucun Partnership:"]),
    ("Partnership: publicite\nSponsor: X\nSponsor_url: maison-x.fr", ["Sponsor_url:", "https://"]),
    ("Correction: hier | rectificatif | Oups.", ["Correction:", "n'est pas une date ISO 8601", "rectificatif"]),
    ("Correction: 2021-07-02 | erratum | Oups.", ["Correction:", "type 'erratum' inconnu"]),
    ("Correction: 2021-07-02 | precision", ["Correction:", "séparés par |"]),
    ("Correction: 2020-01-01 | precision | Avant le texte.", ["Correction:", "ne peut pas précéder"]),
    ("Methode: auteur: moi", ["Methode:", "redaction:"]),
    ("Guest: peut-être", ["Guest:", "ni yes ni no"]),
    ("Modified: 2021-07-01 09:00:00+02:00", ["Modified:", "Correction:", "Note-de-modification"]),
])
def test_bad_transparency_headers_fail_the_build_with_file_field_value_and_fix(tmp_path, header, expected):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE / "content", content)
    second = content / "articles" / "second.md"
    second.write_text(second.read_text(encoding="utf-8").replace("Lang: fr\n", f"Lang: fr\n{header}\n"),
                      encoding="utf-8")
    build = run_pelican(content, tmp_path / "out")
    log = " ".join(build.log.split())
    assert build.returncode != 0
    for piece in ["second.md", "Correction :", *expected]:
        assert piece in log, (piece, build.log)


# ------------------------------------------------------------------ 2. corrections

def test_a_rectificatif_is_shown_before_the_text_and_the_others_after_it_each_dated(site):
    html = page(site, "corrige")
    article = html.select_one("main article.article")
    top = article.select(".corrections--top .correction")
    end = article.select(".corrections--end .correction")
    assert [c.select_one(".correction__label").get_text() for c in top] == ["Rectificatif du 2 mars 2022"]
    assert [c.select_one(".correction__label").get_text() for c in end] == [
        "Précision du 5 mars 2022", "Mise à jour du 1er avril 2022"]
    order = article.find_all(True)
    prose = article.select_one(".prose")
    assert order.index(top[0]) < order.index(prose) < order.index(end[0])
    assert top[0].time["datetime"] == "2022-03-02T11:30:00+01:00"
    assert top[0].get_text().endswith("\u00a0: Le texte donnait 2008 comme année de lancement\u202f; c'est 2009.")


def test_json_ld_lists_corrections_as_correction_comments_and_date_modified(site):
    data = article_ld(page(site, "corrige"))
    assert [c["@type"] for c in data["correction"]] == ["CorrectionComment"] * 3
    assert [c["datePublished"] for c in data["correction"]] == [
        "2022-03-02T11:30:00+01:00", "2022-03-05T16:00:00+01:00", "2022-04-01T09:00:00+02:00"]
    assert data["correction"][0]["url"] == f"{SITE}/corrige/#correction-20220302-113000"
    assert data["dateModified"] == "2022-04-01T09:00:00+02:00"
    assert "dateModified" not in article_ld(page(site, "tribune")), "only a correction gives a dateModified"


def test_corrections_page_lists_every_correction_newest_first_with_its_feeds(site):
    html = page(site, "corrections")
    items = html.select("ol.corrections-list > li")
    dates = [li.time["datetime"] for li in items]
    assert dates == sorted(dates, reverse=True) and len(dates) == 5
    assert [urlsplit(li.h2.a["href"]).fragment for li in items][0] == "correction-20220520-140000"
    for li in items:  # every link leads to the correction on its page
        url = urlsplit(li.h2.a["href"])
        assert soup(site.output / url.path.strip("/") / "index.html").find(id=url.fragment) is not None
    feeds = {link["href"] for link in html.select('head link[rel="alternate"]')}
    assert {f"{SITE}/flux/corrections.atom.xml", f"{SITE}/flux/corrections.rss.xml"} <= feeds
    atom = feedparser.parse((site.output / "flux/corrections.atom.xml").read_bytes())
    assert [e.link for e in atom.entries] == [li.h2.a["href"] for li in items]
    assert atom.entries[0].title == ("Précision\u00a0: Un atelier avec la Maison Exemple "
                                     "(Publicité — collaboration commerciale avec Maison Exemple)")
    assert atom.entries[0].id == "tag:marques-communautes.github.io,2022-05-10:c0ab0001:correction:20220520T120000Z"
    rss = feedparser.parse((site.output / "flux/corrections.rss.xml").read_bytes())
    assert [e.id for e in rss.entries] == [e.id for e in atom.entries]


def test_a_correction_moves_updated_in_feeds_and_lastmod_in_the_sitemap_and_nothing_else_does(site):
    entries = atom_entries(site, "flux/site.atom.xml")
    a = f"{{{ATOM}}}"
    corrected = entries[f"{SITE}/corrige/"]
    assert corrected.findtext(a + "updated") == "2022-04-01T09:00:00+02:00"
    assert corrected.findtext(a + "published") == "2022-03-01T10:00:00+01:00"
    tribune = entries[f"{SITE}/tribune/"]
    assert tribune.findtext(a + "updated") == tribune.findtext(a + "published") == "2022-08-01T10:00:00+02:00"
    sitemap = site.page("sitemap.xml")
    lastmod = dict(re.findall(r"<loc>([^<]+)</loc>\s*<lastmod>([^<]+)</lastmod>", sitemap))
    assert lastmod[f"{SITE}/corrige/"] == "2022-04-01" and lastmod[f"{SITE}/tribune/"] == "2022-08-01"
    assert lastmod[f"{SITE}/corrections/"] == "2022-05-20"
    html = page(site, "corrige")
    assert html.select_one('meta[property="article:modified_time"]')["content"] == "2022-04-01T09:00:00+02:00"
    assert page(site, "tribune").select_one('meta[property="article:modified_time"]') is None


# ------------------------------------------------------------- counts agree everywhere

def test_counts_are_equal_across_page_feed_json_ld_and_export(site):
    export = json.loads(site.page("transparence.json"))
    transparence = page(site, "transparence")
    # corrections
    on_page = len(page(site, "corrections").select("ol.corrections-list > li"))
    in_feed = len(feedparser.parse((site.output / "flux/corrections.atom.xml").read_bytes()).entries)
    in_json_ld = 0
    sponsored_ld = 0
    for path in site.output.glob("*/index.html"):
        if path.parent.name == HIDDEN:  # its own page states its partnership and correction, no register counts it
            assert [d["@type"] for d in json_ld(soup(path))] == ["Organization", "AdvertiserContentArticle"]
            continue
        for data in json_ld(soup(path)):
            in_json_ld += len(data.get("correction", []))
            sponsored_ld += data["@type"] == "AdvertiserContentArticle"
    on_transparence = int(transparence.select_one("#corrections-total").get_text())
    assert on_page == in_feed == in_json_ld == on_transparence == export["corrections"]["total"] == 5
    assert export["corrections"]["by_year"] == {"2022": 4, "2021": 1}
    assert export["corrections"]["by_type"] == {"rectificatif": 2, "precision": 2, "mise-a-jour": 1}
    # partnerships
    site_feed = feedparser.parse((site.output / "flux/site.atom.xml").read_bytes())
    prefixed = sum(e.title.startswith("[Publicité]") for e in site_feed.entries)
    listed = len(transparence.select("#liste-partenariats li"))
    assert listed == prefixed == sponsored_ld == export["partnerships"]["total"] == 4


def test_transparence_json_follows_its_schema_and_the_schema_is_published(site):
    schema = json.loads(site.page("transparence.schema.json"))
    data = json.loads(site.page("transparence.json"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(data)
    assert data["$schema"] == f"{SITE}/transparence.schema.json"
    assert data["revisions"] == {"available": False, "total": None, "withheld": None, "median_per_article": None,
                                 "articles": []}
    moderation = data["moderation"]
    # collab-1 (8 h), journal-1 (3 h), journal-2 (24 h), journal-3 (1 h), alice-1 (2 h 45): median 3 h
    assert moderation["contributions_decided"] == 5 and moderation["decisions"] == 6
    assert moderation["median_delay_seconds"] == 3 * 3600
    bad = dict(data, corrections=dict(data["corrections"], total=-1))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(bad)


def test_transparence_page_shows_the_figures(site):
    text = text_of(page(site, "transparence"))
    # 1 day 1 h 30, 4 days 6 h, 10 days 5 h, 15 days 14 h 30, 30 days 22 h: median 10 days
    assert "Délai médian entre la publication d’un article et sa correction\u00a0: 10\u00a0jours" in text
    assert "Délai médian entre la date d’une contribution et la première décision prise à son sujet\u00a0: " \
           "3\u00a0heures" in text
    assert "construite hors du dépôt Git" in text


# ------------------------------------------------------------------ 4. type of work

@pytest.mark.parametrize("slug", sorted(WORK_TYPES))
def test_exactly_one_visible_label_matching_the_json_ld_type(site, slug):
    label, schema_type = WORK_TYPES[slug]
    html = page(site, slug)
    labels = html.select(".work-type")
    assert [node.get_text() for node in labels] == [label]
    assert article_ld(html)["@type"] == schema_type


def test_method_box_and_backstory(site):
    html = page(site, "tribune")
    box = html.select_one("aside.method-box")
    assert box.h2.get_text() == "Comment cet article a été fait"
    facts = {div.dt.get_text(): div.dd.get_text() for div in box.select("dl > div")}
    assert facts == {"Rédaction": "Camille Témoin, invitée",
                     "Relecture à la marque": "l'équipe éditoriale de test, pour les faits seulement",
                     "Sources": "un entretien du 3 mars 2022"}
    backstory = article_ld(html)["backstory"]
    assert backstory.startswith("Rédaction\u00a0: Camille Témoin, invitée.") and "entretien du 3 mars 2022" in backstory


# ------------------------------------------------------------- moderation log

def test_moderation_log_says_when_and_what_never_who(site):
    html = page(site, "corrige")
    log = html.select_one("#journal-moderation")
    entries = [re.sub(r"[ \t\n]+", " ", li.get_text()).strip() for li in log.select("li")]
    assert entries == [
        "1er mars 2022\u00a0: contribution du 1er mars 2022 approuvée (la lire).",
        "3 mars 2022\u00a0: contribution du 2 mars 2022 refusée.",
        "3 mars 2022\u00a0: contribution du 3 mars 2022 approuvée.",
        "10 mars 2022\u00a0: contribution du 3 mars 2022 retirée à la demande de son auteur ou pour une raison de droit.",
    ]
    assert log.select_one("a")["href"] == "#contribution-journal-1"
    page_text = site.page("corrige/index.html")
    for secret in ("Modérateur Secret", "Modératrice Discrète", "JOURNAL-SPAM", "Vendeur Insistant"):
        assert secret not in page_text


# ------------------------------------------------------------ 5. trust signals

def test_every_page_names_the_organization_and_its_policies_which_resolve(site):
    transparence = page(site, "transparence")
    pages = sorted(site.output.rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        organizations = [d for d in json_ld(soup(path)) if d["@type"] == "Organization"]
        assert len(organizations) == 1, path
        org = organizations[0]
        assert org["name"] == "Marques & communautés" and org["url"] == f"{SITE}/"
        for key in POLICIES:
            url = urlsplit(org[key])
            assert url.path == "/transparence/" and transparence.find(id=url.fragment) is not None, (path, key)


def test_every_page_has_canonical_and_open_graph_metadata(site):
    for path in sorted(site.output.rglob("*.html")):
        html = soup(path)
        relative = path.relative_to(site.output).as_posix()
        expected = f"{SITE}/{relative[:-len('index.html')] if relative.endswith('index.html') else relative}"
        assert html.select_one('link[rel="canonical"]')["href"] == expected, path
        meta = {m.get("property") or m.get("name"): m["content"] for m in html.select("meta[content]")}
        assert meta["og:url"] == expected and meta["og:title"] and meta["og:description"], path
        assert meta["og:site_name"] == "Marques & communautés" and meta["og:locale"] == "fr_FR"
        assert meta["twitter:card"] in ("summary", "summary_large_image")
        assert meta["twitter:title"] == meta["og:title"] and meta["twitter:description"] == meta["og:description"]
    article = page(site, "corrige")
    meta = {m.get("property") or m.get("name"): m["content"] for m in article.select("meta[content]")}
    assert meta["og:type"] == "article" and meta["og:title"] == "Un article corrigé trois fois"
    assert meta["og:image"] == f"{SITE}/images/public.png" == meta["twitter:image"]
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["article:published_time"] == "2022-03-01T10:00:00+01:00"
    assert meta["og:description"].startswith("Un article de la marque qui a connu un rectificatif")
    assert (site.output / "images" / "public.png").is_file()
    home = {m.get("property") or m.get("name"): m["content"] for m in soup(site.output / "index.html").select("meta[content]")}
    assert home["og:type"] == "website" and "og:image" not in home


# ------------------------------------------------------------------ 7. feeds

def test_every_feed_follows_the_validator_rules_without_duplicate_updated(site):
    problems = []
    for path in feed_files(site.output):
        problems += check_feed(path, site.output, SITE)
    assert problems == []
    assert any(p.name == "corrections.atom.xml" for p in feed_files(site.output))


# ------------------------------------------------------------------ the gates

@pytest.mark.browser
def test_the_new_markup_passes_the_html_and_accessibility_gates(site, tmp_path):
    """The real site has no partnership, correction or method box: their pages are checked here,
    with every place that shows a mention (lists, cards, tables, the hidden text's plain terms).

    A copy holding only those pages and the stylesheet keeps the gates' run short.
    """
    from publishing import browsergate, gates, htmlgate
    from publishing.site import Site

    missing = htmlgate.tools_missing() + browsergate.tools_missing()
    if missing:
        pytest.skip(f"missing {', '.join(missing)}: scripts/setup --test installs it")
    pages = ("partenariat-collab/", "liens-affilies/", "corrige/", "tribune/", HIDDEN + "/", "corrections/",
             "communaute/", "contributeur/lectrice-test/", "transparence/", "404.html")
    root = tmp_path / "site"
    for name in pages:
        if name.endswith("/"):
            shutil.copytree(site.output / name, root / name, ignore=shutil.ignore_patterns("versions"))
        else:
            shutil.copy(site.output / name, root / name)
    shutil.copytree(site.output / "theme", root / "theme")
    results = gates.run_gates(Site(root, SITE), ("html", "a11y"), pages=pages)
    assert all(result.ok for result in results), gates.report(results, Site(root, SITE))


# ------------------------------------------------------------------ the real site

def test_the_real_site_states_its_policies_types_and_figures_honestly(site_production):
    """content/: five republications, no partnership, no correction; policies that resolve; a valid export."""
    transparence = page(site_production, "transparence")
    for path in sorted(site_production.output.rglob("*.html")):
        (org,) = [d for d in json_ld(soup(path)) if d["@type"] == "Organization"]
        for key in POLICIES:
            assert transparence.find(id=urlsplit(org[key]).fragment) is not None, (path, key)
    articles = [p.parent.name for p in site_production.output.glob("*/index.html")
                if soup(p).select_one("main article.article .byline")]
    assert len(articles) == 5
    for slug in articles:
        html = page(site_production, slug)
        assert [n.get_text() for n in html.select(".work-type")] == ["Republication"]
        assert html.select_one(".disclosure") is None and html.select_one(".correction") is None
    schema = json.loads(site_production.page("transparence.schema.json"))
    data = json.loads(site_production.page("transparence.json"))
    jsonschema.Draft202012Validator(schema).validate(data)
    assert data["partnerships"]["total"] == 0 and data["corrections"]["total"] == 0
    assert "Aucun texte publié sur ce site n’a de contrepartie commerciale" in text_of(transparence)
    assert "Aucune correction n’a été publiée sur ce site." in text_of(page(site_production, "corrections"))
    problems = []
    for path in feed_files(site_production.output):
        problems += check_feed(path, site_production.output, SITE)
    assert problems == [], "no DuplicateUpdated (nor any other rule) in the real site's feeds"


# ------------------------------------------------------------------ paid links in every spelling and place

# What a browser reads as a link to aff.example.net, however it is written (issue 25, point 6).
SPELLINGS = {
    "point": "[un](https://aff.example.net./un)",
    "fullwidth": "[deux](https://ａｆｆ.example.net/deux)",
    "percent": "[trois](https://aff%2Eexample.net/trois)",
    "scheme-relative": "[quatre](//aff.example.net/quatre)",
    "single-quoted": "<a href='https://aff.example.net/cinq'>cinq</a>",
    "capitals": "[six](HTTPS://AFF.EXAMPLE.NET/six)",
    "userinfo": "[sept](https://maison-exemple.fr@aff.example.net/sept)",
    "backslashes": "<a href='https:\\\\aff.example.net\\huit'>huit</a>",
}


def _paid_content(tmp_path: Path) -> Path:
    content = content_with_transparency(tmp_path)
    article = content / "articles" / "liens-affilies.md"
    text = article.read_text(encoding="utf-8").replace(
        "Sponsor: Programme Exemple\n", "Sponsor: Programme Exemple\nSource: Le catalogue\n"
        "Source_url: https://ａｆｆ.example.net./catalogue\n")
    article.write_text(text + "\n" + "\n\n".join(f"Lien {name} : {link}." for name, link in SPELLINGS.items())
                       + "\n\n[[contribution:lecteur-aff]]\n", encoding="utf-8")
    folder = content / "contributions" / "liens-affilies"
    folder.mkdir()
    common = "Article: liens-affilies\nStatus: approved\nSource: Commentaires du site\n"
    (folder / "officiel-aff.md").write_text(
        f"Id: officiel-aff\nAuthor: La rédaction\nOfficial: yes\nDate: 2022-06-02 10:00:00+02:00\n{common}\n"
        "Le lien du programme : [ici](https://ａｆｆ.example.net./officiel).\n", encoding="utf-8")
    (folder / "lecteur-aff.md").write_text(
        f"Id: lecteur-aff\nAuthor: Lecteur Affilié\nAuthor_url: https://aff.example.net./mon-site\n"
        f"Date: 2022-06-03 10:00:00+02:00\n{common}\nMon lien : https://aff.example.net/lecteur\n", encoding="utf-8")
    return content


def _paid_links(html_page) -> list:
    return [a for a in html_page.select("a[href]") if "example.net" in a["href"].lower()]


def test_affiliate_links_in_every_spelling_and_place_are_sponsored_and_noted(tmp_path):
    build = run_pelican(_paid_content(tmp_path), tmp_path / "out", fatal="warnings", overrides=SETTINGS)
    assert build.returncode == 0, build.log
    article = page(build, "liens-affilies")
    prose = _paid_links(article.select_one("main .prose"))
    assert len(prose) == len(SPELLINGS) + 1 + 1  # the fixture's own link, and the quoted reader's
    source = _paid_links(article.select_one("#source"))
    official = _paid_links(article.select_one("#contribution-officiel-aff"))
    reader = _paid_links(article.select_one("#contribution-lecteur-aff"))
    contributor = _paid_links(soup(build.output / "contributeur" / "lecteur-affilie" / "index.html").select_one("main"))
    assert len(source) == 1 and len(official) == 1 and len(reader) == 2 and contributor
    for link in prose + source + official + reader + contributor:
        assert "sponsored" in link["rel"], link
        note = link.find_next_sibling()
        assert note is not None and note.get("class") == ["affiliate-note"] and note.get_text() == " (lien affilié)", link
    assert all("ugc" in link["rel"] for link in reader + contributor), "a reader's link stays a reader's"
    # Every page and feed entry of the build, read again as a browser reads it: nothing left unmarked.
    sys.path.insert(0, str(ROOT / "scripts"))
    from publishing import links
    from publishing.site import Site
    found, _ = links.run(Site(build.output, SITE, affiliate_domains=("aff.example.net",)))
    assert [p for p in found if "affiliate" in p.field] == []
    feed = (build.output / "flux" / "site.atom.xml").read_text(encoding="utf-8")
    assert feed.count("affiliate-note") >= len(SPELLINGS) + 1


@pytest.mark.parametrize("place", ["article", "page", "source", "official", "profile", "bio"])
def test_an_affiliate_link_where_nothing_declares_it_fails_naming_file_field_and_value(tmp_path, place):
    content = content_with_transparency(tmp_path)
    tribune = content / "articles" / "tribune.md"
    if place == "article":
        path, field, value = tribune, "link", "//aff.example.net/x"
        path.write_text(path.read_text(encoding="utf-8") + f"\n<a href='{value}'>acheter</a>\n", encoding="utf-8")
    elif place == "page":
        path, field, value = content / "pages" / "a-propos.md", "link", "https://ａｆｆ.example.net/p"
        path.write_text(path.read_text(encoding="utf-8") + f"\n[acheter]({value})\n", encoding="utf-8")
    elif place == "source":
        path, field, value = tribune, "Source_url:", "https://aff.example.net./s"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("Lang: fr\n", f"Lang: fr\nSource: Ailleurs\nSource_url: {value}\n"),
                        encoding="utf-8")
    elif place == "official":
        path = content / "contributions" / "second" / "officiel-aff.md"
        field, value = "Body:", "https://aff.example.net./o"
        path.write_text("Id: officiel-aff\nArticle: second\nAuthor: La rédaction\nOfficial: yes\n"
                        "Date: 2021-07-01 10:00:00+02:00\nStatus: approved\nSource: Commentaires du site\n\n"
                        f"Voyez [ici]({value}).\n", encoding="utf-8")
    else:
        path = content / "authors" / "camille-temoin.md"
        field, value = ("Website:", "aff.example.net./moi") if place == "profile" else ("bio", "//aff.example.net/b")
        text = path.read_text(encoding="utf-8")
        text = text.replace("Website: example.org", f"Website: {value}") if place == "profile" \
            else text + f"\n[Mon livre]({value})\n"
        path.write_text(text, encoding="utf-8")
    build = run_pelican(content, tmp_path / "out", overrides=SETTINGS)
    log = " ".join(build.log.split())
    assert build.returncode != 0
    assert path.name in log and f"{field} = {value!r}" in log and "aff.example.net" in log and "Correction :" in log, log
