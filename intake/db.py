"""The intake's durable state: one SQLite file in its data folder.

Tables:

- ``submissions``: every accepted contribution (its file's text, where it was
  committed); a digest of its author and content is unique, so the same
  submission sent twice is stored once; the digest of the confirmation token
  it came with is unique too (one token, one submission), and is the proof
  that a second POST comes from the same sender; ``author_key`` (the
  identity key of its name) finds names already used, ``notes`` what the
  moderator is told about it.
- ``jobs``: the queue. A job (commit and push, pull request, e-mail,
  webmention check, redaction...) stays until it succeeded; a failure records
  the error and the next try, with a doubling wait (see worker.py).
- ``addresses``: e-mail addresses kept for notices, encrypted (Fernet), with
  their confirmation and deletion dates; never in git.
- ``hits``: recent submissions per network, for the rate limits.
- ``notices``: which notices were sent, so that none is sent twice.
- ``state``: what the service says only to its operator (the last error
  reading the published branch), for ``invoke intake.status``.

Every write is one short transaction; SQLite's own locking (WAL, busy
timeout) lets the server's threads and a second process (``invoke
intake.status``) share the file.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    id TEXT PRIMARY KEY,
    dedupe TEXT NOT NULL UNIQUE,
    article TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    email_hash TEXT NOT NULL DEFAULT '',
    branch TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'queued',
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    ref TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL DEFAULT 'waiting',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at REAL NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL,
    done_at REAL
);
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (state, next_at);
CREATE TABLE IF NOT EXISTS addresses (
    contribution TEXT PRIMARY KEY,
    email_hash TEXT NOT NULL,
    sealed BLOB NOT NULL,
    created REAL NOT NULL,
    confirmed_at REAL,
    expires REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS hits (network TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS hits_network ON hits (network, at);
CREATE TABLE IF NOT EXISTS notices (contribution TEXT NOT NULL, event TEXT NOT NULL, sent REAL NOT NULL,
                                    PRIMARY KEY (contribution, event));
CREATE TABLE IF NOT EXISTS state (name TEXT PRIMARY KEY, value TEXT NOT NULL, at REAL NOT NULL);
"""
# Columns added after the first release: a database made before gets them at start (ALTER TABLE).
ADDED_COLUMNS = {
    "submissions": (("token", "TEXT"), ("author_key", "TEXT NOT NULL DEFAULT ''"), ("notes", "TEXT NOT NULL DEFAULT ''")),
}
INDEXES = """
CREATE UNIQUE INDEX IF NOT EXISTS submissions_token ON submissions (token) WHERE token IS NOT NULL;
CREATE INDEX IF NOT EXISTS submissions_author ON submissions (author_key);
"""


@dataclass(frozen=True)
class Stored:
    """What became of a submission: ``outcome`` is created, same (this sender sent it already: its id),
    duplicate (someone sent the same before: ``ident`` is empty, nothing of it is told) or token-used
    (its confirmation token already served another submission)."""

    ident: str
    outcome: str


@dataclass(frozen=True)
class Job:
    """One queued piece of work."""

    id: int
    kind: str
    ref: str
    payload: dict
    state: str
    attempts: int
    next_at: float
    last_error: str
    created: float


class Database:
    """The intake's SQLite file."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._session = threading.local()  # the connection a thread keeps for a while (session())
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)
            for table, columns in ADDED_COLUMNS.items():
                have = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
                for name, kind in columns:
                    if name not in have:
                        db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")
            db.executescript(INDEXES)
        finally:
            db.close()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA busy_timeout=30000")
        return db

    @contextmanager
    def connect(self):
        """A connection in one transaction (committed on success, rolled back on error)."""
        kept = getattr(self._session, "db", None)
        db = kept if kept is not None else self._open()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        finally:
            if kept is None:
                db.close()

    @contextmanager
    def session(self):
        """Keep one connection for this thread's transactions until the block ends (a loop of many short ones,
        such as sending to followers): opening and closing SQLite each time costs more than the work."""
        if getattr(self._session, "db", None) is not None:
            yield
            return
        self._session.db = self._open()
        try:
            yield
        finally:
            self._session.db.close()
            self._session.db = None

    # --- submissions ------------------------------------------------------------

    def add_submission(self, ident: str, dedupe: str, article: str, kind: str, text: str, email_hash: str,
                       jobs: list[tuple[str, dict]], now: float | None = None, token: str | None = None,
                       author_key: str = "", notes: str = "") -> Stored:
        """Store a submission and its jobs at once, unless its token or its content came before (see Stored)."""
        now = time.time() if now is None else now
        with self.connect() as db:
            if token is not None:
                row = db.execute("SELECT id, dedupe FROM submissions WHERE token = ?", (token,)).fetchone()
                if row:
                    return Stored(row["id"], "same") if row["dedupe"] == dedupe else Stored("", "token-used")
            if db.execute("SELECT 1 FROM submissions WHERE dedupe = ?", (dedupe,)).fetchone():
                return Stored("", "duplicate")
            db.execute("INSERT INTO submissions (id, dedupe, article, kind, text, email_hash, created, token, "
                       "author_key, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (ident, dedupe, article, kind, text, email_hash, now, token, author_key, notes))
            for kind_, payload in jobs:
                self._enqueue(db, kind_, ident, payload, now)
        return Stored(ident, "created")

    def email_hashes_of(self, author_key: str) -> set[str] | None:
        """The address hashes of the submissions signed with this name ("" for none); None when no submission is."""
        with self.connect() as db:
            rows = db.execute("SELECT email_hash FROM submissions WHERE author_key = ?", (author_key,)).fetchall()
        return {row[0] for row in rows} if rows else None

    def submission(self, ident: str) -> sqlite3.Row | None:
        """One submission by id."""
        with self.connect() as db:
            return db.execute("SELECT * FROM submissions WHERE id = ?", (ident,)).fetchone()

    def submissions(self) -> list[sqlite3.Row]:
        """Every submission, oldest first."""
        with self.connect() as db:
            return db.execute("SELECT * FROM submissions ORDER BY created, id").fetchall()

    def known_ids(self) -> set[str]:
        """Ids already given (so a new one is new)."""
        with self.connect() as db:
            return {row[0] for row in db.execute("SELECT id FROM submissions")}

    def set_branch(self, ident: str, branch: str, state: str) -> None:
        """Record where a submission was committed."""
        with self.connect() as db:
            db.execute("UPDATE submissions SET branch = ?, state = ? WHERE id = ?", (branch, state, ident))

    # --- jobs -----------------------------------------------------------------

    @staticmethod
    def _enqueue(db, kind: str, ref: str, payload: dict, now: float, delay: float = 0.0) -> None:
        db.execute("INSERT INTO jobs (kind, ref, payload, next_at, created) VALUES (?, ?, ?, ?, ?)",
                   (kind, ref, json.dumps(payload, sort_keys=True), now + delay, now))

    def enqueue(self, kind: str, ref: str, payload: dict | None = None, delay: float = 0.0) -> None:
        """Add one job."""
        with self.connect() as db:
            self._enqueue(db, kind, ref, payload or {}, time.time(), delay)

    def claim(self, kinds: tuple[str, ...], now: float | None = None) -> Job | None:
        """Take the oldest due job of these kinds (marked running), or None."""
        now = time.time() if now is None else now
        marks = ",".join("?" * len(kinds))
        with self.connect() as db:
            row = db.execute(f"SELECT * FROM jobs WHERE state = 'waiting' AND next_at <= ? AND kind IN ({marks}) "
                             "ORDER BY next_at, id LIMIT 1", (now, *kinds)).fetchone()
            if row is None:
                return None
            db.execute("UPDATE jobs SET state = 'running', attempts = attempts + 1 WHERE id = ?", (row["id"],))
        return Job(row["id"], row["kind"], row["ref"], json.loads(row["payload"]), "running", row["attempts"] + 1,
                   row["next_at"], row["last_error"], row["created"])

    def finish(self, job: Job, follow: list[tuple[str, str, dict]] = ()) -> None:
        """Mark a job done and queue the jobs that follow from it, in one transaction."""
        now = time.time()
        with self.connect() as db:
            db.execute("UPDATE jobs SET state = 'done', done_at = ?, last_error = '' WHERE id = ?", (now, job.id))
            for kind, ref, payload in follow:
                self._enqueue(db, kind, ref, payload, now)

    def retry(self, job: Job, error: str, wait: float) -> None:
        """Record a failure; the job is tried again after `wait` seconds."""
        with self.connect() as db:
            db.execute("UPDATE jobs SET state = 'waiting', next_at = ?, last_error = ? WHERE id = ?",
                       (time.time() + wait, error[:2000], job.id))

    def give_up(self, job: Job, reason: str) -> None:
        """A job that can never succeed (a webmention whose source does not link): kept with its reason."""
        with self.connect() as db:
            db.execute("UPDATE jobs SET state = 'refused', done_at = ?, last_error = ? WHERE id = ?",
                       (time.time(), reason[:2000], job.id))

    def resume_interrupted(self) -> int:
        """Jobs left running by a process that stopped: waiting again (each is safe to run twice)."""
        with self.connect() as db:
            return db.execute("UPDATE jobs SET state = 'waiting' WHERE state = 'running'").rowcount

    def refused(self, limit: int = 20) -> list[Job]:
        """The latest jobs given up for good, newest first (their reason in last_error)."""
        with self.connect() as db:
            rows = db.execute("SELECT * FROM jobs WHERE state = 'refused' ORDER BY done_at DESC, id DESC LIMIT ?",
                              (limit,)).fetchall()
        return [Job(r["id"], r["kind"], r["ref"], json.loads(r["payload"]), r["state"], r["attempts"],
                    r["next_at"], r["last_error"], r["created"]) for r in rows]

    def has_job(self, kind: str, ref: str) -> bool:
        """Whether a job of this kind about `ref` is waiting or running."""
        with self.connect() as db:
            return db.execute("SELECT 1 FROM jobs WHERE kind = ? AND ref = ? AND state IN ('waiting', 'running')",
                              (kind, ref)).fetchone() is not None

    def jobs(self, pending_only: bool = True) -> list[Job]:
        """Queued jobs (or all), oldest first."""
        query = "SELECT * FROM jobs" + (" WHERE state IN ('waiting', 'running')" if pending_only else "") + " ORDER BY id"
        with self.connect() as db:
            rows = db.execute(query).fetchall()
        return [Job(r["id"], r["kind"], r["ref"], json.loads(r["payload"]), r["state"], r["attempts"],
                    r["next_at"], r["last_error"], r["created"]) for r in rows]

    def wake(self, kinds: tuple[str, ...]) -> None:
        """Make waiting jobs of these kinds due now (after the cause of their failures was fixed)."""
        marks = ",".join("?" * len(kinds))
        with self.connect() as db:
            db.execute(f"UPDATE jobs SET next_at = ? WHERE state = 'waiting' AND kind IN ({marks})",
                       (time.time(), *kinds))

    # --- rate limits ------------------------------------------------------------

    def hits_since(self, network: str, since: float) -> int:
        """How many submissions came from this network since then."""
        with self.connect() as db:
            db.execute("DELETE FROM hits WHERE at < ?", (since,))
            return db.execute("SELECT COUNT(*) FROM hits WHERE network = ? AND at >= ?", (network, since)).fetchone()[0]

    def hit(self, network: str, now: float | None = None) -> None:
        """Count one submission from this network."""
        with self.connect() as db:
            db.execute("INSERT INTO hits (network, at) VALUES (?, ?)", (network, time.time() if now is None else now))

    # --- addresses and notices -----------------------------------------------------

    def keep_address(self, contribution: str, email_hash: str, sealed: bytes, expires: float) -> None:
        """Keep an (encrypted) address for one contribution, not yet confirmed."""
        with self.connect() as db:
            db.execute("INSERT OR REPLACE INTO addresses (contribution, email_hash, sealed, created, expires) "
                       "VALUES (?, ?, ?, ?, ?)", (contribution, email_hash, sealed, time.time(), expires))

    def address(self, contribution: str) -> sqlite3.Row | None:
        """The kept address of a contribution, if any."""
        with self.connect() as db:
            return db.execute("SELECT * FROM addresses WHERE contribution = ?", (contribution,)).fetchone()

    def addresses(self) -> list[sqlite3.Row]:
        """Every kept address."""
        with self.connect() as db:
            return db.execute("SELECT * FROM addresses ORDER BY created").fetchall()

    def confirm_address(self, contribution: str, expires: float) -> bool:
        """Mark an address confirmed (kept until `expires`); False when it is gone."""
        with self.connect() as db:
            return db.execute("UPDATE addresses SET confirmed_at = COALESCE(confirmed_at, ?), expires = ? "
                              "WHERE contribution = ?", (time.time(), expires, contribution)).rowcount == 1

    def forget_address(self, contribution: str) -> bool:
        """Delete one kept address (unsubscribe); False when there was none."""
        with self.connect() as db:
            return db.execute("DELETE FROM addresses WHERE contribution = ?", (contribution,)).rowcount == 1

    def forget_hash(self, email_hash: str) -> int:
        """Delete every kept address with this hash (a deletion request)."""
        with self.connect() as db:
            return db.execute("DELETE FROM addresses WHERE email_hash = ?", (email_hash,)).rowcount

    def purge_addresses(self, now: float | None = None) -> int:
        """Delete the addresses whose time is over; how many."""
        with self.connect() as db:
            return db.execute("DELETE FROM addresses WHERE expires <= ?",
                              (time.time() if now is None else now,)).rowcount

    def confirmed_hashes(self) -> set[str]:
        """Hashes of the addresses their owners confirmed."""
        with self.connect() as db:
            return {r[0] for r in db.execute("SELECT email_hash FROM addresses WHERE confirmed_at IS NOT NULL")}

    def noticed(self, contribution: str, event: str) -> bool:
        """Record a notice; False when it had been recorded already."""
        with self.connect() as db:
            return db.execute("INSERT OR IGNORE INTO notices (contribution, event, sent) VALUES (?, ?, ?)",
                              (contribution, event, time.time())).rowcount == 1

    # --- the operator's state -------------------------------------------------------

    def set_state(self, name: str, value: str) -> None:
        """Record one fact for the operator ("" deletes it)."""
        with self.connect() as db:
            if value:
                db.execute("INSERT OR REPLACE INTO state (name, value, at) VALUES (?, ?, ?)", (name, value, time.time()))
            else:
                db.execute("DELETE FROM state WHERE name = ?", (name,))

    def state(self, name: str) -> tuple[str, float] | None:
        """One recorded fact and when it was recorded, or None."""
        with self.connect() as db:
            row = db.execute("SELECT value, at FROM state WHERE name = ?", (name,)).fetchone()
        return (row[0], row[1]) if row else None
