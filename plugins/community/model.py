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
``Decisions``   no        every moderation decision, oldest first, one per
                          line: ``<ISO date> <approved|rejected|redacted|
                          pending> by <moderator>``, entries separated by
                          ``;`` (written by the tasks; see decision_log)
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
PRIVATE_FIELDS = ("author_email", "author_ip", "author_email_hash")
FIELD_ORDER = (
    "id", "article", "author", "author_url", "author_email", "author_ip", "author_email_hash", "date", "kind",
    "status", "reply_to", "official", "source", "source_url", "moderator", "moderated_at",
    "reason", "decisions", "votes", "idea_status", "original_id", "imported_from",
)
DECISIONS = ("approved", "rejected", "redacted", "pending")
_DECISION = re.compile(
    r"(?P<when>\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2}))\s+"
    r"(?P<action>[a-z]+)\s+by\s+(?P<who>[^;]*\S)")
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
TRUE_WORDS = {"yes", "true", "oui", "1"}
FALSE_WORDS = {"no", "false", "non", "0", ""}


# Slots: 10,000 of them stay in memory during a build. Not frozen, because
# a frozen dataclass sets each field through object.__setattr__, which makes
# it six times slower to create; it is never changed in place all the same
# (changes make a copy: with_changes).
@dataclass(slots=True, unsafe_hash=True)
class Contribution:
    """One contribution as stored in its file (all fields, private ones included)."""

    id: str
    article: str
    author: str
    date: dt.datetime
    body: str = ""
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
    # The decisions record as written in the file ("" for none): see decision_log.
    decisions: str = ""
    votes: int | None = None
    idea_status: str = ""
    original_id: str = ""
    imported_from: str = ""
    path: str = ""  # its file ("" when it has none yet)

    @property
    def published(self) -> bool:
        """Only approved contributions are ever published."""
        return self.status == "approved"

    @property
    def anchor(self) -> str:
        """The HTML id of the contribution on its article page."""
        return f"contribution-{self.id}"

    def with_changes(self, **changes) -> "Contribution":
        """A copy with some fields changed."""
        return replace(self, **changes)

    def decided(self, action: str, moderator: str, when: dt.datetime | None, **changes) -> "Contribution":
        """A copy with a moderation decision applied and appended to the record (earlier ones kept).

        Without `when` (an import: the source does not say when it was
        decided) the status changes and the record stays as it was.
        """
        record = self.decisions
        if when is not None:
            entry = Decision(when, action, moderator).text()
            record = f"{record}; {entry}" if record else entry
        return replace(self, status=action, moderator=moderator, moderated_at=when, decisions=record, **changes)

    def redacted(self, moderator: str, when: dt.datetime | None) -> "Contribution":
        """The tombstone kept after redaction: no text, no identity."""
        return self.decided(
            "redacted", moderator, when, body="", author="", author_url="", author_email="", author_ip="",
            author_email_hash="", source_url="", original_id="",
        )


@dataclass(frozen=True)
class Decision:
    """One moderation decision: when, what (a status), by whom (never published)."""

    when: dt.datetime
    action: str
    moderator: str

    def text(self) -> str:
        """The decision as written in a file's ``Decisions:`` field."""
        return f"{self.when.isoformat(sep=' ', timespec='seconds')} {self.action} by {self.moderator}"


def parse_decisions(text: str) -> list[Decision]:
    """The entries of a ``Decisions:`` field; ValueError naming the first bad entry."""
    found = []
    for part in (text or "").split(";"):
        part = " ".join(part.split())
        if not part:
            continue
        match = _DECISION.fullmatch(part)
        if not match or match.group("action") not in DECISIONS:
            raise ValueError(part)
        when = dt.datetime.fromisoformat(match.group("when").replace("Z", "+00:00"))
        if when.tzinfo is None:
            raise ValueError(part)
        found.append(Decision(when, match.group("action"), match.group("who")))
    return found


def decision_log(contribution: "Contribution") -> list[Decision]:
    """Every decision taken on a contribution, oldest first.

    Files written before the record existed (and imports) carry only their
    latest decision, in ``Moderator:``/``Moderated_at:``: it stands for the record.
    """
    if contribution.decisions:
        return parse_decisions(contribution.decisions)
    if contribution.moderated_at and contribution.status != "pending":
        return [Decision(contribution.moderated_at, contribution.status, contribution.moderator)]
    return []


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



def parse_bool(value: str) -> bool | None:
    """yes/no/true/false/oui/non → bool; None when not a boolean word."""
    word = (value or "").strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None
