"""The publish pipeline's building blocks: Content-Types, the site's addresses, gate names (unit level)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from blogcore.errors import SiteError  # noqa: E402
from publishing import feedrules  # noqa: E402
from publishing.contenttypes import content_type  # noqa: E402
from publishing.gates import GATES, selection  # noqa: E402
from publishing.site import Site  # noqa: E402


@pytest.mark.parametrize("path, expected", [
    ("index.html", "text/html; charset=utf-8"),
    ("suivre/index.html", "text/html; charset=utf-8"),
    ("theme/css/style.css", "text/css; charset=utf-8"),
    ("sitemap.xml", "application/xml; charset=utf-8"),
    ("flux/site.atom.xml", "application/atom+xml; charset=utf-8"),
    ("flux/etiquette/x.rss.xml", "application/rss+xml; charset=utf-8"),
    ("flux/site.json", "application/feed+json; charset=utf-8"),
    ("data/other.json", "application/json; charset=utf-8"),
    ("flux/abonnements.opml", "text/x-opml; charset=utf-8"),
    ("robots.txt", "text/plain; charset=utf-8"),
    ("theme/app.js", "text/javascript; charset=utf-8"),
    ("images/logo.svg", "image/svg+xml; charset=utf-8"),
    ("images/photo.JPG", "image/jpeg"),
    ("images/public.png", "image/png"),
    ("fonts/x.woff2", "font/woff2"),
    ("odd.unknown-extension", "application/octet-stream"),
    # the search index (plugins/search/): Pagefind's script, its JSON entry, its binary chunks
    ("pagefind/pagefind.js", "text/javascript; charset=utf-8"),
    ("pagefind/pagefind-worker.js", "text/javascript; charset=utf-8"),
    ("pagefind/pagefind-entry.json", "application/json; charset=utf-8"),
    ("pagefind/wasm.fr.pagefind", "application/octet-stream"),
    ("pagefind/pagefind.fr_6d1cd473eb.pf_meta", "application/octet-stream"),
    ("pagefind/index/fr_98e73b1.pf_index", "application/octet-stream"),
    ("pagefind/filter/fr_d7ae678.pf_filter", "application/octet-stream"),
    ("pagefind/fragment/fr_61c69ce.pf_fragment", "application/octet-stream"),
])
def test_every_file_gets_its_content_type_with_utf8_for_text(path, expected):
    assert content_type(path) == expected


def test_a_json_feed_is_recognised_in_another_feeds_folder():
    assert content_type("feeds/site.json", feeds_dir="feeds") == "application/feed+json; charset=utf-8"
    assert content_type("flux/site.json", feeds_dir="feeds") == "application/json; charset=utf-8"


def test_urls_map_to_build_files(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text("x")
    (tmp_path / "index.html").write_text("x")
    site = Site(tmp_path, "https://example.org/")
    assert site.siteurl == "https://example.org" and site.base_path == "/"
    assert site.url_of("index.html") == "https://example.org/"
    assert site.url_of("a/index.html") == "https://example.org/a/"
    assert site.url_of("flux/site.atom.xml") == "https://example.org/flux/site.atom.xml"
    assert site.path_of("https://example.org/a/") == "a/"
    assert site.file_for("a/") == tmp_path / "a" / "index.html"
    assert site.file_for("") == tmp_path / "index.html"
    assert site.file_for("a") is None, "a folder without its slash is not a file"
    assert site.file_for("missing/") is None
    assert site.is_internal("https://example.org/x") and site.is_internal("http://EXAMPLE.org/x")
    assert not site.is_internal("https://cdn.example.org/x")


def test_a_site_under_a_path_knows_what_is_outside_it(tmp_path):
    site = Site(tmp_path, "https://example.github.io/blog")
    assert site.base_path == "/blog/"
    assert site.path_of("https://example.github.io/blog/a/") == "a/"
    assert site.path_of("https://example.github.io/blog/") == ""
    assert site.path_of("https://example.github.io/other/") is None
    assert site.path_of("https://example.github.io/theme/css/style.css") is None
    assert site.url_of("a/index.html") == "https://example.github.io/blog/a/"


@pytest.mark.parametrize("bad", ["", "/", "example.org", "ftp://example.org", "https://example.org/?x=1"])
def test_a_production_site_needs_an_absolute_http_address(tmp_path, bad):
    with pytest.raises(SiteError) as caught:
        Site(tmp_path, bad)
    message = str(caught.value)
    assert "publishconf.py" in message and "SITEURL" in message and "Correction :" in message


def test_gate_selection_keeps_the_documented_order_and_names_unknown_gates():
    assert selection("") == GATES == ("html", "links", "feeds", "a11y", "hosts")
    assert selection("hosts, LINKS") == ("links", "hosts")
    with pytest.raises(SiteError) as caught:
        selection("links,spelling")
    assert "spelling" in str(caught.value) and "html, links, feeds, a11y, hosts" in str(caught.value)


def test_the_feed_tests_use_the_very_rules_the_gate_applies():
    sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "feeds"))
    import feedcheck

    for name in ("check_atom", "check_rss", "check_json", "check_feed", "feed_files", "is_absolute",
                 "real_paris_offset", "ATOM"):
        assert getattr(feedcheck, name) is getattr(feedrules, name), name
