"""Spam and abuse, without third parties: honeypot, signed token and fill time, links, block lists, rate limits.

Every check answers None (fine) or a French sentence for the reader; a
refused post creates nothing. An optional third-party check (Akismet, or any
``module:function``) runs last, only when INTAKE_SPAM_CHECK names one.

The token: the site's pages are static, so the form's first POST gets a
confirmation page from the intake (a preview of the contribution as it will
be published) that carries a token signed with the intake's secret, bound to
the article and to the moment it was issued. The second POST ("Envoyer") must
bring it back after INTAKE_MIN_FILL_SECONDS and before INTAKE_TOKEN_MAX_AGE.
No secret is needed at build time, pages stay byte-identical from one build
to the next, and the form works without JavaScript. A token serves one
submission: sent again with the same content it is the same sender (the same
receipt), with other content it is refused (db.py keeps a digest of each).
"""

from __future__ import annotations

import hashlib
import importlib
import ipaddress
import re
import time

from . import tokens
from .config import IntakeConfig
from .db import Database
from .form import Draft, links_in
from .paths import ensure_plugins_importable
from .snapshot import Blocklists, normal

ensure_plugins_importable()
from blogcore import urls  # noqa: E402

TOKEN_PURPOSE = "form"


def issue_token(cfg: IntakeConfig, article: str, now: float | None = None) -> str:
    """The token of a confirmation page for one article."""
    return tokens.issue(cfg.secret, TOKEN_PURPOSE, article, now)


def check_token(cfg: IntakeConfig, token: str, article: str, now: float | None = None) -> str | None:
    """Why a token is refused (French), or None."""
    now = time.time() if now is None else now
    found = tokens.read(cfg.secret, TOKEN_PURPOSE, token)
    if found is None:
        return ("Ce formulaire n'a pas été envoyé depuis notre page de confirmation. Relisez votre contribution "
                "et envoyez-la depuis cette page.")
    value, issued = found
    if value != article:
        return "Cette page de confirmation concerne un autre article : envoyez le formulaire de l'article voulu."
    if now - issued < cfg.min_fill_seconds:
        return ("Envoi trop rapide : prenez le temps de relire votre contribution avant de l'envoyer, puis "
                "cliquez de nouveau sur « Envoyer ».")
    if now - issued > cfg.token_max_age:
        return ("Cette page de confirmation a expiré. Votre texte est conservé ci-dessous : vérifiez-le et "
                "envoyez-le de nouveau.")
    return None


TOKEN_USED = ("Cette page de confirmation a déjà servi à envoyer une autre contribution : une page sert à un seul "
              "envoi. Votre texte est conservé ci-dessous : relisez-le et envoyez-le depuis cette nouvelle page.")


def token_digest(token: str) -> str:
    """What identifies a (valid) token among the submissions: a digest of its signed part, so that a token
    with anything added after its signature is still the same token."""
    return hashlib.sha256(token.partition(".")[0].encode("utf-8")).hexdigest()


def honeypot(draft: Draft) -> str | None:
    """A field hidden from people, filled in: a robot."""
    if draft.honeypot:
        return "Votre envoi a été refusé : le champ caché « Laissez ce champ vide » était rempli."
    return None


def too_many_links(cfg: IntakeConfig, draft: Draft) -> str | None:
    """More links than the setting allows."""
    found = links_in(draft)
    if len(found) > cfg.max_links:
        allowed = "aucun lien" if cfg.max_links == 0 else f"au plus {cfg.max_links} lien{'s' * (cfg.max_links > 1)}"
        return f"Votre texte contient {len(found)} liens : {allowed} par contribution, s'il vous plaît."
    return None


def _host_blocked(host: str, domains: tuple[str, ...]) -> str | None:
    host = (host or "").lower().rstrip(".")
    return next((d for d in domains if host == d or host.endswith("." + d)), None)


def blocked(lists: Blocklists, draft: Draft) -> str | None:
    """A word, a domain or an author name of the block lists (intake/blocklists/)."""
    if normal(draft.author) in lists.authors:
        return "Ce nom d'auteur n'est pas accepté sur ce site."
    # Each address read as a browser would; one it cannot read is no link (and no host to block).
    hosts = [urls.host_of(u if "://" in u else "http://" + u) or "" for u in links_in(draft)]
    if draft.website:
        hosts.append(urls.host_of(draft.website) or "")
    if draft.email:
        hosts.append(draft.email.rsplit("@", 1)[-1])
    for host in hosts:
        if _host_blocked(host, lists.domains):
            return f"Les liens et adresses vers « {host} » ne sont pas acceptés sur ce site."
    text = normal(" ".join((draft.author, draft.body)))
    for word in lists.words:
        if re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text):
            return "Votre texte contient une expression refusée par notre politique de modération."
    return None


def network_of(address: str) -> str:
    """The network an address is counted in: IPv4 /24, IPv6 /48 (the address itself is never kept)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "inconnue"
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def client_address(cfg: IntakeConfig, environ: dict) -> str:
    """The reader's address: the peer, or the one the trusted proxies saw (INTAKE_PROXY_HOPS)."""
    if cfg.proxy_hops:
        chain = [part.strip() for part in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(chain) >= cfg.proxy_hops:
            return chain[-cfg.proxy_hops]
    return environ.get("REMOTE_ADDR", "")


def rate_limited(cfg: IntakeConfig, db: Database, network: str, now: float | None = None) -> int | None:
    """Seconds to wait when this network sent its share already, else None."""
    now = time.time() if now is None else now
    if db.hits_since(network, now - cfg.rate_seconds) >= cfg.rate_count:
        return cfg.rate_seconds
    return None


def third_party(cfg: IntakeConfig, submission: dict) -> str | None:
    """The optional outside check (INTAKE_SPAM_CHECK); off by default."""
    if not cfg.spam_check:
        return None
    if cfg.spam_check == "akismet":
        from . import akismet
        return akismet.check(cfg, submission)
    module, _, name = cfg.spam_check.partition(":")
    return getattr(importlib.import_module(module), name)(submission)
