"""blogcore.urls: addresses read as a browser reads them: kept or refused (untrusted ones), and the host a link reaches."""


from __future__ import annotations

import pytest

from blogcore import urls


@pytest.mark.parametrize("text, href", [
    ("HTTPS://Exemple.FR", "https://exemple.fr/"),
    ("https://exemple.fr:443/a/../b?x=1#haut", "https://exemple.fr/b?x=1#haut"),
    ("http://é.fr/café", "http://xn--9ca.fr/caf%C3%A9"),
    ("http://ｅｘｅｍｐｌｅ.fr/", "http://exemple.fr/"),  # fullwidth letters, as a browser maps them
    ("http://1.2.3/", "http://1.2.0.3/"),  # the IPv4 shorthand browsers accept
    ("http://[2001:DB8::1]:8080/", "http://[2001:db8::1]:8080/"),
    ("https://exemple.fr./", "https://exemple.fr./"),
])
def test_addresses_are_normalised_as_a_browser_does(text, href):
    assert urls.web_address(text).href == href


def test_an_address_tells_what_a_request_needs():
    address = urls.web_address("https://[::1]:8443/p/a?q=1#f")
    assert (address.scheme, address.host, address.host_kind, address.port) == ("https", "::1", "ipv6", 8443)
    assert address.target == "/p/a?q=1" and address.fragment == "f"
    assert address.without_fragment == "https://[::1]:8443/p/a?q=1"
    assert urls.web_address("http://exemple.fr").port == 80 and urls.web_address("http://exemple.fr").target == "/"


@pytest.mark.parametrize("text, reason", [
    ("", "empty"),
    ("   ", "empty"),
    ("http://[zz]/", "invalid"),
    ("http://[::1", "invalid"),
    ("http://exemple.fr:99999/", "invalid"),
    ("http://exa mple.fr/", "space"),
    ("https://exemple.fr/a b", "space"),
    ("https://exemple.fr/\u200b", "space"),
    ("https://exa\u200bmple.fr/", "space"),  # a browser would drop it: the text is not the address visited
    ("https://exemple.fr\\@evil.example/", "space"),
    ("http://exemple.fr/\x07", "space"),
    ("javascript:alert(1)", "scheme"),
    ("ftp://exemple.fr/x", "scheme"),
    ("file:///etc/passwd", "scheme"),
    ("exemple.fr", "invalid"),
    ("https://banque.fr@evil.example/", "credentials"),
    ("http://a..b/", "host"),
    ("http://" + "a" * 64 + ".fr/", "host"),
    ("http://" + "a" * 1990 + "/", "host"),
    ("http://" + ".".join(["a" * 60] * 5) + "/", "host"),
    ("https://exemple.fr/" + "x" * 2001, "long"),
])
def test_addresses_that_can_never_be_visited_are_refused_with_a_reason(text, reason):
    with pytest.raises(urls.AddressError) as error:
        urls.web_address(text)
    assert error.value.reason == reason and str(error.value) == urls.REASONS[reason]
    assert urls.problem(text) == urls.REASONS[reason]


def test_a_63_letter_label_is_fine():
    assert urls.problem("http://" + "a" * 63 + ".fr/") is None


def test_links_are_resolved_against_their_page():
    assert urls.join("https://exemple.fr/blog/billet", "../autre#x") == "https://exemple.fr/autre#x"
    assert urls.join("https://exemple.fr/blog/", " //autre.fr/p ") == "https://autre.fr/p"
    assert urls.join("https://exemple.fr/", "http://[zz]/") is None
    assert urls.join("https://exemple.fr/", "mailto:a@b.fr") is None


def test_hosts_for_block_lists():
    assert urls.host_of("https://WWW.Spam.example/offre") == "www.spam.example"
    assert urls.host_of("http://[zz]/") is None



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
