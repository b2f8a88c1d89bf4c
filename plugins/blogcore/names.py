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
"""

from __future__ import annotations

import functools
import unicodedata

_STRIPPED_CATEGORIES = ("P", "S", "Z", "C")  # punctuation, symbols, separators, controls


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
