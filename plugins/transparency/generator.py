"""The pages this plugin adds: versions of every text, the corrections list and its feeds, the JSON export.

Registered through ``get_generators``, it runs after the articles and pages
generators:

- ``<text>/versions/<id>/``: one page per published version of every article
  and page readers can open (versions.py: the states readers could see),
  with its text as readers saw it and what changed since the published
  version before it, word by word (``version.html``); a withheld version
  has no page, and its neighbours are compared with each other;
- ``corrections/``: every correction of the site, newest first
  (``corrections.html``; its feeds are written by the syndication plugin);
- ``transparence.json`` and its JSON Schema ``transparence.schema.json``.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from pelican.generators import Generator
from pelican.utils import get_relative_path

from .diff import word_diff
from .record import PREFIX, Record
from .state import plain_text

log = logging.getLogger(__name__)
SCHEMA = Path(__file__).with_name("transparence.schema.json")


def field_changes(old: tuple[tuple[str, str], ...], new: tuple[tuple[str, str], ...]) -> list[tuple[str, str, str]]:
    """(label, before, after) for each value readers saw that a version added, changed or removed."""
    before, after = dict(old), dict(new)
    names = [name for name, _ in new] + [name for name, _ in old if name not in after]
    return [(name, before.get(name, ""), after.get(name, "")) for name in names
            if before.get(name, "") != after.get(name, "")]


class TransparencyGenerator(Generator):
    """Writes version pages, the corrections page and feeds, and /transparence.json."""

    def generate_context(self):
        """Check the withheld versions before any page is written (the record was made while texts were read)."""
        record = self._record()
        if record is not None:
            record.check_withheld()

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
    def _write_versions(self, writer, record: Record) -> None:
        count = texts = 0
        for item, _kind in record.public_texts():
            timeline = record.timeline(item)
            texts += bool(timeline.shown)
            words = None  # the plain text of the published version before, oldest first
            for version in timeline.shown:
                words = self._write_version(writer, record, item, timeline, version, words)
                count += 1
        if texts:
            log.info(PREFIX + "wrote %d version pages for %d texts", count, texts)

    def _write_version(self, writer, record: Record, item, timeline, version, older_words: str | None) -> str:
        """Write one version's page; its text's words (the next version is compared with them)."""
        url = record.version_url(item, version)
        save_as = url + "index.html"
        siteurl = get_relative_path(save_as) if self.settings["RELATIVE_URLS"] else self.settings["SITEURL"]
        body = record.renderer.html(version.view, self.context, siteurl, record.config.affiliate_domains)
        words = plain_text(body)
        older = timeline.previous(version)
        diff = fields = None
        if older is not None and older_words is not None:
            diff = word_diff(older_words, words)
            fields = field_changes(older.view.fields, version.view.fields)
        writer.write_file(
            save_as, self.get_template("version"), self.context, relative_urls=self.settings["RELATIVE_URLS"],
            url=url, item=item, version=version, older=older, newer=timeline.next(version),
            withheld_between=timeline.withheld_before(version), body=body, diff=diff, field_changes=fields,
        )
        return words

    # --------------------------------------------------------- corrections
    def _write_corrections(self, writer, record: Record) -> None:
        url = record.config.corrections_url
        writer.write_file(url + "index.html", self.get_template("corrections"), self.context,
                          relative_urls=self.settings["RELATIVE_URLS"], url=url, corrections_list=record.corrections)
