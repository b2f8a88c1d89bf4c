"""Import one export file into content/contributions/: the ``contributions.import`` task.

The steps, and why in this order:

1. read the ``--map`` file, then detect the format and read the whole export;
   any error stops here, before anything is written;
2. attach each source thread to an article (:mod:`.mapping`); contributions
   of unmatched threads are skipped, and so are replies to a skipped
   contribution (a reply without its context would mislead);
3. link replies: ``Reply_to`` is the id of the parent when the parent is
   imported (now or before); a reply whose parent is missing from the export
   is attached to the article directly, so that the build never meets a
   dangling reply;
4. drop what is already in the collection: an id present in the
   contributions folder (or a file already at its place) is never
   rewritten, so importing the same file twice creates nothing and
   moderation decisions made after an import survive the next import; an id
   that an earlier import wrote (the ledger, ledger.py) and a moderator has
   deleted since is not recreated; an approved contribution that the source
   now marks as spam or trash is listed for review, never changed;
5. a text longer than the site's limit is reported, not written;
6. check every new contribution the way the build will read it (written,
   re-read, compared, then the rules across files: brand names, official
   replies, look-alike names), then write them all and record them in the
   ledger; a dry run stops before writing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from blogcore.errors import Problem

from .. import store
from ..model import Contribution, usual_name
from . import csvfile, disqus, ledger, wxr
from .detect import detect
from .mapping import ArticleMatcher, load_map
from .records import Item, ParsedExport, raise_problems
from .report import ImportReport


@dataclass
class Plan:
    """What an import will do: the new contributions and the counts for the report."""

    new: list[tuple[Item, Contribution]] = field(default_factory=list)
    already_present: int = 0
    skipped: dict[str, int] = field(default_factory=dict)   # thread label → count
    matched: dict[str, str] = field(default_factory=dict)   # thread label → article
    detached: int = 0
    duplicates: int = 0
    deleted: int = 0                                          # imported before, deleted by a moderator since
    to_review: list[str] = field(default_factory=list)        # approved here, spam or trash at the source now


@dataclass(frozen=True)
class Rules:
    """The site's rules an imported contribution must follow (the build's: see store.check_collection)."""

    brand_names: tuple[str, ...] = ()
    official_authors: tuple[str, ...] = ()
    max_body: int = store.DEFAULT_MAX_BODY


def import_file(path: Path, *, contributions_root: Path, articles: dict[str, str], map_csv: Path | None,
                tz: ZoneInfo, rules: Rules = Rules(), dry_run: bool = False) -> ImportReport:
    """Import the contributions of a WordPress, Disqus or CSV export; SiteError on bad input.

    What is already in the collection, and what earlier imports wrote
    (ledger.py), is read from `contributions_root` itself.
    """
    path, root = Path(path), Path(contributions_root)
    thread_map = load_map(Path(map_csv), articles) if map_csv else None
    parsed = read_export(path, tz)
    existing, problems = store.load_all(root, tz, max_body=rules.max_body)
    raise_problems(problems)
    imported = ledger.read(root)
    plan = make_plan(parsed, ArticleMatcher(articles, thread_map), {c.id: c for c in existing}, imported, root)
    too_long = [(item, c) for item, c in plan.new if len(c.body) > rules.max_body]
    new = [contribution for item, contribution in plan.new if len(contribution.body) <= rules.max_body]
    check_new(new, existing, root, tz, set(articles), rules)
    report = ImportReport(
        file=store.display(path), description=parsed.description, dry_run=dry_run,
        read=len(parsed.items) - plan.duplicates,
        threads=len({item.thread for item in parsed.items}),
        created=len(new), already_present=plan.already_present,
        skipped_unmatched=plan.skipped, matched=plan.matched, detached=plan.detached,
        duplicates=plan.duplicates, held=sum(1 for item, c in plan.new if item.held and c in new),
        deleted=plan.deleted, to_review=plan.to_review,
        too_long=[f"{c.original_id or c.id} ({len(c.body)} characters, limit {rules.max_body})" for _, c in too_long],
    )
    for contribution in new:
        report.by_status[contribution.status] = report.by_status.get(contribution.status, 0) + 1
        report.by_kind[contribution.kind] = report.by_kind.get(contribution.kind, 0) + 1
    if not dry_run and new:
        for contribution in new:
            report.written.append(store.write(root, contribution))
        ledger.add(root, new, imported)
    return report


def read_export(path: Path, tz: ZoneInfo) -> ParsedExport:
    """Detect the format of a file and read it with the matching reader."""
    kind, head = detect(path)
    if kind == "wordpress":
        return wxr.read(path, tz, head)
    if kind == "disqus":
        return disqus.read(path, tz, head)
    return csvfile.read(path, tz)


def make_plan(parsed: ParsedExport, matcher: ArticleMatcher, existing: dict[str, Contribution],
              imported: set[str], root: Path) -> Plan:
    """Decide, for every item of an export, whether and how it is imported."""
    plan = Plan()
    items: dict[str, Item] = {}
    for item in parsed.items:
        if item.contribution.id in items:
            plan.duplicates += 1
        else:
            items[item.contribution.id] = item
    existing_ids = set(existing)
    article_of = {key: matcher.match(thread) for key, thread in parsed.threads.items()}
    for key, article in article_of.items():
        if article:
            plan.matched[parsed.threads[key].label] = article

    # Which unmatched thread (if any) makes each item skipped: its own, or an ancestor's.
    cause: dict[str, str | None] = {}
    for item in items.values():
        chain: list[str] = []
        current: Item | None = item
        found: str | None = None
        while current is not None:
            ident = current.contribution.id
            if ident in cause:
                found = cause[ident]
                break
            if ident in chain:  # a reply loop: no unmatched ancestor on it
                break
            chain.append(ident)
            if article_of.get(current.thread) is None:
                found = current.thread
                break
            current = items.get(current.parent) if current.parent else None
        for ident in chain:
            cause[ident] = found

    kept: dict[str, tuple[Item, str]] = {}  # id → (item, article)
    for ident, item in items.items():
        if cause[ident] is not None:
            label = parsed.threads[cause[ident]].label
            plan.skipped[label] = plan.skipped.get(label, 0) + 1
        else:
            kept[ident] = (item, article_of[item.thread])

    replies: dict[str, str] = {}
    for ident, (item, article) in kept.items():
        parent = item.parent
        if parent and parent in kept:
            if kept[parent][1] == article:
                replies[ident] = parent
            else:
                plan.detached += 1  # the two threads went to different articles
        elif parent and parent in existing_ids:
            replies[ident] = parent  # imported earlier from another file: store.check_collection verifies it
        elif parent:
            plan.detached += 1
    # A loop of replies would hide every member (check_collection refuses it): cut it.
    for ident in list(replies):
        seen, current = {ident}, replies.get(ident)
        while current in replies:
            if current in seen:
                if current == ident:  # `ident` is on the loop (not just leading into it)
                    del replies[ident]
                    plan.detached += 1
                break
            seen.add(current)
            current = replies[current]

    for ident, (item, article) in kept.items():
        contribution = item.contribution.with_changes(article=article, reply_to=replies.get(ident, ""))
        here = existing.get(ident)
        if here is not None or store.file_path(root, contribution).exists():
            plan.already_present += 1
            if here is not None and here.status == "approved" and contribution.status == "rejected":
                # The source changed its mind (spam, trash): a moderator decides, the import does not.
                plan.to_review.append(f"{here.id} ({store.display(here.path)}): approved here, now "
                                      f"'{contribution.reason}' at the source")
        elif ident in imported:
            plan.deleted += 1  # a moderator deleted it after an earlier import: never recreated
        else:
            plan.new.append((item, contribution))
    return plan


def check_new(contributions: list[Contribution], existing: list[Contribution], root: Path, tz: ZoneInfo,
              articles: set[str], rules: Rules) -> None:
    """Refuse to write anything if one new contribution would fail the build, or not read back identically."""
    problems: list[Problem] = []
    folder = Path(store.display(root))  # resolved once: large exports hold tens of thousands
    shown = {c.id: str(folder / usual_name(c.article, c.id)) for c in contributions}
    for contribution in contributions:
        reread, found = store.parse_contribution(store.dump_contribution(contribution), shown[contribution.id], tz,
                                                 max_body=rules.max_body)
        problems += found
        if reread is not None and reread.with_changes(path="") != contribution:
            problems.append(Problem(shown[contribution.id], "file", contribution.id, "would not read back as imported",
                                    "report this export to the site's developers (importer bug)"))
    if not problems:
        # The rules across files (brand names, official replies, look-alike names, threads), with what is there.
        new = {c.id for c in contributions}
        every = list(existing) + [c.with_changes(path=shown[c.id]) for c in contributions]
        problems = [p for p in store.check_collection(every, articles, rules.brand_names, rules.official_authors)
                    if any(ident in p.file for ident in new) or p.value in new]
    raise_problems(problems)
