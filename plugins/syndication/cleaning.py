"""Make text and HTML safe for feeds (feed rules 5 and 6).

- every ``href``/``src``/``srcset``/``poster``/``cite``/``data`` becomes an
  absolute URL (readers and RSS-to-e-mail tools have no base to resolve a
  relative one, and ``xml:base`` is not a substitute in practice);
- characters XML 1.0 forbids (C0 controls except tab and newlines, lone
  surrogates, U+FFFE/U+FFFF) and C1 controls are removed: lxml refuses them
  and readers choke on them;
- titles and JSON summaries are plain text.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin

from bs4 import BeautifulSoup

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_URL_ATTRIBUTES = ("href", "src", "poster", "cite", "data", "action", "formaction", "background", "longdesc")
_SPACES = re.compile(r"[ \t\n\r\f\v]+")
# Start tags with attributes, then each attribute of one tag (used only to skip work, never to rewrite).
_TAG_WITH_ATTRIBUTES = re.compile(r"<[a-zA-Z][^>]*=[^>]*>")
_ATTRIBUTE = re.compile(r"([a-zA-Z_:][-\w:.]*)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+))")
_URL_NAMES = frozenset(_URL_ATTRIBUTES + ("srcset",))
_ABSOLUTE = re.compile(r"^(?:https?://[^/\s]|mailto:|tel:)", re.IGNORECASE)
_DROP = re.compile(r"<!--.*?-->|<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BLOCK_TAG = re.compile(r"</?(?:p|div|br|hr|li|ul|ol|dl|dt|dd|h[1-6]|blockquote|figure|figcaption|pre|table|tr|td|th|"
                        r"section|article|aside|header|footer|nav)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def strip_controls(text: str) -> str:
    """Remove the characters XML 1.0 forbids (and C1 controls)."""
    return _FORBIDDEN.sub("", text or "")


def _absolute_srcset(value: str, base: str) -> str:
    parts = []
    for candidate in value.split(","):
        bits = candidate.strip().split(None, 1)
        if not bits:
            continue
        bits[0] = urljoin(base, bits[0])
        parts.append(" ".join(bits))
    return ", ".join(parts)


def _all_absolute(fragment: str) -> bool:
    """True when every URL attribute is surely absolute already (False when in doubt)."""
    for tag in _TAG_WITH_ATTRIBUTES.finditer(fragment):
        text = tag.group(0)
        if text.count('"') % 2 or text.count("'") % 2:
            return False  # a ">" inside a quoted value cut the tag short: let the parser decide
        for match in _ATTRIBUTE.finditer(text):
            if match.group(1).lower() not in _URL_NAMES:
                continue
            value = next(v for v in match.groups()[1:] if v is not None)
            candidates = [c.strip().split(" ")[0] for c in value.split(",")] if "," in value else [value.strip()]
            if not all(_ABSOLUTE.match(c) for c in candidates if c):
                return False
    return True


def absolute_html(fragment: str, base: str) -> str:
    """The fragment with every URL attribute made absolute against `base`."""
    fragment = strip_controls(fragment)
    if not fragment or _all_absolute(fragment):
        return fragment  # fast path: Pelican already wrote {filename}/{static} links absolute
    soup = BeautifulSoup(fragment, "html.parser")
    for node in soup.find_all(True):
        for attr in _URL_ATTRIBUTES:
            value = node.get(attr)
            if isinstance(value, str) and value.strip():
                node[attr] = urljoin(base, value.strip())
        srcset = node.get("srcset")
        if isinstance(srcset, str) and srcset.strip():
            node["srcset"] = _absolute_srcset(srcset, base)
    return str(soup)


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment (our own trusted output), on one line, entities decoded."""
    text = _TAG.sub("", _BLOCK_TAG.sub(" ", _DROP.sub(" ", strip_controls(fragment or ""))))
    return _SPACES.sub(" ", html.unescape(text)).strip()


def plain_title(title: str) -> str:
    """A title as plain text, as the theme shows it (escaped, never parsed as HTML):
    no control characters, single spaces."""
    return _SPACES.sub(" ", strip_controls(str(title or ""))).strip()


def first_words(fragment: str, count: int = 40) -> str:
    """The first `count` words of an HTML fragment, as plain text (with … when cut)."""
    words = plain_text(fragment).split(" ")
    if len(words) <= count:
        return " ".join(words)
    return " ".join(words[:count]) + "\u00a0…"
