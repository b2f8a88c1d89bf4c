"""A readable word-level diff between two versions of a text.

The texts are split into words and the spaces between them (a line break is
kept as its own piece, so that paragraphs stay paragraphs), compared with
difflib, and handed to the template as runs of kept, inserted and deleted
text: the template writes them as plain text, ``<ins>`` and ``<del>``.

Lines are compared first, then the words of the lines that changed: most of
a text is unchanged from one version to the next, and comparing a whole
article word by word costs difflib tens of milliseconds (spaces match
everywhere), a cost paid for every version page.
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


def _lines(parts: list[str]) -> list[list[str]]:
    """The tokens grouped by line, each line with its line break."""
    lines: list[list[str]] = [[]]
    for part in parts:
        lines[-1].append(part)
        if part == "\n":
            lines.append([])
    return lines


def word_diff(old: str, new: str) -> Diff:
    """The pieces that turn `old` into `new`, word by word."""
    a_lines, b_lines = _lines(tokens(old)), _lines(tokens(new))
    outer = difflib.SequenceMatcher(None, ["".join(line) for line in a_lines], ["".join(line) for line in b_lines],
                                    autojunk=False)
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

    for op, i1, i2, j1, j2 in outer.get_opcodes():
        a = [part for line in a_lines[i1:i2] for part in line]
        if op == "equal":
            add("same", a)
            continue
        b = [part for line in b_lines[j1:j2] for part in line]
        matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
        for inner, k1, k2, l1, l2 in matcher.get_opcodes():
            if inner == "equal":
                add("same", a[k1:k2])
                continue
            if inner in ("delete", "replace"):
                deleted += _words(a[k1:k2])
                add("del", a[k1:k2])
            if inner in ("insert", "replace"):
                inserted += _words(b[l1:l2])
                add("ins", b[l1:l2])
    return Diff(tuple(pieces), inserted, deleted)
