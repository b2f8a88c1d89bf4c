"""The record of what imports wrote: ``content/contributions/imports.tsv``.

One line per contribution an import created: its id, where it came from
(``Imported_from``), its id there and the day of the import. It lives in
the repository beside the contributions, so that it is reviewed in the same
pull request, and it lets the next import of the same export tell a
contribution a moderator deleted (in the ledger, no file) from a new one
(in neither): a deletion is a decision, and an import never undoes it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
from pathlib import Path

from .. import store
from ..model import Contribution

FILE_NAME = store.IMPORT_LEDGER
HEADER = ("id", "imported_from", "original_id", "imported_on")


def path_of(root: Path) -> Path:
    """Where the ledger of a contributions folder is."""
    return Path(root) / FILE_NAME


def read(root: Path) -> set[str]:
    """The ids every earlier import created (empty when nothing was ever imported)."""
    path = path_of(root)
    if not path.is_file():
        return set()
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["id"] for row in csv.DictReader(handle, delimiter="\t") if row.get("id")}


def add(root: Path, contributions: list[Contribution], known: set[str], today: dt.date | None = None) -> Path:
    """Append the new contributions of an import to the ledger (written whole, through a temporary file)."""
    path = path_of(root)
    day = (today or dt.date.today()).isoformat()
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    if not text:
        writer.writerow(HEADER)
    for contribution in contributions:
        if contribution.id not in known:
            writer.writerow((contribution.id, contribution.imported_from, contribution.original_id, day))
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{FILE_NAME}.", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
        stream.write(text + out.getvalue())
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    return path
