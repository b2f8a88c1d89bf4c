"""Webmentions (W3C Recommendation): accept source/target, verify in the background, read microformats2.

The endpoint checks the request (two addresses read once, as a browser reads
them, by blogcore/urls.py; the target an article of the site) and answers
202; a job then fetches the source with limits: INTAKE_WEBMENTION_TIMEOUT is
a deadline on the whole fetch (name lookup, connection, TLS, headers, body
and redirects together: a source that sends one byte a second is cut off
when it is reached), INTAKE_WEBMENTION_MAX_BYTES and _MAX_REDIRECTS. It
refuses loopback, private, link-local and other non-public addresses at
every hop (the address checked is the address connected to, so a DNS answer
cannot change in between), checks that the page links to the target, and
reads its author and text with mf2py (h-entry, h-card) when it has them. A
verified mention becomes a pending contribution of kind ``mention``, like a
form submission. Every failure of a source is final (VerifyError): the job
is given up with its reason, never retried.
"""

from __future__ import annotations

import datetime as dt
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass

from bs4 import BeautifulSoup

from .config import IntakeConfig
from .paths import ensure_plugins_importable

ensure_plugins_importable()
from blogcore import urls  # noqa: E402

MAX_TEXT = 1000  # characters of the source's text kept in the contribution
USER_AGENT = "intake-webmention/1 (+verification)"


class VerifyError(Exception):
    """The source could not be verified (the message says why, for the queue's status)."""


@dataclass
class Mention:
    """What a verified source says."""

    source: str
    target: str
    author: str
    author_url: str
    text: str
    published: dt.datetime | None


def normal_url(url: str) -> str:
    """An address compared with another: as a browser serialises it, without its fragment ("" when none)."""
    try:
        return urls.web_address(url).without_fragment
    except urls.AddressError:
        return ""


def target_article(site_url: str, articles: dict, target: str) -> str | None:
    """The article slug a target address names, or None (articles: slug → object with .url)."""
    wanted = normal_url(target)
    if not wanted:
        return None
    for slug, article in articles.items():
        if normal_url(article.url) == wanted:
            return slug
    return None


class Deadline:
    """One deadline for a whole fetch: every socket it watches is shut when it passes, wherever the fetch is."""

    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self, what: str) -> float:
        """Seconds left (VerifyError naming `what` when none)."""
        left = self.end - time.monotonic()
        if left <= 0 or self.expired:
            raise VerifyError(f"too slow: the deadline (INTAKE_WEBMENTION_TIMEOUT) passed during {what}")
        return left

    def watch(self, sock: socket.socket) -> None:
        """Shut this socket when the deadline passes (at once if it passed already)."""
        with self._lock:
            self._sockets.append(sock)
            expired = self.expired
        if expired:
            self._shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)  # a recv() blocked in another frame returns at once
        except OSError:
            pass

    def cancel(self) -> None:
        """The fetch is over."""
        self._timer.cancel()


def _lookup(host: str, port: int, deadline: Deadline) -> list:
    """getaddrinfo, abandoned when the deadline passes (the resolver cannot be interrupted)."""
    found: dict = {}

    def resolve() -> None:
        try:
            found["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            found["error"] = exc
    worker = threading.Thread(target=resolve, name="intake-dns", daemon=True)
    worker.start()
    worker.join(deadline.remaining("the name lookup"))
    if worker.is_alive():
        deadline.remaining("the name lookup")  # raises once the deadline passed
        raise VerifyError(f"{host}: too slow: the name lookup outlasted INTAKE_WEBMENTION_TIMEOUT")
    if "error" in found:
        raise VerifyError(f"{host}: no such host ({found['error']})")
    return found["infos"]


def _check_address(cfg: IntakeConfig, host: str, port: int, deadline: Deadline) -> str:
    """A public address of `host` to connect to (VerifyError when it has none)."""
    for info in _lookup(host, port, deadline):
        address = info[4][0]
        if cfg.allow_private_addresses or _public(address):
            return address
    raise VerifyError(f"{host} resolves to a private, loopback or reserved address: refused")


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host, port, address, deadline: Deadline):
        super().__init__(host, port, timeout=deadline.remaining("the connection"))
        self._address = address
        self._deadline = deadline

    def _open(self) -> socket.socket:
        sock = socket.create_connection((self._address, self.port), self._deadline.remaining("the connection"))
        self._deadline.watch(sock)
        return sock

    def connect(self):
        self.sock = self._open()


class _PinnedHTTPS(_PinnedHTTP):
    def connect(self):
        sock = self._open()
        wrapped = ssl.create_default_context().wrap_socket(sock, server_hostname=self.host,
                                                           do_handshake_on_connect=False)
        self._deadline.watch(wrapped)  # the TLS socket owns the descriptor now
        wrapped.settimeout(self._deadline.remaining("the TLS handshake"))
        wrapped.do_handshake()
        self.sock = wrapped


def fetch(cfg: IntakeConfig, url: str) -> tuple[str, str, bytes]:
    """GET a source within one deadline and the limits; (final address, content type, body)."""
    deadline = Deadline(cfg.webmention_timeout)
    try:
        return _fetch(cfg, url, deadline)
    except (OSError, http.client.HTTPException, UnicodeError, ValueError) as exc:
        if deadline.expired:
            raise VerifyError(f"{url}: too slow: the deadline (INTAKE_WEBMENTION_TIMEOUT) passed") from None
        raise VerifyError(f"{url}: {exc.__class__.__name__}: {exc}") from None
    finally:
        deadline.cancel()


def _fetch(cfg: IntakeConfig, url: str, deadline: Deadline) -> tuple[str, str, bytes]:
    for _hop in range(cfg.webmention_max_redirects + 1):
        try:
            address = urls.web_address(url)
        except urls.AddressError as exc:
            raise VerifyError(f"{url[:300]}: {exc}") from None
        if address.host_kind == "domain":
            ip = _check_address(cfg, address.host, address.port, deadline)
        else:  # an address written as such: checked as it is
            ip = address.host
            if not (cfg.allow_private_addresses or _public(ip)):
                raise VerifyError(f"{address.host} is a private, loopback or reserved address: refused")
        kind = _PinnedHTTPS if address.scheme == "https" else _PinnedHTTP
        connection = kind(address.host, address.port, ip, deadline)
        try:
            connection.request("GET", address.target, headers={"User-Agent": USER_AGENT,
                                                               "Accept": "text/html, */*;q=0.5"})
            response = connection.getresponse()
            deadline.remaining("the headers")
            if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
                following = urls.join(address.href, response.getheader("Location"))
                if following is None:
                    raise VerifyError(f"{url}: redirects to an address a browser cannot visit")
                url = following
                continue
            if response.status == 410:
                raise VerifyError(f"{url}: the source is gone (410)")
            if response.status != 200:
                raise VerifyError(f"{url}: answered {response.status}")
            length = response.getheader("Content-Length")
            if length and length.isdigit() and int(length) > cfg.webmention_max_bytes:
                raise VerifyError(f"{url}: {length} bytes, more than INTAKE_WEBMENTION_MAX_BYTES")
            chunks, size = [], 0
            while True:
                chunk = response.read1(65536)
                deadline.remaining("the body")  # a shut socket reads as an end: never take it for one
                if not chunk:
                    break
                size += len(chunk)
                if size > cfg.webmention_max_bytes:
                    raise VerifyError(f"{url}: more than INTAKE_WEBMENTION_MAX_BYTES")
                chunks.append(chunk)
            return address.href, (response.getheader("Content-Type") or "").split(";")[0].strip().lower(), \
                b"".join(chunks)
        finally:
            connection.close()
    raise VerifyError(f"{url}: more than {cfg.webmention_max_redirects} redirects")


_LINKING = {"a": "href", "link": "href", "area": "href", "img": "src", "video": "src", "audio": "src",
            "source": "src", "blockquote": "cite", "q": "cite"}


def links_to(html: str, base: str, target: str) -> bool:
    """Whether an HTML page links to the target (as a link, image, quote...)."""
    wanted = normal_url(target)
    soup = BeautifulSoup(html, "html.parser")
    for tag, attribute in _LINKING.items():
        for node in soup.find_all(tag):
            value = node.get(attribute)
            if value and isinstance(value, str) and normal_url(urls.join(base, value) or "") == wanted:
                return True
    return False


def _first_text(values) -> str:
    for value in values or []:
        if isinstance(value, dict):
            text = value.get("value") or value.get("html") or ""
        else:
            text = str(value)
        if text.strip():
            return " ".join(text.split())
    return ""


def _author(entry: dict) -> tuple[str, str]:
    for author in entry.get("properties", {}).get("author", []):
        if isinstance(author, dict):
            props = author.get("properties", {})
            return _first_text(props.get("name")) or author.get("value", ""), _first_text(props.get("url"))
        return str(author), ""
    return "", ""


def read(cfg: IntakeConfig, source: str, target: str) -> Mention:
    """Fetch and verify a source; what it says about the target (VerifyError when it does not link to it)."""
    final, content_type, body = fetch(cfg, source)
    text = body.decode("utf-8", "replace")
    if content_type in ("text/html", "application/xhtml+xml"):
        if not links_to(text, final, target):
            raise VerifyError(f"{source}: the page does not link to {target}")
    elif content_type in ("text/plain", "application/json"):
        if target not in text:
            raise VerifyError(f"{source}: the document does not contain {target}")
        host = urls.host_of(final) or ""
        return Mention(source, target, host, "", f"Cet article est cité sur {host}.", None)
    else:
        raise VerifyError(f"{source}: cannot read a {content_type or 'typeless'} document")
    import mf2py

    parsed = mf2py.parse(doc=text, url=final)
    entries = [item for item in parsed.get("items", []) if "h-entry" in item.get("type", [])]
    entry = next((e for e in entries if target in str(e)), entries[0] if entries else None)
    host = urls.host_of(final) or ""
    author, author_url, words, published = "", "", "", None
    if entry is not None:
        author, author_url = _author(entry)
        props = entry.get("properties", {})
        words = _first_text(props.get("content")) or _first_text(props.get("summary")) or _first_text(props.get("name"))
        stamp = _first_text(props.get("published"))
        if stamp:
            try:
                published = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
                if published.tzinfo is None:
                    published = None
            except ValueError:
                published = None
    author_url = urls.join(final, author_url) or "" if author_url else ""
    if not words:
        title = BeautifulSoup(text, "html.parser").title
        words = f"Cet article est cité dans « {' '.join(title.get_text().split())} »." if title and title.get_text().strip() \
            else f"Cet article est cité sur {host}."
    if len(words) > MAX_TEXT:
        words = words[:MAX_TEXT].rsplit(" ", 1)[0] + " …"
    return Mention(source, target, author or host, author_url, as_markdown(words), published)


_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!>"} | {"<": "&lt;", "&": "&amp;"})


def as_markdown(text: str) -> str:
    """Someone else's plain text, written so that Markdown shows it as it is (no markup of theirs)."""
    return text.translate(_MARKDOWN_SPECIAL)
