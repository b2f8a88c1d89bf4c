"""blogcore.urls: addresses read as a browser reads them, and refused when they can never be visited."""

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
