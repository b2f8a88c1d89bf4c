"""Following the site by e-mail: subscriptions, and the published feeds' new entries turned into deliveries.

A reader gives an address and a scope (one of the published feeds: the whole
site, a category, a tag, an author, an article's contributions...) on the
site's « Recevoir par e-mail » form. The address is kept encrypted (Fernet,
as mail.py does), in the intake's database only, and nothing is sent to it
but one confirmation message until its owner confirms (double opt-in); an
unconfirmed subscription is deleted after INTAKE_CONFIRM_DAYS.

After each publish (the periodic round), :meth:`Follow.scan` reads every
followed feed over HTTP (feedread.py). The first reading of a feed is its
baseline (nothing is sent for what was already there), taken at the latest
when its first confirmation message is sent; afterwards an entry
id never seen in that feed, whose page answers on the site, becomes one
delivery for each confirmed follower of the feed, in the same transaction
as the entry is marked seen. A delivery is unique per (address, entry id,
kind): an address that follows two scopes carrying the same article, a
restart, a second reading or an edit of the article never make a second
one. A later ``updated`` date of a known entry is a correction (the feeds
move it only then): a « correction » delivery for the addresses that
received the entry, and no one else.

Tables (created by :func:`install`): ``follow_subscriptions``,
``follow_feeds`` (what each feed was at its last reading), ``follow_seen``
(entry ids each feed showed), ``follow_entries`` (the newest text of each
entry, what messages are made of) and ``follow_deliveries`` (the durable
queue the sender works through: see sender.py).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import time
from dataclasses import dataclass

from email.errors import HeaderParseError
from email.headerregistry import Address

from cryptography.fernet import Fernet, InvalidToken

from . import feedread, tokens
from .config import IntakeConfig
from .db import Database

log = logging.getLogger("intake")
PREFIX = "[intake] "
DAY = 86400.0
RHYTHMS = ("chaque", "semaine")  # one message per entry, or a digest every INTAKE_DIGEST_DAYS

SCHEMA = """
CREATE TABLE IF NOT EXISTS follow_subscriptions (
    id TEXT PRIMARY KEY,
    email_hash TEXT NOT NULL,
    sealed BLOB NOT NULL,
    scope TEXT NOT NULL,
    scope_title TEXT NOT NULL,
    rhythm TEXT NOT NULL,
    created REAL NOT NULL,
    confirmed_at REAL,
    expires REAL,
    refusals INTEGER NOT NULL DEFAULT 0,
    last_digest REAL,
    UNIQUE (email_hash, scope)
);
CREATE TABLE IF NOT EXISTS follow_feeds (
    scope TEXT PRIMARY KEY, etag TEXT NOT NULL DEFAULT '', modified TEXT NOT NULL DEFAULT '',
    read_at REAL, error TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS follow_seen (scope TEXT NOT NULL, entry TEXT NOT NULL, PRIMARY KEY (scope, entry));
CREATE TABLE IF NOT EXISTS follow_entries (
    id TEXT PRIMARY KEY, url TEXT NOT NULL, title TEXT NOT NULL, updated TEXT NOT NULL, html TEXT NOT NULL,
    first_seen REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS follow_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email_hash TEXT NOT NULL,
    subscription TEXT NOT NULL,
    entry TEXT NOT NULL,
    kind TEXT NOT NULL,
    entries TEXT NOT NULL DEFAULT '[]',
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at REAL NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL,
    sent_at REAL,
    UNIQUE (email_hash, entry, kind)
);
CREATE INDEX IF NOT EXISTS follow_due ON follow_deliveries (state, next_at);
CREATE INDEX IF NOT EXISTS follow_sent ON follow_deliveries (sent_at);
CREATE INDEX IF NOT EXISTS follow_by_scope ON follow_subscriptions (scope, confirmed_at);
"""


def install(db: Database) -> None:
    """Create the tables (idempotent)."""
    with db.connect() as conn:
        for statement in SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)


def later(one: str, other: str) -> bool:
    """Whether the RFC 3339 date `one` is after `other` (offsets compared as instants, e.g. across a DST change)."""
    try:
        return dt.datetime.fromisoformat(one.replace("Z", "+00:00")) > dt.datetime.fromisoformat(
            other.replace("Z", "+00:00"))
    except ValueError:
        return one > other


def read_address(value: str) -> str | None:
    """The address a reader typed, checked as an RFC 5322 addr-spec on one line (None when it is not one)."""
    value = (value or "").strip()
    if not value or len(value) > 254 or any(c.isspace() or ord(c) < 32 or c in '<>,;"()\\' for c in value):
        return None
    try:
        parsed = Address(addr_spec=value)
    except (ValueError, IndexError, HeaderParseError):
        return None
    if parsed.addr_spec != value or not parsed.username or "." not in parsed.domain:
        return None
    return value


@dataclass(frozen=True)
class Subscribed:
    """What a subscription request became: ``created`` (a confirmation is queued), ``again`` (an unconfirmed
    one asked more than a day ago: a new confirmation is queued), ``waiting`` (asked within the day: nothing
    sent again), ``already`` (confirmed already: nothing sent)."""

    ident: str
    outcome: str


class Follow:
    """Subscriptions and the feeds they follow."""

    def __init__(self, cfg: IntakeConfig, db: Database):
        self.cfg = cfg
        self.db = db
        self.fernet = Fernet(tokens.fernet_key(cfg.secret))
        install(db)

    # --- subscriptions -------------------------------------------------------------

    def subscribe(self, address: str, scope: str, scope_title: str, rhythm: str) -> Subscribed:
        """Keep an (encrypted) address for one scope, unconfirmed, and queue its confirmation message."""
        with self.db.connect() as conn:
            return self._subscribe(conn, address, scope, scope_title, rhythm, False)

    def subscribe_many(self, items: list[tuple[str, str, str, str]], confirmed: bool = False) -> list[Subscribed]:
        """Several (address, scope, title, rhythm) in one transaction; ``confirmed`` only for addresses whose
        owners confirmed elsewhere (a move from another service's double opt-in list; the benchmark)."""
        with self.db.connect() as conn:
            return [self._subscribe(conn, *item, confirmed) for item in items]

    def _subscribe(self, conn, address: str, scope: str, scope_title: str, rhythm: str,
                   confirmed: bool) -> Subscribed:
        email_hash = tokens.email_hash(self.cfg.secret, address)
        now = time.time()
        row = conn.execute("SELECT id, confirmed_at FROM follow_subscriptions WHERE email_hash = ? AND scope = ?",
                           (email_hash, scope)).fetchone()
        if row is not None and row["confirmed_at"] is not None:
            return Subscribed(row["id"], "already")
        if row is not None:
            ident, outcome = row["id"], "again"
            asked = conn.execute("SELECT expires FROM follow_subscriptions WHERE id = ?", (ident,)).fetchone()[0]
            if asked - self.cfg.confirm_days * DAY > now - DAY:
                # Asked again within a day: no second message (nobody can fill someone's inbox by repeating it).
                return Subscribed(ident, "waiting")
            conn.execute("UPDATE follow_subscriptions SET rhythm = ?, expires = ? WHERE id = ?",
                         (rhythm, now + self.cfg.confirm_days * DAY, ident))
        else:
            ident, outcome = secrets.token_hex(12), "created"
            sealed = self.fernet.encrypt(address.strip().encode("utf-8"))
            conn.execute("INSERT INTO follow_subscriptions (id, email_hash, sealed, scope, scope_title, rhythm, "
                         "created, expires) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         (ident, email_hash, sealed, scope, scope_title, rhythm, now,
                          now + self.cfg.confirm_days * DAY))
        if confirmed:
            conn.execute("UPDATE follow_subscriptions SET confirmed_at = ?, expires = NULL WHERE id = ?", (now, ident))
        else:
            Database._enqueue(conn, "follow_confirm", ident, {}, now)
        return Subscribed(ident, outcome)

    def confirm(self, ident: str) -> bool:
        """The owner clicked the confirmation: kept until they leave (False when it is gone)."""
        with self.db.connect() as conn:
            return conn.execute("UPDATE follow_subscriptions SET confirmed_at = COALESCE(confirmed_at, ?), "
                                "expires = NULL WHERE id = ?", (time.time(), ident)).rowcount == 1

    def subscription(self, ident: str):
        """One subscription row (None when gone)."""
        with self.db.connect() as conn:
            return conn.execute("SELECT * FROM follow_subscriptions WHERE id = ?", (ident,)).fetchone()

    def opened(self, row) -> str | None:
        """The address of a subscription row, decrypted (None when unreadable)."""
        try:
            return self.fernet.decrypt(bytes(row["sealed"])).decode("utf-8")
        except InvalidToken:
            return None

    def forget(self, ident: str) -> int:
        """Delete the address of this subscription: every subscription and every pending message of it."""
        with self.db.connect() as conn:
            row = conn.execute("SELECT email_hash FROM follow_subscriptions WHERE id = ?", (ident,)).fetchone()
            if row is None:
                return 0
            return self._forget_hash(conn, row["email_hash"])

    @staticmethod
    def _forget_hash(conn, email_hash: str) -> int:
        conn.execute("DELETE FROM follow_deliveries WHERE email_hash = ?", (email_hash,))
        return conn.execute("DELETE FROM follow_subscriptions WHERE email_hash = ?", (email_hash,)).rowcount

    def purge(self, now: float | None = None) -> int:
        """Delete the subscriptions not confirmed in time; how many."""
        with self.db.connect() as conn:
            return conn.execute("DELETE FROM follow_subscriptions WHERE confirmed_at IS NULL AND expires <= ?",
                                (time.time() if now is None else now,)).rowcount

    def link(self, purpose: str, ident: str, path: str) -> str:
        """A signed link on the intake about one subscription (confirm, leave)."""
        return self.cfg.url(f"{path}?i={ident}&s={tokens.sign(self.cfg.secret, 'follow-' + purpose, ident)}")

    def signed(self, purpose: str, ident: str, signature: str) -> bool:
        """Whether a link's signature is this subscription's, for this purpose."""
        return bool(ident) and tokens.valid(self.cfg.secret, "follow-" + purpose, ident, signature)

    # --- reading the published feeds ---------------------------------------------------

    def scopes(self) -> list[str]:
        """The feeds someone follows or asked to follow (read so that their baseline exists at confirmation)."""
        with self.db.connect() as conn:
            return [r[0] for r in conn.execute("SELECT DISTINCT scope FROM follow_subscriptions ORDER BY scope")]

    def scan(self) -> int:
        """Read every followed feed over HTTP and queue its new entries and corrections; how many deliveries."""
        queued = 0
        for scope in self.scopes():
            try:
                queued += self.scan_feed(scope)
            except feedread.FeedError as exc:
                log.warning(PREFIX + "feed %s not read (nothing sent from it this round): %s", scope, exc)
                with self.db.connect() as conn:
                    conn.execute("INSERT INTO follow_feeds (scope, error) VALUES (?, ?) ON CONFLICT (scope) "
                                 "DO UPDATE SET error = excluded.error", (scope, str(exc)[:500]))
        return queued

    def baseline(self, scope: str) -> None:
        """Read a feed once if it never was (FeedError when it cannot be read)."""
        with self.db.connect() as conn:
            state = conn.execute("SELECT read_at FROM follow_feeds WHERE scope = ?", (scope,)).fetchone()
        if state is None or state["read_at"] is None:
            self.scan_feed(scope)

    def scan_feed(self, scope: str) -> int:
        """Read one feed; queue a delivery per new live entry and confirmed follower, and corrections."""
        with self.db.connect() as conn:
            state = conn.execute("SELECT * FROM follow_feeds WHERE scope = ?", (scope,)).fetchone()
        baseline = state is None or state["read_at"] is None
        feed = feedread.read_feed(self.cfg, feedread.site_address(self.cfg, scope),
                                  "" if baseline else state["etag"], "" if baseline else state["modified"])
        if feed is None:
            return 0
        with self.db.connect() as conn:
            seen = {r[0] for r in conn.execute("SELECT entry FROM follow_seen WHERE scope = ?", (scope,))}
            known = {r["id"]: r for r in conn.execute(
                "SELECT id, updated, html FROM follow_entries WHERE id IN (%s)" % ",".join("?" * len(feed.entries)),
                [e.id for e in feed.entries])} if feed.entries else {}
        # The page of a new entry must answer before anyone is told about it (checked outside the transaction).
        fresh = [e for e in feed.entries if e.id not in seen]
        live = {e.id for e in fresh if baseline or feedread.is_live(self.cfg, e.url)}
        queued, now = 0, time.time()
        with self.db.connect() as conn:
            followers = [] if baseline else conn.execute(
                "SELECT id, email_hash, rhythm FROM follow_subscriptions WHERE scope = ? AND confirmed_at IS NOT NULL",
                (scope,)).fetchall()
            for entry in feed.entries:
                before = known.get(entry.id)
                if before is None:
                    conn.execute("INSERT OR IGNORE INTO follow_entries (id, url, title, updated, html, first_seen) "
                                 "VALUES (?, ?, ?, ?, ?, ?)", (entry.id, entry.url, entry.title, entry.updated,
                                                               entry.html, now))
                elif later(entry.updated, before["updated"]):
                    # A correction (re-read under the lock: another feed carrying it may have queued it already).
                    moved = conn.execute("UPDATE follow_entries SET url = ?, title = ?, updated = ?, html = ? "
                                         "WHERE id = ? AND updated = ?", (entry.url, entry.title, entry.updated,
                                                                          entry.html, entry.id,
                                                                          before["updated"])).rowcount
                    if moved and not baseline:
                        queued += conn.execute(
                            "INSERT OR IGNORE INTO follow_deliveries (email_hash, subscription, entry, kind, state, "
                            "next_at, created) SELECT email_hash, subscription, entry, ?, 'waiting', ?, ? "
                            "FROM follow_deliveries WHERE entry = ? AND kind = 'entry' AND state = 'sent'",
                            ("correction:" + entry.updated, now, now, entry.id)).rowcount
                elif entry.html != before["html"]:
                    # An edit without a correction: later messages carry the newest text; nobody is told again.
                    conn.execute("UPDATE follow_entries SET url = ?, title = ?, html = ? WHERE id = ? AND updated = ?",
                                 (entry.url, entry.title, entry.html, entry.id, entry.updated))
                if entry.id in seen or entry.id not in live:
                    continue
                conn.execute("INSERT OR IGNORE INTO follow_seen (scope, entry) VALUES (?, ?)", (scope, entry.id))
                for follower in followers:
                    queued += conn.execute(
                        "INSERT OR IGNORE INTO follow_deliveries (email_hash, subscription, entry, kind, state, "
                        "next_at, created) VALUES (?, ?, ?, 'entry', ?, ?, ?)",
                        (follower["email_hash"], follower["id"], entry.id,
                         "held" if follower["rhythm"] == "semaine" else "waiting", now, now)).rowcount
            conn.execute("INSERT INTO follow_feeds (scope, etag, modified, read_at, error) VALUES (?, ?, ?, ?, '') "
                         "ON CONFLICT (scope) DO UPDATE SET etag = excluded.etag, modified = excluded.modified, "
                         "read_at = excluded.read_at, error = ''",
                         (scope, feed.etag if len(live) == len(fresh) else "",
                          feed.modified if len(live) == len(fresh) else "", now))
        if queued:
            log.info(PREFIX + "feed %s: %d message(s) queued for followers", scope, queued)
        return queued

    def bundle_digests(self, now: float | None = None) -> int:
        """Gather the held entries of each weekly follower whose digest is due into one delivery; how many."""
        now = time.time() if now is None else now
        made = 0
        period = self.cfg.digest_days * DAY
        with self.db.connect() as conn:
            rows = conn.execute(
                "SELECT d.id, d.email_hash, d.entry, d.subscription, s.last_digest, s.confirmed_at "
                "FROM follow_deliveries d JOIN follow_subscriptions s ON s.id = d.subscription "
                "WHERE d.state = 'held' ORDER BY d.id").fetchall()
            by_address: dict[str, list] = {}
            for row in rows:
                if (row["last_digest"] or row["confirmed_at"] or now) + period <= now:
                    by_address.setdefault(row["email_hash"], []).append(row)
            for email_hash, held in by_address.items():
                entries = [r["entry"] for r in held]
                subscription = held[0]["subscription"]
                conn.execute("INSERT INTO follow_deliveries (email_hash, subscription, entry, kind, entries, state, "
                             "next_at, created) VALUES (?, ?, ?, 'digest', ?, 'waiting', ?, ?)",
                             (email_hash, subscription, f"digest:{held[0]['id']}", json.dumps(entries), time.time(),
                              time.time()))
                marks = ",".join("?" * len(held))
                conn.execute(f"UPDATE follow_deliveries SET state = 'bundled' WHERE id IN ({marks})",
                             [r["id"] for r in held])
                conn.execute("UPDATE follow_subscriptions SET last_digest = ? WHERE email_hash = ? "
                             "AND rhythm = 'semaine'", (now, email_hash))
                made += 1
        return made

    # --- the operator's view ------------------------------------------------------------

    def status_lines(self) -> list[str]:
        """What `invoke intake.status` says about followers and their messages."""
        with self.db.connect() as conn:
            subs = conn.execute("SELECT COUNT(*), COUNT(confirmed_at), COUNT(DISTINCT email_hash) "
                                "FROM follow_subscriptions").fetchone()
            states = dict(conn.execute("SELECT state, COUNT(*) FROM follow_deliveries GROUP BY state").fetchall())
            last_hour = conn.execute("SELECT COUNT(*) FROM follow_deliveries WHERE sent_at >= ?",
                                     (time.time() - 3600,)).fetchone()[0]
            errors = conn.execute("SELECT last_error, COUNT(*) FROM follow_deliveries WHERE state = 'waiting' AND "
                                  "last_error != '' GROUP BY last_error ORDER BY 2 DESC LIMIT 5").fetchall()
            feeds = conn.execute("SELECT scope, error FROM follow_feeds WHERE error != ''").fetchall()
        lines = [f"Following by e-mail: {subs[1]} confirmed subscription(s), {subs[0] - subs[1]} waiting for "
                 f"confirmation, {subs[2]} address(es) kept (encrypted)",
                 f"  messages to followers: {states.get('waiting', 0)} queued, "
                 f"{states.get('held', 0)} held for a weekly digest, {states.get('sent', 0)} sent "
                 f"({last_hour} in the last hour; limit {self.cfg.mail_per_hour}), "
                 f"{states.get('refused', 0)} refused by the mail server"]
        lines += [f"  {count} waiting after: {' '.join(error.split())[:300]}" for error, count in errors]
        lines += [f"  feed {scope} not read: {' '.join(error.split())[:300]}" for scope, error in feeds]
        return lines
