"""When two names are the same name to a reader.

Author names are untrusted: "La re\u0301daction" (a decomposed accent),
"Ｌａ ｒéｄａｃｔｉｏｎ" (fullwidth letters), "La r\u200bédaction" (a zero-width
space), "La rédaction." or "Lа rédaction" (a Cyrillic "а") all read as the
brand's "La rédaction". :func:`identity_key` maps every such spelling to one
key, so that the brand-name rule and contributor pages compare what a reader
sees, not code points:

1. NFKC with case folding, which also removes default-ignorable code points
   (zero-width spaces and joiners, soft hyphens, bidirectional marks...);
2. accents folded (canonical decomposition, combining marks dropped);
3. the confusable skeleton of Unicode TR39 (ICU's SpoofChecker: Cyrillic
   and Greek look-alikes, "rn" for "m"...), then steps 1 and 2 once more,
   because a skeleton may hold capitals and accents again;
4. white space collapsed and punctuation or symbols around the name stripped.

ICU (PyICU) is the reference implementation of TR39 and of the Unicode
properties used here; it is imported on first use.

:func:`name_problem` is the one rule of what a name may hold, asked by the
contribution files' rules (community/store.py), so by the build, the
``contributions.*`` tasks and the intake alike: visible letters (or digits),
no control character (a page would show nothing, a terminal would obey
ESC), and no invisible format character but the two joiners some scripts
need between letters (ZWNJ, ZWJ: Persian, Indic scripts, emoji sequences).

:func:`brand_key` is how the brand's and its team's names compare: the
identity key with separators, "&"/"et" and decorations such as « officiel »
folded away, so that « La_rédaction » or « Marques et communautés officiel »
is the brand.
"""

from __future__ import annotations

import functools
import unicodedata

_STRIPPED_CATEGORIES = ("P", "S", "Z", "C")  # punctuation, symbols, separators, controls
# Format characters a language needs, allowed only between two visible characters.
JOINERS = {"\u200c": "ZERO WIDTH NON-JOINER", "\u200d": "ZERO WIDTH JOINER"}
# Words around a name that do not make it someone else's: « Marques & communautés officiel ».
DECORATIONS = frozenset({
    "officiel", "officielle", "officiels", "officielles", "official", "vrai", "vraie", "real", "compte", "account",
    "page", "team", "staff", "admin", "support", "hq",
})
ARTICLES = frozenset({"le", "la", "l", "les", "the"})  # dropped only before a decoration: « Le vrai … »
_AND = {"&": "et", "and": "et", "+": "et"}


@functools.lru_cache(maxsize=1)
def _icu():
    """ICU's NFKC_Casefold normaliser and a TR39 spoof checker (made once per process)."""
    import icu  # PyICU: see pyproject.toml

    return icu.Normalizer2.getNFKCCasefoldInstance(), icu.SpoofChecker()


def _fold(text: str) -> str:
    casefold, _ = _icu()
    text = str(casefold.normalize(text))
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def identity_key(name: str) -> str:
    """The form of a name under which look-alike spellings are equal ("" for a name with no letter or digit)."""
    _, spoof = _icu()
    text = _fold(name or "")
    text = _fold(str(spoof.getSkeleton(0, text)))
    text = " ".join(text.split())
    start, end = 0, len(text)
    while start < end and unicodedata.category(text[start])[0] in _STRIPPED_CATEGORIES:
        start += 1
    while end > start and unicodedata.category(text[end - 1])[0] in _STRIPPED_CATEGORIES:
        end -= 1
    return text[start:end]


def same_name(first: str, second: str) -> bool:
    """Whether a reader would take the two names for the same one."""
    return identity_key(first) == identity_key(second)


def name_problem(name: str) -> str | None:
    """Why a name cannot be published as someone's name (English), or None when it can."""
    text = name or ""
    for index, ch in enumerate(text):
        category = unicodedata.category(ch)
        if category == "Cc":
            return f"holds a control character (U+{ord(ch):04X}) that a page would hide or a terminal obey"
        if category in ("Cf", "Co", "Cs", "Cn", "Zl", "Zp"):
            before, after = text[index - 1:index], text[index + 1:index + 2]
            if ch in JOINERS and _visible(before) and _visible(after):
                continue
            return f"holds an invisible or unassigned character (U+{ord(ch):04X})"
    if not any(unicodedata.category(ch)[0] in ("L", "N") for ch in text):
        return "has no visible letter"
    return None


def _visible(ch: str) -> bool:
    return bool(ch) and not ch.isspace() and unicodedata.category(ch)[0] not in ("C", "Z")


@functools.lru_cache(maxsize=1)
def _folded_words() -> tuple[frozenset[str], frozenset[str]]:
    # The words as identity_key leaves them (its skeleton writes "m" as "rn").
    return frozenset(map(identity_key, DECORATIONS)), frozenset(map(identity_key, ARTICLES))


def brand_key(name: str) -> str:
    """The key under which a name is compared with the brand's and its team's names ("" for none)."""
    text = identity_key(name)
    words = "".join(ch if unicodedata.category(ch)[0] not in ("P", "S", "Z") or ch in _AND else " "
                    for ch in text)
    for sign in ("&", "+"):
        words = words.replace(sign, " & ")
    tokens = [_AND.get(word, word) for word in words.split()]
    decorations, articles = _folded_words()
    while len(tokens) > 1 and (tokens[0] in decorations or (tokens[0] in articles and tokens[1] in decorations)):
        tokens.pop(0)
    while len(tokens) > 1 and tokens[-1] in decorations:
        tokens.pop()
    return "".join(tokens)
