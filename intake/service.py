"""The intake's work: accept a submission into the queue, and run the queue's jobs.

A submission is stored (database) together with its first job in one
transaction, before the reader gets an answer: from then on it cannot be
lost. Jobs, run by worker.py and retried with a doubling wait until they
succeed:

- ``commit``: the contribution file, committed on ``cms/contributions/<article>/<id>``, the desk's name (or
  the day's branch in digest mode) and pushed; then ``pull_request``;
- ``pull_request`` / ``label``: through the forge's API, when one is set;
- ``mail``: one e-mail (the address is decrypted only then);
- ``follow_confirm``: the confirmation request of an e-mail subscription (follow.py; the followers' own
  messages have their own durable queue, sender.py);
- ``webmention``: verify a source, then record it like a form submission;
- ``redaction``: a deletion request, as a redaction commit on a branch of its
  own (``suppressions/<id>``) for a moderator to review: nothing is erased
  before a moderator merges it (the kept address is deleted then);
- ``trusted``: a trusted author's contribution, approved in its branch.

Branches are named by :meth:`Intake.branch_name` and pull requests asked for
by :meth:`Intake.pull_request`, one small method each.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import sqlite3
import time
from collections import defaultdict
from pathlib import PurePosixPath

from . import forge, form, mail, snapshot as snapshots, tokens, webmention
from .config import IntakeConfig
from .db import Database, Job, Stored
from .follow import Follow
from .gitrepo import Repository
from .letters import CONFIRM_PATH, LEAVE_PATH, ONE_CLICK_PATH, Letters
from .sender import Sender
from .paths import ensure_plugins_importable

ensure_plugins_importable()
from blogcore.errors import SiteError  # noqa: E402
from blogcore.names import identity_key  # noqa: E402
from blogcore.wording import kind_label  # noqa: E402
from community import store  # noqa: E402
from community.identity import ANONYMOUS  # noqa: E402
from community.model import Contribution  # noqa: E402

log = logging.getLogger("intake")
PREFIX = "[intake] "
GIT_JOBS = ("commit", "pull_request", "label", "redaction", "trusted")
MAIL_JOBS = ("mail", "follow_confirm")
WEBMENTION_JOBS = ("webmention",)
TRUSTED_LABEL = "auteur de confiance"
PENDING_LABEL = "contribution à modérer"
# The desk (plugins/desk, Decap CMS) lists a pull request from a branch cms/<collection>/<entry> that
# carries one of its labels as an entry of its editorial workflow, here in review.
DESK_IN_REVIEW = "decap-cms/pending_review"
DELETION_LABEL = "suppression"
NAME_IN_USE_LABEL = "nom déjà utilisé"
NAME_IN_USE_NOTE = ("Nom déjà utilisé par un autre lecteur : aucune contribution signée de ce nom ne porte la même "
                    "empreinte d'adresse (Author_email_hash). Vérifiez qu'il ne s'agit pas d'une usurpation avant "
                    "d'approuver.")


class Permanent(Exception):
    """A job that can never succeed (its reason is recorded; it is not tried again)."""


class Intake:
    """The service's state: its config, database, clone and the site as published."""

    def __init__(self, cfg: IntakeConfig):
        self.cfg = cfg
        self.db = Database(cfg.database)
        self.repo = Repository(cfg)
        self.mailer = mail.Mailer(cfg, self.db) if cfg.mail_enabled else None
        self.follow = Follow(cfg, self.db)
        self.letters = Letters(cfg)
        self.sender = Sender(cfg, self.db, self.follow, self.letters) if cfg.mail_enabled else None
        self.snapshot: snapshots.Snapshot | None = None
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
        log.info(PREFIX + "site read at %s: %d articles, %d contributions", commit[:10], len(fresh.articles),
                 len(fresh.contributions))
        return fresh

    def poll(self) -> None:
        """The periodic round: read the site again, delete expired addresses, send the notices due."""
        try:
            self.refresh()
            self.db.set_state("site_error", "")
        except (SiteError, OSError, RuntimeError) as exc:
            self.db.set_state("site_error", str(exc))
            log.error(PREFIX + "cannot read the published site (submissions wait in the queue): %s", exc)
        purged = self.db.purge_addresses()
        if purged:
            log.info(PREFIX + "%d e-mail address(es) deleted at the end of their period", purged)
        if self.snapshot is not None:
            self.forget_redacted(self.snapshot)
            if self.mailer is not None:
                self.queue_notices(self.snapshot)

    def forget_redacted(self, snap: snapshots.Snapshot) -> None:
        """Delete the kept address of every contribution a moderator redacted (a deletion request merged)."""
        for row in self.db.addresses():
            mine = snap.by_id.get(row["contribution"])
            if mine is not None and mine.status == "redacted" and self.db.forget_address(mine.id):
                log.info(PREFIX + "address of %s deleted: its redaction is published", mine.id)

    # --- accepting ---------------------------------------------------------------

    def new_id(self, known: set[str]) -> str:
        """An id no contribution has."""
        while True:
            ident = store.new_id()
            if ident not in known and (self.snapshot is None or ident not in self.snapshot.by_id):
                return ident

    def accept(self, contribution: Contribution, dedupe: str, email: str = "", data: dict | None = None,
               token: str | None = None, notes: str = "") -> Stored:
        """Store a checked contribution with its commit job (see db.Stored for what can become of it).

        `token` is the digest of the confirmation token it came with: the
        same token with the same content is the same sender sending again.
        """
        for _ in range(5):
            ident = self.new_id(self.db.known_ids())
            item = contribution.with_changes(id=ident)
            try:
                stored = self.db.add_submission(ident, dedupe, item.article, item.kind, store.dump_contribution(item),
                                                item.author_email_hash, [("commit", {})], token=token,
                                                author_key=identity_key(item.author), notes=notes)
                break
            except sqlite3.IntegrityError:  # another thread took this id meanwhile
                continue
        else:
            raise RuntimeError("could not find a free id")
        if stored.outcome == "created" and email and self.mailer is not None:
            self.mailer.keep(ident, email, item.author_email_hash)
            self.db.enqueue("mail", ident, {"template": "confirm", "data": data or {}})
        self.on_enqueue()
        return stored

    def name_in_use(self, author: str, email_hash: str) -> bool:
        """Whether another reader already signs with this name: used on the site or in the intake, and never
        with this (non-empty) address hash. Such a submission is marked for the moderator."""
        key = identity_key(author)
        if key in ANONYMOUS:
            return False
        hashes = set(self.snapshot.authors.get(key, ())) if self.snapshot else set()
        hashes |= self.db.email_hashes_of(key) or set()
        return bool(hashes) and not (email_hash and email_hash in hashes)

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

    def branch_name(self, purpose: str, row) -> str:
        """The branch a submission (purpose "contribution") or a deletion request ("deletion") is pushed on."""
        if purpose == "deletion":
            return f"suppressions/{row['id']}"
        if not self.cfg.digest:
            # The desk's name for the contribution's entry (collection "contributions", entry <article>/<id>).
            return f"cms/contributions/{row['article']}/{row['id']}"
        tz = self.snapshot.site.tz if self.snapshot else dt.timezone.utc
        day = dt.datetime.fromtimestamp(row["created"], tz).date().isoformat()
        branch, number = f"contributions/{day}", 1
        while self.repo.merged(branch):  # that day's branch was merged already: a new one for the rest
            number += 1
            branch = f"contributions/{day}-{number}"
        return branch

    def _job_commit(self, job: Job) -> list:
        row = self.db.submission(job.ref)
        notes = row["notes"] or ""
        with self.repo.locked():
            self.repo.fetch()
            branch = row["branch"] if row["state"] == "pushed" and row["branch"] else self.branch_name("contribution", row)
            path = self._contribution_path(row["article"], row["id"])
            kind = kind_label(row["kind"]).lower()
            self.repo.commit_and_push(branch, {path: row["text"]},
                                      f"Contribution {row['id']} ({kind}) sur {row['article']}, en attente de "
                                      f"modération\n\nReçue le "
                                      f"{dt.datetime.fromtimestamp(row['created'], dt.timezone.utc):%Y-%m-%d %H:%M} UTC."
                                      + (f"\n\nÀ vérifier : {notes}" if notes else ""))
        self.db.set_branch(row["id"], branch, "pushed")
        log.info(PREFIX + "%s pushed on %s", row["id"], branch)
        return self.pull_request("contribution", branch, row)

    def pull_request(self, purpose: str, branch: str, row, body: str = "") -> list:
        """The job that opens the pull request of a branch (none without a forge): its title, text and labels.

        purpose: "contribution" (a submission waiting for moderation), "trusted" (approved for a trusted
        author, never merged by the intake) or "deletion" (a deletion request; `body` explains it).
        """
        if not self.cfg.github_repo:
            return []
        moderate = ("Pour modérer : dans la rédaction en ligne (/admin/, onglet « Flux »), ou dans cette branche :\n\n```sh\n"
                    "invoke contributions.list --status pending\n"
                    "invoke contributions.approve ID   # ou : invoke contributions.reject ID --reason \"…\"\n"
                    "```\n\nPuis fusionnez : la fusion publie. Rien n'est publié sans approbation.")
        notes = row["notes"] if row is not None and "notes" in row.keys() else ""
        if purpose == "deletion":
            return [("pull_request", branch, {"title": f"Suppression de la contribution {row['id']} (demande reçue "
                                                       "par le lien du reçu)", "body": body,
                                              "labels": [DELETION_LABEL]})]
        if self.cfg.digest:
            title = f"Contributions reçues le {branch.split('/', 1)[1]}"
            text = ("Les contributions reçues ce jour-là par le formulaire du site et par webmention, une par "
                    "commit, toutes en attente de modération (`Status: pending`).\n\n" + moderate)
        else:
            title = f"Contribution {row['id']} sur {row['article']} (en attente de modération)"
            text = (f"Une contribution reçue par le formulaire du site ou par webmention : "
                    f"`{self._contribution_path(row['article'], row['id'])}` (`Status: pending`).\n\n" + moderate)
        labels = [PENDING_LABEL] if self.cfg.digest else [PENDING_LABEL, DESK_IN_REVIEW]
        if purpose == "trusted":
            title = "[auteur de confiance] " + title.replace("(en attente de modération)", "(approuvée)")
            labels = [TRUSTED_LABEL]
        if notes:
            text = f"**À vérifier** ({row['id']}) : {notes}\n\n" + text
            labels.append(NAME_IN_USE_LABEL)
        return [("pull_request", branch, {"title": title, "body": text, "labels": labels})]

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
            try:
                self.mailer.send(message)
            except smtplib.SMTPRecipientsRefused as exc:
                raise Permanent(f"the mail server refuses the address: {exc.recipients}") from None
            except smtplib.SMTPDataError as exc:
                if 500 <= exc.smtp_code < 600:  # this message refused for good (RFC 5321); a login error is retried
                    raise Permanent(f"the mail server refuses the message: {exc.smtp_code} {exc.smtp_error!r}") from None
                raise
        return []

    def _job_follow_confirm(self, job: Job) -> list:
        sub = self.follow.subscription(job.ref)
        address = self.follow.opened(sub) if sub is not None and sub["confirmed_at"] is None else None
        if address is None or self.mailer is None:  # confirmed, deleted or expired meanwhile: nothing to send
            return []
        # The feed's first reading (its baseline) before the link can be clicked: whatever is published after
        # the confirmation is new to this reader. A feed that cannot be read delays the message (retried).
        self.follow.baseline(sub["scope"])
        message = self.letters.confirmation(
            address, sub["scope_title"], sub["rhythm"], self.follow.link("confirm", sub["id"], CONFIRM_PATH),
            self.follow.link("leave", sub["id"], LEAVE_PATH), self.follow.link("leave", sub["id"], ONE_CLICK_PATH),
            key=f"confirm:{job.id}")
        try:
            self.mailer.send(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise Permanent(f"the mail server refuses the address ({len(exc.recipients)} recipient)") from None
        except smtplib.SMTPDataError as exc:
            if 500 <= exc.smtp_code < 600:
                raise Permanent(f"the mail server refuses the message: {exc.smtp_code}") from None
            raise
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
        notes = NAME_IN_USE_NOTE if self.name_in_use(contribution.author, "") else ""
        self.accept(contribution, "mention:" + webmention.normal_url(source) + "\x1f" + webmention.normal_url(target),
                    notes=notes)
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
            branch = self.branch_name("deletion", {"id": ident})
            start = self.cfg.git_branch
            text = self.repo.read(branch, path) or self.repo.read(start, path)
            if text is None and row is not None and row["branch"]:
                # Not published yet: the request starts from the submission's branch, left as it is.
                start = row["branch"]
                text = self.repo.read(start, path)
            if text is None:
                raise RuntimeError(f"{path} is not pushed yet")
            contribution, problems = store.parse_contribution(text, path, snap.site.tz)
            if contribution is None:
                raise Permanent("; ".join(map(str, problems)))
            if contribution.status == "redacted" and self.repo.tip(branch) is None:
                return []  # a moderator redacted it already
            if contribution.status != "redacted":
                tombstone = contribution.redacted("intake (demande de l'auteur)",
                                                  dt.datetime.now(snap.site.tz).replace(microsecond=0))
                self.repo.commit_and_push(branch, {path: store.dump_contribution(tombstone)},
                                          f"Demande de suppression de {ident} (lien du reçu), à relire\n\n"
                                          "Le texte et l'identité sont retirés ; un modérateur vérifie la demande "
                                          "et fusionne.", start=start)
        others = sorted(c.id for c in snap.contributions
                        if contribution.author_email_hash and c.author_email_hash == contribution.author_email_hash
                        and c.id != ident)
        body = (f"Une demande de suppression de `{ident}` a été envoyée avec le lien de son reçu (donné à "
                "l'expéditeur de la contribution, et dans ses e-mails). Ce commit la caviarde "
                "(`invoke contributions.redact`) : texte et identité retirés, une mention reste pour le fil.\n\n"
                "Rien n'est effacé avant votre fusion : vérifiez la demande, puis fusionnez. L'adresse "
                "électronique conservée pour cette contribution est effacée quand la suppression est publiée.")
        if start != self.cfg.git_branch:
            body += (f"\n\nLa contribution n'est pas encore publiée : cette branche part de `{start}` ; "
                     "la fusionner remplace aussi celle-là.")
        if others:
            body += ("\n\nLe même auteur (même empreinte d'adresse, `Author_email_hash`) a aussi écrit : "
                     + ", ".join(f"`{o}`" for o in others) + ". Demandez-lui s'il souhaite leur suppression.")
        return self.pull_request("deletion", branch, {"id": ident}, body)

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
        return self.pull_request("trusted", row["branch"], row)

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
        """The queue as `invoke intake.status` prints it (with what /sante does not say: errors, reasons)."""
        jobs = self.db.jobs()
        lines = []
        error = self.db.state("site_error")
        if error:
            when = dt.datetime.fromtimestamp(error[1]).strftime("%Y-%m-%d %H:%M:%S")
            lines.append(f"The published branch could not be read at {when}: {' '.join(error[0].split())[:500]}")
        lines.append(f"{len(jobs)} job(s) waiting" + (":" if jobs else " — every submission is pushed."))
        now = time.time()
        for job in jobs:
            when = "now" if job.next_at <= now else f"in {int(job.next_at - now)} s"
            error = f" — last error: {' '.join(job.last_error.split())[:300]}" if job.last_error else ""
            lines.append(f"  #{job.id} {job.kind:<12} {job.ref:<28} {job.state:<8} tries: {job.attempts}, "
                         f"next try {when}{error}")
        refused = self.db.refused()
        if refused:
            lines.append(f"Latest job(s) given up for good ({len(refused)} shown), with the reason:")
            for job in refused:
                what = job.payload.get("source", "") if job.kind == "webmention" else ""
                lines.append(f"  #{job.id} {job.kind:<12} {job.ref:<28} {what[:120]} — {' '.join(job.last_error.split())[:300]}")
        subs = self.db.submissions()
        pushed = sum(1 for s in subs if s["state"] == "pushed")
        lines.append(f"{len(subs)} submission(s) received, {pushed} pushed, {len(subs) - pushed} in the queue; "
                     f"{len(self.db.addresses())} e-mail address(es) kept")
        return lines + self.follow.status_lines()
