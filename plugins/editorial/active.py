"""Active HTML in articles and pages: refused unless EDITORIAL["allow_scripts"] is on.

Writers are trusted, but a script in an article can load anything from any
host once a reader's browser runs it, and no static check can follow it
(the "hosts" gate reads URLs, not programs). So the rendered HTML of every
article and page is searched for what runs or loads by itself: script-like
elements, event-handler attributes and ``javascript:`` addresses. Markdown
code (inline or in blocks) is escaped by then, so writing *about* HTML is fine.
"""

from __future__ import annotations

import re

ELEMENTS = ("script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta", "link",
            "portal")
_ELEMENT = re.compile(r"<\s*(" + "|".join(ELEMENTS) + r")\b", re.IGNORECASE)
_HANDLER = re.compile(r"<[a-zA-Z][^<>]*?\s(on[a-zA-Z]+)\s*=", re.IGNORECASE)
_SCRIPT_URL = re.compile(r"""\s(?:href|src|action|formaction|data|xlink:href|poster)\s*=\s*["']?\s*"""
                         r"""((?:java|vb)script\s*:)""", re.IGNORECASE)


def find(html: str) -> list[str]:
    """What makes a piece of HTML active: ['<script>', 'onclick=', 'javascript:'...] (each once, in order)."""
    found: list[str] = []
    for pattern, shape in ((_ELEMENT, "<{}>"), (_HANDLER, "{}="), (_SCRIPT_URL, "{}")):
        for match in pattern.finditer(html or ""):
            label = shape.format(match.group(1).lower().replace(" ", ""))
            if label not in found:
                found.append(label)
    return found
