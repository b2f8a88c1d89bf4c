"""The intake's settings, read once from environment variables into a typed, validated config.

Every variable starts with ``INTAKE_``; an unknown one (a typo) is refused,
and a bad value fails at start with a message naming the variable, the value
and the fix. ``VARIABLES`` documents each (the README's "Running the intake"
lists them too).
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .paths import ensure_plugins_importable

ensure_plugins_importable()
from blogcore.errors import SiteError  # noqa: E402

PREFIX = "INTAKE_"

# name: (default or None when required, meaning)
VARIABLES: dict[str, tuple[str | None, str]] = {
    "SITE_URL": (None, "the site's public address, e.g. https://blog.example.org (thank-you page, webmention targets)"),
    "PUBLIC_URL": (None, "the intake's own public address, ending with '/', e.g. https://contribuer.example.org/ "
                         "(the site's COMMUNITY['intake_url'], links in e-mails)"),
    "SECRET": (None, "at least 32 random characters (invoke intake.secret prints one): signs form tokens and "
                     "links, keys the e-mail hashes, encrypts the kept addresses; keep it for good"),
    "GIT_REMOTE": (None, "the site's repository: a local path, or an https:// URL (then INTAKE_GIT_TOKEN)"),
    "DATA_DIR": (None, "folder the intake owns: its working clone, its SQLite database (queue, addresses)"),
    "GIT_BRANCH": ("main", "the branch that publishes: new branches start from it"),
    "GIT_TOKEN": ("", "token for an https remote (sent as HTTP Basic auth, never written to disk)"),
    "GIT_AUTHOR": ("Formulaire de contribution <intake@localhost>", "author of the intake's commits, 'Name <address>'"),
    "DIGEST": ("0", "1: one branch per day (contributions/<YYYY-MM-DD>) instead of one per submission"),
    "GITHUB_REPO": ("", "owner/name: open a pull request for each branch through GitHub's REST API"),
    "GITHUB_TOKEN": ("", "token for the pull requests (default: INTAKE_GIT_TOKEN)"),
    "GITHUB_API": ("https://api.github.com", "GitHub's API address (GitHub Enterprise, or a test stand-in)"),
    "MIN_FILL_SECONDS": ("3", "a form sent back sooner than this after its confirmation page is refused"),
    "TOKEN_MAX_AGE": ("7200", "seconds a confirmation page stays valid"),
    "MAX_LINKS": ("2", "at most this many links in a contribution's text"),
    "RATE_LIMIT": ("10/3600", "COUNT/SECONDS: submissions accepted per network (IPv4 /24, IPv6 /48) in that time"),
    "PROXY_HOPS": ("0", "reverse proxies in front of the intake whose X-Forwarded-For is trusted (0: none)"),
    "SMTP_HOST": ("", "mail server for confirmations and notices (empty: no e-mail, addresses are not kept)"),
    "SMTP_PORT": ("587", "its port"),
    "SMTP_SECURITY": ("starttls", "none, starttls or tls"),
    "SMTP_USER": ("", "login, if the server needs one"),
    "SMTP_PASSWORD": ("", "password, if the server needs one"),
    "MAIL_FROM": ("", "sender of the intake's e-mails, e.g. 'Marques & communautés <contribuer@example.org>'"),
    "CONFIRM_DAYS": ("7", "an address not confirmed within this many days is deleted"),
    "EMAIL_RETENTION_DAYS": ("180", "a confirmed address is deleted this many days after its contribution"),
    "RETRY_SECONDS": ("30", "first wait before a failed push, pull request or e-mail is tried again (doubles)"),
    "RETRY_MAX_SECONDS": ("3600", "longest wait between two tries"),
    "POLL_SECONDS": ("300", "how often the intake reads the published branch (notices, block lists, articles)"),
    "SPAM_CHECK": ("", "optional third-party check: 'akismet', or 'module:function' (off when empty)"),
    "AKISMET_KEY": ("", "Akismet API key (with INTAKE_SPAM_CHECK=akismet)"),
    "AKISMET_URL": ("https://rest.akismet.com/1.1/", "Akismet's API address"),
    "TRUSTED_AFTER": ("0", "auto-approve (in a pull request, never merged) authors whose confirmed address has "
                           "this many approved contributions; 0: off"),
    "WEBMENTION_TIMEOUT": ("5", "seconds to fetch a webmention's source, all included (name lookup, connection, "
                                "headers, body, redirects): a slower source is refused"),
    "WEBMENTION_WORKERS": ("3", "webmention sources fetched at once (each on its own thread, apart from e-mails "
                                "and git): a slow source holds one of them, never the others"),
    "WEBMENTION_MAX_BYTES": ("1000000", "largest source page read"),
    "WEBMENTION_MAX_REDIRECTS": ("3", "redirects followed when fetching a source"),
    # Following the site by e-mail (intake/follow.py): the published feeds, delivered to confirmed readers.
    "FOLLOW_CATALOGUE": ("flux/abonnements.opml", "the published list of feeds (OPML), relative to INTAKE_SITE_URL: "
                                                  "the scopes readers may follow by e-mail, read over HTTP"),
    "FEED_TIMEOUT": ("10", "seconds to read one published feed, or to check that an article's page is live"),
    "FEED_MAX_BYTES": ("5000000", "largest published feed read"),
    "MAIL_PER_HOUR": ("1000", "at most this many messages to followers in any hour (the sender's reputation; "
                              "set it to what your mail provider allows)"),
    "MAIL_MAX_REFUSALS": ("3", "an address the mail server refuses this many times in a row is deleted "
                               "(its subscriptions end)"),
    "DIGEST_DAYS": ("7", "days between two digests, for followers who chose « une fois par semaine »"),
    "ALLOW_PRIVATE_ADDRESSES": ("0", "TESTS ONLY: 1 lets webmention sources be on loopback or private addresses"),
}


class ConfigError(SiteError):
    """A bad or unknown INTAKE_* variable."""


def _fail(name: str, value, message: str, fix: str) -> None:
    raise ConfigError("environment", PREFIX + name, value, message, fix)


@dataclass(frozen=True)
class IntakeConfig:
    """Validated intake settings (see VARIABLES for each, and its default); made by from_env()."""

    site_url: str
    public_url: str
    secret: bytes
    git_remote: str
    data_dir: Path
    git_branch: str
    git_token: str
    git_author_name: str
    git_author_email: str
    digest: bool
    github_repo: str
    github_token: str
    github_api: str
    min_fill_seconds: float
    token_max_age: int
    max_links: int
    rate_count: int
    rate_seconds: int
    proxy_hops: int
    smtp_host: str
    smtp_port: int
    smtp_security: str
    smtp_user: str
    smtp_password: str
    mail_from: str
    confirm_days: int
    email_retention_days: int
    retry_seconds: float
    retry_max_seconds: float
    poll_seconds: float
    spam_check: str
    akismet_key: str
    akismet_url: str
    trusted_after: int
    webmention_timeout: float
    webmention_workers: int
    webmention_max_bytes: int
    webmention_max_redirects: int
    follow_catalogue: str
    feed_timeout: float
    feed_max_bytes: int
    mail_per_hour: int
    mail_max_refusals: int
    digest_days: float
    allow_private_addresses: bool

    @property
    def mail_enabled(self) -> bool:
        """Whether the intake can send e-mail (else it keeps no address)."""
        return bool(self.smtp_host and self.mail_from)

    @property
    def database(self) -> Path:
        """The SQLite file: queue, submissions, addresses, rate counts."""
        return self.data_dir / "intake.sqlite3"

    @property
    def clone(self) -> Path:
        """The intake's working clone of the site's repository."""
        return self.data_dir / "repository"

    def url(self, path: str) -> str:
        """An absolute address on the intake."""
        return self.public_url + path.lstrip("/")


def from_env(environ: dict | None = None) -> IntakeConfig:
    """Read and check every INTAKE_* variable (ConfigError names the variable, value and fix)."""
    env = dict(os.environ if environ is None else environ)
    for key in sorted(env):
        if key.startswith(PREFIX) and key[len(PREFIX):] not in VARIABLES:
            close = difflib.get_close_matches(key[len(PREFIX):], list(VARIABLES), n=1)
            _fail(key[len(PREFIX):], env[key], "unknown variable",
                  f"did you mean {PREFIX}{close[0]}?" if close else
                  "see intake/config.py (VARIABLES) for the variables the intake reads")
    raw = {}
    for name, (default, meaning) in VARIABLES.items():
        value = env.get(PREFIX + name, "")
        value = value.strip() if name not in ("SECRET", "SMTP_PASSWORD", "GIT_TOKEN", "GITHUB_TOKEN") else value
        if value == "":
            if default is None:
                _fail(name, None, "this variable is required", f"set it to {meaning}")
            value = default
        raw[name] = value
    values: dict = {}
    values["site_url"] = _url(raw, "SITE_URL").rstrip("/")
    public = _url(raw, "PUBLIC_URL")
    if not public.endswith("/"):
        _fail("PUBLIC_URL", public, "must end with '/'", f"write {public}/")
    values["public_url"] = public
    secret = raw["SECRET"]
    if len(secret) < 32:
        _fail("SECRET", "(hidden)", f"too short ({len(secret)} characters)",
              "use at least 32 random characters: invoke intake.secret prints one")
    values["secret"] = secret.encode("utf-8")
    values["git_remote"] = raw["GIT_REMOTE"]
    if "://" in raw["GIT_REMOTE"]:
        parts = urlsplit(raw["GIT_REMOTE"])
        if parts.username or parts.password:
            _fail("GIT_REMOTE", raw["GIT_REMOTE"].replace(parts.password or "\0", "***"),
                  "the address holds credentials, which git would write into the clone's config",
                  "remove them from the address and put the token in INTAKE_GIT_TOKEN")
    values["data_dir"] = Path(raw["DATA_DIR"]).expanduser().resolve()
    values["git_branch"] = raw["GIT_BRANCH"]
    if not re.fullmatch(r"[A-Za-z0-9._/-]+", raw["GIT_BRANCH"]):
        _fail("GIT_BRANCH", raw["GIT_BRANCH"], "not a branch name", "write e.g. main")
    values["git_token"] = raw["GIT_TOKEN"]
    match = re.fullmatch(r"\s*([^<>]+?)\s*<([^<>\s]+@[^<>\s]+)>\s*", raw["GIT_AUTHOR"])
    if not match:
        _fail("GIT_AUTHOR", raw["GIT_AUTHOR"], "not 'Name <address>'", "write e.g. 'Formulaire <intake@example.org>'")
    values["git_author_name"], values["git_author_email"] = match.groups()
    values["digest"] = _bool(raw, "DIGEST")
    repo = raw["GITHUB_REPO"]
    if repo and not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", repo):
        _fail("GITHUB_REPO", repo, "not owner/name", "write e.g. marques-communautes/site")
    values["github_repo"] = repo
    values["github_token"] = raw["GITHUB_TOKEN"] or raw["GIT_TOKEN"]
    if repo and not values["github_token"]:
        _fail("GITHUB_TOKEN", None, "pull requests need a token", "set INTAKE_GITHUB_TOKEN (or INTAKE_GIT_TOKEN)")
    values["github_api"] = _url(raw, "GITHUB_API").rstrip("/")
    values["min_fill_seconds"] = _number(raw, "MIN_FILL_SECONDS", float, 0)
    values["token_max_age"] = _number(raw, "TOKEN_MAX_AGE", int, 60)
    if values["token_max_age"] <= values["min_fill_seconds"]:
        _fail("TOKEN_MAX_AGE", raw["TOKEN_MAX_AGE"], "shorter than INTAKE_MIN_FILL_SECONDS",
              "give the reader more time than the minimum, e.g. 7200")
    values["max_links"] = _number(raw, "MAX_LINKS", int, 0)
    match = re.fullmatch(r"(\d+)/(\d+)", raw["RATE_LIMIT"])
    if not match or int(match.group(1)) < 1 or int(match.group(2)) < 1:
        _fail("RATE_LIMIT", raw["RATE_LIMIT"], "not COUNT/SECONDS", "write e.g. 10/3600 (ten an hour per network)")
    values["rate_count"], values["rate_seconds"] = int(match.group(1)), int(match.group(2))
    values["proxy_hops"] = _number(raw, "PROXY_HOPS", int, 0)
    values["smtp_host"] = raw["SMTP_HOST"]
    values["smtp_port"] = _number(raw, "SMTP_PORT", int, 1)
    if raw["SMTP_SECURITY"] not in ("none", "starttls", "tls"):
        _fail("SMTP_SECURITY", raw["SMTP_SECURITY"], "unknown", "write none, starttls or tls")
    values["smtp_security"] = raw["SMTP_SECURITY"]
    values["smtp_user"] = raw["SMTP_USER"]
    values["smtp_password"] = raw["SMTP_PASSWORD"]
    values["mail_from"] = raw["MAIL_FROM"]
    if raw["SMTP_HOST"] and not raw["MAIL_FROM"]:
        _fail("MAIL_FROM", None, "e-mails need a sender", "set it to e.g. 'Marques & communautés <contribuer@example.org>'")
    values["confirm_days"] = _number(raw, "CONFIRM_DAYS", int, 1)
    values["email_retention_days"] = _number(raw, "EMAIL_RETENTION_DAYS", int, 1)
    values["retry_seconds"] = _number(raw, "RETRY_SECONDS", float, 0.01)
    values["retry_max_seconds"] = _number(raw, "RETRY_MAX_SECONDS", float, values["retry_seconds"])
    values["poll_seconds"] = _number(raw, "POLL_SECONDS", float, 0.1)
    check = raw["SPAM_CHECK"]
    if check and check != "akismet" and not re.fullmatch(r"[\w.]+:\w+", check):
        _fail("SPAM_CHECK", check, "neither 'akismet' nor module:function", "write akismet, mymodule:check, or nothing")
    if check == "akismet" and not raw["AKISMET_KEY"]:
        _fail("AKISMET_KEY", None, "INTAKE_SPAM_CHECK=akismet needs a key", "set INTAKE_AKISMET_KEY, or unset INTAKE_SPAM_CHECK")
    values["spam_check"] = check
    values["akismet_key"] = raw["AKISMET_KEY"]
    values["akismet_url"] = _url(raw, "AKISMET_URL")
    values["trusted_after"] = _number(raw, "TRUSTED_AFTER", int, 0)
    values["webmention_timeout"] = _number(raw, "WEBMENTION_TIMEOUT", float, 0.1)
    values["webmention_workers"] = _number(raw, "WEBMENTION_WORKERS", int, 1)
    values["webmention_max_bytes"] = _number(raw, "WEBMENTION_MAX_BYTES", int, 1024)
    values["webmention_max_redirects"] = _number(raw, "WEBMENTION_MAX_REDIRECTS", int, 0)
    catalogue = raw["FOLLOW_CATALOGUE"].strip("/")
    if not re.fullmatch(r"[A-Za-z0-9._/-]+", catalogue) or ".." in catalogue.split("/"):
        _fail("FOLLOW_CATALOGUE", raw["FOLLOW_CATALOGUE"], "not a path on the site", "write e.g. flux/abonnements.opml")
    values["follow_catalogue"] = catalogue
    values["feed_timeout"] = _number(raw, "FEED_TIMEOUT", float, 0.1)
    values["feed_max_bytes"] = _number(raw, "FEED_MAX_BYTES", int, 1024)
    values["mail_per_hour"] = _number(raw, "MAIL_PER_HOUR", int, 1)
    values["mail_max_refusals"] = _number(raw, "MAIL_MAX_REFUSALS", int, 1)
    values["digest_days"] = _number(raw, "DIGEST_DAYS", float, 0.0001)
    values["allow_private_addresses"] = _bool(raw, "ALLOW_PRIVATE_ADDRESSES")
    return IntakeConfig(**values)


def _url(raw: dict, name: str) -> str:
    value = raw[name]
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        _fail(name, value, "not an absolute http(s) address", "write e.g. https://example.org/")
    return value


def _bool(raw: dict, name: str) -> bool:
    value = raw[name].lower()
    if value not in ("0", "1", "true", "false", "yes", "no"):
        _fail(name, raw[name], "not a yes/no value", "write 1 or 0")
    return value in ("1", "true", "yes")


def _number(raw: dict, name: str, kind, minimum):
    try:
        value = kind(raw[name])
    except ValueError:
        _fail(name, raw[name], "not a number", f"write a {'whole ' if kind is int else ''}number >= {minimum}")
    if value < minimum:
        _fail(name, raw[name], f"below {minimum}", f"write a number >= {minimum}")
    return value
