"""Tell a WebSub hub which feeds changed since the last publish.

Feeds are byte-reproducible, so a feed whose bytes did not change has no new
content: ``ping_changed`` hashes every feed file of the build, compares with
the hashes saved at the last publish (a JSON state file), and sends the hub
one publish notification per changed feed::

    POST <hub>   Content-Type: application/x-www-form-urlencoded
    hub.mode=publish&hub.url=<absolute feed URL>

(the form used by the WebSub hubs that accept publisher pings, inherited from
PubSubHubbub 0.4). One request per feed, rather than several ``hub.url`` in
one, because not every hub accepts the repeated parameter, and because the
answer then says exactly which feed was accepted: only those are recorded in
the state file, so a feed the hub refused is notified again next time.
"""

from __future__ import annotations

import hashlib
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from blogcore.errors import SiteError

FEED_SUFFIXES = (".atom.xml", ".rss.xml", ".json")
STATE_VERSION = 1


def feed_files(output_dir: Path, feeds_dir: str = "flux") -> list[Path]:
    """Every feed file of a build, sorted (the OPML list is not a feed)."""
    root = Path(output_dir) / feeds_dir
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name.endswith(FEED_SUFFIXES))


def feed_hashes(output_dir: Path, site_url: str, feeds_dir: str = "flux") -> dict[str, str]:
    """{absolute feed URL: sha256 of its bytes} for every feed file."""
    base = site_url.rstrip("/")
    out = {}
    for path in feed_files(output_dir, feeds_dir):
        relative = path.relative_to(output_dir).as_posix()
        out[f"{base}/{relative}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _read_state(state_file: Path, hub_url: str) -> dict[str, str]:
    state_file = Path(state_file)
    if not state_file.is_file():
        return {}
    try:
        data = json.loads(state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SiteError(str(state_file), "(file)", None, f"unreadable WebSub state: {exc}",
                        "delete the file: every feed will be notified once again") from None
    if not isinstance(data, dict) or data.get("hub") != hub_url or not isinstance(data.get("feeds"), dict):
        return {}  # another hub (or an old format): it knows nothing yet
    return {str(k): str(v) for k, v in data["feeds"].items()}


def _write_state(state_file: Path, hub_url: str, feeds: dict[str, str]) -> None:
    state_file = Path(state_file)
    state_file.parent.mkdir(parents=True, exist_ok=True)
    data = {"version": STATE_VERSION, "hub": hub_url, "feeds": dict(sorted(feeds.items()))}
    tmp = state_file.with_name(state_file.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, state_file)


def publish(hub_url: str, feed_url: str, timeout: float = 10) -> int:
    """POST one publish notification; return the HTTP status (2xx) or raise SiteError."""
    body = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": feed_url}).encode("ascii")
    request = urllib.request.Request(hub_url, data=body, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "User-Agent": "marques-communautes-syndication/1",
    })
    fix = ("check SYNDICATION['websub_hub'] and the hub's status, then run invoke feeds.ping again "
           "(feeds not accepted are notified again)")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) only: checked in config)
            status = response.status
    except urllib.error.HTTPError as exc:
        raise SiteError(hub_url, "hub.url", feed_url, f"the WebSub hub answered HTTP {exc.code} {exc.reason}",
                        fix) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SiteError(hub_url, "hub.url", feed_url, f"could not reach the WebSub hub ({reason})", fix) from None
    if not 200 <= status < 300:
        raise SiteError(hub_url, "hub.url", feed_url, f"the WebSub hub answered HTTP {status}", fix)
    return status


def ping_changed(output_dir: Path, site_url: str, hub_url: str, state_file: Path, timeout: float = 10,
                 feeds_dir: str = "flux") -> list[str]:
    """Notify `hub_url` of every feed of `output_dir` that changed since the last call.

    Returns the URLs of the feeds notified. The state file records, for each
    feed the hub accepted, the hash of the bytes it was told about; on a hub
    error the accepted ones are saved, then SiteError names the hub and status.
    """
    if not hub_url or not str(hub_url).startswith(("http://", "https://")):
        raise SiteError("SYNDICATION", "websub_hub", hub_url, "no WebSub hub address",
                        "set SYNDICATION['websub_hub'] to the hub's https:// address")
    output_dir = Path(output_dir)
    current = feed_hashes(output_dir, site_url, feeds_dir)
    if not current:
        raise SiteError(str(output_dir), feeds_dir, None, "no feed file in the build",
                        "build the production site first (invoke preview), then ping")
    previous = _read_state(state_file, hub_url)
    # Feeds that no longer exist are forgotten; unchanged ones are kept.
    saved = {url: digest for url, digest in previous.items() if url in current}
    pinged: list[str] = []
    try:
        for url, digest in current.items():
            if previous.get(url) == digest:
                continue
            publish(hub_url, url, timeout)
            saved[url] = digest
            pinged.append(url)
    finally:
        _write_state(state_file, hub_url, saved)
    return pinged


def hub_from_settings(settings: dict) -> str | None:
    """The hub address of a Pelican settings dict (None when unset)."""
    from .config import from_settings

    return from_settings(settings).websub_hub
