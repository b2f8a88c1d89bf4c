"""Turn untrusted contributions into HTML, URLs, text and JSON that are safe to publish.

Every contribution is written by someone we do not trust: its Markdown body
(imported WordPress comments also carry raw HTML), the author's name and the
author's web address. This module is the only place that turns them into
markup; everything it returns may be embedded in a page as it is.

The body pipeline (:func:`render_body`):

1. Remove control characters. They are invalid in HTML, and STX/ETX would let
   a body forge Python-Markdown's internal placeholders.
2. Convert with Python-Markdown: ``sane_lists``, ``fenced_code`` and
   ``nl2br``. ``nl2br`` is on because commenters (and WordPress, whose
   comments we import) treat a single newline as a line break. Headings and
   horizontal rules are switched off: a "# 1" in a comment is text, not a
   heading that would break the page outline.
3. Sanitise with nh3 (ammonia, built on the same HTML5 parser algorithm as
   browsers) against a small allow-list. Its output is well formed, with
   every tag closed, and serialised the same way each time.
4. Post-process that serialised output (it is regular enough to scan
   exactly): mask e-mail addresses, replace images from other hosts by a
   text link that loads nothing, drop ``<a>`` whose URL was refused, and link
   bare ``http(s)://`` addresses as WordPress did.
5. If step 4 changed anything, sanitise again, so that nothing the
   post-processing wrote escapes the allow-list.

Allow-list: p, br, a[href title], em, strong, b, i, blockquote, q, cite,
code, pre, ul, ol[start], li, del, ins, sub, sup, abbr[title], img[src alt]
(same-site images only). No style, class, id or event attribute. URL schemes:
http and https only (no mailto: an e-mail address is never published);
relative URLs only when they are site paths ("/...") or fragments ("#...").
Links get ``rel="ugc nofollow noopener"``, and no ``target``.

Speed: each thread keeps one :class:`BodyRenderer` (Markdown instance and
nh3 cleaner, made once, ``reset()`` between bodies). A body without any
Markdown syntax skips Python-Markdown (same HTML, checked by the tests):
plain comments take tens of µs, Markdown ones a few hundred.
"""

from __future__ import annotations

import html
import json
import re
import threading
from html.parser import HTMLParser
from types import MappingProxyType
from urllib.parse import quote, urlsplit

import markdown

from blogcore import personal

EMAIL_MASK = personal.EMAIL_MASK
PHONE_MASK = personal.PHONE_MASK
LINK_REL = "ugc nofollow noopener"

ALLOWED_TAGS = frozenset({
    "p", "br", "a", "em", "strong", "b", "i", "blockquote", "q", "cite", "code", "pre",
    "ul", "ol", "li", "del", "ins", "sub", "sup", "abbr", "img",
})
# Only attributes that carry meaning for readers; nothing that styles, scripts
# or names elements (id/class could collide with the page's own).
ALLOWED_ATTRIBUTES = MappingProxyType({
    "a": frozenset({"href", "title"}),
    "abbr": frozenset({"title"}),
    "img": frozenset({"src", "alt"}),
    "ol": frozenset({"start"}),
})
# Tags removed together with their content: their text is code or markup,
# never prose a reader wrote (nh3 keeps the text of other refused tags).
DROPPED_WITH_CONTENT = frozenset({
    "script", "style", "template", "svg", "math", "iframe", "object", "applet", "noscript",
    "noembed", "noframes", "frameset", "frame", "xmp", "textarea", "select", "title",
})
URL_SCHEMES = frozenset({"http", "https"})
MARKDOWN_EXTENSIONS = ("sane_lists", "fenced_code", "nl2br")
# Block processors switched off for comments (see the module docstring).
MARKDOWN_DISABLED_BLOCKS = ("hashheader", "setextheader", "hr")

# C0 controls except tab, newline and carriage return, plus DEL and C1.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Spaces at the end of a line: with nl2br every newline is a line break, so
# they mean nothing (Markdown's "two spaces" break included).
_TRAILING_SPACES = re.compile(r"[^\S\n]+(?=\n|$)")
# A body with none of these characters, and no line that could start a
# list, a quote or a code block, is plain paragraphs to Python-Markdown
# (with our extensions): _plain_paragraphs renders it without the converter.
_MARKDOWN_CHARACTERS = re.compile(r"[\\`*_\[\]<>&~\t]")
_BLOCK_START = re.compile(r"^(?: {4}| *(?:[-+*]|\d+[.)])(?: |$))", re.MULTILINE)
# A scheme at the start of a URL (a relative URL never matches: it starts
# with "/", "#", or has a non-scheme character before its first colon).
_HAS_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# One tag of nh3's output: lower-case names, attribute values always in
# double quotes with '"' escaped, and '<' escaped in text. So this matches
# every tag exactly, and text between tags never contains '<'.
_TAG = re.compile(r'<(/?)([a-z][a-z0-9]*)((?:\s+[^\s"\'>/=]+(?:="[^"]*")?)*)\s*/?>')
_ATTR = re.compile(r'([^\s"\'>/=]+)(?:="([^"]*)")?')
# A bare address in escaped text; it stops before an escaped '<', '>', '"' or
# a no-break space, which cannot be part of a URL written in prose.
_BARE_URL = re.compile(r"(?<![\w/@=\"'])https?://(?:(?!&(?:lt|gt|quot|nbsp);)[^\s<>\"'`])+", re.IGNORECASE)
_TRAILING = ".,;:!?»)]}'\"*_"
_HOST = re.compile(r"(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.?")
# Characters left as they are in a normalised URL: RFC 3986 reserved and
# unreserved characters and '%', minus the quote characters and anything an
# HTML attribute or a text could be broken with.
_URL_SAFE = "/:@!$&()*+,;=-._~%?#[]"
# What clean_url strips around a URL: C0 controls and space (as browsers do),
# plus the no-break, ideographic and zero-width spaces a copy-paste brings.
_URL_STRIPPED = "".join(map(chr, range(0x21))) + "\x7f\u00a0\u3000\u200b\ufeff"
_EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>\n?")
_BLOCK_TAGS = frozenset({"p", "blockquote", "pre", "ul", "ol", "li", "div"})


def render_body(markdown_text: str, own_hosts: frozenset[str] = frozenset()) -> str:
    """Markdown → sanitised HTML fragment safe to embed in a page."""
    return _renderer().render(markdown_text, own_hosts)


def clean_url(url: str) -> str | None:
    """An http(s) URL safe for an href (author links), or None."""
    if not isinstance(url, str):
        return None
    # Browsers drop tabs and newlines anywhere in a URL and C0 controls or
    # spaces around it; do the same, so that we judge the URL they would use.
    url = re.sub(r"[\t\n\r]", "", url).strip(_URL_STRIPPED)
    # Left-over controls or spaces, and backslashes (which browsers read as
    # '/', so "https://good\\@evil" does not mean what Python thinks). 2048
    # characters is more than any real home page needs.
    if not url or len(url) > 2048 or _CONTROL.search(url) or re.search(r"[\s\\]", url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in URL_SCHEMES or not url[len(parts.scheme):].startswith("://"):
        return None
    # Credentials in a link are a phishing trick ("https://bank.com@evil/").
    if "@" in parts.netloc or not parts.hostname:
        return None
    host = _ascii_host(parts.hostname)
    if host is None:
        return None
    netloc = host if port is None else f"{host}:{port}"
    path = quote(parts.path, safe=_URL_SAFE)
    result = f"{parts.scheme.lower()}://{netloc}{path}"
    if parts.query:
        result += "?" + quote(parts.query, safe=_URL_SAFE)
    if parts.fragment:
        result += "#" + quote(parts.fragment, safe=_URL_SAFE)
    return result


def plain_text(html_fragment: str) -> str:
    """Visible text of a sanitised fragment (for JSON-LD, feeds summaries, quote cards)."""
    extractor = _TextExtractor()
    extractor.feed(html_fragment or "")
    extractor.close()
    return extractor.text()


def escape_json_for_script(data) -> str:
    """json.dumps for a <script type="application/ld+json"> block that no text can close."""
    # Those characters only ever occur inside JSON strings, where \uXXXX means
    # the same character: the data is unchanged, but "</script>", "<!--" and
    # "]]>" cannot appear, and U+2028/2029 cannot end a line in old JS parsers.
    text = json.dumps(data, ensure_ascii=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


class BodyRenderer:
    """One Markdown converter and one sanitiser, reused for many bodies (not thread-safe)."""

    def __init__(self):
        self._markdown = markdown.Markdown(extensions=list(MARKDOWN_EXTENSIONS), output_format="html")
        for name in MARKDOWN_DISABLED_BLOCKS:
            self._markdown.parser.blockprocessors.deregister(name, strict=False)
        # Raw HTML extraction runs an HTML parser over every body (a third of
        # the conversion time); without a "<" there is nothing to extract.
        html_block = self._markdown.preprocessors["html_block"]
        self._markdown.preprocessors.register(_OnlyWithHtml(html_block), "html_block", 20)
        # Imported here: a build whose bodies are all cached never loads it (1.4 MiB).
        import nh3

        self._cleaner = nh3.Cleaner(
            tags=set(ALLOWED_TAGS),
            clean_content_tags=set(DROPPED_WITH_CONTENT),
            attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
            attribute_filter=_filter_attribute,
            strip_comments=True,
            link_rel=LINK_REL,
            url_schemes=set(URL_SCHEMES),
            url_relative=_relative_url,
        )

    def render(self, markdown_text: str, own_hosts: frozenset[str] = frozenset()) -> str:
        """Markdown → sanitised HTML fragment safe to embed in a page."""
        if not markdown_text:
            return ""
        text = markdown_text.replace("\r\n", "\n").replace("\r", "\n")
        text = _TRAILING_SPACES.sub("", _CONTROL.sub("", text))
        converted = _plain_paragraphs(text)
        if converted is None:
            try:
                converted = self._markdown.convert(text)
            finally:
                # reset() empties the converter's per-document state (stashed
                # raw HTML, reference links) so one body never leaks into the next.
                self._markdown.reset()
        # Both paths go through the same sanitiser: the shortcut is for speed only.
        cleaned = self._cleaner.clean(converted)
        finished = _post_process(cleaned, frozenset(host.lower() for host in own_hosts or ()))
        if finished != cleaned:
            finished = self._cleaner.clean(finished)
        # Paragraphs emptied by the sanitiser (a lone <script>, <svg>...) would
        # only add blank space; removing a whole empty pair keeps tags balanced.
        return _EMPTY_PARAGRAPH.sub("", finished).strip()


class _OnlyWithHtml(markdown.preprocessors.Preprocessor):
    """Runs Python-Markdown's raw-HTML preprocessor only on bodies that contain a '<'."""

    def __init__(self, inner: markdown.preprocessors.Preprocessor):
        super().__init__(inner.md)
        self._inner = inner

    def run(self, lines: list[str]) -> list[str]:
        """The inner preprocessor's result, or the lines unchanged when they hold no tag."""
        return self._inner.run(lines) if any("<" in line for line in lines) else lines


def _plain_paragraphs(text: str) -> str | None:
    """What Python-Markdown makes of a body that uses no Markdown syntax, else None."""
    # Python-Markdown takes ~150 µs even for a one-line comment; most
    # comments are plain prose, which this renders in a few µs. The unit
    # tests check that both give the same HTML.
    if _MARKDOWN_CHARACTERS.search(text) or _BLOCK_START.search(text):
        return None
    paragraphs = []
    for block in re.split(r"\n(?: *\n)+", text):
        block = block.lstrip().rstrip("\n")
        if block:
            paragraphs.append("<p>" + "<br>\n".join(block.split("\n")) + "</p>")
    return "\n".join(paragraphs)


def _renderer() -> BodyRenderer:
    """This thread's renderer, made on first use."""
    # A Markdown instance is costly to make (a few ms) and not thread-safe;
    # one per thread keeps 10,000 bodies per build fast and builds safe.
    renderer = getattr(_PER_THREAD, "renderer", None)
    if renderer is None:
        renderer = _PER_THREAD.renderer = BodyRenderer()
    return renderer


# The only module-level state: a per-thread cache of BodyRenderer (see _renderer).
_PER_THREAD = threading.local()


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """nh3 callback: normalise absolute URLs, refuse odd list starts."""
    if attribute in ("href", "src"):
        # nh3 has already refused schemes other than http(s); relative URLs
        # go on to _relative_url. An absolute URL must pass clean_url.
        return clean_url(value) if _HAS_SCHEME.match(value) else value
    if attribute == "start":
        return value if value.isascii() and value.isdigit() and len(value) <= 6 else None
    return value


def _relative_url(url: str) -> str | None:
    """nh3 callback: keep a relative URL only if it is a site path or a fragment."""
    # "//host" and "/\\host" are other hosts to a browser, and browsers drop
    # tabs/newlines inside URLs ("/\t/host" becomes "//host"): refuse any
    # whitespace, control character or backslash outright.
    if not url or re.search(r"[\x00-\x20\x7f\\]", url):
        return None
    if url.startswith("#") or (url.startswith("/") and not url.startswith("//")):
        return url
    return None


def _post_process(fragment: str, own_hosts: frozenset[str]) -> str:
    """Mask personal data, neutralise foreign images, unwrap dead links, link bare URLs."""
    if "<img" not in fragment and "<a " not in fragment and "://" not in fragment:
        # No URL anywhere: masking the whole fragment cannot break one.
        return personal.mask(fragment)
    out: list[str] = []
    anchors: list[bool] = []  # for each open <a>: was it kept?
    code_depth = 0
    position = 0
    for match in _TAG.finditer(fragment):
        text = fragment[position:match.start()]
        out.append(_text(text, link=not anchors and not code_depth))
        position = match.end()
        closing, name, attributes = match.group(1), match.group(2), match.group(3)
        tag = match.group(0)
        if name == "a":
            if closing:
                if anchors and not anchors.pop():
                    continue
            else:
                found = _attributes(attributes)
                # A link whose address holds an e-mail or a phone number is unwrapped
                # (its text stays, masked): masking inside the address would break it.
                keep = "href" in found and not personal.find(found["href"])
                anchors.append(keep)
                if not keep:
                    continue
                tag = _tag("a", {key: personal.mask(value) if key == "title" else value
                                 for key, value in found.items()})
        elif name in ("code", "pre"):
            code_depth += -1 if closing else 1
        elif name == "img":
            tag = _image(_attributes(attributes), own_hosts, inside_link=bool(anchors))
        elif attributes:
            tag = f"<{name}{personal.mask(attributes)}>"  # abbr title, ol start: no URL in them
        out.append(tag)
    out.append(_text(fragment[position:], link=not anchors and not code_depth))
    return "".join(out)


def _text(text: str, link: bool) -> str:
    """A text segment of the serialised fragment: bare addresses linked (when allowed), personal data masked."""
    if not link or "://" not in text:
        return personal.mask(text)
    parts, position = [], 0
    for match in _BARE_URL.finditer(text):
        parts.append(personal.mask(text[position:match.start()]))
        parts.append(_bare_url_link(match))
        position = match.end()
    parts.append(personal.mask(text[position:]))
    return "".join(parts)


def _attributes(source: str) -> dict[str, str]:
    """Attributes of one serialised tag, values unescaped."""
    return {name: html.unescape(value or "") for name, value in _ATTR.findall(source)}


def _image(attributes: dict[str, str], own_hosts: frozenset[str], inside_link: bool) -> str:
    """The image itself if it is on our site, else a text (or link) that loads nothing."""
    src = attributes.get("src", "")
    alt = personal.mask(attributes.get("alt", "").strip())
    attributes = {**attributes, "alt": alt} if "alt" in attributes else attributes
    if personal.find(src):  # an image address carrying personal data is neither loaded nor linked
        src = ""
    host = ""
    if src:
        if src.startswith("/") and not src.startswith("//"):
            return _tag("img", attributes)
        parts = urlsplit(src)
        host = (parts.hostname or "").lower()
        if host and (host in own_hosts or parts.netloc.lower() in own_hosts):
            return _tag("img", attributes)
    label = html.escape(f"[image : {alt or host}]" if (alt or host) else "[image]", quote=False)
    if src and host and not inside_link:
        return f'<a href="{html.escape(src)}">{label}</a>'
    return label


def _tag(name: str, attributes: dict[str, str]) -> str:
    """A start tag with its attributes escaped."""
    rendered = "".join(f' {key}="{html.escape(value)}"' for key, value in attributes.items())
    return f"<{name}{rendered}>"


def _bare_url_link(match: re.Match) -> str:
    """One bare address as a link; trailing punctuation stays outside it."""
    url = match.group(0)
    trailing = ""
    while url and url[-1] in _TRAILING and not re.search(r"&#?\w+;$", url):
        # A closing parenthesis belongs to the URL when it balances one in it
        # (Wikipedia-style addresses); otherwise it closes the sentence.
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        trailing = url[-1] + trailing
        url = url[:-1]
    if "://" not in url or url.endswith("://"):
        return personal.mask(match.group(0))
    if personal.find(url):  # an address that carries an e-mail or a phone number: text, masked
        return personal.mask(url) + trailing
    # The text is escaped HTML, so it is already a valid attribute value
    # (it holds no '"' or '<'); the second sanitising pass checks the URL.
    return f'<a href="{url}">{url}</a>{trailing}'


def _ascii_host(host: str) -> str | None:
    """The host in lower-case ASCII (IDNA), or None if it is not a valid host name."""
    host = host.lower()
    if host.startswith("[") or ":" in host:
        return None if not re.fullmatch(r"[0-9a-f:.]+", host.strip("[]")) else f"[{host.strip('[]')}]"
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    return host if len(host) <= 253 and _HOST.fullmatch(host) else None


class _TextExtractor(HTMLParser):
    """Collects the text a reader sees: blocks become paragraphs, items and <br> lines."""

    # Text that a tag stands for when the page is read as text.
    _BREAKS = MappingProxyType({"br": "\n", "li": "\n", **{tag: "\n\n" for tag in _BLOCK_TAGS - {"li"}}})
    # Elements whose content is not text for a reader (void ones excluded:
    # they have no end tag that would end the skipping).
    _SKIPPED = DROPPED_WITH_CONTENT - {"frame"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self._parts: list[str] = []
        self._skip = 0
        self._pre = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIPPED:
            self._skip += 1
            return
        self._pre += tag == "pre"
        self._parts.append(self._BREAKS.get(tag, ""))
        if tag == "img":
            alt = (dict(attrs).get("alt") or "").strip()
            if alt:
                self._parts.append(f"[image : {alt}]")

    def handle_startendtag(self, tag, attrs):
        if tag not in self._SKIPPED:
            self.handle_starttag(tag, attrs)
            self._pre -= tag == "pre"

    def handle_endtag(self, tag):
        if tag in self._SKIPPED:
            self._skip = max(0, self._skip - 1)
        elif tag != "li":
            self._pre -= tag == "pre" and self._pre > 0
            self._parts.append(self._BREAKS.get(tag, "") if tag != "br" else "")

    def handle_data(self, data):
        if not self._skip:
            # Newlines in the source are spaces to a reader, except in <pre>.
            self._parts.append(data if self._pre else re.sub(r"[\t\n\r]", " ", data))

    def text(self) -> str:
        """The collected text: spaces collapsed, at most one blank line between blocks."""
        # Only ASCII white space is collapsed: no-break spaces are French typography.
        lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip(" ") for line in "".join(self._parts).split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
