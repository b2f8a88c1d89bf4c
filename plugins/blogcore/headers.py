"""Read the metadata header of a Markdown file without rendering it.

The format is Python-Markdown's meta extension, which Pelican uses:
``Key: value`` lines at the top of the file, continuation lines indented by
four spaces or more, then a blank line and the body. An optional ``---`` line
may open and close the header. Keys are case-insensitive (stored lower-case).
A key written several times keeps its last value in ``fields`` and every
value, in order, in ``values`` (repeatable fields such as ``Correction:``).

Validation needs the header before Pelican reads the file, because Pelican
logs a broken header and silently skips the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_KEY = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
_CONTINUATION = re.compile(r"^[ ]{4,}(?P<value>.*)$")
_FENCE = re.compile(r"^-{3}\s*$")


@dataclass
class Header:
    """A parsed header: fields (lower-case keys), their line numbers, the body."""

    fields: dict[str, str] = field(default_factory=dict)
    values: dict[str, list[str]] = field(default_factory=dict)  # every value of each key, in order
    lines: dict[str, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    duplicates: list[str] = field(default_factory=list)

    def all(self, key: str) -> list[str]:
        """Every non-blank value of a field, in the order written."""
        return [v for v in self.values.get(key, []) if v]

    def get(self, key: str, default: str | None = None) -> str | None:
        """The value of a field, or default when absent or blank."""
        value = self.fields.get(key)
        return value if value not in (None, "") else default


def parse_header(text: str) -> Header:
    """Split a Markdown document into its metadata header and its body."""
    lines = text.splitlines()
    header = Header()
    index = 0
    if lines and _FENCE.match(lines[0]):
        index = 1
    key = None
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
            break
        if _FENCE.match(line) and index > 0:
            index += 1
            break
        match = _KEY.match(line)
        if match:
            key = match.group("key").lower()
            if key in header.fields:
                header.duplicates.append(key)
            header.fields[key] = match.group("value").strip()
            header.values.setdefault(key, []).append(header.fields[key])
            header.lines[key] = index + 1
        elif key and _CONTINUATION.match(line):
            extra = _CONTINUATION.match(line).group("value").strip()
            header.fields[key] = (header.fields[key] + " " + extra).strip()
            header.values[key][-1] = header.fields[key]
        else:
            break  # first body line: Python-Markdown ends the header here too
        index += 1
    header.body = "\n".join(lines[index:])
    header.body_line = index + 1
    return header


def read_header(path: Path) -> Header:
    """Parse the header of a UTF-8 Markdown file."""
    return parse_header(Path(path).read_text(encoding="utf-8"))
