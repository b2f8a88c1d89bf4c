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
   When the build knows the deploys (`deployed`: deployed.py), a state
   counts only if the site was deployed while it was the text's state and
   it was visible at that deploy (``state_visible`` at the publish's date: a
   deployed draft never counts), or if it is the newest state, which this
   build is about to deploy. A state merged and replaced before any deploy
   (refused by the review gate, or the middle of two merges during one
   publish) never counts.
3. **One version per public state.** Consecutive counted states with the
   same view (state.View: what the page showed) are one version: a commit
   that changed only the ``Feed_id``, the tags or a Markdown comment makes no
   new version, nor does a state that never counted between two equal ones.

A version's id is the first 10 characters of the hash of the commit that
first showed it (its first state): the same commits give the same ids and
addresses in any clone, and a later commit never changes an earlier
version's id. A state that did not count but had the view of the counted
state right after it (a commit that changed only a header field, merged just
before the deploy) starts that version: its id is the one the version had
before the build knew the deploys. Its date is when readers could first see
it: the date of the first deploy that showed it when the deploys are known,
else (every state when they are not, the state being built when it was not
deployed yet) its first commit's date, or the state's own ``Date:`` when
that came later.

Its public note is the ``Note-de-modification:`` of its last counted state
when the note is new (different from the one in force at the version
before): a note is shown once, on the version that introduced or changed it.

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
          now: dt.datetime | None = None,
          deployed: Callable[[Revision, Revision | None], list[dt.datetime]] | None = None) -> Timeline:
    """The timeline of one text from its revisions (newest first) and their texts.

    `identity(facts, revision)`: what the text is recognised by; `withheld(commit)`: None when the
    version it starts is published, else the reason ("" for none); `deployed(revision, newer)`: the
    dates, oldest first, the site was deployed while `revision` was the state (`newer`: the revision
    that replaced it, None for the newest), or None when the deploys are unknown (every state counts).
    """
    states = []  # (revision, text, header, facts, the newer revision that replaced it), newest first
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
        states.append((revision, text, header, facts, revisions[index - 1] if index else None))
    groups: list[dict] = []
    waiting = None  # states that did not count, with the view of the counted state that may follow them
    for revision, text, header, facts, newer in reversed(states):
        if not facts.date_ok:
            continue
        ever = public.state_visible(facts.status, facts.date, newer.date if newer else None, now)
        shown = _shown(revision, facts, newer, ever, now, deployed)
        if shown is None and not ever:
            continue
        view = renderer.view(text, header, revision.path, revision.commit, kind)
        if groups and groups[-1]["view"] == view:
            if shown is not None:
                groups[-1]["note"] = facts.note
            groups[-1]["commits"].append(revision.commit)
            waiting = None
            continue
        if shown is None:  # seen by nobody: it starts a version only if the next counted state looks the same
            if waiting is None or waiting["view"] != view:
                waiting = {"revision": revision, "view": view, "commits": []}
            waiting["commits"].append(revision.commit)
            continue
        first, commits = revision, [revision.commit]
        if waiting is not None and waiting["view"] == view:
            first, commits = waiting["revision"], waiting["commits"] + commits
        groups.append({"revision": first, "date": shown, "view": view, "note": facts.note, "commits": commits})
        waiting = None
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


def _shown(revision: Revision, facts: Facts, newer: Revision | None, ever: bool, now: dt.datetime | None,
           deployed: Callable[[Revision, Revision | None], list[dt.datetime]] | None) -> dt.datetime | None:
    """When readers first saw a state (None: never, as far as the build knows)."""
    if deployed is not None:
        for date in deployed(revision, newer):
            if public.state_visible(facts.status, facts.date, date):
                return date  # the first deploy that showed it
        if newer is not None or not public.state_visible(facts.status, facts.date, None, now):
            return None
    elif not ever:
        return None
    # Its commit's date, or its own Date: when that came later (the state being built, or every state
    # when the deploys are unknown).
    if facts.date is None:
        return revision.date
    return max(revision.date, facts.date.astimezone(revision.date.tzinfo))
