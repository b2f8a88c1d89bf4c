"""A text's versions: the states of its file that readers could see, one per public state.

From a file's history (history.py, newest first) and the text of each state:

1. **One identity.** Going back from the newest state, the history stops at
   the first state that is another text than the state after it: an article
   is recognised by its ``Feed_id:`` (the id feed readers know it by; without
   one, the fallback id the feeds would give it), a page by its ``Slug:``
   (compared with the nearest newer state that has one). A file created
   anew (``git rm``, then a new file at the same name) already ended its
   history in history.py.
2. **Only what was public.** A state counts only if readers could see it:
   ``blogcore.public.state_visible`` with its own status and date, and the
   moment the next commit replaced it (a draft never counts; a text dated in
   the future counts only if its date came before it was replaced).
3. **One version per public state.** Consecutive visible states with the
   same view (state.View: what the page showed) are one version: a commit
   that changed only the ``Feed_id``, the tags or a Markdown comment makes no
   new version.

A version's id is the first 10 characters of the hash of the commit that
first showed it (its first state): the same commits give the same ids and
addresses in any clone, and a later commit never changes an earlier
version's id. Its date is when readers could first see it: that commit's
date, or the state's own ``Date:`` when that came later.

Its public note is the ``Note-de-modification:`` of its last state when the
note is new (different from the one in force at the version before): a note
is shown once, on the version that introduced or changed it.

A withheld version (``TRANSPARENCY["withheld_versions"]``) stays in the
timeline, dated, with its reason, and without its text: the versions around
it are compared with each other (:meth:`Timeline.previous`, :meth:`next`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

from blogcore import public

from .history import SHORT, Revision
from .state import Facts, Renderer, View, header_of, read_facts


@dataclass(frozen=True)
class Version:
    """One public state of a text."""

    id: str  # the first SHORT characters of `commit`
    commit: str  # the commit that first showed it
    date: dt.datetime  # when readers could first see it
    view: View
    path: str  # the file's repository path at that commit (its links are relative to it)
    note: str  # the public note introduced with it ("" when none)
    first: bool  # the first version of the text
    withheld: bool = False
    reason: str = ""  # why it was withheld, when the setting gives a reason
    commits: tuple[str, ...] = ()  # every commit whose state is this version, oldest first

    @property
    def disclosure(self):
        """The commercial disclosure of that state (the templates' `disclosure` macro reads it)."""
        return self.view.disclosure


@dataclass(frozen=True)
class Timeline:
    """The versions of one text, oldest first."""

    versions: tuple[Version, ...] = ()
    head: str = ""  # the text of the newest state (to tell whether the file changed since)

    @property
    def newest_first(self) -> tuple[Version, ...]:
        """The versions, newest first (as the history lists them)."""
        return tuple(reversed(self.versions))

    @property
    def shown(self) -> tuple[Version, ...]:
        """The versions whose page is published (every one that is not withheld), oldest first."""
        return tuple(v for v in self.versions if not v.withheld)

    def previous(self, version: Version) -> Version | None:
        """The newest published version before `version` (None for the first)."""
        earlier = [v for v in self.versions[:self.versions.index(version)] if not v.withheld]
        return earlier[-1] if earlier else None

    def next(self, version: Version) -> Version | None:
        """The oldest published version after `version` (None for the newest)."""
        return next((v for v in self.versions[self.versions.index(version) + 1:] if not v.withheld), None)

    def withheld_before(self, version: Version) -> int:
        """How many withheld versions lie between `version` and the published one before it."""
        count = 0
        for other in reversed(self.versions[:self.versions.index(version)]):
            if not other.withheld:
                break
            count += 1
        return count

    @property
    def updated(self) -> Version | None:
        """« Mis à jour le »: the newest published version, after the first, that has a public note."""
        return next((v for v in reversed(self.versions) if v.note and not v.first and not v.withheld), None)


def same_identity(kind: str, newer: str, older: str) -> bool:
    """True when two states are the same text (articles: Feed_id; pages: Slug, when both have one)."""
    if kind == "page":
        return not newer or not older or newer == older
    return newer == older


def build(revisions: list[Revision], texts: dict[tuple[str, str], str | None], kind: str, renderer: Renderer,
          identity: Callable[[Facts, Revision], str], withheld: Callable[[str], str | None],
          now: dt.datetime | None = None) -> Timeline:
    """The timeline of one text from its revisions (newest first) and their texts.

    `identity(facts, revision)`: what the text is recognised by; `withheld(commit)`: None when the
    version it starts is published, else the reason ("" for none).
    """
    states = []  # (revision, text, header, facts, replaced at), newest first
    known = ""  # the identity of the nearest newer state that has one
    for index, revision in enumerate(revisions):
        text = texts.get((revision.commit, revision.path))
        if text is None:
            break  # the file is absent at this commit: its history ends here
        header = header_of(text)
        facts = read_facts(header, renderer.tz)
        mine = identity(facts, revision)
        if index and not same_identity(kind, known, mine):
            break  # an older state of another text (renamed or replaced into this file)
        known = mine or known
        states.append((revision, text, header, facts, revisions[index - 1].date if index else None))
    groups: list[dict] = []
    for revision, text, header, facts, until in reversed(states):
        if not facts.date_ok or not public.state_visible(facts.status, facts.date, until, now):
            continue
        view = renderer.view(text, header, revision.path, revision.commit, kind)
        if groups and groups[-1]["view"] == view:
            groups[-1]["note"] = facts.note
            groups[-1]["commits"].append(revision.commit)
            continue
        start = revision.date if facts.date is None else max(revision.date, facts.date.astimezone(revision.date.tzinfo))
        groups.append({"revision": revision, "date": start, "view": view, "note": facts.note,
                       "commits": [revision.commit]})
    versions = []
    before = ""
    for position, group in enumerate(groups):
        revision = group["revision"]
        reason = withheld(revision.commit)
        note = group["note"] if group["note"] != before else ""
        before = group["note"]
        versions.append(Version(
            id=revision.commit[:SHORT], commit=revision.commit, date=group["date"], view=group["view"],
            path=revision.path, note="" if reason is not None else note, first=position == 0,
            withheld=reason is not None, reason=reason or "", commits=tuple(group["commits"])))
    return Timeline(tuple(versions), states[0][1] if states else "")
