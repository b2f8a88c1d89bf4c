"""Read the posts (comments) of a Disqus XML export.

The format (namespace ``http://disqus.com``, internal ids in
``http://disqus.com/disqus-internals``, prefix ``dsq``)::

    <disqus>
      <category dsq:id="…">…</category>
      <thread dsq:id="7001">                a page that had comments
        <id>identifier</id>                  disqus_identifier (often a slug; may be empty)
        <link>https://…/page.html</link>
        <title>, <createdAt>, <isClosed>, <isDeleted>, <author>…
      </thread>
      <post dsq:id="8001">                   a comment
        <message><![CDATA[<p>HTML</p>]]></message>
        <createdAt>2009-02-26T08:15:00Z</createdAt>   (UTC)
        <isDeleted>, <isSpam>
        <author><email>, <name>, <isAnonymous>, <username></author>
        <ipAddress>
        <thread dsq:id="7001"/>
        <parent dsq:id="8000"/>              only for replies
      </post>
    </disqus>

Statuses: a post in an export was published unless flagged, so it is
imported ``approved``; ``isSpam`` → ``rejected`` (Reason "spam (Disqus)");
``isDeleted`` → ``redacted`` (kept, without text or identity, so that the
replies under it stay in place). The documented export has no approval flag,
but Disqus's API has ``isApproved``: when an export carries it and it is
false, the post is imported ``pending``. A guest post (``isAnonymous`` true)
is signed "Anonyme": guests type any name, unverified.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import MappingProxyType
from xml.etree.ElementTree import Element
from zoneinfo import ZoneInfo

from blogcore.errors import Problem
from blogcore.isodate import parse_iso

from .. import store
from ..model import Contribution
from .cleaning import ANONYMOUS, author_name, html_body, one_line, web_address, whole_seconds
from .records import Item, ParsedExport, SourceThread, raise_problems
from .xmlsafe import XmlHead, iterparse, text

NAMESPACE = "http://disqus.com"
INTERNALS = "http://disqus.com/disqus-internals"
NS = MappingProxyType({"d": NAMESPACE})
DSQ_ID = "{" + INTERNALS + "}id"
SOURCE = "Commentaires Disqus (import)"
MODERATOR = "import Disqus"
TRUE = frozenset({"true", "1", "yes"})


def is_disqus(head: XmlHead) -> bool:
    """True when the root is <disqus> in the Disqus namespace."""
    return head.local == "disqus" and head.namespace == NAMESPACE


def read(path: Path, tz: ZoneInfo, head: XmlHead) -> ParsedExport:
    """Read every post of a Disqus export, with its thread."""
    threads: dict[str, dict] = {}
    posts: list[dict] = []
    depth = 0
    root: Element | None = None
    for event, element in iterparse(path):
        if event == "start":
            depth += 1
            root = element if root is None else root
            continue
        if depth == 2 and root is not None:
            if element.tag == "{%s}thread" % NAMESPACE:
                thread = _thread(element)
                threads.setdefault(thread["dsq_id"], thread)
            elif element.tag == "{%s}post" % NAMESPACE:
                posts.append(_post(element))
            # Top-level elements are read once: let them go.
            root.remove(element)
        depth -= 1

    parsed = ParsedExport("disqus", "Disqus export")
    problems: list[Problem] = []
    shown = store.display(path)
    for post in posts:
        where = f"post dsq:id={post['dsq_id'] or '(none)'}"
        if not post["dsq_id"]:
            problems.append(Problem(shown, where, None, "a post without its dsq:id attribute",
                                    "export the file again from Disqus (every post has a dsq:id)"))
            continue
        thread = threads.get(post["thread"])
        key = f"dsq-{post['thread']}"
        if key not in parsed.threads:
            parsed.threads[key] = _source_thread(key, post["thread"], thread)
        try:
            date = whole_seconds(parse_iso(post["created"], dt.timezone.utc).astimezone(tz))
        except ValueError:
            problems.append(Problem(shown, f"{where}: createdAt", post["created"] or None, "not a valid date",
                                    "fix the date in the export (e.g. 2009-02-26T08:15:00Z) or remove the post"))
            continue
        parsed.items.append(Item(key, _contribution(path, post, thread, date),
                                 store.import_id("dsq", post["parent"]) if post["parent"] else ""))
    raise_problems(problems)
    return parsed


def _flag(element: Element, path: str) -> bool | None:
    """A true/false child; None when absent."""
    value = one_line(text(element, path, NS)).lower()
    return (value in TRUE) if value else None


def _thread(element: Element) -> dict:
    """The identifying fields of a <thread>."""
    return {
        "dsq_id": one_line(element.get(DSQ_ID, "")),
        "identifier": one_line(text(element, "d:id", NS)),
        "link": one_line(text(element, "d:link", NS)),
        "title": one_line(text(element, "d:title", NS)),
    }


def _post(element: Element) -> dict:
    """The fields of a <post>."""
    thread_ref = element.find("d:thread", NS)
    parent_ref = element.find("d:parent", NS)
    return {
        "dsq_id": one_line(element.get(DSQ_ID, "")),
        "message": text(element, "d:message", NS),
        "created": one_line(text(element, "d:createdAt", NS)),
        "deleted": bool(_flag(element, "d:isDeleted")),
        "spam": bool(_flag(element, "d:isSpam")),
        "approved": _flag(element, "d:isApproved"),
        "name": text(element, "d:author/d:name", NS),
        "email": text(element, "d:author/d:email", NS),
        "anonymous": bool(_flag(element, "d:author/d:isAnonymous")),
        "ip": one_line(text(element, "d:ipAddress", NS)),
        "thread": one_line(thread_ref.get(DSQ_ID, "")) if thread_ref is not None else "",
        "parent": one_line(parent_ref.get(DSQ_ID, "")) if parent_ref is not None else "",
    }


def _source_thread(key: str, dsq_id: str, thread: dict | None) -> SourceThread:
    """A Disqus thread as a source thread; its identifier may be a slug, a URL or 'id URL'."""
    if thread is None:
        return SourceThread(key, f"Disqus thread {dsq_id or '(none)'} (absent from the export)")
    slugs, urls = [], [thread["link"]] if thread["link"] else []
    # WordPress's Disqus plugin writes identifiers like "108 http://site/?p=108".
    for word in thread["identifier"].split():
        (urls if "://" in word or word.startswith("/") else slugs).append(word)
    label = thread["link"] or thread["identifier"] or f"Disqus thread {dsq_id}"
    return SourceThread(key, label, tuple(slugs), tuple(urls))


def _contribution(path: Path, post: dict, thread: dict | None, date: dt.datetime) -> Contribution:
    """One post → its contribution (status, identity and text as the rules in the docstring say)."""
    author, email = author_name("" if post["anonymous"] else post["name"], post["email"])
    link = web_address(thread["link"]) if thread else ""
    status, reason = "approved", ""
    if post["spam"]:
        status, reason = "rejected", "spam (Disqus)"
    elif post["approved"] is False:
        status = "pending"
    contribution = Contribution(
        id=store.import_id("dsq", post["dsq_id"]), article="", author=author or ANONYMOUS, date=date,
        body=html_body(post["message"]), author_email=email, author_ip=post["ip"],
        status=status, reason=reason, source=SOURCE,
        source_url=f"{link}#comment-{post['dsq_id']}" if link else "",
        moderator=MODERATOR if status != "pending" else "",
        original_id=post["dsq_id"], imported_from=f"disqus:{path.name}",
    )
    if post["deleted"]:
        # Deleted by its author or a moderator: a tombstone keeps the replies in place.
        contribution = contribution.redacted(MODERATOR, None).with_changes(reason="")
    return contribution
