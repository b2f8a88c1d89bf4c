"""community.sanitize: what untrusted contributions may become once published.

Structural checks on every vector of tests/fixtures/xss/vectors.txt, read by
three parsers (BeautifulSoup's html.parser, lxml's HTML parser when present,
and a regular expression over the raw text), plus the content that must
survive. What a real browser does with the same output is
tests/test_xss_browser.py.
"""

from __future__ import annotations

import base64
import html
import json
import re
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

# tests/ (for fixtures.xss) and plugins/ (for community), also when this file
# is run as a script for its benchmark.
for _path in (Path(__file__).resolve().parents[1], Path(__file__).resolve().parents[2] / "plugins"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from community import sanitize  # noqa: E402
from community.sanitize import clean_url, escape_json_for_script, plain_text, render_body  # noqa: E402
from fixtures.xss import load_vectors  # noqa: E402

OWN = frozenset({"marques-communautes.github.io"})
VECTORS = load_vectors()

ALLOWED_TAGS = {"p", "br", "a", "em", "strong", "b", "i", "blockquote", "q", "cite", "code", "pre",
                "ul", "ol", "li", "del", "ins", "sub", "sup", "abbr", "img"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "rel"}, "abbr": {"title"}, "img": {"src", "alt"}, "ol": {"start"}}
FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "form", "input", "style", "base", "meta", "link",
                  "svg", "math", "template", "frame", "frameset", "applet", "button", "textarea", "select",
                  "video", "audio", "source", "picture", "noscript", "details", "marquee", "body", "html"}
VOID = {"br", "img"}
# What browsers strip before reading a URL's scheme: C0 controls and space
# around it, tab/newline/CR anywhere.
_URL_JUNK = re.compile(r"[\x00-\x20\x7f]")


def scheme_of(url: str) -> str:
    """The scheme a browser would see in an attribute value (already entity-decoded)."""
    cleaned = _URL_JUNK.sub("", html.unescape(url)).lower()
    match = re.match(r"([a-z][a-z0-9+.-]*):", cleaned)
    return match.group(1) if match else ""


def host_of(url: str) -> str | None:
    """The host a URL loads from: None for a same-site path, else the host ('' if unknown)."""
    cleaned = _URL_JUNK.sub("", html.unescape(url)).replace("\\", "/")
    if cleaned.startswith("/") and not cleaned.startswith("//"):
        return None
    return (urlsplit(cleaned).hostname or "").lower()


def check_element(name: str, attributes: dict[str, str], where: str) -> None:
    """One element of the output against the allow-list."""
    assert name in ALLOWED_TAGS and name not in FORBIDDEN_TAGS, f"{where}: tag <{name}>"
    for attribute, value in attributes.items():
        assert not attribute.lower().startswith("on"), f"{where}: event attribute {attribute}"
        assert attribute in ALLOWED_ATTRIBUTES.get(name, set()), f"{where}: attribute {name}[{attribute}]"
        if attribute in ("href", "src"):
            scheme = scheme_of(value)
            assert scheme in ("", "http", "https"), f"{where}: {attribute}={value!r}"
            if scheme == "":
                plain = _URL_JUNK.sub("", value)
                assert plain.startswith("#") or (plain.startswith("/") and not plain.startswith("//")), \
                    f"{where}: relative {attribute}={value!r}"
        if attribute == "src":
            assert host_of(value) in (None, *OWN), f"{where}: third-party src {value!r}"
    if name == "a" and "href" in attributes:
        assert attributes.get("rel") == "ugc nofollow noopener", f"{where}: rel {attributes.get('rel')!r}"


def check_with_bs4(output: str, where: str) -> None:
    """Every element BeautifulSoup's html.parser finds is allowed."""
    for node in BeautifulSoup(output, "html.parser").find_all(True):
        attributes = {k: " ".join(v) if isinstance(v, list) else v for k, v in node.attrs.items()}
        check_element(node.name, attributes, f"{where} [bs4]")


def check_with_lxml(output: str, where: str) -> None:
    """Every element libxml2's HTML parser finds is allowed (when lxml is installed)."""
    try:
        from lxml import html as lxml_html
    except ImportError:  # lxml comes with feedgen; without it bs4 and the regex still check
        return
    if not output.strip():
        return
    for node in lxml_html.fragment_fromstring(output, create_parent="div").iter():
        if not isinstance(node.tag, str) or node.getparent() is None:
            continue  # comments/processing instructions (checked by the regex) and our wrapper
        check_element(node.tag, dict(node.attrib), f"{where} [lxml]")


def check_with_regex(output: str, where: str) -> None:
    """The raw text: no script/style anywhere, no event attribute or bad URL in any tag."""
    assert not re.search(r"<\s*/?\s*script", output, re.I), f"{where}: <script"
    assert not re.search(r"style\s*=", output, re.I), f"{where}: style="
    assert not re.search(r"<!|<\?", output), f"{where}: comment, CDATA or declaration"
    # The sanitiser escapes '<' and '>' in text and attribute values, so every
    # '<' starts a tag and the tag ends at the next '>'.
    for tag in re.findall(r"<[^>]*>", output):
        assert re.fullmatch(r'</?[a-z]+(?: [a-z]+="[^"<>]*")*>', tag), f"{where}: odd tag {tag!r}"
        # Values hold no '"', so this reads the attributes exactly, in order.
        for attribute, value in re.findall(r' ([a-z]+)="([^"]*)"', tag):
            assert not attribute.startswith("on"), f"{where}: event attribute in {tag!r}"
            if attribute in ("href", "src"):
                assert scheme_of(value) in ("", "http", "https"), f"{where}: {attribute}={value!r}"
    assert "evil.example" not in " ".join(re.findall(r'src="[^"]*"', output)), f"{where}: evil src"


class _Balance(HTMLParser):
    """Records whether every element that opens also closes, in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unexpected </{tag}>")


def check_balanced(output: str, where: str) -> None:
    """No tag is left open or closed that the fragment did not open (nothing leaks out)."""
    parser = _Balance()
    parser.feed(output)
    parser.close()
    assert not parser.errors and not parser.stack, f"{where}: {parser.errors} open={parser.stack}"


def payload(vector: str) -> str:
    """A vector with its encodings undone, to see what it tries to do."""
    text = html.unescape(html.unescape(vector))
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), unquote(text))
    for chunk in re.findall(r"[A-Za-z0-9+/]{8,}={0,2}", text):
        try:
            text += " " + base64.b64decode(chunk + "=" * (-len(chunk) % 4)).decode("utf-8", "replace")
        except ValueError:
            pass
    # String concatenation: 'ale'+'rt', `al`+`ert`.
    return re.sub(r"""['"`]\s*\+\s*['"`]""", "", text)


def test_corpus_is_large_and_distinct():
    assert len(VECTORS) >= 80
    assert len(set(VECTORS)) == len(VECTORS)
    for vector in VECTORS:
        assert re.search(r"alert|confirm|prompt|MsgBox|evil\.example", payload(vector)), vector


@pytest.mark.parametrize("vector", VECTORS, ids=[f"v{i:03d}" for i in range(len(VECTORS))])
def test_vector_is_neutralised(vector):
    output = render_body(vector, OWN)
    where = repr(vector)
    check_with_bs4(output, where)
    check_with_lxml(output, where)
    check_with_regex(output, where)
    check_balanced(output, where)
    # Sanitising is stable: the output read again gives the same output.
    assert render_body(output, OWN) == render_body(render_body(output, OWN), OWN)


@pytest.mark.parametrize("raw", [
    "<img src=x onerror=alert(1)>",
    '<a href="jav&#x09;ascript:alert(1)" rel="ugc nofollow noopener">x</a>',
    '<img src="http://evil.example/x.png">',
    "<script>alert(1)</script>",
    '<p style="x">x</p>',
])
@pytest.mark.parametrize("check", [check_with_bs4, check_with_lxml, check_with_regex])
def test_checks_are_not_blind(check, raw):
    # The same checks on unsanitised HTML must fail, or the vector test proves nothing.
    if check is check_with_lxml:
        pytest.importorskip("lxml")
    with pytest.raises(AssertionError):
        check(raw, "raw")


@pytest.mark.parametrize("vector", VECTORS[::7])
def test_vector_inside_ordinary_text_is_neutralised(vector):
    output = render_body(f"Bonjour *à tous*,\n\n{vector}\n\nCordialement, « Jean »", OWN)
    check_with_bs4(output, repr(vector))
    check_with_regex(output, repr(vector))
    check_balanced(output, repr(vector))
    assert "Cordialement, « Jean »" in output


# --- ordinary content survives --------------------------------------------------------

def test_emphasis_lists_quotes_and_code():
    output = render_body(
        "Je suis *tout à fait* d'accord, **vraiment** !\n\n"
        "- premier point\n- second point\n\n"
        "3. trois\n4. quatre\n\n"
        "> La conversation est le marché.\n\n"
        "Voir `print(\"é\")` et :\n\n    bloc <de> code\n",
        OWN,
    )
    soup = BeautifulSoup(output, "html.parser")
    assert soup.find("em").text == "tout à fait"
    assert soup.find("strong").text == "vraiment"
    assert [li.text for li in soup.find("ul").find_all("li")] == ["premier point", "second point"]
    assert soup.find("ol")["start"] == "3"
    assert soup.find("blockquote").text.strip() == "La conversation est le marché."
    assert soup.find("code").text == 'print("é")'
    assert soup.find("pre").text == "bloc <de> code\n"


def test_french_text_and_single_newlines():
    output = render_body("« Bien vu » : l'été, où ça ?\nÀ bientôt\u00a0!", OWN)
    assert output == "<p>« Bien vu » : l'été, où ça ?<br>\nÀ bientôt&nbsp;!</p>"


def test_links_get_rel_and_keep_href():
    output = render_body("Voir [mon billet](https://exemple.fr/billet?a=1&b=2 \"Le billet\").", OWN)
    link = BeautifulSoup(output, "html.parser").find("a")
    assert link["href"] == "https://exemple.fr/billet?a=1&b=2"
    assert link["title"] == "Le billet"
    assert link["rel"] == ["ugc", "nofollow", "noopener"]
    assert "target" not in link.attrs


def test_site_paths_and_fragments_are_kept_other_relative_urls_are_not():
    output = render_body("[a](/articles/x/) [b](#contribution-1) [c](page.html) [d](//evil.example/)", OWN)
    hrefs = [a.get("href") for a in BeautifulSoup(output, "html.parser").find_all("a")]
    assert hrefs == ["/articles/x/", "#contribution-1"]
    assert "c" in output and "d" in output  # the text of refused links stays


def test_imported_wordpress_html():
    body = ('<a href="http://visionary.wordpress.com/" rel="nofollow">http://visionary.wordpress.com/</a> '
            '<strong>bravo</strong>\n<blockquote>cité</blockquote>')
    soup = BeautifulSoup(render_body(body, OWN), "html.parser")
    links = soup.find_all("a")
    assert len(links) == 1 and links[0]["href"] == "http://visionary.wordpress.com/"
    assert soup.find("strong").text == "bravo" and soup.find("blockquote").text == "cité"


def test_bare_urls_become_links_outside_code():
    output = render_body("Le site http://debats.sncf.com/ (voir https://fr.wikipedia.org/wiki/A_(b)). "
                         "`http://code.example/`", OWN)
    soup = BeautifulSoup(output, "html.parser")
    assert [a["href"] for a in soup.find_all("a")] == ["http://debats.sncf.com/", "https://fr.wikipedia.org/wiki/A_(b)"]
    assert soup.find("code").text == "http://code.example/"
    assert "). " in output


def test_email_addresses_are_masked_everywhere():
    body = ("Écrivez à jean.dupont@exemple.fr, <marie@exemple.org>, [moi](mailto:moi@exemple.fr), "
            "<a href=\"mailto:x@y.fr\">x&#64;y.fr</a> et `code@exemple.fr`.")
    output = render_body(body, OWN)
    assert "@" not in output and "mailto" not in output
    assert output.count(sanitize.EMAIL_MASK) == 4
    assert "moi" in output


def test_third_party_image_is_replaced_by_a_link_that_loads_nothing():
    output = render_body("![Un chat](https://images.example.com/chat.png) ![](http://cdn.example.net/x.gif)", OWN)
    soup = BeautifulSoup(output, "html.parser")
    assert soup.find("img") is None
    links = soup.find_all("a")
    assert [(a.text, a["href"]) for a in links] == [
        ("[image : Un chat]", "https://images.example.com/chat.png"),
        ("[image : cdn.example.net]", "http://cdn.example.net/x.gif"),
    ]


def test_third_party_image_inside_a_link_becomes_text():
    output = render_body("[![logo](http://evil.example/l.png)](https://exemple.fr/)", OWN)
    soup = BeautifulSoup(output, "html.parser")
    assert soup.find("img") is None
    assert [(a.text, a["href"]) for a in soup.find_all("a")] == [("[image : logo]", "https://exemple.fr/")]


def test_same_site_images_are_kept_with_alt():
    output = render_body("![Logo](/images/logo.png) ![Photo](https://marques-communautes.github.io/p.jpg)", OWN)
    images = BeautifulSoup(output, "html.parser").find_all("img")
    assert [(i["src"], i["alt"]) for i in images] == [
        ("/images/logo.png", "Logo"), ("https://marques-communautes.github.io/p.jpg", "Photo")]
    # Without own hosts (local preview), only site paths are the site.
    assert "<img" not in render_body("![Photo](https://marques-communautes.github.io/p.jpg)")


def test_headings_and_rules_stay_text():
    output = render_body("# 1 point\n\nTitre\n=====\n\n---", OWN)
    assert not re.search(r"<h\d|<hr", output)
    assert "# 1 point" in output


def test_empty_and_control_characters():
    assert render_body("", OWN) == ""
    assert render_body("   \n\n", OWN) == ""
    assert render_body("a\x00b\x1bc\x7f", OWN) == "<p>abc</p>"


def test_plain_paragraph_shortcut_matches_markdown():
    # The shortcut must give what Python-Markdown gives (after sanitising).
    renderer = sanitize.BodyRenderer()
    bodies = [
        "Salut.", "Un\ndeux\n\n\ntrois", "  retrait\n   garde\n\n suite", "a\n\u00a0\nb",
        "« Temps réel » : oui ! http://debats.sncf.com/ et jean@exemple.fr.", "---\n\n1986 fut", "#1 ; 50 % ?",
    ]
    for body in bodies:
        text = sanitize._TRAILING_SPACES.sub("", body)
        fast = sanitize._plain_paragraphs(text)
        assert fast is not None, body
        slow = renderer._markdown.convert(text)
        renderer._markdown.reset()
        assert renderer._cleaner.clean(fast) == renderer._cleaner.clean(slow), body
    for body in ["- liste", "1986. liste", "*em*", "a & b", "    code", "x\n> q", "a_b", "[x]"]:
        assert sanitize._plain_paragraphs(body) is None, body


def test_output_never_leaks_out_of_its_container():
    for body in ["<div><p>ouvert", "</p></article><p>x", "<blockquote><ul><li>a", "*a **b", "<em>a<strong>b</em>"]:
        check_balanced(render_body(body, OWN), body)


# --- clean_url -------------------------------------------------------------------------------

@pytest.mark.parametrize("url, expected", [
    ("https://exemple.fr/", "https://exemple.fr/"),
    ("http://exemple.fr", "http://exemple.fr"),
    ("  HTTPS://Exemple.FR/Chemin?q=1#f \n", "https://exemple.fr/Chemin?q=1#f"),
    ("https://exemple.fr/a\tb", "https://exemple.fr/ab"),
    ('https://exemple.fr/"><script>', "https://exemple.fr/%22%3E%3Cscript%3E"),
    ("http://café.fr/été", "http://xn--caf-dma.fr/%C3%A9t%C3%A9"),
    ("https://exemple.fr:8443/x", "https://exemple.fr:8443/x"),
    ("http://[::1]/", "http://[::1]/"),
])
def test_clean_url_accepts_and_normalises(url, expected):
    assert clean_url(url) == expected


@pytest.mark.parametrize("url", [
    "", " ", "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "\x01javascript:alert(1)",
    "java\nscript:alert(1)", "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>",
    "mailto:a@b.fr", "ftp://exemple.fr/", "//evil.example/", "/local/path", "exemple.fr",
    "http://user:pass@evil.example/", "https://good.example@evil.example/", "https://good.example\\@evil.example/",
    "http:///evil.example", "http:evil.example", "https://", "https://exem ple.fr/", "https://exemple.fr:99999/",
    "https://exemple.fr/a b", "https://" + "a" * 300 + ".fr/", None, 42,
])
def test_clean_url_rejects(url):
    assert clean_url(url) is None


# --- plain_text and escape_json_for_script --------------------------------------------------------

def test_plain_text_is_the_visible_text():
    fragment = render_body("Bonjour *toi* & « toi »\nligne 2\n\n- a\n- b\n\n![Logo](/l.png) `x < y`", OWN)
    assert plain_text(fragment) == "Bonjour toi & « toi »\nligne 2\n\na\nb\n\n[image : Logo] x < y"
    assert plain_text('<p>a</p><script>alert(1)</script><style>p{}</style><p>b</p>') == "a\n\nb"
    assert plain_text("") == ""


@pytest.mark.parametrize("data", [
    {"text": "</script><script>alert(1)</script>"},
    {"text": "<!-- <script> -->", "n": [1, 2.5, None, True]},
    {"a&b": "x > y & z < w ]]> \u2028 \u2029 é"},
    "</SCRIPT >",
])
def test_escape_json_for_script(data):
    text = escape_json_for_script(data)
    assert json.loads(text) == data
    assert "</" not in text and "<!--" not in text and "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert "é" in text or "é" not in json.dumps(data, ensure_ascii=False)  # not ASCII-escaped


# --- speed (measured, never asserted) -------------------------------------------------------------

def benchmark(count: int = 10_000) -> dict[str, float]:
    """Microseconds per render_body call for plain, Markdown and HTML bodies (run by hand)."""
    bodies = {
        "plain": "Salut.\n\nPlutôt d'accord. L'exemple du site http://debats.sncf.com/ est la meilleure illustration.",
        "markdown": "Très *bon* billet. Voir [ceci](http://exemple.fr/b).\n\n> La conversation.\n\n- un\n- deux",
        "html": ('<p>Importé de <strong>WordPress</strong> avec un '
                 '<a href="http://x.org/" rel="nofollow">lien</a>.</p>'),
    }
    result = {}
    for name, body in bodies.items():
        render_body(body, OWN)
        start = time.perf_counter()
        for i in range(count):
            render_body(f"{body} {i}", OWN)
        result[name] = (time.perf_counter() - start) / count * 1e6
    return result


if __name__ == "__main__":  # .venv/bin/python tests/unit/test_sanitize.py
    for kind, microseconds in benchmark().items():
        print(f"{kind:10s} {microseconds:7.1f} µs per body")


@pytest.mark.parametrize("address", [
    "anne.secret@example.fr", "anne.secret＠example.fr", '"anne secret"@example.fr', "anne@[192.0.2.7]",
    "anne@[IPv6:2001:db8::1]", "anne [at] example [dot] fr", "anne(at)example.fr",
])
def test_every_form_of_e_mail_address_is_masked_in_a_body(address):
    output = render_body(f"Écrivez-moi : {address} merci", OWN)
    assert sanitize.EMAIL_MASK in output and "anne" not in output


@pytest.mark.parametrize("number", ["06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78", "+1 415-555-2671"])
def test_phone_numbers_are_masked_in_a_body(number):
    output = render_body(f"Appelez le {number} ce soir.", OWN)
    assert sanitize.PHONE_MASK in output and number not in output


def test_ordinary_numbers_and_dates_are_not_taken_for_phone_numbers():
    body = "En 2009, 1 200 000 visiteurs ; le 27/02/2009 à 10 h ; ISBN 978-2-07-036822-8."
    assert sanitize.PHONE_MASK not in render_body(body, OWN)


def test_masking_never_breaks_the_link_around_it():
    output = render_body('Voir [le site, ou anne@example.fr](https://example.org/contact "anne@example.fr") ici.', OWN)
    link = BeautifulSoup(output, "html.parser").find("a")
    assert link["href"] == "https://example.org/contact"
    assert link.text == f"le site, ou {sanitize.EMAIL_MASK}" and link["title"] == sanitize.EMAIL_MASK


@pytest.mark.parametrize("body", [
    "[mon profil](https://social.example/@anne@example.fr)",
    "https://example.org/?mail=anne@example.fr",
    "[appel](https://example.org/tel/0612345678)",
])
def test_an_address_carrying_personal_data_is_not_published_as_a_link(body):
    output = render_body(body, OWN)
    soup = BeautifulSoup(output, "html.parser")
    assert soup.find("a") is None
    assert "anne@" not in output and "0612345678" not in output
