"""What a community contribution is, and the rules it must follow.

A contribution is one file, ``content/contributions/<article-slug>/<id>.md``:
a metadata header in the same style as articles, then a Markdown body.

Header fields (case-insensitive):

=============== ========= =====================================================
field           required  meaning
=============== ========= =====================================================
``Id``          yes       stable unique id: lower-case letters, digits, hyphens
``Article``     yes       slug of the article it belongs to
``Author``      yes*      name the author chose (* empty once redacted)
``Author_url``  no        the author's web page (published with rel="ugc")
``Author_email``no        kept for moderation only, NEVER published
``Author_ip``   no        kept for moderation only, NEVER published
``Author_email_hash`` no  keyed hash (HMAC-SHA256, the intake service's
                          secret) of the author's e-mail address: recognises a
                          returning author and finds their contributions for a
                          deletion request; the address itself never enters
                          git. NEVER published
``Date``        yes       ISO 8601 with time zone, e.g. 2009-02-27 00:00:00+01:00
``Kind``        no        comment (default), testimonial, idea, mention
``Status``      no        pending (default), approved, rejected, redacted
``Reply_to``    no        id of the contribution it answers (same article)
``Official``    no        yes for the brand's own replies (default no)
``Source``      yes**     where it was first published (site comments, e-mail,
                          forum, social network...); ** required to approve
``Source_url``  no        address of the original
``Moderator``   no        who approved, rejected or redacted it
``Moderated_at``no        when (ISO 8601)
``Reason``      no        why it was rejected (required to reject)
``Votes``       no        ideas only: number of votes (integer >= 0)
``Idea_status`` no        ideas only: proposed, reviewing, adopted, done
``Original_id`` no        id in the system it was imported from
``Imported_from`` no      which export it was imported from (re-import key)
=============== ========= =====================================================
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field, replace

KINDS = ("comment", "testimonial", "idea", "mention")
STATUSES = ("pending", "approved", "rejected", "redacted")
IDEA_STATUSES = {
    "proposed": "proposée",
    "reviewing": "à l'étude",
    "adopted": "adoptée",
    "done": "réalisée",
}
KIND_LABELS = {
    "comment": "Commentaire",
    "testimonial": "Témoignage",
    "idea": "Idée",
    "mention": "Mention",
}
PRIVATE_FIELDS = ("author_email", "author_ip", "author_email_hash")
FIELD_ORDER = (
    "id", "article", "author", "author_url", "author_email", "author_ip", "author_email_hash", "date", "kind",
    "status", "reply_to", "official", "source", "source_url", "moderator", "moderated_at",
    "reason", "votes", "idea_status", "original_id", "imported_from",
)
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
TRUE_WORDS = {"yes", "true", "oui", "1"}
FALSE_WORDS = {"no", "false", "non", "0", ""}


# Slots: 10,000 of them stay in memory during a build. Not frozen, because
# a frozen dataclass sets each field through object.__setattr__, which makes
# it six times slower to create, and a build makes 10,000; it is never
# changed in place all the same (changes make a copy: with_changes), and it
# keeps the hash a frozen one would have.
@dataclass(slots=True, unsafe_hash=True)
class Contribution:
    """One contribution as stored in its file (all fields, private ones included)."""

    id: str
    article: str
    author: str
    date: dt.datetime
    body: str | None = ""  # None: left in its file (see key)
    author_url: str = ""
    author_email: str = ""
    author_ip: str = ""
    author_email_hash: str = ""
    kind: str = "comment"
    status: str = "pending"
    reply_to: str = ""
    official: bool = False
    source: str = ""
    source_url: str = ""
    moderator: str = ""
    moderated_at: dt.datetime | None = None
    reason: str = ""
    votes: int | None = None
    idea_status: str = ""
    original_id: str = ""
    imported_from: str = ""
    # The digest of the file's bytes when it was read through the files
    # cache ("" otherwise): the key of its cached fragments and rendered body.
    # A build that finds a file in that cache leaves the body in the file
    # (None): most builds never need a body's Markdown.
    key: str = ""
    # Where the file is: `name`, relative to `root`. A build's contributions
    # share one root string, and `name` is "" for a file in its usual place
    # (see located), so that 10,000 contributions do not each hold a long
    # path. Without a root, `name` is the whole path ("" for no file yet).
    root: str = ""
    name: str = ""

    @property
    def path(self) -> str:
        """The contribution's file ("" when it has none yet)."""
        if not self.root:
            return self.name
        return os.path.join(self.root, self.name or usual_name(self.article, self.id))

    @property
    def published(self) -> bool:
        """Only approved contributions are ever published."""
        return self.status == "approved"

    @property
    def anchor(self) -> str:
        """The HTML id of the contribution on its article page."""
        return f"contribution-{self.id}"

    def with_changes(self, **changes) -> "Contribution":
        """A copy with some fields changed (`path` too: the whole path, or "" for none)."""
        if "path" in changes:
            changes.update(root="", name=changes.pop("path"))
        return replace(self, **changes)

    def redacted(self, moderator: str, when: dt.datetime) -> "Contribution":
        """The tombstone kept after redaction: no text, no identity."""
        return replace(
            self, body="", author="", author_url="", author_email="", author_ip="",
            author_email_hash="", source_url="", status="redacted", moderator=moderator, moderated_at=when,
            original_id="",
        )


@dataclass
class Thread:
    """A published contribution (or a placeholder) and its replies, for rendering."""

    contribution: Contribution
    placeholder: bool = False  # True: shown without text or identity to keep the thread
    replies: list["Thread"] = field(default_factory=list)
    depth: int = 0


def usual_name(article: str, ident: str) -> str:
    """Where a contribution's file belongs, relative to the contributions folder: ``<article>/<id>.md``."""
    return os.path.join(article, ident + ".md")


def located(root: str, name: str, article: str, ident: str) -> str:
    """The `name` a contribution keeps for its file `name` under `root` ("" for the usual place)."""
    return "" if root and name == usual_name(article, ident) else name


def parse_bool(value: str) -> bool | None:
    """yes/no/true/false/oui/non → bool; None when not a boolean word."""
    word = (value or "").strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None
