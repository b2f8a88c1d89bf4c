"""The syndication settings are validated once, with errors naming key, value and fix."""

from __future__ import annotations

import pytest
from test_feeds_support import CONFIG

from blogcore.errors import SiteError
from syndication.cleaning import absolute_html, first_words, plain_text, strip_controls
from syndication.config import SyndicationConfig, from_settings, site_base_url

REQUIRED = {"id_authority": "marques-communautes.github.io", "feed_id_date": "2026-11-22"}


def settings(**values):
    return {"SYNDICATION": {**REQUIRED, **values}}


def test_defaults():
    cfg = from_settings(settings())
    assert cfg == SyndicationConfig(**REQUIRED) == CONFIG
    assert (cfg.max_entries, cfg.websub_hub, cfg.feeds_dir) == (20, None, "flux")
    assert cfg.preview_base_url == "http://127.0.0.1:8000"


def test_missing_settings_and_required_keys_are_named():
    with pytest.raises(SiteError, match="SYNDICATION"):
        from_settings({})
    with pytest.raises(SiteError, match="id_authority"):
        from_settings({"SYNDICATION": {"feed_id_date": "2026-11-22"}})


@pytest.mark.parametrize("key, value, fix", [
    ("max_entrees", 5, "max_entries"),
    ("max_entries", 0, "write e.g. 20"),
    ("max_entries", "20", "write e.g. 20"),
    ("id_authority", "https://marques-communautes.github.io/", "no https://"),
    ("feed_id_date", "22/11/2026", "YYYY-MM-DD"),
    ("exclude_categories_from_site", "Promotion", "list of names"),
    ("exclude_tags_from_site", [""], "list of names"),
    ("websub_hub", "hub.example.org", "https://"),
    ("preview_base_url", "127.0.0.1:8000", "http://127.0.0.1:8000"),
    ("feeds_dir", "/flux", "relative folder"),
])
def test_bad_values_are_rejected_with_the_fix(key, value, fix):
    with pytest.raises(SiteError) as err:
        from_settings(settings(**{key: value}))
    assert key in str(err.value) and fix in str(err.value)


def test_settings_not_mutated_and_lists_become_tuples():
    raw = settings(exclude_tags_from_site=["publicité"])
    cfg = from_settings(raw)
    assert cfg.exclude_tags_from_site == ("publicité",)
    assert raw["SYNDICATION"]["exclude_tags_from_site"] == ["publicité"]


def test_feeds_are_absolute_even_in_the_local_preview():
    cfg = from_settings(settings())
    assert site_base_url({"SITEURL": ""}, cfg) == "http://127.0.0.1:8000"
    assert site_base_url({"SITEURL": "https://blog.example.net/"}, cfg) == "https://blog.example.net"


def test_absolute_html_rewrites_every_url_attribute():
    html = ('<a href="../a/">a</a><a href="/b/">b</a><a href="c">c</a><a href="#d">d</a>'
            '<a href="//cdn.example.net/e">e</a><a href="https://ailleurs.example/f">f</a>'
            '<a href="mailto:g@example.org">g</a><img src="h.png" srcset="h.png 1x, /i.png 2x">'
            '<video poster="j.jpg"><source src="k.webm"></video><blockquote cite="/l/">l</blockquote>')
    out = absolute_html(html, "https://example.org/article/")
    for expected in ['href="https://example.org/a/"', 'href="https://example.org/b/"',
                     'href="https://example.org/article/c"', 'href="https://example.org/article/#d"',
                     'href="https://cdn.example.net/e"', 'href="https://ailleurs.example/f"',
                     'href="mailto:g@example.org"', 'src="https://example.org/article/h.png"',
                     'srcset="https://example.org/article/h.png 1x, https://example.org/i.png 2x"',
                     'poster="https://example.org/article/j.jpg"', 'src="https://example.org/article/k.webm"',
                     'cite="https://example.org/l/"']:
        assert expected in out, expected


def test_control_characters_and_plain_text():
    assert strip_controls("a\x00b\x08c\td\ne\rf\x0bg\x1fh\x7fi\x85j\ud800k\ufffel") == "abc\td\ne\rfghi\x85jkl"
    assert plain_text("<p>Un &amp; deux</p>\n<p>trois</p>") == "Un & deux trois"
    assert first_words("<p>" + " ".join(["mot"] * 50) + "</p>", 3) == "mot mot mot\u00a0…"
