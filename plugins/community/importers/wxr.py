"""Read the comments of a WordPress export (WXR, "WordPress eXtended RSS").

A WXR file is RSS 2.0 with a ``wp:`` namespace whose URI gives the format
version: ``http://wordpress.org/export/1.0/`` (WordPress up to 3.0),
``1.1`` (3.1) and ``1.2`` (3.2 and later); some exporters (WordPress.com)
write ``https://``. The comment fields used here are the same in every
version::

    <item>                                  one post, page, attachment...
      <link>, <guid>, <wp:post_id>, <wp:post_name>, <wp:status>,
      <wp:post_password>, <wp:post_type>
      <wp:comment>                          zero or more
        <wp:comment_id>  <wp:comment_parent> (0: not a reply)
        <wp:comment_author> _email _url _IP
        <wp:comment_date> (site time)  <wp:comment_date_gmt> (UTC)
        <wp:comment_content> (HTML as typed, no <p>: WordPress adds them at display)
        <wp:comment_approved> 1, 0, spam, trash, post-trashed
        <wp:comment_type> ''/comment, pingback, trackback, or a plugin's type

Each comment's id is ``import_id("wp", <blog address>, <comment_id>)``; the
blog address is ``wp:base_blog_url`` (else the channel ``<link>``, else
``wp:base_site_url``), written without scheme or trailing slash, so that a
new export of the same blog after a move to https gives the same ids.
``wp:base_site_url`` alone is not used first: on a multisite network or on
WordPress.com it is the network's address (``https://wordpress.com/``),
shared by thousands of blogs whose comment numbers overlap.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from types import MappingProxyType
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element
from zoneinfo import ZoneInfo

from blogcore.errors import Problem
from blogcore.isodate import parse_iso

from .. import store
from ..model import Contribution
from .cleaning import author_name, html_body, one_line, web_address, whole_seconds
from .records import Item, ParsedExport, SourceThread, raise_problems
from .xmlsafe import XmlHead, iterparse, split_tag, text

SOURCE = "Commentaires du site (import WordPress)"
MODERATOR = "import WordPress"
APPROVAL = MappingProxyType({  # wp:comment_approved → (status, reason)
    "1": ("approved", ""),
    "approve": ("approved", ""),
    "0": ("pending", ""),
    "hold": ("pending", ""),
    "spam": ("rejected", "spam (WordPress)"),
    "trash": ("rejected", "corbeille (WordPress)"),
    "post-trashed": ("rejected", "corbeille (WordPress)"),  # the post itself was trashed
})
MENTION_TYPES = frozenset({"pingback", "trackback"})
# Comment types plugins use for private records (WordPress 6.9 block notes,
# WooCommerce order notes, Action Scheduler logs, webhook logs): never public.
INTERNAL_TYPES = frozenset({"note", "order_note", "action_log", "webhook_delivery"})
INTERNAL_REASON = "note interne, jamais publiable"
HELD_REASONS = MappingProxyType({
    "password": "approuvé sur WordPress, mais l'article y était protégé par un mot de passe : à relire",
    "private": "approuvé sur WordPress, mais l'article y était privé : à relire",
})
_NO_DATE = "0000-00-00"


def is_wxr(head: XmlHead) -> bool:
    """True when the root is <rss> and a WordPress export namespace is declared."""
    return head.local == "rss" and head.namespace == "" and wxr_namespace(head) is not None


def wxr_namespace(head: XmlHead) -> str | None:
    """The declared wp: namespace URI (http(s)://wordpress.org/export/1.x/), or None."""
    for uri in head.namespaces.values():
        parts = urlsplit(uri)
        segments = [s for s in parts.path.split("/") if s]
        if (parts.scheme in ("http", "https") and parts.hostname == "wordpress.org"
                and len(segments) == 2 and segments[0] == "export" and segments[1].startswith("1.")):
            return uri
    return None


def site_key(url: str) -> str:
    """'https://Blog.example.org/' → 'blog.example.org' (the part of the ids that names the blog)."""
    parts = urlsplit(one_line(url))
    if not parts.hostname:
        return one_line(url).rstrip("/")
    return parts.hostname.lower() + parts.path.rstrip("/")


def read(path: Path, tz: ZoneInfo, head: XmlHead) -> ParsedExport:
    """Read every comment of a WXR file, with its post as its thread."""
    ns = {"wp": wxr_namespace(head) or ""}
    wp = "{" + ns["wp"] + "}"
    channel_values: dict[str, str] = {}
    posts: list[dict] = []
    depth = 0
    channel: Element | None = None
    for event, element in iterparse(path):
        if event == "start":
            depth += 1
            if depth == 2 and element.tag == "channel":
                channel = element
            continue
        if depth == 3 and channel is not None:
            if element.tag == "item":
                post = _post(element, ns)
                if post["comments"]:
                    posts.append(post)
                # Drop what is read: an export's post contents are most of its size.
                channel.remove(element)
            elif element.tag in ("link", wp + "base_site_url", wp + "base_blog_url", wp + "wxr_version"):
                channel_values[split_tag(element.tag)[1]] = one_line(text(element, ""))
        depth -= 1

    blog = (channel_values.get("base_blog_url") or channel_values.get("link")
            or channel_values.get("base_site_url") or "")
    version = channel_values.get("wxr_version") or ns["wp"].rstrip("/").rsplit("/", 1)[-1]
    parsed = ParsedExport("wordpress", f"WordPress export (WXR {version})")
    problems: list[Problem] = []
    for post in posts:
        thread = SourceThread(key=post["key"], label=post["label"],
                              slugs=tuple(s for s in (post["name"],) if s),
                              urls=tuple(u for u in (post["link"], post["guid"]) if u))
        parsed.threads[thread.key] = thread
        for comment in post["comments"]:
            item = _comment(path, site_key(blog), post, comment, tz, problems)
            if item is not None:
                parsed.items.append(item)
    raise_problems(problems)
    return parsed


def _post(item: Element, ns: dict[str, str]) -> dict:
    """The fields of one <item> that matter for its comments."""
    link = one_line(text(item, "link"))
    post_id = one_line(text(item, "wp:post_id", ns))
    name = one_line(text(item, "wp:post_name", ns))
    comments = []
    for comment in item.findall("wp:comment", ns):
        comments.append({field: text(comment, "wp:comment_" + field, ns) for field in (
            "id", "author", "author_email", "author_url", "author_IP", "date", "date_gmt",
            "content", "approved", "type", "parent")})
    return {
        "key": f"post-{post_id}" if post_id else f"link-{link}",
        "label": link or name or f"post {post_id}",
        "link": link, "guid": one_line(text(item, "guid")), "name": name,
        "status": one_line(text(item, "wp:status", ns)).lower(),
        "password": text(item, "wp:post_password", ns).strip(),
        "comments": comments,
    }


def _date(comment: dict, tz: ZoneInfo) -> dt.datetime:
    """The comment's date in the site's zone: GMT field first, local field when GMT is unset."""
    gmt = one_line(comment["date_gmt"])
    if gmt and not gmt.startswith(_NO_DATE):
        return whole_seconds(parse_iso(gmt, dt.timezone.utc).astimezone(tz))
    local = one_line(comment["date"])
    if not local or local.startswith(_NO_DATE):
        raise ValueError("no date")
    return whole_seconds(parse_iso(local, tz).astimezone(tz))


def _comment(path: Path, site: str, post: dict, comment: dict, tz: ZoneInfo,
             problems: list[Problem]) -> Item | None:
    """One <wp:comment> → an Item (None, with a problem, when its date is unusable)."""
    comment_id = one_line(comment["id"])
    where = f"comment {comment_id or '(no id)'} on {post['label']}"
    try:
        date = _date(comment, tz)
    except ValueError:
        problems.append(Problem(store.display(path), f"{where}: wp:comment_date_gmt / wp:comment_date",
                                one_line(comment["date_gmt"]) or one_line(comment["date"]) or None,
                                "no usable date", "fix the date in the export (YYYY-MM-DD HH:MM:SS) "
                                "or delete this comment from it"))
        return None
    kind_word = one_line(comment["type"]).lower()
    approved = one_line(comment["approved"]).lower()
    status, reason = APPROVAL.get(approved, ("pending", ""))
    held = False
    if kind_word in INTERNAL_TYPES:
        status, reason = "rejected", INTERNAL_REASON
    elif status == "approved" and (post["password"] or post["status"] == "private"):
        # Readers of the old site never saw these without the password.
        status, reason = "pending", HELD_REASONS["password" if post["password"] else "private"]
        held = True
    # WordPress stores pingback/trackback titles HTML-escaped (&laquo;, &#8217;).
    author, email = author_name(html.unescape(comment["author"]), comment["author_email"])
    if comment_id:
        ident = store.import_id("wp", site, comment_id)
    else:
        # WXR 1.0 always writes ids; a hand-made file may not. Stable anyway.
        ident = store.import_id("wp", site, post["key"], author, date.isoformat(), comment["content"])
    link = web_address(post["link"])
    parent = one_line(comment["parent"])
    contribution = Contribution(
        id=ident, article="", author=author, date=date, body=html_body(comment["content"]),
        author_url=web_address(comment["author_url"]), author_email=email,
        author_ip=one_line(comment["author_IP"]),
        kind="mention" if kind_word in MENTION_TYPES else "comment",
        status=status, source=SOURCE,
        source_url=f"{link}#comment-{comment_id}" if link and comment_id else link,
        moderator=MODERATOR if status in ("approved", "rejected") else "",
        reason=reason, original_id=comment_id, imported_from=f"wordpress:{path.name}",
    )
    parent_id = store.import_id("wp", site, parent) if parent and parent != "0" else ""
    return Item(post["key"], contribution, parent_id, held)
