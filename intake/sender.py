"""Sending the followers' messages: a durable queue, worked through at a limited pace, over one SMTP connection.

Each delivery (follow.py) is a row of ``follow_deliveries``, written before
anything is sent. The sender takes the due ones in order, writes and sends
each, and marks it ``sent`` (one commit per message). So:

- a mail server that is down or answers 4xx delays the message: it waits
  (INTAKE_RETRY_SECONDS, doubling up to INTAKE_RETRY_MAX_SECONDS) and
  ``invoke intake.status`` shows it with the error;
- a stop (SIGTERM: `invoke intake.serve` finishes the message in hand) or a
  restart resumes where it stopped: nothing is lost, nothing is sent twice.
  After a crash (SIGKILL, power loss) between the server's acceptance of
  a message and that commit, that one message is sent again with the same
  Message-ID, which servers and mail programs that deduplicate recognise;
- a refusal (5xx for the address or the message) is recorded; after
  INTAKE_MAIL_MAX_REFUSALS refusals in a row the address is deleted with
  its subscriptions. Bounces that arrive later by e-mail (to the sender's
  mailbox) are not read by the intake;
- at most INTAKE_MAIL_PER_HOUR messages leave in any hour (sliding window).
"""

from __future__ import annotations

import json
import logging
import smtplib
import threading
import time

from . import mail
from .config import IntakeConfig
from .db import Database
from .follow import Follow
from .letters import LEAVE_PATH, ONE_CLICK_PATH, Letters

log = logging.getLogger("intake")
PREFIX = "[intake] "
BATCH = 50


class Refused(Exception):
    """The mail server refuses this address or message for good."""


class Sender:
    """Works through the followers' queue."""

    def __init__(self, cfg: IntakeConfig, db: Database, follow: Follow, letters: Letters):
        self.cfg = cfg
        self.db = db
        self.follow = follow
        self.letters = letters
        self.server: smtplib.SMTP | None = None

    def budget(self, now: float) -> int:
        """How many messages the hourly limit still allows now."""
        with self.db.connect() as conn:
            sent = conn.execute("SELECT COUNT(*) FROM follow_deliveries WHERE sent_at > ?", (now - 3600,)).fetchone()[0]
        return max(self.cfg.mail_per_hour - sent, 0)

    def send_due(self, stopping: threading.Event | None = None) -> int:
        """Send the due messages the hourly limit allows (one batch); how many were sent."""
        now = time.time()
        budget = self.budget(now)
        if budget == 0:
            return 0
        with self.db.connect() as conn:
            ids = [r[0] for r in conn.execute("SELECT id FROM follow_deliveries WHERE state = 'waiting' AND next_at <= ? "
                                              "ORDER BY next_at, id LIMIT ?", (now, min(budget, BATCH)))]
        sent = 0
        with self.db.session():
            try:
                for ident in ids:
                    if stopping is not None and stopping.is_set():
                        break
                    outcome = self._one(ident)
                    if outcome == "sent":
                        sent += 1
                    elif outcome == "failed":
                        break  # the server is down or busy: the rest waits too
            finally:
                self.close()
        return sent

    def _one(self, ident: int) -> str:
        # One sender thread per intake (worker.py): the row needs no claim before sending, and its only write
        # is the outcome, one commit per message.
        with self.db.connect() as conn:
            row = conn.execute("SELECT * FROM follow_deliveries WHERE id = ? AND state = 'waiting'", (ident,)).fetchone()
        if row is None:
            return "taken"
        message, address = self.compose(row)
        if message is None:
            with self.db.connect() as conn:
                conn.execute("DELETE FROM follow_deliveries WHERE id = ?", (ident,))
            return "dropped"
        try:
            self._send(message, address)
        except Refused as exc:
            self._refused(row, str(exc))
            return "refused"
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            wait = min(self.cfg.retry_seconds * 2 ** max(row["attempts"], 0), self.cfg.retry_max_seconds)
            log.warning(PREFIX + "message to a follower delayed %.0f s: %s", wait, exc)
            with self.db.connect() as conn:
                conn.execute("UPDATE follow_deliveries SET next_at = ?, last_error = ?, attempts = attempts + 1 "
                             "WHERE id = ?",
                             (time.time() + wait, f"{exc.__class__.__name__}: {exc}"[:500], ident))
            return "failed"
        with self.db.connect() as conn:
            conn.execute("UPDATE follow_deliveries SET state = 'sent', sent_at = ?, last_error = '', "
                         "attempts = attempts + 1 WHERE id = ?", (time.time(), ident))
            if row["kind"] == "digest":
                marks = json.loads(row["entries"])
                # Received (a correction will reach them), but not messages of their own: no sent_at, so
                # the hourly limit counts the digest once.
                conn.execute("UPDATE follow_deliveries SET state = 'sent' WHERE email_hash = ? AND "
                             "state = 'bundled' AND kind = 'entry' AND entry IN (%s)" % ",".join("?" * len(marks)),
                             (row["email_hash"], *marks))
            conn.execute("UPDATE follow_subscriptions SET refusals = 0 WHERE email_hash = ? AND refusals > 0",
                         (row["email_hash"],))
        return "sent"

    def compose(self, row):
        """The message of one delivery and its address (None, None when the address or the entry is gone)."""
        sub = self.follow.subscription(row["subscription"])
        address = self.follow.opened(sub) if sub is not None else None
        if address is None:
            return None, None
        ids = json.loads(row["entries"]) if row["kind"] == "digest" else [row["entry"]]
        with self.db.connect() as conn:
            found = {r["id"]: dict(r) for r in conn.execute(
                "SELECT * FROM follow_entries WHERE id IN (%s)" % ",".join("?" * len(ids)), ids)}
        entries = [found[i] for i in ids if i in found]
        if not entries:
            return None, None
        kind = row["kind"].partition(":")[0]
        leave = self.follow.link("leave", sub["id"], LEAVE_PATH)
        one_click = self.follow.link("leave", sub["id"], ONE_CLICK_PATH)
        message = self.letters.entries(address, kind, entries, sub["scope_title"], leave, one_click,
                                       key=f"{row['email_hash']}:{row['entry']}:{row['kind']}",
                                       corrected=row["kind"].partition(":")[2])
        return message, address

    def _refused(self, row, reason: str) -> None:
        with self.db.connect() as conn:
            conn.execute("UPDATE follow_deliveries SET state = 'refused', last_error = ?, attempts = attempts + 1 "
                         "WHERE id = ?",
                         (reason[:500], row["id"]))
            conn.execute("UPDATE follow_subscriptions SET refusals = refusals + 1 WHERE email_hash = ?",
                         (row["email_hash"],))
            worst = conn.execute("SELECT MAX(refusals) FROM follow_subscriptions WHERE email_hash = ?",
                                 (row["email_hash"],)).fetchone()[0] or 0
            if worst >= self.cfg.mail_max_refusals:
                Follow._forget_hash(conn, row["email_hash"])
                log.warning(PREFIX + "an address refused %d times in a row is deleted, with its subscriptions", worst)
            else:
                log.warning(PREFIX + "the mail server refused a message to a follower (%d of %d): %s", worst,
                            self.cfg.mail_max_refusals, reason)

    def _connect(self) -> smtplib.SMTP:
        if self.server is not None:
            return self.server
        server = mail.connect(self.cfg)
        self.server = server
        return server

    def _send(self, message, address: str) -> None:
        server = self._connect()
        try:
            server.send_message(message, to_addrs=[address])
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if codes and all(500 <= code < 600 for code in codes):
                raise Refused(f"address refused: {codes[0]}") from None
            raise
        except smtplib.SMTPDataError as exc:
            if 500 <= exc.smtp_code < 600:
                raise Refused(f"message refused: {exc.smtp_code}") from None
            raise

    def close(self) -> None:
        """Close the connection to the mail server, if open."""
        if self.server is not None:
            try:
                self.server.quit()
            except (smtplib.SMTPException, OSError):
                self.server.close()
            self.server = None
