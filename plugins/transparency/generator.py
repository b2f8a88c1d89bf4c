"""The pages this plugin adds: versions of every text, the corrections list and its feeds, the JSON export.

Registered through ``get_generators``, it runs after the articles and pages
generators:

- ``<text>/versions/<hash>/``: one page per revision of every published
  article and page (git), with the text's word-level diff against the
  revision before (``version.html``);
- ``corrections/``: every correction of the site, newest first
  (``corrections.html``; its feeds are written by the syndication plugin);
- ``transparence.json`` and its JSON Schema ``transparence.schema.json``.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from pelican.generators import Generator

from blogcore.headers import parse_header
from blogcore.typography import fix_text

from .diff import word_diff
from .record import PREFIX, Record

log = logging.getLogger(__name__)
SCHEMA = Path(__file__).with_name("transparence.schema.json")


def header_changes(old: dict[str, str], new: dict[str, str]) -> list[tuple[str, str, str]]:
    """(field, before, after) for each header field a version added, changed or removed."""
    names = list(new) + [name for name in old if name not in new]
    return [(name.capitalize(), fix_text(old.get(name, "")), fix_text(new.get(name, "")))
            for name in names if old.get(name, "") != new.get(name, "")]


class TransparencyGenerator(Generator):
    """Writes version pages, the corrections page and feeds, and /transparence.json."""

    def generate_context(self):
        """Nothing to read: the record was made while articles and pages were read."""

    def _record(self) -> Record | None:
        return self.context.get("transparency")

    def generate_output(self, writer):
        """Write every page and file of the plugin."""
        record = self._record()
        if record is None:
            return
        self._write_versions(writer, record)
        self._write_corrections(writer, record)
        target = Path(self.output_path) / record.config.export
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(record.export(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        (Path(self.output_path) / record.config.schema).write_bytes(SCHEMA.read_bytes())

    # ------------------------------------------------------------ versions
    def _texts(self) -> list:
        ctx = self.context
        return [item for name in ("articles", "hidden_articles", "pages", "hidden_pages")
                for item in ctx.get(name, []) or []]

    def _write_versions(self, writer, record: Record) -> None:
        items = [item for item in self._texts() if record.published_versions(item)]
        if not items:
            return
        wanted = []
        for item in items:
            revisions = record.revisions(item)
            wanted += [r for r in revisions if not record.config.withheld(r.commit)]
        texts = record.history.texts(wanted)
        count = 0
        for item in items:
            revisions = record.revisions(item)  # newest first
            for position, revision in enumerate(revisions):
                if record.config.withheld(revision.commit):
                    continue
                older = revisions[position + 1] if position + 1 < len(revisions) else None
                newer = revisions[position - 1] if position > 0 else None
                if older is not None and record.config.withheld(older.commit):
                    older_text = None
                else:
                    older_text = texts.get((older.commit, older.path)) if older is not None else None
                self._write_version(writer, record, item, revision, older, newer,
                                    texts.get((revision.commit, revision.path)), older_text)
                count += 1
        log.info(PREFIX + "wrote %d version pages for %d texts", count, len(items))

    def _write_version(self, writer, record: Record, item, revision, older, newer, text, older_text) -> None:
        current = parse_header(text) if text is not None else None
        before = parse_header(older_text) if older_text is not None else None
        diff = fields = None
        if current is not None and before is not None:
            diff = word_diff(fix_text(before.body), fix_text(current.body))
            fields = header_changes(before.fields, current.fields)
        url = record.version_url(item, revision)
        writer.write_file(
            url + "index.html", self.get_template("version"), self.context,
            relative_urls=self.settings["RELATIVE_URLS"], url=url, item=item, revision=revision,
            older=older, newer=newer, body=fix_text(current.body) if current is not None else None,
            header=[(k.capitalize(), fix_text(v)) for k, v in current.fields.items()] if current else [],
            diff=diff, field_changes=fields, older_withheld=older is not None and record.config.withheld(older.commit),
        )

    # --------------------------------------------------------- corrections
    def _write_corrections(self, writer, record: Record) -> None:
        url = record.config.corrections_url
        writer.write_file(url + "index.html", self.get_template("corrections"), self.context,
                          relative_urls=self.settings["RELATIVE_URLS"], url=url, corrections_list=record.corrections)
