"""The intake's work: accept a submission into the queue, and run the queue's jobs.

A submission is stored (database) together with its first job in one
transaction, before the reader gets an answer: from then on it cannot be
lost. Jobs, run by worker.py and retried with a doubling wait until they
succeed:

- ``commit``: the contribution file, committed on ``contributions/<id>`` (or
  the day's branch in digest mode) and pushed; then ``pull_request``;
- ``pull_request`` / ``label``: through the forge's API, when one is set;
- ``mail``: one e-mail (the address is decrypted only then);
- ``webmention``: verify a source, then record it like a form submission;
- ``redaction``: a deletion request, as a redaction commit for review;
- ``trusted``: a trusted author's contribution, approved in its branch.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import time
from collections import defaultdict
from pathlib import PurePosixPath

from . import forge, form, mail, snapshot as snapshots, tokens, webmention
from .config import IntakeConfig
from .db import Database, Job
from .gitrepo import Repository
from .paths import ensure_plugins_importable

ensure_plugins_importable()
from blogcore.errors import SiteError  # noqa: E402
from community import store  # noqa: E402
from community.model import Contribution  # noqa: E402

log = logging.getLogger("intake")
PREFIX = "[intake] "
GIT_JOBS = ("commit", "pull_request", "label", "redaction", "trusted")
OTHER_JOBS = ("mail", "webmention")
TRUSTED_LABEL = "auteur de confiance"
PENDING_LABEL = "contribution à modérer"


class Permanent(Exception):
    """A job that can never succeed (its reason is recorded; it is not tried again)."""


class Intake:
    """The service's state: its config, database, clone and the site as published."""

    def __init__(self, cfg: IntakeConfig):
        self.cfg = cfg
        self.db = Database(cfg.database)
        self.repo = Repository(cfg)
        self.mailer = mail.Mailer(cfg, self.db) if cfg.mail_enabled else None
        self.snapshot: snapshots.Snapshot | None = None
        self.snapshot_error = ""
        self.on_enqueue = lambda: None  # the worker wakes up (worker.py sets it)

    # --- the site as published ---------------------------------------------------

    def refresh(self) -> snapshots.Snapshot:
        """Fetch the remote and read the published branch again if it moved."""
        with self.repo.locked():
            self.repo.fetch()
            commit = self.repo.tip(self.cfg.git_branch)
            if self.snapshot is not None and self.snapshot.commit == commit:
                return self.snapshot
            commit = self.repo.checkout_base()
            fresh = snapshots.load(self.repo.path, commit, self.cfg.site_url)
        self.snapshot = fresh
        self.snapshot_error = ""
        log.info(PREFIX + "site read at %s: %d articles, %d contributions", commit[:10], len(fresh.articles),
                 len(fresh.contributions))
        return fresh

    def poll(self) -> None:
        """The periodic round: read the site again, delete expired addresses, send the notices due."""
        try:
            self.refresh()
        except (SiteError, OSError, RuntimeError) as exc:
            self.snapshot_error = str(exc)
            log.error(PREFIX + "cannot read the published site (submissions wait in the queue): %s", exc)
        purged = self.db.purge_addresses()
        if purged:
            log.info(PREFIX + "%d e-mail address(es) deleted at the end of their period", purged)
        if self.snapshot is not None and self.mailer is not None:
            self.queue_notices(self.snapshot)

    # --- accepting ---------------------------------------------------------------

    def new_id(self, known: set[str]) -> str:
        """An id no contribution has."""
        while True:
            ident = store.new_id()
            if ident not in known and (self.snapshot is None or ident not in self.snapshot.by_id):
                return ident

    def accept(self, contribution: Contribution, dedupe: str, email: str = "", data: dict | None = None) -> tuple[str, bool]:
        """Store a checked contribution with its commit job; (receipt id, False when the same was stored before)."""
        for _ in range(5):
            ident = self.new_id(self.db.known_ids())
            item = contribution.with_changes(id=ident)
            try:
                ident, created = self.db.add_submission(ident, dedupe, item.article, item.kind,
                                                        store.dump_contribution(item), item.author_email_hash,
                                                        [("commit", {})])
                break
            except sqlite3.IntegrityError:  # another thread took this id meanwhile
                continue
        else:
            raise RuntimeError("could not find a free id")
        if created and email and self.mailer is not None:
            self.mailer.keep(ident, email, item.author_email_hash)
            self.db.enqueue("mail", ident, {"template": "confirm", "data": data or {}})
        self.on_enqueue()
        return ident, created

    def email_hash(self, address: str) -> str:
        """The keyed hash stored in the file."""
        return tokens.email_hash(self.cfg.secret, address) if address else ""

    # --- jobs ---------------------------------------------------------------------

    def run(self, job: Job) -> list[tuple[str, str, dict]]:
        """Run one job; the jobs that follow from it (an exception: try again later)."""
        return getattr(self, "_job_" + job.kind)(job)

    def _contribution_path(self, contribution_article: str, ident: str) -> str:
        snap = self.snapshot
        root = snap.site.contributions_root.relative_to(self.repo.path) if snap else PurePosixPath("content/contributions")
        return str(PurePosixPath(str(root)) / contribution_article / f"{ident}.md")

    def _branch_for(self, row) -> str:
        if not self.cfg.digest:
            return f"contributions/{row['id']}"
        tz = self.snapshot.site.tz if self.snapshot else dt.timezone.utc
        day = dt.datetime.fromtimestamp(row["created"], tz).date().isoformat()
        branch, number = f"contributions/{day}", 1
        while self.repo.merged(branch):  # that day's branch was merged already: a new one for the rest
            number += 1
            branch = f"contributions/{day}-{number}"
        return branch

    def _job_commit(self, job: Job) -> list:
        row = self.db.submission(job.ref)
        with self.repo.locked():
            self.repo.fetch()
            branch = row["branch"] if row["state"] == "pushed" and row["branch"] else self._branch_for(row)
            path = self._contribution_path(row["article"], row["id"])
            kind = {"comment": "commentaire", "idea": "idée", "testimonial": "témoignage",
                    "mention": "mention"}[row["kind"]]
            self.repo.commit_and_push(branch, {path: row["text"]},
                                      f"Contribution {row['id']} ({kind}) sur {row['article']}, en attente de "
                                      f"modération\n\nReçue le "
                                      f"{dt.datetime.fromtimestamp(row['created'], dt.timezone.utc):%Y-%m-%d %H:%M} UTC.")
        self.db.set_branch(row["id"], branch, "pushed")
        log.info(PREFIX + "%s pushed on %s", row["id"], branch)
        if not self.cfg.github_repo:
            return []
        return [("pull_request", branch, self._pull_request_text(branch, row))]

    def _pull_request_text(self, branch: str, row) -> dict:
        moderate = ("Pour modérer, dans cette branche :\n\n```sh\n"
                    "invoke contributions.list --status pending\n"
                    "invoke contributions.approve ID   # ou : invoke contributions.reject ID --reason \"…\"\n"
                    "```\n\nPuis fusionnez : la fusion publie. Rien n'est publié sans approbation.")
        if self.cfg.digest:
            title = f"Contributions reçues le {branch.split('/', 1)[1]}"
            body = ("Les contributions reçues ce jour-là par le formulaire du site et par webmention, une par "
                    "commit, toutes en attente de modération (`Status: pending`).\n\n" + moderate)
        else:
            title = f"Contribution {row['id']} sur {row['article']} (en attente de modération)"
            body = (f"Une contribution reçue par le formulaire du site ou par webmention : "
                    f"`{self._contribution_path(row['article'], row['id'])}` (`Status: pending`).\n\n" + moderate)
        return {"title": title, "body": body, "labels": [PENDING_LABEL]}

    def _job_pull_request(self, job: Job) -> list:
        number = forge.open_pull_request(self.cfg, job.ref, job.payload["title"], job.payload["body"])
        if number is None or not job.payload.get("labels"):
            return []
        return [("label", job.ref, {"number": number, "labels": job.payload["labels"]})]

    def _job_label(self, job: Job) -> list:
        forge.add_labels(self.cfg, job.payload["number"], job.payload["labels"])
        return []

    def _job_mail(self, job: Job) -> list:
        message = self.mailer.message(job.ref, job.payload["template"], job.payload.get("data", {})) \
            if self.mailer else None
        if message is not None:  # else the address was deleted meanwhile: nothing to send
            self.mailer.send(message)
        return []

    def _job_webmention(self, job: Job) -> list:
        snap = self.snapshot
        if snap is None:
            raise RuntimeError("the published site is not read yet")
        source, target = job.payload["source"], job.payload["target"]
        try:
            found = webmention.read(self.cfg, source, target)
        except webmention.VerifyError as exc:
            raise Permanent(str(exc)) from None
        article = webmention.target_article(self.cfg.site_url, snap.articles, target)
        if article is None:
            raise Permanent(f"{target} is no longer an article of the site")
        now = dt.datetime.now(snap.site.tz).replace(microsecond=0)
        contribution = Contribution(
            id=job.ref, article=article, author=" ".join(found.author.split())[:80],
            date=found.published if found.published and found.published <= now else now, body=found.text,
            author_url=found.author_url, kind="mention", status="pending", source="Webmention",
            source_url=source)
        problems = form.check_with_store(contribution, snap)
        if problems:
            raise Permanent("the mention breaks the site's rules: " + "; ".join(problems.values()))
        self.accept(contribution, "mention:" + webmention.normal_url(source) + "\x1f" + webmention.normal_url(target))
        return []

    def _job_redaction(self, job: Job) -> list:
        ident = job.ref
        row = self.db.submission(ident)
        with self.repo.locked():
            self.repo.fetch()
            snap = self.snapshot
            published = snap.by_id.get(ident) if snap else None
            article = published.article if published else (row["article"] if row else None)
            if article is None:
                raise Permanent(f"no contribution {ident} on {self.cfg.git_branch} nor in the intake")
            path = self._contribution_path(article, ident)
            text = self.repo.read(self.cfg.git_branch, path)
            branch = f"suppressions/{ident}"
            if text is None and row is not None and row["branch"]:
                branch, text = row["branch"], self.repo.read(row["branch"], path)
            if text is None:
                raise RuntimeError(f"{path} is not pushed yet")
            contribution, problems = store.parse_contribution(text, path, snap.site.tz)
            if contribution is None:
                raise Permanent("; ".join(map(str, problems)))
            tombstone = contribution.redacted("intake (demande de l'auteur)", dt.datetime.now(snap.site.tz).replace(microsecond=0))
            self.repo.commit_and_push(branch, {path: store.dump_contribution(tombstone)},
                                      f"Demande de suppression de {ident} par son auteur (lien du reçu)\n\n"
                                      "Le texte et l'identité sont retirés ; un modérateur relit et fusionne.")
        if not self.cfg.github_repo or branch != f"suppressions/{ident}":
            return []
        others = sorted(c.id for c in snap.contributions
                        if contribution.author_email_hash and c.author_email_hash == contribution.author_email_hash
                        and c.id != ident)
        body = (f"L'auteur de `{ident}` a demandé sa suppression avec le lien de son reçu. Ce commit la caviarde "
                "(`invoke contributions.redact`) : texte et identité retirés, une mention reste pour le fil.")
        if others:
            body += ("\n\nLe même auteur (même empreinte d'adresse, `Author_email_hash`) a aussi écrit : "
                     + ", ".join(f"`{o}`" for o in others) + ". Demandez-lui s'il souhaite leur suppression.")
        return [("pull_request", branch, {"title": f"Suppression de la contribution {ident} (demande de l'auteur)",
                                          "body": body, "labels": ["suppression"]})]

    def _job_trusted(self, job: Job) -> list:
        ident = job.ref
        row = self.db.submission(ident)
        with self.repo.locked():
            self.repo.fetch()
            snap = self.snapshot
            path = self._contribution_path(row["article"], ident)
            text = self.repo.read(row["branch"], path) if row["branch"] else None
            if text is None:
                raise RuntimeError(f"{path} is not pushed yet")
            contribution, problems = store.parse_contribution(text, path, snap.site.tz)
            if contribution is None or contribution.status != "pending":
                raise Permanent(f"{ident} is no longer pending")
            approved = contribution.decided("approved", "intake (auteur de confiance)",
                                            dt.datetime.now(snap.site.tz).replace(microsecond=0))
            errors = form.check_with_store(approved.with_changes(path=""), snap)
            if errors:
                raise Permanent("; ".join(errors.values()))
            self.repo.commit_and_push(row["branch"], {path: store.dump_contribution(approved)},
                                      f"Contribution {ident} approuvée automatiquement : auteur de confiance\n\n"
                                      f"Son adresse confirmée a déjà {self.trusted_count(contribution.author_email_hash)} "
                                      "contributions approuvées (INTAKE_TRUSTED_AFTER). Relisez avant de fusionner : "
                                      "rien n'est fusionné automatiquement.")
        if not self.cfg.github_repo:
            return []
        text = self._pull_request_text(row["branch"], row)
        text["title"] = "[auteur de confiance] " + text["title"].replace("(en attente de modération)", "(approuvée)")
        return [("pull_request", row["branch"], {**text, "labels": [TRUSTED_LABEL]})]

    # --- trusted authors and notices -------------------------------------------------

    def trusted_count(self, email_hash: str) -> int:
        """How many approved contributions carry this e-mail hash on the published branch."""
        if not email_hash or self.snapshot is None:
            return 0
        return sum(1 for c in self.snapshot.contributions if c.published and c.author_email_hash == email_hash)

    def confirmed(self, ident: str) -> bool:
        """The reader confirmed the address of contribution `ident` (False when it is gone)."""
        row = self.db.submission(ident)
        if self.mailer is None or row is None or not self.mailer.confirm(ident, row["created"]):
            return False
        if self.cfg.trusted_after and self.trusted_count(row["email_hash"]) >= self.cfg.trusted_after:
            self.db.enqueue("trusted", ident)
            self.on_enqueue()
        return True

    def queue_notices(self, snap: snapshots.Snapshot) -> None:
        """Queue "published" and "reply" e-mails for confirmed addresses (each sent once)."""
        replies = defaultdict(list)
        for c in snap.contributions:
            if c.reply_to and c.published:
                replies[c.reply_to].append(c)
        for row in self.db.addresses():
            if row["confirmed_at"] is None:
                continue
            ident = row["contribution"]
            mine = snap.by_id.get(ident)
            if mine is None:
                continue
            article = snap.articles.get(mine.article)
            data = {"author": mine.author, "title": article.title if article else mine.article,
                    "about": article.about() if article else f"« {mine.article} »",
                    "url": f"{article.url if article else self.cfg.site_url}#{mine.anchor}"}
            if mine.published and self.db.noticed(ident, "published"):
                self.db.enqueue("mail", ident, {"template": "published", "data": data})
            for reply in replies.get(ident, []):
                if self.db.noticed(ident, "reply:" + reply.id):
                    self.db.enqueue("mail", ident, {"template": "reply", "data": {
                        **data, "by": reply.author, "url": f"{data['url'].split('#')[0]}#{reply.anchor}"}})
        self.on_enqueue()

    def status_lines(self) -> list[str]:
        """The queue as `invoke intake.status` prints it."""
        jobs = self.db.jobs()
        lines = [f"{len(jobs)} job(s) waiting" + (":" if jobs else " — every submission is pushed.")]
        now = time.time()
        for job in jobs:
            when = "now" if job.next_at <= now else f"in {int(job.next_at - now)} s"
            error = f" — last error: {' '.join(job.last_error.split())[:300]}" if job.last_error else ""
            lines.append(f"  #{job.id} {job.kind:<12} {job.ref:<28} {job.state:<8} tries: {job.attempts}, "
                         f"next try {when}{error}")
        subs = self.db.submissions()
        pushed = sum(1 for s in subs if s["state"] == "pushed")
        lines.append(f"{len(subs)} submission(s) received, {pushed} pushed, {len(subs) - pushed} in the queue; "
                     f"{len(self.db.addresses())} e-mail address(es) kept")
        return lines
