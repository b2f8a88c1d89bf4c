"""Webmentions (W3C Recommendation): accept source/target, verify in the background, read microformats2.

The endpoint only checks the request (two http(s) addresses, the target an
article of the site) and answers 202; a job then fetches the source with
limits (INTAKE_WEBMENTION_TIMEOUT, _MAX_BYTES, _MAX_REDIRECTS), refusing
loopback, private, link-local and other non-public addresses at every hop
(the address checked is the address connected to, so a DNS answer cannot
change in between), checks that the page links to the target, and reads
its author and text with mf2py (h-entry, h-card) when it has them. A
verified mention becomes a pending contribution of kind ``mention``, like a
form submission.
"""

from __future__ import annotations

import datetime as dt
import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup

from .config import IntakeConfig

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
    """An address compared with another: no fragment, lower-case scheme and host, '/' for an empty path."""
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def target_article(site_url: str, articles: dict, target: str) -> str | None:
    """The article slug a target address names, or None (articles: slug → object with .url)."""
    wanted = normal_url(target)
    for slug, article in articles.items():
        if normal_url(article.url) == wanted:
            return slug
    return None


def _check_address(cfg: IntakeConfig, host: str, port: int) -> str:
    """A public address of `host` to connect to (VerifyError when it has none)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise VerifyError(f"{host}: no such host ({exc})") from None
    for info in infos:
        address = info[4][0]
        ip = ipaddress.ip_address(address.split("%")[0])
        if ip.version == 6 and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        if cfg.allow_private_addresses or ip.is_global:
            return address
    raise VerifyError(f"{host} resolves to a private, loopback or reserved address: refused")


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def fetch(cfg: IntakeConfig, url: str) -> tuple[str, str, bytes]:
    """GET a source with the limits; (final address, content type, body)."""
    deadline = time.monotonic() + cfg.webmention_timeout * 2
    for _hop in range(cfg.webmention_max_redirects + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise VerifyError(f"{url}: not an http(s) address")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = _check_address(cfg, parts.hostname, port)
        kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
        connection = kind(parts.hostname, port, address, cfg.webmention_timeout)
        try:
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "text/html, */*;q=0.5"})
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
                url = urljoin(url, response.getheader("Location"))
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
                if time.monotonic() > deadline:
                    raise VerifyError(f"{url}: too slow (INTAKE_WEBMENTION_TIMEOUT)")
                chunk = response.read(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > cfg.webmention_max_bytes:
                    raise VerifyError(f"{url}: more than INTAKE_WEBMENTION_MAX_BYTES")
                chunks.append(chunk)
            return url, (response.getheader("Content-Type") or "").split(";")[0].strip().lower(), b"".join(chunks)
        except (OSError, http.client.HTTPException) as exc:
            raise VerifyError(f"{url}: {exc.__class__.__name__}: {exc}") from None
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
            if value and normal_url(urljoin(base, value)) == wanted:
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
        host = urlsplit(final).hostname or ""
        return Mention(source, target, host, "", f"Cet article est cité sur {host}.", None)
    else:
        raise VerifyError(f"{source}: cannot read a {content_type or 'typeless'} document")
    import mf2py

    parsed = mf2py.parse(doc=text, url=final)
    entries = [item for item in parsed.get("items", []) if "h-entry" in item.get("type", [])]
    entry = next((e for e in entries if target in str(e)), entries[0] if entries else None)
    host = urlsplit(final).hostname or ""
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
    if not author_url.startswith(("http://", "https://")):
        author_url = ""
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
