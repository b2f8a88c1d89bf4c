"""HTML, SVG and CSS read as a browser reads them: what a page loads by itself, and what makes it run code.

Asked by the active-HTML guard (plugins/editorial/active.py: articles, pages,
author bios and the HTML, SVG and CSS files under content/) and by the
"hosts" gate (scripts/publishing: every file of the build), so that both see
the same thing, and see it as a reader's browser does:

- HTML with Lexbor (selectolax), an implementation of the WHATWG HTML parsing
  algorithm: an attribute holding ``>``, a comment closed by ``--!>``, SVG
  and MathML, ``<template>`` content (a declarative shadow root is live) are
  read as browsers read them. A document is read twice, with scripting on
  and off, because ``<noscript>`` is text for one and markup for the other;
- CSS with tinycss2 (CSS Syntax Level 3): escapes (``url(ht\\74ps://…)``),
  comments, quoted and unquoted ``url()``, ``@import "…"``, ``image-set()``,
  in ``<style>``, in ``style=""`` and in SVG presentation attributes
  (``fill="url(…)"``);
- URLs with blogcore/urls.py (WHATWG URL Standard): ``java\\tscript:`` and
  ``&#106;avascript:`` are javascript:.

``scan(html)`` reads once for both questions: ``loads(html)`` lists what the browser fetches without a click (element
sources, stylesheets and icons, CSS, SVG references and animations,
``<meta refresh>``, ``<base>``, and the addresses inline scripts name);
``active(html)`` names what runs by itself (script-like elements, event
handlers, javascript: addresses, SVG animations of an href or of a handler).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import tinycss2
from selectolax.lexbor import LexborHTMLParser

from . import urls

# Elements that run code or load a document by themselves (lower case).
ACTIVE_ELEMENTS = ("script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta", "link",
                   "portal", "fencedframe")
# Attributes through which an element makes the browser fetch something by itself.
LOADING = {
    "script": ("src", "href", "xlink:href"), "img": ("src", "srcset", "lowsrc", "dynsrc"), "iframe": ("src",),
    "embed": ("src",), "object": ("data", "codebase"), "audio": ("src",), "video": ("src", "poster"),
    "source": ("src", "srcset"), "track": ("src",), "input": ("src",), "frame": ("src",),
    "applet": ("code", "archive", "codebase"), "portal": ("src",), "fencedframe": ("src",),
}
# Attributes that make any element load something: old background images, click beacons.
LOADING_ANYWHERE = ("background", "ping")
# <link rel> values that fetch nothing by themselves; any other rel may (stylesheet, icon, preload...).
QUIET_LINK_RELS = frozenset({"alternate", "canonical", "author", "license", "help", "next", "prev", "webmention",
                             "me", "bookmark", "external", "nofollow", "noopener", "noreferrer", "tag", "pingback",
                             "hub", "self", "edit", "privacy-policy", "terms-of-service", "shortlink", "home",
                             "index", "first", "last", "up", "archives", "contents", "start", "openid.server",
                             "openid.delegate", "openid2.provider", "openid2.local_id", "micropub",
                             "authorization_endpoint", "token_endpoint", "indieauth-metadata"})
# Attributes whose value is an address a click, a submit or the element itself opens.
URL_ATTRIBUTES = ("href", "xlink:href", "src", "action", "formaction", "data", "poster", "background", "lowsrc",
                  "dynsrc", "code", "codebase", "archive", "cite", "longdesc", "ping", "manifest", "icon",
                  "profile", "usemap", "classid", "srcset", "imagesrcset")
SCRIPT_SCHEMES = ("javascript", "vbscript", "livescript", "mocha")
# SVG presentation attributes whose value is CSS that may hold url(): they load like style="".
PRESENTATION = frozenset({"fill", "stroke", "filter", "mask", "clip-path", "marker", "marker-start", "marker-mid",
                          "marker-end", "cursor", "style"})
# What a fragment (an article's HTML) is read inside of: the page's body.
FRAGMENT_PAGE = "<!DOCTYPE html><html><head></head><body>"
# data: documents a link, a form or a frame would open (images are never run).
DATA_DOCUMENTS = ("text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml",
                  "text/javascript", "application/javascript", "text/xsl")
ANIMATIONS = frozenset({"set", "animate", "animatecolor", "animatemotion", "animatetransform"})
ANIMATION_VALUES = ("to", "from", "by", "values")
# CSS functions whose string arguments are addresses (url("…") included: a quoted url() is a function).
CSS_URL_FUNCTIONS = frozenset({"url", "src", "image", "image-set", "-webkit-image-set"})


@dataclass(frozen=True)
class Load:
    """One address a document makes the browser fetch without a click: where it is written, and the address."""

    where: str  # "img src", "style url()", "set to", "<meta> refresh", ...
    url: str
    css: bool = False  # found by the CSS tokenizer (a stylesheet, style="", a presentation attribute)


def elements(html: str, fragment: bool = True) -> Iterator:
    """Every element of the markup as browsers build it (scripting on, then off; template content included)."""
    # A fragment is read where it is published, inside a page's <body>: a <body onload> or <html> start
    # tag in it adds its attributes to the page's own elements (a fragment parser would drop them).
    text = FRAGMENT_PAGE + (html or "") if fragment else (html or "")
    yield from _walk(LexborHTMLParser(text, scripting=True))
    if "noscript" in text.lower():  # the only element the scripting flag changes the parsing of
        yield from _walk(LexborHTMLParser(text, scripting=False))


def _walk(tree) -> Iterator:
    yield from tree.css("*")
    for content in tree.template_fragments():
        yield from _walk(content)


def attributes(node) -> dict[str, str]:
    """An element's attributes, names in lower case (SVG keeps camelCase), valueless ones as ""."""
    return {name.lower(): value or "" for name, value in node.attributes.items()}


@dataclass(frozen=True)
class Scan:
    """What one reading of a piece of markup found: what runs by itself, and what loads without a click."""

    active: list[str]
    loads: list[Load]


def scan(html: str, fragment: bool = True) -> Scan:
    """Read the markup once for both questions (see active() and loads())."""
    found: dict[tuple[str, str, bool], Load] = {}
    labels: list[str] = []
    for node in elements(html, fragment):
        tag, attrs = node.tag.lower(), attributes(node)
        for load in _element_loads(tag, attrs, node):
            found.setdefault((load.where, load.url, load.css), load)
        for label in _element_active(tag, attrs, node):
            if label not in labels:
                labels.append(label)
    return Scan(labels, list(found.values()))


def loads(html: str, fragment: bool = False) -> list[Load]:
    """What the markup makes the browser fetch without a click, in document order, each once."""
    return scan(html, fragment).loads


def _element_loads(tag: str, attrs: dict[str, str], node) -> Iterator[Load]:
    for name in LOADING.get(tag, ()):
        if attrs.get(name):
            yield from (Load(f"{tag} {name}", url) for url in _addresses(name, attrs[name]))
    if tag not in ("a", "area", "link", "base") and (attrs.get("href") or attrs.get("xlink:href")):
        # SVG references (image, use, feImage, gradients, patterns, textPath...) fetch the document they name.
        for name in ("href", "xlink:href"):
            if attrs.get(name) and name not in LOADING.get(tag, ()):
                yield Load(f"{tag} {name}", attrs[name].strip())
    for name in LOADING_ANYWHERE:
        if attrs.get(name):
            urls_found = attrs[name].split() if name == "ping" else [attrs[name].strip()]
            yield from (Load(f"{tag} {name}", url) for url in urls_found)
    if tag == "link":
        rels = {rel.lower() for rel in attrs.get("rel", "").split()}
        if rels - QUIET_LINK_RELS:
            if attrs.get("href"):
                yield Load(f"link rel={' '.join(sorted(rels))}", attrs["href"].strip())
            if attrs.get("imagesrcset"):
                yield from (Load("link imagesrcset", url) for url in srcset_urls(attrs["imagesrcset"]))
    if tag == "meta" and attrs.get("http-equiv", "").strip().lower() == "refresh":
        target = refresh_url(attrs.get("content", ""))
        if target:
            yield Load("<meta> refresh", target)
    if tag == "base" and attrs.get("href"):
        yield Load("<base> href", attrs["href"].strip())  # every relative address would resolve there
    if tag == "script" and not attrs.get("src") and attrs.get("type", "").lower() != "application/ld+json":
        # An inline program may fetch any address it names; JSON-LD is data, never run.
        yield from (Load("inline script", url) for url in script_addresses(node.text(deep=True)))
    for name, value in attrs.items():
        if name.startswith("on") and value:
            yield from (Load(f"{name} handler", url) for url in script_addresses(value))
    if tag == "iframe" and attrs.get("srcdoc"):  # a document inside the page: what it loads, the page loads
        yield from (Load(f"iframe srcdoc: {load.where}", load.url, load.css) for load in loads(attrs["srcdoc"]))
    if tag == "style":
        yield from (Load("<style> url()", url, css=True) for url in css_urls(node.text(deep=True)))
    for name in PRESENTATION & attrs.keys():
        yield from (Load(f"{name} url()", url, css=True) for url in css_urls(attrs[name]))
    if tag in ANIMATIONS:
        target = attrs.get("attributename", "").strip().lower()
        for value in animation_values(attrs):
            if target in ("href", "xlink:href"):
                yield Load(f"{tag} {target}", value)
            elif target in PRESENTATION:
                yield from (Load(f"{tag} {target} url()", url, css=True) for url in css_urls(value))


def _addresses(attribute: str, value: str) -> list[str]:
    return srcset_urls(value) if attribute.endswith("srcset") else [value.strip()]


def animation_values(attrs: dict[str, str]) -> list[str]:
    """Every value an SVG animation element sets its target attribute to (to, from, by, each of values)."""
    found = []
    for name in ANIMATION_VALUES:
        if attrs.get(name):
            parts = attrs[name].split(";") if name == "values" else [attrs[name]]
            found += [part.strip() for part in parts if part.strip()]
    return found


def active(html: str, fragment: bool = True) -> list[str]:
    """What makes the markup run code by itself: ['<script>', 'onerror=', 'javascript:'...] (each once, in order)."""
    return scan(html, fragment).active


def _element_active(tag: str, attrs: dict[str, str], node) -> Iterator[str]:
    if tag in ACTIVE_ELEMENTS:
        yield f"<{tag}>"
    for name, value in attrs.items():
        if name.startswith("on"):
            yield f"{name}="
        elif name in URL_ATTRIBUTES:
            for url in _addresses(name, value):
                scheme = urls.scheme_of(url)
                if scheme in SCRIPT_SCHEMES:
                    yield f"{scheme}:"
                elif scheme == "data" and tag not in ("img", "source", "input") and _data_document(url):
                    yield "data: document"
        if name in PRESENTATION:
            yield from _css_schemes(value)
    if tag == "style":
        yield from _css_schemes(node.text(deep=True))
    if tag in ANIMATIONS:
        target = attrs.get("attributename", "").strip().lower()
        if target.startswith("on"):
            yield f"<{tag} attributeName={target}>"
        elif target in ("href", "xlink:href", *URL_ATTRIBUTES):
            for value in animation_values(attrs):
                scheme = urls.scheme_of(value)
                if scheme in SCRIPT_SCHEMES:
                    yield f"{scheme}: (<{tag} attributeName={target}>)"


def _data_document(url: str) -> bool:
    """A data: URL whose media type a browser would render as a document (HTML, SVG, XML, a script)."""
    media = url.strip().split(":", 1)[-1].split(",", 1)[0].split(";", 1)[0].strip().lower()
    return media in DATA_DOCUMENTS


def _css_schemes(css: str) -> Iterator[str]:
    for url in css_urls(css):
        scheme = urls.scheme_of(url)
        if scheme in SCRIPT_SCHEMES:
            yield f"{scheme}: (CSS url())"


def css_urls(css: str) -> list[str]:
    """The addresses a stylesheet, a style attribute or a CSS value makes the browser load (url(), @import...)."""
    if not css or not css.strip():
        return []
    found: list[str] = []
    _css_walk(tinycss2.parse_component_value_list(css, skip_comments=True), found)
    return found


def _css_walk(tokens, found: list[str]) -> None:
    pending_at = ""  # the at-rule whose prelude is being read
    for token in tokens:
        kind = token.type
        if kind in ("whitespace", "comment"):
            continue
        if kind == "at-keyword":
            pending_at = token.lower_value
            continue
        if kind == "literal" and token.value in (";", "{"):
            pending_at = ""
        if pending_at == "namespace":
            continue  # @namespace url(…) names a namespace, it loads nothing
        if kind == "url":
            found.append(token.value.strip())
        elif kind == "string" and pending_at == "import":
            found.append(token.value.strip())
        elif kind == "function":
            if token.lower_name in CSS_URL_FUNCTIONS:
                found += [arg.value.strip() for arg in token.arguments if arg.type == "string"]
            _css_walk(token.arguments, found)
        elif kind in ("() block", "[] block", "{} block"):
            _css_walk(token.content, found)
        if kind not in ("at-keyword",) and pending_at == "import" and kind in ("url", "string", "function"):
            pending_at = ""


def srcset_urls(value: str) -> list[str]:
    """The image addresses of a srcset (the HTML Standard's candidate parsing: a URL runs to whitespace)."""
    found, position, length = [], 0, len(value or "")
    while position < length:
        while position < length and (value[position].isspace() or value[position] == ","):
            position += 1
        start = position
        while position < length and not value[position].isspace():
            position += 1
        url = value[start:position]
        if url.endswith(","):
            url = url.rstrip(",")
        else:  # descriptors, up to the next comma outside parentheses
            depth = 0
            while position < length and (value[position] != "," or depth):
                depth += {"(": 1, ")": -1}.get(value[position], 0)
                position += 1
        if url:
            found.append(url)
    return found


def refresh_url(content: str) -> str:
    """The address of a <meta http-equiv="refresh"> content ("" when it only reloads), as the HTML Standard reads it."""
    text = (content or "").lstrip()
    position = 0
    while position < len(text) and (text[position].isdigit() or text[position] == "."):
        position += 1
    rest = text[position:].lstrip()
    if not rest or rest[0] not in ";,":
        return ""
    rest = rest[1:].lstrip()
    if rest[:3].lower() == "url":
        after = rest[3:].lstrip()
        if after.startswith("="):
            rest = after[1:].lstrip()
    if rest[:1] in ("'", '"'):
        quote, rest = rest[0], rest[1:]
        rest = rest.split(quote, 1)[0]
    return rest.strip()


def script_addresses(code: str) -> list[str]:
    """Absolute and scheme-relative addresses written in a program's text (what it could fetch)."""
    found, position = [], 0
    text = code or ""
    while True:
        start = text.find("//", position)
        if start < 0:
            return found
        begin = start
        for scheme in ("https:", "http:"):
            if text[max(0, start - len(scheme)):start].lower() == scheme:
                begin = start - len(scheme)
        end = start + 2
        while end < len(text) and not text[end].isspace() and text[end] not in "'\"`)<>":
            end += 1
        host = text[start + 2:end].split("/", 1)[0]
        # "//" also starts a JavaScript comment: an address names a host with a dot (or is http(s):).
        if host and ("." in host or begin != start) and not host.startswith("."):
            found.append(text[begin:end])
        position = end
