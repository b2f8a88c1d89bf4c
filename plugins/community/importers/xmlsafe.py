"""Parse untrusted XML exports without letting them attack the machine.

An export file comes from outside (an old host, a plugin, a colleague's
e-mail). XML can carry a DTD that reads local files (XXE, e.g.
``<!ENTITY x SYSTEM "file:///etc/passwd">``) or expands a few bytes into
gigabytes (the "billion laughs" entity bomb). Neither WordPress nor Disqus
ever writes a DTD, so the strictest setting is affordable: defusedxml with
``forbid_dtd=True`` (plus entities and external references forbidden, in case
a later defusedxml relaxes one of them). Every refusal and every syntax error
becomes a :class:`SiteError` naming the file; parsing is streamed
(``iterparse``) so that a large export does not have to fit in memory twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_et
from defusedxml import (
    DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden,
)

from blogcore.errors import SiteError

from ..store import display

REEXPORT_FIX = ("export the file again from the original system and import that file unchanged "
                "(never add a <!DOCTYPE> or <!ENTITY> to an export)")
_TAG = re.compile(r"^\{(?P<ns>[^}]*)\}(?P<local>.*)$")


@dataclass(frozen=True)
class XmlHead:
    """The root element of a file and the namespaces declared around it."""

    namespace: str
    local: str
    namespaces: dict[str, str] = field(default_factory=dict)  # prefix → URI


def split_tag(tag: str) -> tuple[str, str]:
    """'{uri}name' → ('uri', 'name'); 'name' → ('', 'name')."""
    match = _TAG.match(tag)
    return (match.group("ns"), match.group("local")) if match else ("", tag)


def iterparse(path: Path, events: tuple[str, ...] = ("start", "end")) -> Iterator[tuple[str, object]]:
    """Stream (event, element) pairs of an untrusted XML file; refusals raise SiteError."""
    shown = display(path)
    try:
        # defusedxml's iterparse opens the file itself and closes it at the end.
        for event, item in safe_et.iterparse(str(path), events=events, forbid_dtd=True,
                                             forbid_entities=True, forbid_external=True):
            yield event, item
    except DTDForbidden as error:
        declared = f"<!DOCTYPE {error.name}" + (f' SYSTEM "{error.sysid}"' if error.sysid else "") + ">"
        raise SiteError(shown, "XML", declared,
                        "the file declares a DTD (<!DOCTYPE>); no WordPress or Disqus export has one, and a DTD "
                        "is how XML attacks work (external entities reading local files, entity bombs): "
                        "refused, nothing imported", REEXPORT_FIX) from None
    except EntitiesForbidden as error:
        raise SiteError(shown, "XML", f"<!ENTITY {error.name}>",
                        "the file declares an entity; entities can expand into huge text (billion laughs) "
                        "or read local files: refused, nothing imported", REEXPORT_FIX) from None
    except ExternalReferenceForbidden as error:
        raise SiteError(shown, "XML", error.sysid,
                        "the file refers to an external resource; an export must be self-contained "
                        "(external references can read local files): refused, nothing imported",
                        REEXPORT_FIX) from None
    except DefusedXmlException as error:
        raise SiteError(shown, "XML", None, f"unsafe XML refused ({error}), nothing imported",
                        REEXPORT_FIX) from None
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        reason = str(error).split(":", 1)[0]  # expat's words, without its own (1-based) position
        raise SiteError(shown, f"line {line}, column {column + 1}", None,
                        f"malformed XML ({reason}): the export is damaged or truncated, nothing imported",
                        "export the file again, or repair the XML at that line (an unescaped '&' or '<', "
                        "a missing closing tag, a cut-off download)") from None
    except OSError as error:
        raise SiteError(shown, "file", str(path), f"cannot be read ({error.strerror or error})",
                        "check the path and the file's permissions") from None


def read_head(path: Path) -> XmlHead:
    """The root element's name and the namespaces declared up to its first grandchild."""
    namespaces: dict[str, str] = {}
    root: Element | None = None
    starts = 0
    events = iterparse(path, ("start", "start-ns"))
    try:
        for event, item in events:
            if event == "start-ns":
                prefix, uri = item
                namespaces.setdefault(prefix, uri)
                continue
            root = item if root is None else root
            starts += 1
            # A WXR declares wp: on <rss>; looking a little further costs nothing
            # and tolerates exporters that declare it on <channel>.
            if starts >= 3:
                break
    finally:
        events.close()
    if root is None:
        raise SiteError(display(path), "XML", None, "the file holds no XML element",
                        "export the file again; it is empty or cut off")
    namespace, local = split_tag(root.tag)
    return XmlHead(namespace, local, namespaces)


def text(element: Element | None, path: str, namespaces: dict[str, str] | None = None) -> str:
    """The text of a child element ('' when absent), CDATA included."""
    if element is None:
        return ""
    child = element.find(path, namespaces) if path else element
    if child is None:
        return ""
    return "".join(child.itertext())
