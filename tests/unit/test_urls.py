"""The host of a link as a browser sees it (blogcore/urls.py): every spelling of one host is that host."""

from __future__ import annotations

import pytest

from blogcore import urls


@pytest.mark.parametrize("spelling", [
    "https://amzn.to/x",
    "HTTPS://AMZN.TO/x",
    "https://amzn.to./x",                 # a trailing dot: the same DNS name
    "https://ａｍｚｎ.to/x",               # fullwidth letters (IDNA mapping)
    "https://ＡＭＺＮ．ＴＯ/x",             # fullwidth capitals and a fullwidth full stop
    "https://amzn。to/x",                 # an ideographic full stop
    "https://amzn%2Eto/x",                # a percent-encoded dot in the host
    "https://%61mzn.to/x",                # a percent-encoded letter
    "//amzn.to/x",                        # scheme-relative
    "https://x@amzn.to/",                 # userinfo
    "https://good.example@amzn.to/",      # userinfo that looks like a host
    "https:\\\\amzn.to\\x",               # backslashes read as slashes
    "ht\ttps://am\nzn.to/x",              # tabs and newlines dropped anywhere
    "  https://amzn.to/x \n",             # spaces around
    "http:amzn.to/x",                     # no slashes, other scheme than the page's
    "https://amzn.to:443/x",
    "https://fr.amzn.to/x",               # a sub-domain
])
def test_every_spelling_of_the_host_is_on_the_domain(spelling):
    assert urls.on_domain(urls.host_of(spelling), "amzn.to"), urls.host_of(spelling)


@pytest.mark.parametrize("url", [
    "https://amzn.to.evil.example/", "https://notamzn.to/", "https://amzn.top/", "https://evil.example/amzn.to",
    "https://evil.example/?u=https://amzn.to/", "https://amzn-to.example/", "/amzn.to/x", "amzn.to/x",
    "#amzn.to", "mailto:a@amzn.to", "javascript:location='https://amzn.to/'",
])
def test_other_hosts_and_relative_links_are_not_on_the_domain(url):
    assert not urls.on_domain(urls.host_of(url), "amzn.to"), urls.host_of(url)


def test_a_base_decides_what_relative_and_scheme_relative_addresses_name():
    assert urls.host_of("/x", "https://blog.example.org/a/") == "blog.example.org"
    assert urls.host_of("//amzn.to/x", "https://blog.example.org/a/") == "amzn.to"
    assert urls.host_of("https:amzn.to/x", "https://blog.example.org/a/") == "blog.example.org"
    assert urls.host_of("http:amzn.to/x", "https://blog.example.org/a/") == "amzn.to"
    assert urls.host_of("/x") is None and urls.host_of("x") is None and urls.host_of("https://exa mple/") is None


def test_international_names_are_compared_in_ascii():
    assert urls.host_of("https://Bücher.example/") == "xn--bcher-kva.example" == urls.domain_of("bücher.example")
    assert urls.domain_of("WWW.Amzn.TO.") == "www.amzn.to"
    assert urls.host_of("http://0x7f.1/") == "127.0.0.1"


@pytest.mark.parametrize("text", ["https://amzn.to", "amzn.to/x", "amzn", "", "a b.example", "user@amzn.to"])
def test_domain_of_refuses_what_is_not_a_domain(text):
    assert urls.domain_of(text) is None


@pytest.mark.parametrize("url, scheme", [
    ("javascript:alert(1)", "javascript"), ("JaVaScRiPt:alert(1)", "javascript"), ("java\tscript:x", "javascript"),
    (" \x01javascript:x", "javascript"), ("vbscript:x", "vbscript"), ("https://a.example/", "https"),
    ("/chemin", ""), ("chemin:x", "chemin"), ("#x", ""),
])
def test_scheme_as_a_browser_reads_it(url, scheme):
    assert urls.scheme_of(url) == scheme


def test_first_domain_names_the_matching_setting():
    assert urls.first_domain(urls.host_of("https://fr.AMZN.to./x"), ("shop.example", "amzn.to")) == "amzn.to"
    assert urls.first_domain(urls.host_of("https://example.org/"), ("amzn.to",)) == ""
