"""Tell which kind of export a file is: WordPress (WXR), Disqus or CSV.

XML files are recognised by their root element and namespaces, never by
their name: ``export.xml`` can be either. A CSV is recognised by its
``.csv`` extension or, whatever its name, by a first line holding the
required CSV columns. Anything else is refused with a message saying what
the file looked like, before anything is read further.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from blogcore.errors import SiteError

from ..store import display
from . import csvfile, disqus, wxr
from .xmlsafe import XmlHead, read_head

SNIFF_BYTES = 4096
FORMATS_FIX = ("give a WordPress export (Tools > Export > All content, a .xml file), a Disqus export "
               "(Admin > Community > Export, the .xml inside the .gz), or a CSV file with the columns "
               "thread,author,date,body")


def detect(path: Path) -> tuple[str, XmlHead | None]:
    """('wordpress' | 'disqus' | 'csv', the XML root when XML); SiteError when unknown."""
    shown = display(path)
    if not Path(path).is_file():
        raise SiteError(shown, "file", str(path), "no such file", "check the path of the export to import")
    if Path(path).suffix.lower() == ".csv":
        return "csv", None
    try:
        with open(path, "rb") as stream:
            start = stream.read(SNIFF_BYTES)
    except OSError as error:
        raise SiteError(shown, "file", str(path), f"cannot be read ({error.strerror or error})",
                        "check the path and the file's permissions") from None
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or start.lstrip(
            codecs.BOM_UTF8 + b" \t\r\n").startswith(b"<"):
        head = read_head(Path(path))
        if wxr.is_wxr(head):
            return "wordpress", head
        if disqus.is_disqus(head):
            return "disqus", head
        root = f"<{head.local}>" + (f" in namespace {head.namespace}" if head.namespace else "")
        what = ("an RSS feed without the WordPress export namespace (wordpress.org/export/1.x/)"
                if head.local == "rss" else "XML, but neither a WordPress nor a Disqus export")
        raise SiteError(shown, "root element", root, f"unknown format: {what}", FORMATS_FIX)
    first_line = start.decode("utf-8-sig", errors="replace").splitlines()[0] if start.strip() else ""
    separator = ";" if ";" in first_line and "," not in first_line else ","
    columns = {cell.strip().strip('"').lower() for cell in first_line.split(separator)}
    if set(csvfile.REQUIRED) <= columns:
        return "csv", None
    raise SiteError(shown, "format", first_line[:60] or None,
                    "unknown format: neither XML (WordPress, Disqus) nor a CSV with the columns "
                    + ",".join(csvfile.REQUIRED), FORMATS_FIX)
