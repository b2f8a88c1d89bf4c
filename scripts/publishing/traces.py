"""What an erasure looks for, and how it finds it in any file: the traces of one contribution.

A redacted contribution's file keeps only a tombstone; the private team
repository's history still holds every version of it (the moderation
record). `Traces.of_versions` gathers from those versions what readers could
have seen, as runs of words:

- `nom`: the author's name, and the address part of their contributor page
  (its slug: "Hélène Dupont" also as "helene dupont");
- `adresse`: the author's web address, the source address (not the site's
  own) and every link of the text, each as host and path, without the scheme;
- `texte`: the text as the site renders it, as every run of four words (an
  excerpt cut short in a list or a search result is still found);
- `mot`: the long words of the text and of the name, alone (found as words,
  and in Pagefind's index, which stores stemmed words, by their first
  letters).

Words are compared normalised: NFKC, case folded, every run of other
characters one separator. So "— Jean Dupont, le 2 mai" and
"contributeurs/jean-dupont/index.html" both hold the name "Jean Dupont".

`Scanner.find(data)` reads a file every way it may carry text: as it is,
gzip-decompressed (Pagefind's fragments and index, recursively), with HTML
entities, JSON \\u escapes and %-escapes decoded, and as the text of its
HTML or feed (tags dropped by a real parser, so that "<em>mot</em>" reads
"mot").

A value the new, redacted build still shows is not a trace of this
contribution (a long word other texts use, a name another published
contribution of the same author carries): `Scanner.split_shown` sets those
aside, and says which; eight words of the text in a row still in the build
are a quotation, which the erasure refuses.
"""

from __future__ import annotations

import html
import re
import unicodedata
import zlib
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping
from urllib.parse import unquote, urlsplit

RUN = 4            # words in a row that make a passage of the text
QUOTE = 8          # words in a row of the text still in the build: a quotation
LONG_WORD = 6      # a word of the text this long is looked for alone
STEM_LETTERS = 5   # Pagefind stores stems: a long word's first max(5, len - 3) letters
MAX_INFLATED = 256 * 1024 * 1024
PAGEFIND = b"pagefind_dcd"

LABELS = {
    "nom": "le nom de l'auteur",
    "adresse": "une adresse web de l'auteur ou de son texte",
    "texte": "un passage du texte de la contribution",
    "mot": "un mot rare du texte ou du nom de l'auteur",
    "citation": "huit mots d'affilée du texte de la contribution",
}

_WORD = re.compile(r"[^\W_]+")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def words(text: str) -> tuple[str, ...]:
    """The words of a text as traces compare them (NFKC, case folded)."""
    return tuple(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def _plain(text: str) -> str:
    """Accents removed, as a page address (a slug) writes a name."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@dataclass(frozen=True)
class Trace:
    """One thing to look for: a run of words of a kind (see LABELS)."""

    kind: str
    words: tuple[str, ...]

    @property
    def label(self) -> str:
        """What it is, in French, without its value (a report must not spread it again)."""
        return LABELS[self.kind]


def url_words(url: str, own_hosts: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """Host (without www.) and path of an address, as words; () for the site's own addresses."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return words(url)
    if not host or host in own_hosts:
        return ()
    host = host[4:] if host.startswith("www.") else host
    return words(f"{host} {unquote(parts.path)}")


@dataclass(frozen=True)
class Traces:
    """Everything to look for about one contribution."""

    items: frozenset[Trace]

    @classmethod
    def of_versions(cls, versions: Iterable[Mapping[str, str]], own_hosts: Iterable[str] = ()) -> "Traces":
        """The traces of every version of a contribution (its header fields and `body`, as the file holds them)."""
        from bs4 import BeautifulSoup

        from community.identity import slug
        from community.sanitize import plain_text, render_body

        own = frozenset(h.lower() for h in own_hosts)
        found: set[Trace] = set()
        long_words: set[str] = set()

        def add(kind: str, run: tuple[str, ...]) -> None:
            if run:
                found.add(Trace(kind, run))

        for version in versions:
            author = (version.get("author") or "").strip()
            if author:
                add("nom", words(author))
                add("nom", words(_plain(author)))
                add("nom", words(slug(author).replace("-", " ")))
                long_words.update(w for w in words(author) if len(w) >= LONG_WORD)
            for key in ("author_url", "source_url"):
                if version.get(key):
                    add("adresse", url_words(version[key], own))
            body = (version.get("body") or "").strip()
            if not body:
                continue
            rendered = render_body(body)
            for link in BeautifulSoup(rendered, "html.parser").find_all("a", href=True):
                add("adresse", url_words(link["href"], own))
            text = words(plain_text(rendered))
            if len(text) <= RUN:
                add("texte", text)
            for start in range(len(text) - RUN + 1):
                add("texte", text[start:start + RUN])
            for start in range(len(text) - QUOTE + 1):
                add("citation", text[start:start + QUOTE])
            long_words.update(w for w in text if len(w) >= LONG_WORD)
        for word in long_words:
            add("mot", (word,))
        return cls(frozenset(found))

    def without(self, shown: Iterable[Trace]) -> "Traces":
        """These traces but the ones given."""
        return Traces(self.items - frozenset(shown))

    def count(self, kind: str) -> int:
        """How many traces of a kind."""
        return sum(1 for t in self.items if t.kind == kind)


class Scanner:
    """Finds traces in files, names and messages (see the module's docstring)."""

    def __init__(self, traces: Traces):
        self.traces = traces
        self._by_length: dict[int, dict[tuple[str, ...], Trace]] = defaultdict(dict)
        for trace in traces.items:
            self._by_length[len(trace.words)][trace.words] = trace
        self._first_words = {t.words[0] for t in traces.items}
        # Pagefind's index holds each word's stem: a long word is found there by its first letters.
        self._stems = {t: unicodedata.normalize("NFC", t.words[0][:max(STEM_LETTERS, len(t.words[0]) - 3)]).encode()
                       for t in traces.items if t.kind == "mot"}

    def __bool__(self) -> bool:
        return bool(self.traces.items)

    def find_in_text(self, text: str) -> set[Trace]:
        """The traces a text holds (its words, compared normalised)."""
        tokens = words(text)
        found: set[Trace] = set()
        starts = [i for i, token in enumerate(tokens) if token in self._first_words]
        for length, table in self._by_length.items():
            for i in starts:
                trace = table.get(tokens[i:i + length])
                if trace is not None:
                    found.add(trace)
        return found

    def find(self, data: bytes) -> set[Trace]:
        """The traces a file holds, read every way it may carry text."""
        found: set[Trace] = set()
        for text, index in _readings(data):
            if index is not None:
                found |= {t for t, stem in self._stems.items() if stem in index}
            else:
                found |= self.find_in_text(text)
        return found

    def split_shown(self, files: Iterable[tuple[str, bytes]]) -> tuple["Scanner", dict[Trace, list[str]]]:
        """A scanner without the traces these files (the new build) still show, and where each one is shown."""
        shown: dict[Trace, list[str]] = defaultdict(list)
        for name, data in files:
            for trace in self.find(data) | self.find_in_text(name):
                shown[trace].append(name)
        return Scanner(self.traces.without(shown)), dict(shown)


def _readings(data: bytes, depth: int = 0) -> Iterator[tuple[str, bytes | None]]:
    """Each way a file may carry text: (text, None), or ("", index bytes) for a Pagefind index."""
    if data[:2] == b"\x1f\x8b" and depth < 4:
        inflated = _gunzip(data)
        if inflated is not None:
            yield from _readings(inflated, depth + 1)
            return
    if data.startswith(PAGEFIND) and data[len(PAGEFIND):len(PAGEFIND) + 1] != b"{":
        yield "", data.lower()  # an index, a filter or the metadata: CBOR, words stemmed
    text = data.decode("utf-8", "replace")
    yield text, None
    if text.count("\ufffd") * 20 > len(text):
        return  # binary (an image, WebAssembly): no markup or escapes to read
    decoded = unquote(_json_unescape(html.unescape(text)))
    if decoded != text:
        yield decoded, None
    if "<" in decoded:
        import warnings

        from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

        with warnings.catch_warnings():
            # Feeds and the sitemap too are read for their text only: HTML's lenient parser does that well.
            warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
            yield BeautifulSoup(decoded, "html.parser").get_text(" "), None


def _gunzip(data: bytes) -> bytes | None:
    """A gzip member's content (at most MAX_INFLATED bytes), or None when it is not gzip after all."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        return inflater.decompress(data, MAX_INFLATED)
    except zlib.error:
        return None


def _json_unescape(text: str) -> str:
    """JSON's \\uXXXX escapes decoded (surrogate pairs joined)."""
    if "\\u" not in text:
        return text
    replaced = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return replaced.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
