"""Real builds of tests/fixtures/site: every produced feed, read as readers and validators read it."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import sys
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from conftest import FIXTURE_SITE, ROOT, Build, run_pelican

sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "feeds"))
from feedbuild import COMMUNITY, build, syndication  # noqa: E402
from feedcheck import ATOM, check_feed, feed_files, is_absolute, real_paris_offset  # noqa: E402

# One worker runs this file: its tests share module-scoped builds (README, "For developers").
pytestmark = [pytest.mark.build]

SITE_URL = "https://marques-communautes.github.io"  # publishconf.py's default SITEURL
FEEDS_FIXTURES = ROOT / "tests" / "fixtures" / "feeds"
needs_community = pytest.mark.skipif(not COMMUNITY, reason="context['community'] exists only with the community plugin")

EMBARGOED = ["Brouillon secret", "brouillon-secret", "Article du futur", "article-du-futur", "Article caché",
             "article-cache", "embargo-brouillon", "embargo-futur", "Coulisses",
             # contributions that are not approved, or belong to a draft, and private fields
             "SECRET-PENDING", "SECRET-REJECTED", "SECRET-DRAFT-CONTRIB", "Hector Brouillon", "Bob Attente",
             "Carl Refus", "bob-pending", "carl-rejected", "draft-contrib", "retire-1",
             "alice.secret@example.org", "203.0.113.7"]
PUBLISHED_TITLES = ["Premier article\u00a0: les bases", "Second article"]


def relative_feeds(output: Path) -> list[str]:
    return [p.relative_to(output).as_posix() for p in feed_files(output)]


@pytest.fixture(scope="module")
def variant(tmp_path_factory) -> Build:
    """The fixture site plus tests/fixtures/feeds/articles, with exclusions, a hub and 2 entries per feed."""
    content = tmp_path_factory.mktemp("feeds-variant") / "content"
    shutil.copytree(FIXTURE_SITE / "content", content)
    for path in (FEEDS_FIXTURES / "articles").glob("*.md"):
        shutil.copy(path, content / "articles" / path.name)
    settings = syndication(max_entries=2, exclude_categories_from_site=["Promotion"],
                           exclude_tags_from_site=["publicite"], websub_hub="https://hub.example.net/")
    return build(content, content.parent / "out", extra={"SYNDICATION": settings})


# ------------------------------------------------------------------ the feeds

def test_the_expected_feeds_are_written_with_the_documented_paths(fixture_production):
    expected = {
        "flux/site.atom.xml", "flux/site.rss.xml", "flux/site.json",
        "flux/categorie/essais.atom.xml", "flux/categorie/essais.rss.xml",
        "flux/etiquette/conversation.atom.xml", "flux/etiquette/conversation.rss.xml",
        "flux/etiquette/transparence.atom.xml", "flux/etiquette/transparence.rss.xml",
        "flux/auteur/camille-temoin.atom.xml", "flux/auteur/camille-temoin.rss.xml",
        "flux/corrections.atom.xml", "flux/corrections.rss.xml",  # every correction (plugins/transparency)
    }
    if COMMUNITY:
        expected |= {"flux/communaute.atom.xml", "flux/communaute.rss.xml",
                     "flux/contributions/premier-article.atom.xml", "flux/contributions/premier-article.rss.xml",
                     "flux/contributions/second.atom.xml", "flux/contributions/second.rss.xml"}
    assert set(relative_feeds(fixture_production.output)) == expected
    assert (fixture_production.output / "flux" / "abonnements.opml").is_file()
    assert not list(fixture_production.output.glob("feeds/*"))  # Pelican's own feed writer is off


def test_every_feed_follows_the_w3c_validator_rules(fixture_production):
    problems = []
    for path in feed_files(fixture_production.output):
        problems += check_feed(path, fixture_production.output, SITE_URL)
    assert problems == []


def test_feedparser_reads_every_feed_as_french_full_text_with_absolute_links(fixture_production):
    for path in feed_files(fixture_production.output):
        if path.suffix == ".json":
            continue
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.version in ("atom10", "rss20"), path
        assert parsed.feed.get("language") == "fr", path
        assert parsed.entries, path
        for entry in parsed.entries:
            assert is_absolute(entry.link), (path, entry.link)
            assert entry.get("summary") and entry.get("content") and entry.content[0].value, (path, entry.title)
            assert entry.id.startswith("tag:marques-communautes.github.io,"), entry.id
            for html in (entry.summary, entry.content[0].value):
                for url in re.findall(r'(?:href|src)="([^"]*)"', html):
                    assert is_absolute(url), (path, url)


def test_self_links_are_where_the_feeds_are_served(fixture_production):
    for path in feed_files(fixture_production.output):
        url = f"{SITE_URL}/{path.relative_to(fixture_production.output).as_posix()}"
        if path.suffix == ".json":
            assert json.loads(path.read_text(encoding="utf-8"))["feed_url"] == url
            continue
        root = etree.parse(str(path)).getroot()
        selfs = root.findall(f".//{{{ATOM}}}link[@rel='self']")
        assert [s.get("href") for s in selfs] == [url], path


def test_rss_guids_are_not_permalinks(fixture_production):
    for path in fixture_production.output.glob("flux/**/*.rss.xml"):
        for guid in etree.parse(str(path)).getroot().iter("guid"):
            assert guid.get("isPermaLink") == "false" and guid.text.startswith("tag:"), path


def test_dates_carry_the_paris_offset_and_updated_comes_from_modified(fixture_production):
    atom = etree.parse(str(fixture_production.output / "flux/site.atom.xml")).getroot()
    a = f"{{{ATOM}}}"
    entries = {e.findtext(a + "title"): e for e in atom.findall(a + "entry")}
    second = entries["Second article"]
    assert second.findtext(a + "updated") == "2021-07-01T09:00:00+02:00"  # Modified:
    assert second.findtext(a + "published") == "2021-06-15T18:30:00+02:00"
    first = entries["Premier article\u00a0: les bases"]
    assert first.findtext(a + "updated") == first.findtext(a + "published") == "2020-01-01T10:00:00+01:00"
    assert atom.findtext(a + "updated") == "2021-07-01T09:00:00+02:00"  # the newest entry, not the build time
    rss = fixture_production.page("flux/site.rss.xml")
    assert "<pubDate>Tue, 15 Jun 2021 18:30:00 +0200</pubDate>" in rss
    assert "<pubDate>Wed, 01 Jan 2020 10:00:00 +0100</pubDate>" in rss
    assert "<lastBuildDate>Thu, 01 Jul 2021 09:00:00 +0200</lastBuildDate>" in rss
    for item in json.loads(fixture_production.page("flux/site.json"))["items"]:
        for key in ("date_published", "date_modified"):
            assert real_paris_offset(dt.datetime.fromisoformat(item[key])), item[key]


def test_drafts_hidden_future_and_unapproved_appear_in_no_feed(fixture_production):
    files = feed_files(fixture_production.output) + [fixture_production.output / "flux/abonnements.opml",
                                                     fixture_production.output / "suivre/index.html"]
    for path in files:
        text = path.read_text(encoding="utf-8")
        for marker in EMBARGOED:
            assert marker not in text, f"{marker} leaked into {path}"
    site = fixture_production.page("flux/site.atom.xml")
    for title in PUBLISHED_TITLES:
        assert title in site


def test_two_builds_of_the_same_sources_are_byte_identical(fixture_production, tmp_path):
    again = build(FIXTURE_SITE / "content", tmp_path / "again")
    first = {p: (fixture_production.output / p).read_bytes() for p in relative_feeds(fixture_production.output)}
    second = {p: (again.output / p).read_bytes() for p in relative_feeds(again.output)}
    assert first.keys() == second.keys()
    for path in first:
        assert first[path] == second[path], path
    opml = "flux/abonnements.opml"
    assert fixture_production.page(opml) == again.page(opml)


def test_each_entry_says_the_type_of_work_and_the_source_line_its_page_says(fixture_production):
    from bs4 import BeautifulSoup

    items = {item["url"]: item for item in json.loads(fixture_production.page("flux/site.json"))["items"]}
    shown = {}
    for name in ("flux/site.atom.xml", "flux/site.rss.xml"):
        for entry in feedparser.parse((fixture_production.output / name).read_bytes()).entries:
            page = BeautifulSoup(fixture_production.page(entry.link.removeprefix(SITE_URL + "/") + "index.html"),
                                 "html.parser")
            work_type = page.select_one(".article__kicker .work-type").get_text()
            genres = [t.term for t in entry.tags if t.get("scheme") == "https://schema.org/genre"]
            assert genres == [work_type], (name, entry.title)
            source = page.select_one(".byline__source")
            content = BeautifulSoup(entry.content[0].value, "html.parser")
            lead = content.strong.parent  # first in the content, after the cover image if there is one
            assert lead.find_previous("p") is None or lead.find_previous("p").img, (name, entry.title)
            expected = work_type + (" · " + " ".join(source.get_text().split()) if source else "")
            assert " ".join(lead.get_text().split()) == expected, (name, entry.title)
            assert entry.summary.startswith(str(lead)), (name, entry.title)
            if source:  # linked where the page's byline links it: the page's Source box
                assert lead.a["href"] == f"{entry.link}{source.a['href']}"
            assert str(lead) in items[entry.link]["content_html"]
            assert items[entry.link]["summary"].startswith(lead.get_text() + ". ")
            shown[entry.link] = lead.get_text()
    assert shown == {f"{SITE_URL}/premier-article/": "Republication · Source\u00a0: Revue de test",
                     f"{SITE_URL}/second/": "Article de la marque"}


@needs_community
def test_community_feeds_hold_approved_contributions_linked_to_their_anchor(fixture_production):
    parsed = feedparser.parse((fixture_production.output / "flux/communaute.atom.xml").read_bytes())
    ids = [e.id for e in parsed.entries]
    assert "tag:marques-communautes.github.io,2020-01-02:contribution:alice-1" in ids
    alice = next(e for e in parsed.entries if e.id.endswith(":contribution:alice-1"))
    assert alice.link == f"{SITE_URL}/premier-article/#contribution-alice-1"
    assert alice.title == "Commentaire d’Alice Martin sur «\u00a0Premier article\u00a0: les bases\u00a0»"
    assert "très" in alice.content[0].value
    per_article = feedparser.parse((fixture_production.output / "flux/contributions/second.atom.xml").read_bytes())
    assert {e.id.rsplit(":", 1)[1] for e in per_article.entries} == {"alice-2", "mention-1", "temoin-1"}


# ------------------------------------------------------ settings: exclusions, bounds, hub

def test_variant_feeds_follow_the_validator_rules_too(variant):
    problems = []
    for path in feed_files(variant.output):
        problems += check_feed(path, variant.output, SITE_URL)
    assert problems == []


def _titles(path: Path) -> list[str]:
    return [e.title for e in feedparser.parse(path.read_bytes()).entries]


def test_excluded_category_and_tag_keep_their_own_feeds_only(variant):
    site = {fmt: _titles(variant.output / f"flux/site.{fmt}") for fmt in ("atom.xml", "rss.xml")}
    site["json"] = [i["title"] for i in json.loads(variant.page("flux/site.json"))["items"]]
    for titles in site.values():
        assert "Offre spéciale de printemps" not in titles and "Un partenariat publicitaire" not in titles
    assert _titles(variant.output / "flux/categorie/promotion.atom.xml") == ["Offre spéciale de printemps"]
    assert _titles(variant.output / "flux/etiquette/publicite.rss.xml") == ["Un partenariat publicitaire"]
    assert "Sans les articles de la catégorie Promotion" in variant.page("flux/site.atom.xml")


def test_number_of_entries_is_bounded_by_the_setting(variant):
    counts = {}
    for path in feed_files(variant.output):
        if path.suffix == ".json":
            counts[path.name] = len(json.loads(path.read_text(encoding="utf-8"))["items"])
        else:
            counts[path.relative_to(variant.output).as_posix()] = len(feedparser.parse(path.read_bytes()).entries)
    assert max(counts.values()) == 2 and counts["flux/categorie/essais.atom.xml"] == 2
    newest = _titles(variant.output / "flux/categorie/essais.atom.xml")
    assert newest == ["Esperluette & chevrons < >\u00a0: un titre piégé", "Second article"]


def test_hub_link_in_every_feed_when_the_setting_is_set(variant, fixture_production):
    for path in feed_files(variant.output):
        if path.suffix == ".json":
            assert json.loads(path.read_text(encoding="utf-8"))["hubs"] == [
                {"type": "WebSub", "url": "https://hub.example.net/"}]
            continue
        hubs = etree.parse(str(path)).getroot().findall(f".//{{{ATOM}}}link[@rel='hub']")
        assert [h.get("href") for h in hubs] == ["https://hub.example.net/"], path
    assert "rel=\"hub\"" not in fixture_production.page("flux/site.atom.xml")


def test_tricky_content_is_cleaned(variant):
    parsed = feedparser.parse((variant.output / "flux/site.atom.xml").read_bytes())
    entry = next(e for e in parsed.entries if e.link.endswith("/pieges/"))
    assert entry.title == "Esperluette & chevrons < >\u00a0: un titre piégé"
    content = entry.content[0].value
    assert "\x01" not in content and "\x1b" not in content and "\x7f" not in content
    assert f'href="{SITE_URL}/second/"' in content and f'href="{SITE_URL}/a-propos/"' in content
    assert f'href="{SITE_URL}/pieges/#bas"' in content and f'src="{SITE_URL}/pieges/images/figure.png"' in content
    assert "]]" in content and f'href="{SITE_URL}/second/"' in entry.summary
    assert entry.updated == "2021-11-02T17:45:00+01:00" and entry.published == "2021-08-10T08:00:00+02:00"


# ------------------------------------------------------------------ stable ids

def _ids_by_link(output: Path) -> dict[str, str]:
    return {e.link: e.id for e in feedparser.parse((output / "flux/site.atom.xml").read_bytes()).entries}


def test_ids_survive_title_slug_category_tags_file_name_and_scheme_changes(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE / "content", content)
    shutil.rmtree(content / "contributions" / "second", ignore_errors=True)  # they name the old slug
    second = content / "articles" / "second.md"
    text = second.read_text(encoding="utf-8")
    if "Feed_id:" not in text:
        text = text.replace("Lang: fr\n", "Lang: fr\nFeed_id: tag:marques-communautes.github.io,2021-06-15:5e00cd01\n")
        second.write_text(text, encoding="utf-8")
    before = _ids_by_link(build(content, tmp_path / "before", env={"SITEURL": "http://feeds.example.test"}).output)

    edited = (text.replace("Title: Second article", "Title: Un titre entièrement réécrit")
                  .replace("Slug: second", "Slug: deuxieme")
                  .replace("Category: Essais", "Category: Coulisses")
                  .replace("Tags: conversation", "Tags: nouvelle-etiquette"))
    second.unlink()
    (content / "articles" / "renomme.md").write_text(edited, encoding="utf-8")
    premier = content / "articles" / "premier-article.md"
    premier.write_text(premier.read_text(encoding="utf-8").replace("{filename}second.md", "{filename}renomme.md"),
                       encoding="utf-8")
    after = _ids_by_link(build(content, tmp_path / "after", env={"SITEURL": "https://feeds.example.test"}).output)

    assert before["http://feeds.example.test/second/"] == after["https://feeds.example.test/deuxieme/"]
    assert before["http://feeds.example.test/premier-article/"] == after["https://feeds.example.test/premier-article/"]
    assert sorted(before.values()) == sorted(after.values())


def test_a_bad_feed_id_fails_the_build_naming_file_field_and_fix(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE / "content", content)
    second = content / "articles" / "second.md"
    text = re.sub(r"^Feed_id:.*\n", "", second.read_text(encoding="utf-8"), flags=re.M)
    second.write_text(text.replace("Lang: fr\n", "Lang: fr\nFeed_id: https://exemple.org/mauvais id\n"),
                      encoding="utf-8")
    result = run_pelican(content, tmp_path / "out", "publishconf.py")
    log = " ".join(result.log.split())
    assert result.returncode != 0
    assert "second.md" in log and "Feed_id:" in log and "not a tag URI" in log and "Correction :" in log
