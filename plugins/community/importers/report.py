"""What an import did (or would do), for the person who ran it.

The counts are what a moderator checks after an import: how many new
contributions, in which moderation state, how many were already there, and
which old threads found no article (their comments are not imported).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..model import KINDS

STATUS_ORDER = ("approved", "pending", "rejected", "redacted")  # what gets published first


def plural(count: int, word: str, words: str | None = None) -> str:
    """'1 contribution', '2 contributions'."""
    return f"{count} {word if count == 1 else (words or word + 's')}"


def _breakdown(counts: dict[str, int], order: tuple[str, ...], nouns: bool = False) -> str:
    """'26 approved, 2 pending' (or '29 comments, 4 mentions') in a fixed order, zeros left out."""
    keys = [k for k in order if counts.get(k)] + sorted(k for k in counts if k not in order and counts[k])
    return ", ".join(plural(counts[k], k) if nouns else f"{counts[k]} {k}" for k in keys)


@dataclass
class ImportReport:
    """Counts of one import; summary() turns them into sentences."""

    file: str
    description: str = ""
    dry_run: bool = False
    read: int = 0                    # contributions found in the file
    threads: int = 0                 # threads that hold them
    created: int = 0                 # new files written (or that would be, in a dry run)
    already_present: int = 0         # ids already in the collection: left untouched
    by_status: dict[str, int] = field(default_factory=dict)   # of the created ones
    by_kind: dict[str, int] = field(default_factory=dict)     # of the created ones
    skipped_unmatched: dict[str, int] = field(default_factory=dict)  # thread → contributions skipped
    matched: dict[str, str] = field(default_factory=dict)     # thread → article slug
    held: int = 0                    # approved at the source, pending here (protected/private post)
    detached: int = 0                # replies whose parent is missing: attached to the article
    duplicates: int = 0              # the same id twice in the file: the later one ignored
    deleted: int = 0                 # imported before, deleted by a moderator since: not recreated
    to_review: list[str] = field(default_factory=list)  # approved here, spam or trash at the source now
    too_long: list[str] = field(default_factory=list)   # texts over the site's limit: not written
    written: list[Path] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        """Contributions not imported because their thread has no article."""
        return sum(self.skipped_unmatched.values())

    def summary(self) -> list[str]:
        """Human-readable lines, one fact each."""
        verb = "would create" if self.dry_run else "created"
        lines = [f"{self.file}: {self.description}, {plural(self.read, 'contribution')} "
                 f"in {plural(self.threads, 'thread')}"]
        if self.created:
            lines.append(f"{verb} {plural(self.created, 'contribution')} "
                         f"({_breakdown(self.by_status, STATUS_ORDER)})")
            lines.append(f"kinds of the new contributions: {_breakdown(self.by_kind, KINDS, nouns=True)}")
        else:
            lines.append(f"{verb} 0 contributions")
        if self.dry_run:
            lines.append("dry run: nothing was written")
        if self.already_present:
            lines.append(f"{plural(self.already_present, 'contribution')} already present, left as they are "
                         "(moderation decisions kept)")
        if self.held:
            lines.append(f"{plural(self.held, 'contribution')} approved at the source set to pending: "
                         "the page was password-protected or private there")
        if self.detached:
            lines.append(f"{plural(self.detached, 'reply', 'replies')} attached directly to the article: "
                         "the contribution answered is not in the export")
        if self.duplicates:
            lines.append(f"{plural(self.duplicates, 'contribution')} listed twice in the export: "
                         "the repetition was ignored")
        if self.deleted:
            lines.append(f"{plural(self.deleted, 'contribution')} imported before and deleted by a moderator "
                         "since: not recreated (see imports.tsv)")
        if self.too_long:
            lines.append(f"not imported, {plural(len(self.too_long), 'text')} over the length limit "
                         f"(COMMUNITY['max_body_chars']): " + "; ".join(self.too_long))
        for line in self.to_review:
            lines.append(f"to review: {line}")
        if self.skipped_unmatched:
            threads = "; ".join(f"'{label}' ({count})" for label, count in sorted(self.skipped_unmatched.items()))
            lines.append(f"skipped {plural(self.skipped, 'contribution')} from "
                         f"{plural(len(self.skipped_unmatched), 'thread')} with no matching article: {threads}")
            lines.append("to import them, give a --map CSV file with the header 'source,article': "
                         "one row per old address or slug and the slug of its article here")
        return lines
