"""A readable word-level diff between two versions of a text.

The texts are split into words and the spaces between them (a line break is
kept as its own piece, so that paragraphs stay paragraphs), compared with
difflib, and handed to the template as runs of kept, inserted and deleted
text: the template writes them as plain text, ``<ins>`` and ``<del>``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

# A word, a run of spaces or tabs, or one line break. No-break spaces stay inside words.
_TOKEN = re.compile(r"\n|[ \t\r]+|[^ \t\r\n]+")


@dataclass(frozen=True)
class Piece:
    """A run of text: kind is "same", "ins" or "del"."""

    kind: str
    text: str


@dataclass(frozen=True)
class Diff:
    """A version compared with the one before: its pieces and how many words each side changed."""

    pieces: tuple[Piece, ...]
    inserted: int
    deleted: int

    @property
    def changed(self) -> bool:
        """True when a word was inserted or deleted."""
        return bool(self.inserted or self.deleted)


def tokens(text: str) -> list[str]:
    """Words, runs of spaces and line breaks, in order (joined, they give the text back)."""
    return _TOKEN.findall(text.replace("\r\n", "\n"))


def _words(parts: list[str]) -> int:
    return sum(1 for part in parts if part.strip())


def word_diff(old: str, new: str) -> Diff:
    """The pieces that turn `old` into `new`, word by word."""
    a, b = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    pieces: list[Piece] = []
    inserted = deleted = 0

    def add(kind: str, parts: list[str]) -> None:
        text = "".join(parts)
        if not text:
            return
        if pieces and pieces[-1].kind == kind:
            pieces[-1] = Piece(kind, pieces[-1].text + text)
        else:
            pieces.append(Piece(kind, text))

    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            add("same", a[i1:i2])
            continue
        if op in ("delete", "replace"):
            deleted += _words(a[i1:i2])
            add("del", a[i1:i2])
        if op in ("insert", "replace"):
            inserted += _words(b[j1:j2])
            add("ins", b[j1:j2])
    return Diff(tuple(pieces), inserted, deleted)
