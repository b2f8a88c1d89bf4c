"""Keep drafts' files out of a production build.

Pelican copies every static file, including an image that only a draft uses
(pelican#3371: draft assets leaked). In production, a static file linked only
from drafts or future-dated articles is dropped from the output.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

_LINK = re.compile(r"(?:\{|\|)(?:static|attach|filename)(?:\}|\|)([^\s\"'()<>#?]+)")


def _linked_sources(item) -> set[str]:
    """Source paths (relative to content/) that an article or page links to."""
    found = set()
    base = PurePosixPath(item.relative_source_path).parent
    # The body's links, and the cover image of the header (Image:, plugins/reading/cover.py).
    text = (getattr(item, "_content", "") or "") + " " + str(getattr(item, "metadata", {}).get("image") or "")
    for raw in _LINK.findall(text):
        path = PurePosixPath(raw.lstrip("/")) if raw.startswith("/") else base / raw
        parts: list[str] = []
        for part in path.parts:
            if part == "..":
                if parts:
                    parts.pop()
            elif part != ".":
                parts.append(part)
        found.add("/".join(parts))
    return found


def drop_draft_only_statics(context: dict, published: list, embargoed: list) -> list[str]:
    """Remove from the build the static files only embargoed content links to."""
    used = set().union(*(_linked_sources(i) for i in published)) if published else set()
    hidden = set().union(*(_linked_sources(i) for i in embargoed)) if embargoed else set()
    drop = hidden - used
    if not drop:
        return []
    statics = context.get("staticfiles", [])
    dropped = [s.relative_source_path for s in statics if s.relative_source_path in drop]
    statics[:] = [s for s in statics if s.relative_source_path not in drop]
    for key in dropped:
        context.get("static_content", {}).pop(key, None)
    return sorted(dropped)
