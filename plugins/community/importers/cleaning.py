"""Clean the text and identity fields of imported contributions.

Every reader (WordPress, Disqus, CSV) goes through these functions so that
the same rules hold whatever the source:

* a value written on a header line is one line, whitespace collapsed exactly
  as :func:`community.store.dump_contribution` does, so that a contribution
  re-reads identically from its file;
* NUL and the other control characters XML 1.0 forbids are removed (a CSV or
  a damaged export may hold them; they break editors and diffs);
* an author "name" holding an e-mail address is replaced by "Anonyme": the
  site publishes the name, and must never publish an address;
* only http(s) addresses are kept as web addresses.
"""

from __future__ import annotations

import datetime as dt
import re

ANONYMOUS = "Anonyme"
# Same pattern as community.store's check, so that any name the store would
# refuse as "an e-mail address" is caught here first.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# C0 controls except tab/newline/carriage return, DEL, C1 controls except NEL
# (handled as a line break below), and the non-characters XML forbids.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x84\x86-\x9f\ufffe\uffff]")
# Bidirectional overrides let a name display as something else (spoofing);
# they have no place in a one-line name or address.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Line separators that str.splitlines() honours: turned into \n so that the
# body read back from the file is the body written.
_LINE_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029]")
_WEB = re.compile(r"https?://[^\s/]+\S*", re.IGNORECASE)
_PRE_OPEN = re.compile(r"<pre[\s>]", re.IGNORECASE)
_PRE_CLOSE = re.compile(r"</pre\s*>", re.IGNORECASE)


def strip_controls(value: str) -> str:
    """Remove NUL and the control characters XML forbids; normalise line breaks to \\n."""
    return _FORBIDDEN.sub("", _LINE_BREAKS.sub("\n", value or ""))


def one_line(value: str) -> str:
    """A header value: controls removed, all whitespace runs collapsed to one space."""
    return " ".join(_BIDI.sub("", strip_controls(value)).split())


def body_text(value: str) -> str:
    """A Markdown body as written by a person (CSV): controls removed, ends trimmed."""
    return strip_controls(value).strip()


def html_body(value: str) -> str:
    """A body that the source stored as HTML (WordPress, Disqus), ready to be a Markdown body.

    Indentation means nothing in HTML (outside <pre>), but four leading spaces
    or a tab make a Markdown code block: an indented ``<img>`` line of a
    WordPress comment would be shown as source code. Lines outside <pre> are
    therefore un-indented; the words themselves are kept as stored.
    """
    lines = []
    in_pre = False
    for line in strip_controls(value).split("\n"):
        lines.append(line if in_pre else line.lstrip(" \t"))
        # Track <pre> after the line: its own first line may be indented freely.
        opens, closes = len(_PRE_OPEN.findall(line)), len(_PRE_CLOSE.findall(line))
        if opens > closes:
            in_pre = True
        elif closes > opens:
            in_pre = False
    return "\n".join(line.rstrip() for line in lines).strip()


def author_name(name: str, email: str = "") -> tuple[str, str]:
    """(public name, e-mail): 'Anonyme' for an empty name or one holding an address.

    An address found in the name is kept as the e-mail (for moderation only)
    when the source gave none.
    """
    name = one_line(name)
    email = one_line(email)
    found = EMAIL.search(name)
    if found:
        email = email or found.group(0)
        name = ""
    return (name or ANONYMOUS), email


def web_address(value: str) -> str:
    """An http(s) address without spaces, or '' (javascript:, mailto:, junk are dropped)."""
    value = one_line(value)
    return value if value and " " not in value and _WEB.fullmatch(value) else ""


def whole_seconds(value: dt.datetime) -> dt.datetime:
    """Drop sub-seconds: contribution files store dates to the second."""
    return value.replace(microsecond=0)
