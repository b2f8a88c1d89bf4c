"""Active HTML and loads from other hosts in what writers publish: refused unless EDITORIAL["allow_scripts"] is on.

Writers are trusted, but a script in an article can load anything from any
host once a reader's browser runs it, and no static check can follow it
(the "hosts" gate reads URLs, not programs). So the rendered HTML of every
article and page, every author's bio, and every HTML, SVG, XML and CSS file
under content/ that the build copies as it is (``content/extra/``,
``content/images/*.svg``: an SVG opened on its own runs its scripts on the
site's origin) is read as a browser reads it (blogcore/markup.py) for:

- what runs by itself: script-like elements, event-handler attributes,
  ``javascript:`` addresses (in any spelling a browser accepts), SVG
  animations that set an ``href`` to one or animate a handler;
- what the browser would fetch from another host without a click (an
  image, a stylesheet, a CSS ``url()``, an SVG reference or animation): the
  site loads nothing from another host, and the writer hears it at build
  time, naming the file, rather than from the publish gate;
- in XML files (SVG included): entity declarations and ``<?xml-stylesheet?>``
  instructions, with which an XML parser would build markup that the HTML
  reading above never sees.

Markdown code (inline or in blocks) is escaped by then, so writing *about*
HTML is fine.
"""

from __future__ import annotations

from blogcore import markup, urls

# Files copied as they are that a browser renders (and so runs or loads from): by extension, lower case.
DOCUMENTS = (".html", ".htm", ".xhtml", ".svg", ".xml", ".xsl", ".xslt")
STYLESHEETS = (".css",)
XML_DOCUMENTS = (".xhtml", ".svg", ".xml", ".xsl", ".xslt")


def find(html: str, fragment: bool = True) -> list[str]:
    """What makes a piece of HTML active: ['<script>', 'onclick=', 'javascript:'...] (each once, in order)."""
    return markup.active(html, fragment)


def foreign_loads(html: str, own_hosts: frozenset[str], fragment: bool = True, css: bool = False) -> list[str]:
    """The addresses on another host that the markup (or stylesheet, `css`) makes the browser fetch by itself."""
    return check(html, own_hosts, fragment, css)[1]


def check(html: str, own_hosts: frozenset[str], fragment: bool = True,
          css: bool = False) -> tuple[list[str], list[str]]:
    """(what makes the markup active, the addresses on another host it loads), from one reading."""
    if css:
        return [], _foreign(markup.css_urls(html), own_hosts)
    found = markup.scan(html, fragment)
    return found.active, _foreign([load.url for load in found.loads], own_hosts)


def _foreign(found: list[str], own_hosts: frozenset[str]) -> list[str]:
    hosts = ((url, urls.host_of(url)) for url in found)
    return list(dict.fromkeys(url for url, host in hosts if host is not None and host not in own_hosts))


def xml_constructs(text: str) -> list[str]:
    """XML that builds markup out of sight: entity declarations, stylesheet processing instructions."""
    found = []
    if "<!ENTITY" in text:
        found.append("<!ENTITY>")
    if "<?xml-stylesheet" in text:
        found.append("<?xml-stylesheet?>")
    return found
