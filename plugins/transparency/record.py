"""The build's transparency record, given to every template as ``transparency``.

One :class:`Record` per build (stored in the Pelican context, so nothing
survives a rebuild of the live preview). It holds the git history, the public
site's deploys when the build knows them (deployed.py), and every
public text's versions (versions.py), and answers the templates: a text's
versions and their addresses, its « Mis à jour le », an article's moderation
log, the site's corrections and figures, and the schema.org data (the site's
``Organization``, an article's facts) as plain dicts that the templates
serialise.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from dataclasses import dataclass
from functools import cached_property, partial
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from blogcore import public
from blogcore.errors import SiteError
from syndication import ids

from . import deployed as deployed_module
from . import figures as figures_module
from . import history as history_module
from . import state as state_module
from . import versions as versions_module
from .config import TransparencyConfig
from .fields import Correction

log = logging.getLogger(__name__)
PREFIX = "[transparency] "
ACTIONS = {"approved": "approuvée", "rejected": "refusée", "redacted": "retirée à la demande de son auteur ou "
           "pour une raison de droit", "pending": "remise en attente"}
_IMG = re.compile(r"<img\b[^>]*?\ssrc=\"([^\"]+)\"", re.I)
EMPTY = versions_module.Timeline()
MARKDOWN = (".md", ".markdown", ".mkd", ".mdown")  # Pelican's MarkdownReader.file_extensions


def _unchanged(item, timeline: versions_module.Timeline) -> bool:
    """True when the text's file holds what its newest state holds (no edit since the last commit)."""
    try:
        with open(item.source_path, encoding="utf-8") as file:
            return file.read() == timeline.head
    except OSError:
        return False


@dataclass(frozen=True)
class LogEntry:
    """One moderation decision, as the public log shows it: when and what, never by whom."""

    when: dt.datetime
    action: str  # approved, rejected, redacted, pending
    received: dt.datetime  # the contribution's own date
    anchor: str  # its id on the page when it is published now, else ""

    @property
    def label(self) -> str:
        """The decision in French."""
        return ACTIONS.get(self.action, self.action)


class Record:
    """What the templates and the generator ask about transparency, for one build."""

    def __init__(self, settings: dict, config: TransparencyConfig, context: dict):
        self.settings = settings
        self.config = config
        self.context = context
        self.tz = ZoneInfo(settings.get("TIMEZONE") or "UTC")
        siteurl = str(settings.get("SITEURL") or "")
        self.site_url = siteurl.rstrip("/") if siteurl.startswith(("http://", "https://")) else ""

    # -------------------------------------------------------------- history
    @cached_property
    def history(self) -> history_module.History:
        """Every text's revisions (read from git once, on first use)."""
        if not self.config.history:
            return history_module.History(reason="TRANSPARENCY['history'] is False")
        found = history_module.load(self.settings["PATH"], self.tz)
        if not found.available:
            log.info(PREFIX + "no history of changes on the pages: %s", found.reason)
        return found

    @cached_property
    def deployed(self) -> deployed_module.Shown | None:
        """The public site's deploys on the publishing line (read once); None when the build does not know them."""
        if not self.history.available:
            return None
        if self.config.deployed_from is None:
            log.info(PREFIX + "versions: every state of the publishing line counts, deployed or not (no "
                     "TRANSPARENCY['deployed_from']: the deploys are unknown to this build)")
            return None
        remote, branch = self.config.deployed_from
        deploys = deployed_module.read(remote, branch)
        shown = deployed_module.Shown.place(deploys, self.history.line(), self.tz)
        where = f"{deployed_module.shown_address(remote)} {branch}"
        if not deploys.exists:
            log.info(PREFIX + "versions: %s does not exist yet (nothing was deployed there): only the states "
                     "this build publishes count", where)
        else:
            log.info(PREFIX + "versions: only the deployed states count, and the one this build publishes: %d "
                     "deploys read from %s (%d of them from commits that are not on the publishing line; %d commits "
                     "of the branch name no source commit)", len(deploys.publishes), where, shown.elsewhere,
                     deploys.unnamed)
        return shown

    def shown_at(self, revision: history_module.Revision,
                 newer: history_module.Revision | None) -> list[dt.datetime]:
        """The dates the site was deployed while `revision` was its file's state (until `newer` replaced it)."""
        line = self.history.line()
        return self.deployed.between(line[revision.commit], line[newer.commit] if newer else None)

    def public_texts(self) -> list[tuple[object, str]]:
        """(item, "article" or "page") for every text readers can open: the ones with versions."""
        groups = (("articles", "article"), ("hidden_articles", "article"), ("pages", "page"),
                  ("hidden_pages", "page"))
        return [(item, kind) for name, kind in groups for item in self.context.get(name, []) or []]

    @cached_property
    def renderer(self) -> state_module.Renderer:
        """The Markdown of past states, rendered as the site renders it."""
        history = self.history
        prefix = os.path.relpath(os.path.realpath(self.settings["PATH"]), history.root).replace(os.sep, "/")
        return state_module.Renderer(self.settings, self.tz, history.locate, "" if prefix == "." else prefix)

    @cached_property
    def timelines(self) -> dict[str, versions_module.Timeline]:
        """Every public text's versions (source path → Timeline), made once, on first use."""
        if not self.history.available:
            return {}
        texts = self.public_texts()
        wanted = [r for item, _ in texts for r in self.history.of(item.source_path)]
        states = self.history.texts(wanted)
        found = {}
        for item, kind in texts:
            if os.path.splitext(item.source_path)[1].lower() not in MARKDOWN:
                continue  # past states are rendered by the site's Markdown only
            found[item.source_path] = versions_module.build(
                self.history.of(item.source_path), states, kind, self.renderer, partial(self.identity, kind),
                self.config.withheld, deployed=None if self.deployed is None else self.shown_at)
        return found

    def identity(self, kind: str, facts: state_module.Facts, revision: history_module.Revision) -> str:
        """What a state of a text is recognised by: an article's Feed_id, a page's Slug ("" for none)."""
        if kind == "page":
            return facts.slug
        if facts.feed_id or facts.date is None:
            return facts.feed_id
        # Without Feed_id, feed readers knew the article by its fallback id (syndication/ids.py).
        authority = str((self.settings.get("SYNDICATION") or {}).get("id_authority") or "")
        return ids.fallback_article_id(authority, facts.date, revision.path, self.tz)

    def timeline(self, item) -> versions_module.Timeline:
        """A text's versions (an empty timeline without git, or for a text readers cannot open)."""
        return self.timelines.get(item.source_path, EMPTY)

    def updated(self, item) -> versions_module.Version | None:
        """« Mis à jour le »: the newest published version, after the first, with a public note."""
        return self.timeline(item).updated

    def version_url(self, item, version: versions_module.Version) -> str:
        """The site-relative address of one version's page."""
        return f"{item.url}versions/{version.id}/"

    def check_withheld(self) -> None:
        """Fail when a withheld id is no commit of the history, is inside a version, or is the text online today."""
        if not self.config.withheld_versions or not self.history.available:
            return
        for key, _ in self.config.withheld_versions:
            starts, inside = [], []
            for item, _kind in self.public_texts():
                timeline = self.timeline(item)
                for version in timeline.versions:
                    if version.commit.startswith(key):
                        starts.append((item, version, timeline))
                    elif any(commit.startswith(key) for commit in version.commits):
                        inside.append((item, version))
            name = f"TRANSPARENCY['withheld_versions'][{key!r}]"
            if len(starts) > 1:
                raise SiteError("pelicanconf.py", name, key, "this prefix names several versions",
                                "write the 10 characters of the version id its history shows")
            if not starts and inside:
                item, version = inside[0]
                raise SiteError("pelicanconf.py", name, key, f"this commit is part of the version {version.id} of "
                                f"{item.url} (the same text as readers saw it), not the start of a version",
                                f"write {version.id!r}, the id its history shows")
            if not starts and not any(commit.startswith(key) for commit in self.history.order):
                raise SiteError("pelicanconf.py", name, key, "no commit of the texts' history has this id, so "
                                "nothing is withheld", "copy the id from the text's « Historique des modifications »")
            if not starts:
                # A version no text shows today (its text unpublished, say): the entry stays in force for
                # the day it would come back.
                log.info(PREFIX + "%s: no published text shows this version today", name)
                continue
            item, version, timeline = starts[0]
            if version is timeline.versions[-1] and _unchanged(item, timeline):
                raise SiteError("pelicanconf.py", name, key, f"this is the text online today at {item.url} "
                                f"({item.source_path})", "first remove the passage from the text itself (a new "
                                "version), then withhold the versions that held it")

    # ----------------------------------------------------------- moderation
    def moderation_log(self, article) -> list[LogEntry]:
        """Every dated moderation decision on the article's contributions, oldest first."""
        index = self.context.get("community")
        if index is None:
            return []
        from community.model import decision_log

        entries = []
        for contribution in index.of_article(article.slug):
            anchor = contribution.anchor if contribution.published else ""
            for decision in decision_log(contribution):
                entries.append(LogEntry(decision.when.astimezone(self.tz), decision.action,
                                        contribution.date.astimezone(self.tz),
                                        anchor if decision.action == "approved" else ""))
        return sorted(entries, key=lambda e: (e.when, e.received))

    def _moderation(self) -> list[tuple[dt.datetime, list]]:
        index = self.context.get("community")
        if index is None:
            return []
        from community.model import decision_log

        # Contributions under a text readers can open (listed or hidden): the figures describe the moderation
        # of the conversation readers can take part in, never of texts they cannot see (blogcore.public).
        future_ok = bool(self.settings.get("WITH_FUTURE_DATES", True))
        groups = ("articles", "hidden_articles", "drafts")
        slugs = sorted({a.slug for name in groups for a in self.context.get(name, []) or []
                        if public.visible(a, future_ok=future_ok)})
        return [(c.date, decision_log(c)) for slug in slugs for c in index.of_article(slug)]

    # ---------------------------------------------------------- corrections
    def listed(self, name: str) -> list:
        """The context's articles or pages that readers are offered (blogcore.public.listed), in its order.

        The registers (partnerships, corrections, versions, /transparence.json) list only these: a
        hidden text shows its mention and corrections on its own page, never in a register.
        """
        future_ok = bool(self.settings.get("WITH_FUTURE_DATES", True))
        return [item for item in self.context.get(name, []) or [] if public.listed(item, future_ok=future_ok)]

    def texts(self) -> list:
        """The listed, published articles (newest first) and pages: what the site's lists show."""
        return self.listed("articles") + self.listed("pages")

    @cached_property
    def corrections(self) -> list[figures_module.Listed]:
        """Every correction of the published articles and pages, newest first."""
        found = [figures_module.Listed(item, c) for item in self.texts() for c in getattr(item, "corrections", ())]
        return sorted(found, key=lambda listed: (listed.correction.date, listed.item.url), reverse=True)

    # ---------------------------------------------------------------- figures
    @cached_property
    def figures(self) -> figures_module.Figures:
        """The figures of the Transparence page and of /transparence.json."""
        articles = self.listed("articles")
        revisions = None
        if self.history.available:
            revisions = {}
            for article in articles:
                timeline = self.timeline(article)
                revisions[id(article)] = (len(timeline.shown), len(timeline.versions) - len(timeline.shown))
        return figures_module.compute(articles, [], self.corrections, revisions, self._moderation())

    def export(self) -> dict:
        """/transparence.json's data (absolute addresses when SITEURL is)."""
        data = {"$schema": self.absolute(self.config.schema)}
        data.update(figures_module.export(
            self.figures, lambda item: self.absolute(item.url),
            {"name": self.config.organization, "url": self.absolute(""),
             "publisher": str(self.settings.get("PUBLISHER") or self.config.organization),
             "language": str(self.settings.get("DEFAULT_LANG") or "fr")},
            self.policies()))
        index = self.context.get("community")
        if index is not None:
            counts = index.figures()
            data["moderation"].update(received=counts.received, published=counts.published,
                                      pending=counts.pending, rejected=counts.rejected, redacted=counts.redacted)
        return data

    # --------------------------------------------------------------- schema.org
    def absolute(self, path: str) -> str:
        """A site-relative path as an absolute address (site-relative in the local preview)."""
        return f"{self.site_url}/{path}" if self.site_url else path

    def transparence_page(self):
        """The Transparence page (None when the site has none)."""
        return next((p for p in self.context.get("pages", []) or [] if p.slug == self.config.page), None)

    def policies(self) -> dict[str, str]:
        """schema.org policy property → absolute address of its anchor on the Transparence page."""
        page = self.transparence_page()
        if page is None:
            return {}
        return {key: self.absolute(page.url) + anchor for key, anchor in self.config.policies}

    def organization(self) -> dict:
        """The site's Organization (the brand that publishes the blog) with its policies, for every page."""
        data = {
            "@context": "https://schema.org",
            "@type": "Organization",
            "@id": self.absolute("") + "#organisation",
            "name": self.config.organization,
            "url": self.absolute(""),
        }
        data.update(self.policies())
        return data

    def article_facts(self, article):
        """A function page_url → the article's schema.org facts (merged into its BlogPosting data)."""
        def facts(page_url: str) -> dict:
            data: dict = {"@type": article.work_type.schema_type,
                          "publisher": {"@id": self.absolute("") + "#organisation"},
                          "genre": article.work_type.label}
            disclosure = getattr(article, "disclosure", None)
            if disclosure is not None:
                data["sponsor"] = {"@type": "Organization", "name": disclosure.sponsor}
                if disclosure.sponsor_url:
                    data["sponsor"]["url"] = disclosure.sponsor_url
            corrections: tuple[Correction, ...] = getattr(article, "corrections", ())
            if corrections:
                data["dateModified"] = article.corrected.isoformat()
                data["correction"] = [{
                    "@type": "CorrectionComment", "url": f"{page_url}#{c.anchor}",
                    "datePublished": c.date.isoformat(), "text": f"{c.label}\u00a0: {c.text}",
                } for c in corrections]
            method = getattr(article, "method", ())
            if method:
                data["backstory"] = " ".join(f"{label}\u00a0: {text}." for label, text in method)
            source, source_url = getattr(article, "source", ""), getattr(article, "source_url", "")
            if article.work_type.key == "republication" and (source or source_url):
                data["isBasedOn"] = {"@type": "CreativeWork", **({"name": str(source)} if source else {}),
                                     **({"url": str(source_url)} if source_url else {})}
            return data
        return facts

    def image(self, item, page_url: str) -> str:
        """The absolute address of the first image of a text ("" when it has none)."""
        match = _IMG.search(getattr(item, "content", "") or "")
        return urljoin(page_url, match.group(1)) if match else ""
