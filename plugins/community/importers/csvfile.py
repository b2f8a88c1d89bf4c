"""Read contributions from a CSV file (and the rows of any CSV the importers use).

CSV import format
-----------------

* Encoding UTF-8 (a byte-order mark is accepted: "CSV UTF-8" from a
  spreadsheet works). Values separated by commas; a file whose header line
  has semicolons and no comma is read with semicolons (French spreadsheets).
  A value containing the separator, a quote or a line break is quoted
  ``"like this"``, a quote inside doubled ``""``.
* First row: the column names, in any order, each at most once. Unknown
  columns are refused (a typo would otherwise silently lose data).
* One row per contribution; empty rows are ignored.

============== ========= ==========================================================
column         required  meaning
============== ========= ==========================================================
``thread``     yes       the article: its slug on this site, or an old slug or
                         address (matched like WordPress/Disqus threads; see
                         ``--map``)
``author``     yes       the name the author chose (an e-mail address here is
                         replaced by "Anonyme" and kept as the e-mail)
``date``       yes       ISO 8601, e.g. ``2009-02-27 10:00:00+01:00``; without
                         an offset, the site's time zone
``body``       yes       the text (Markdown)
``id``         no        the contribution's id in the source; unique in the
                         file; makes re-imports recognise the row even if its
                         text is corrected (without it the id comes from
                         thread + author + date + body)
``reply_to``   no        the ``id`` of another row (of the same article: a reply
                         whose parent ends up on another article is attached
                         to its own article directly, and the report says so)
``author_url`` no        the author's web page (http:// or https://)
``author_email`` no      kept for moderation only, never published
``kind``       no        comment (default), testimonial, idea, mention
``status``     no        pending (default), approved, rejected
``source``     no*       where it was first published; * required when approved
``source_url`` no        address of the original (http:// or https://)
``reason``     no*       why it was rejected; * required when rejected
``official``   no        yes for a reply of the brand's (its author must be one of
                         the brand's names or COMMUNITY["official_authors"])
============== ========= ==========================================================

Any bad value stops the import before anything is written, with the file,
the row (the header is row 1, as in a spreadsheet), the column, the value and
the fix; so does a row the build would refuse (an author named like the
brand, an official reply by someone outside the brand's team, a look-alike
of another contributor's name, an e-mail address in a published column).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from blogcore.errors import Problem, SiteError
from blogcore.isodate import DateError, parse_iso

from .. import store
from ..model import KINDS, Contribution, parse_bool
from .cleaning import author_name, body_text, one_line, web_address
from .records import Item, ParsedExport, SourceThread, raise_problems

COLUMNS = ("thread", "author", "date", "body", "id", "reply_to", "author_url", "author_email",
           "kind", "status", "source", "source_url", "reason", "official")
REQUIRED = ("thread", "author", "date", "body")
CSV_STATUSES = ("pending", "approved", "rejected")
MODERATOR = "import CSV"


@dataclass(frozen=True)
class Row:
    """One record of a CSV file and where it is, for error messages."""

    number: int          # spreadsheet row: the header is row 1
    line: int            # line of the file where the record starts
    values: list[str]

    def where(self, column: str = "") -> str:
        """'row 4, column 'date'' (with the line when a quoted line break shifts it)."""
        text = f"row {self.number}" + (f" (line {self.line})" if self.line != self.number else "")
        return text + (f", column '{column}'" if column else "")


def read_rows(path: Path) -> tuple[list[str], list[Row]]:
    """The header and the rows of a UTF-8 CSV file; SiteError when unreadable."""
    shown = store.display(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise SiteError(shown, "file", str(path), f"cannot be read ({error.strerror or error})",
                        "check the path and the file's permissions") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SiteError(shown, f"line {line}", None, "the file is not UTF-8",
                        "save it as UTF-8 (in a spreadsheet: 'CSV UTF-8')") from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    # newline="" keeps line breaks inside quoted values for the csv module.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[Row] = []
    line = 1
    try:
        for values in reader:
            records.append(Row(len(records) + 1, line, values))
            line = reader.line_num + 1
    except csv.Error as error:
        raise SiteError(shown, f"line {reader.line_num}", None, f"not valid CSV ({error})",
                        "check the quotes on that line (a quote inside a value is written twice: \"\")") from None
    if not records or not any(value.strip() for value in records[0].values):
        raise SiteError(shown, "row 1 (header)", None, "the file has no header row",
                        "write the column names on the first line")
    return records[0].values, records[1:]


def _columns(shown: str, header: list[str]) -> dict[str, int]:
    """Column name → index; unknown, duplicate or missing columns raise SiteError."""
    index: dict[str, int] = {}
    for position, raw in enumerate(header):
        name = raw.strip().lower()
        if name not in COLUMNS:
            raise SiteError(shown, "row 1 (header)", raw, "unknown column",
                            f"use only these columns: {', '.join(COLUMNS)}")
        if name in index:
            raise SiteError(shown, "row 1 (header)", raw, "the column is written twice",
                            "keep one column of this name")
        index[name] = position
    missing = [name for name in REQUIRED if name not in index]
    if missing:
        raise SiteError(shown, "row 1 (header)", ",".join(header),
                        f"required column(s) missing: {', '.join(missing)}",
                        f"add the column(s) {', '.join(missing)} (required: {', '.join(REQUIRED)})")
    return index


def read(path: Path, tz: ZoneInfo) -> ParsedExport:
    """Read a CSV file of contributions (format in the module docstring)."""
    shown = store.display(path)
    header, rows = read_rows(path)
    columns = _columns(shown, header)
    parsed = ParsedExport("csv", "CSV file")
    problems: list[Problem] = []
    by_source_id: dict[str, tuple[Row, str]] = {}   # id column → (row, our id)
    pending_replies: list[tuple[Row, str, Contribution, str]] = []

    for row in rows:
        if not any(value.strip() for value in row.values):
            continue
        if len(row.values) > len(header):
            problems.append(Problem(shown, row.where(), row.values[len(header):],
                                    f"{len(row.values)} values for {len(header)} columns",
                                    "quote the values that contain a comma: \"like, this\""))
            continue
        get = {name: (row.values[i] if i < len(row.values) else "") for name, i in columns.items()}
        found = _row(shown, row, get, tz, problems)
        if found is None:
            continue
        contribution, thread, source_id, reply_to = found
        if source_id:
            if source_id in by_source_id:
                problems.append(Problem(shown, row.where("id"), source_id,
                                        f"the same id as {by_source_id[source_id][0].where()}",
                                        "give every row its own id (or leave the id column empty)"))
                continue
            by_source_id[source_id] = (row, contribution.id)
        if thread not in parsed.threads:
            is_address = "://" in thread or thread.startswith("/")
            parsed.threads[thread] = SourceThread(
                key=thread, label=thread,
                slugs=() if is_address else (thread,), urls=(thread,) if is_address else ())
        pending_replies.append((row, thread, contribution, reply_to))

    # Replies are resolved once every row is known: a reply may come before its parent.
    for row, thread, contribution, reply_to in pending_replies:
        parent = ""
        if reply_to:
            target = by_source_id.get(reply_to)
            if target is None:
                problems.append(Problem(shown, row.where("reply_to"), reply_to, "no row has this id",
                                        "write the id of another row of the file, or leave it empty"))
                continue
            if target[1] == contribution.id:
                problems.append(Problem(shown, row.where("reply_to"), reply_to, "a row cannot answer itself",
                                        "leave reply_to empty"))
                continue
            parent = target[1]
        parsed.items.append(Item(thread, contribution, parent))
    raise_problems(problems)
    return parsed


def _row(shown: str, row: Row, get: dict[str, str], tz: ZoneInfo,
         problems: list[Problem]) -> tuple[Contribution, str, str, str] | None:
    """One row → (contribution, thread, id column, reply_to column); problems appended."""
    before = len(problems)

    def bad(column: str, value, message: str, fix: str) -> None:
        """Record a problem in one column of this row."""
        problems.append(Problem(shown, row.where(column), value, message, fix))

    values = {name: one_line(value) for name, value in get.items() if name != "body"}
    body = body_text(get.get("body", ""))
    for name in REQUIRED:
        if not (body if name == "body" else values.get(name)):
            bad(name, None, "this column is required", f"write the {name} of the contribution")
    date = None
    if values.get("date"):
        try:
            date = parse_iso(values["date"], tz).astimezone(tz).replace(microsecond=0)
        except DateError as exc:
            bad("date", values["date"], str(exc), exc.fix)
        except ValueError:
            bad("date", values["date"], "not an ISO 8601 date",
                "write e.g. 2009-02-27 10:00:00+01:00 (or 2009-02-27 10:00 in the site's time zone)")
    kind = (values.get("kind") or "comment").lower()
    if kind not in KINDS:
        bad("kind", values.get("kind"), "unknown kind", f"use one of {', '.join(KINDS)}")
    status = (values.get("status") or "pending").lower()
    if status not in CSV_STATUSES:
        bad("status", values.get("status"), "unknown status",
            f"use one of {', '.join(CSV_STATUSES)} (redaction is done after import, by a moderator)")
    if status == "approved" and not values.get("source"):
        bad("source", None, "an approved contribution needs its source",
            "fill the source column (where it was first published), or set the status to pending")
    if status == "rejected" and not values.get("reason"):
        bad("reason", None, "a rejected contribution records why",
            "fill the reason column, or set the status to pending")
    urls = {}
    for name in ("author_url", "source_url"):
        urls[name] = web_address(values.get(name, ""))
        if values.get(name) and not urls[name]:
            bad(name, values[name], "not a web address", "write it with https:// or http://, or leave it empty")
    email = values.get("author_email", "")
    if email and "@" not in email:
        bad("author_email", email, "not an e-mail address", "write name@example.org, or leave it empty")
    official = parse_bool(values.get("official", ""))
    if official is None:
        bad("official", values.get("official"), "not yes or no", "write yes for the brand's own replies, or leave it empty")
    source_id = values.get("id", "")
    if len(problems) > before or date is None:
        return None
    author, email = author_name(values["author"], email)
    key = (source_id,) if source_id else (values["thread"], values["author"], values["date"], body)
    contribution = Contribution(
        id=store.import_id("csv", *key), article="", author=author, date=date, body=body,
        author_url=urls["author_url"], author_email=email, kind=kind, status=status, official=official,
        source=values.get("source", ""), source_url=urls["source_url"],
        moderator=MODERATOR if status in ("approved", "rejected") else "",
        reason=values.get("reason", ""), original_id=source_id,
        imported_from=f"csv:{Path(shown).name}",
    )
    return contribution, values["thread"], source_id, values.get("reply_to", "")
