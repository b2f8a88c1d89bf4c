"""Building one feed: formats, dates, escaping, JSON Feed, hub (unit level)."""

from __future__ import annotations

import datetime as dt
import json

import feedparser
import pytest
from lxml import etree
from test_feeds_support import AUTHORITY, PARIS, make_article, paris

from feedcheck import check_atom, check_json, check_rss
from syndication.entries import article_entry
from syndication.model import Document
from syndication.render import GENERATOR, json_feed, render

BASE = "https://example.org"
URLS = {fmt: f"{BASE}/flux/site.{ext}" for fmt, ext in (("atom", "atom.xml"), ("rss", "rss.xml"), ("json", "json"))}


def document(entries, hub=None, updated=None) -> Document:
    return Document(
        feed_id="tag:marques-communautes.github.io,2026-11-22:feed/site", title="Marques & communautés — tous les articles",
        description="Tous les articles.", home_url=f"{BASE}/", urls=URLS, language="fr",
        publisher="L'équipe éditoriale", updated=updated or max(e.updated for e in entries),
        entries=tuple(entries), hub=hub,
    )


def entry(base=None, **fields):
    """The entry of an article; `base` is WINTER or SUMMER, overridden by `fields`."""
    return article_entry(make_article(**{**(base or {}), **fields}), BASE, PARIS, AUTHORITY)


WINTER = dict(slug="hiver", title="Hiver", date=paris(2020, 1, 1, 10, 0), source="/c/articles/hiver.md")
SUMMER = dict(slug="ete", title="Été", date=paris(2021, 6, 15, 18, 30), corrected=paris(2021, 7, 1, 9, 0),
              source="/c/articles/ete.md")


def write(tmp_path, doc, formats=("atom", "rss", "json")):
    paths = {}
    for fmt, data in render(doc, formats).items():
        path = tmp_path / URLS[fmt].rsplit("/", 1)[1]
        path.write_bytes(data)
        paths[fmt] = path
    return paths


def test_rss_dates_are_rfc822_in_english_with_the_numeric_offset_of_the_day():
    rss = render(document([entry(SUMMER), entry(WINTER)]), ["rss"])["rss"].decode()
    assert "<pubDate>Tue, 15 Jun 2021 18:30:00 +0200</pubDate>" in rss
    assert "<pubDate>Wed, 01 Jan 2020 10:00:00 +0100</pubDate>" in rss
    assert "<lastBuildDate>Thu, 01 Jul 2021 09:00:00 +0200</lastBuildDate>" in rss


def test_atom_and_json_dates_are_rfc3339_and_updated_comes_from_the_newest_correction():
    out = render(document([entry(SUMMER), entry(WINTER)]), ["atom", "json"])
    atom = out["atom"].decode()
    assert "<updated>2021-07-01T09:00:00+02:00</updated>" in atom  # feed and summer entry: its correction
    assert "<published>2021-06-15T18:30:00+02:00</published>" in atom
    assert "<updated>2020-01-01T10:00:00+01:00</updated>" in atom  # winter entry: no correction, its Date
    items = json.loads(out["json"])["items"]
    assert items[0]["date_published"] == "2021-06-15T18:30:00+02:00"
    assert items[0]["date_modified"] == "2021-07-01T09:00:00+02:00"
    assert items[1]["date_modified"] == "2020-01-01T10:00:00+01:00"


def test_a_date_written_with_the_wrong_offset_gets_the_real_one():
    e = entry(slug="x", date=paris(2021, 6, 15, 18, 30).astimezone(dt.timezone.utc))
    assert e.published.isoformat() == "2021-06-15T18:30:00+02:00"


def test_output_is_reproducible_and_names_no_version_nor_build_time():
    entries = [entry(SUMMER), entry(WINTER)]
    first = render(document(entries), ["atom", "rss", "json"])
    second = render(document([entry(SUMMER), entry(WINTER)]), ["atom", "rss", "json"])
    assert first == second
    assert f"<generator>{GENERATOR}</generator>" in first["atom"].decode().replace("&amp;", "&")
    assert "version=" not in first["atom"].decode().split("<generator")[1].split(">")[0]
    assert b"python-feedgen" not in first["atom"] + first["rss"]


def test_rss_guid_is_the_tag_id_and_not_a_permalink():
    rss = render(document([entry(WINTER, feed_id="tag:example.org,2020-01-01:abc")]), ["rss"])["rss"]
    guid = etree.fromstring(rss).find("channel/item/guid")
    assert guid.text == "tag:example.org,2020-01-01:abc" and guid.get("isPermaLink") == "false"


def test_content_and_summary_are_both_given_with_absolute_urls(tmp_path):
    e = entry(WINTER, content='<p><a href="../voisin/">voisin</a> <img src="img/a.png" srcset="img/a.png 1x, /b.png 2x">'
                                '<a href="#note">note</a> <a href="mailto:x@example.org">écrire</a></p>',
              summary='<p>Voir <a href="/autre/">autre</a>.</p>')
    assert 'href="https://example.org/voisin/"' in e.content_html
    assert 'src="https://example.org/hiver/img/a.png"' in e.content_html
    assert "https://example.org/hiver/img/a.png 1x, https://example.org/b.png 2x" in e.content_html
    assert 'href="https://example.org/hiver/#note"' in e.content_html
    assert 'href="mailto:x@example.org"' in e.content_html
    assert 'href="https://example.org/autre/"' in e.summary_html
    paths = write(tmp_path, document([e]))
    assert check_atom(paths["atom"], URLS["atom"]) == []
    assert check_rss(paths["rss"], URLS["rss"]) == []
    assert check_json(paths["json"], URLS["json"]) == []


def test_control_characters_are_stripped_and_the_feeds_still_parse(tmp_path):
    e = entry(WINTER, title="Titre\x0b avec\x00 contrôle\x1b", content="<p>Bip\x07 et\x7f fin\ufffe.</p>",
              summary="<p>Ré\x01sumé</p>")
    assert e.title == "Titre avec contrôle"
    assert "\x07" not in e.content_html and "\x7f" not in e.content_html and "\ufffe" not in e.content_html
    for fmt, path in write(tmp_path, document([e])).items():
        if fmt == "json":
            assert json.loads(path.read_text())["items"][0]["title"] == "Titre avec contrôle"
            continue
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.entries[0].title == "Titre avec contrôle"


def test_cdata_terminator_in_content_is_escaped_not_broken(tmp_path):
    e = entry(WINTER, content="<p>Fin de section ]]> et <![CDATA[x]]> suite</p>")
    for fmt, path in write(tmp_path, document([e]), ("atom", "rss")).items():
        etree.parse(str(path))  # well-formed
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (fmt, parsed.get("bozo_exception"))
        assert "]]>" in parsed.entries[0].content[0].value, fmt


def test_titles_are_plain_text():
    e = entry(WINTER, title="Balises <b>grasses</b> & esperluette")
    atom = render(document([e]), ["atom"])["atom"]
    title = etree.fromstring(atom).find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}title")
    assert title.text == "Balises <b>grasses</b> & esperluette" and title.get("type") is None
    assert feedparser.parse(atom).entries[0].title == "Balises <b>grasses</b> & esperluette"


def test_json_feed_is_valid_json_feed_1_1(tmp_path):
    doc = document([entry(SUMMER), entry(WINTER)], hub="https://hub.example.net/")
    data = json.loads(json_feed(doc))
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["language"] == "fr" and data["feed_url"] == URLS["json"] and data["home_page_url"] == f"{BASE}/"
    assert data["hubs"] == [{"type": "WebSub", "url": "https://hub.example.net/"}]
    item = data["items"][0]
    for key in ("id", "url", "title", "content_html", "summary", "date_published", "date_modified", "authors", "tags"):
        assert key in item, key
    assert item["summary"] == "Résumé." and item["authors"][0]["name"] == "Camille Témoin"
    path = tmp_path / "site.json"
    path.write_bytes(json_feed(doc))
    assert check_json(path, URLS["json"]) == []


def test_json_is_escaped_by_the_serialiser():
    e = entry(WINTER, title='Des "guillemets", une \\ barre et </script>')
    data = json.loads(json_feed(document([e])))
    assert data["items"][0]["title"] == 'Des "guillemets", une \\ barre et </script>'


@pytest.mark.parametrize("hub", ["https://hub.example.net/", None])
def test_hub_link_in_every_format_only_when_set(hub):
    out = render(document([entry(WINTER)], hub=hub), ["atom", "rss", "json"])
    atom, rss = etree.fromstring(out["atom"]), etree.fromstring(out["rss"])
    ns = {"a": "http://www.w3.org/2005/Atom"}
    atom_hubs = [ln.get("href") for ln in atom.findall("a:link[@rel='hub']", ns)]
    rss_hubs = [ln.get("href") for ln in rss.findall("channel/a:link[@rel='hub']", ns)]
    json_hubs = [h["url"] for h in json.loads(out["json"]).get("hubs", [])]
    expected = [hub] if hub else []
    assert atom_hubs == rss_hubs == json_hubs == expected


def test_language_is_french_everywhere():
    out = render(document([entry(WINTER)]), ["atom", "rss", "json"])
    assert etree.fromstring(out["atom"]).get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert etree.fromstring(out["rss"]).findtext("channel/language") == "fr"
    assert json.loads(out["json"])["language"] == "fr"


def test_the_offline_checker_does_catch_broken_feeds(tmp_path):
    """The functional tests rely on feedcheck: make sure it fails when it should."""
    good = render(document([entry(WINTER)]), ["atom", "rss"])
    atom = good["atom"].decode().replace("https://example.org/hiver/", "/hiver/")
    atom = atom.replace("<updated>2020-01-01T10:00:00+01:00</updated>", "<updated>2020-01-01 10:00</updated>", 1)
    rss = good["rss"].decode().replace('isPermaLink="false"', 'isPermaLink="true"').replace("+0100", "+0200")
    (tmp_path / "a.xml").write_text(atom)
    (tmp_path / "r.xml").write_text(rss)
    atom_problems = " ".join(check_atom(tmp_path / "a.xml", URLS["atom"]))
    rss_problems = " ".join(check_rss(tmp_path / "r.xml", URLS["rss"]))
    assert "relative link" in atom_problems and "not a valid date" in atom_problems
    assert "InvalidHttpGUID" in rss_problems and "Europe/Paris" in rss_problems
