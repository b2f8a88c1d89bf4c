"""Optional third-party spam check: Akismet's comment-check (INTAKE_SPAM_CHECK=akismet).

Off by default. When on, each submission's name, address, text and the
reader's IP address and browser are sent to Akismet: say so in the
Transparence page before turning it on. A failure of the service lets the
submission through (moderators still read everything).
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.parse
import urllib.request

from .config import IntakeConfig

log = logging.getLogger("intake")


def check(cfg: IntakeConfig, submission: dict) -> str | None:
    """A French refusal when Akismet calls the submission spam, else None."""
    data = urllib.parse.urlencode({
        "api_key": cfg.akismet_key, "blog": cfg.site_url, "user_ip": submission.get("ip", ""),
        "user_agent": submission.get("user_agent", ""), "referrer": submission.get("referrer", ""),
        "permalink": submission.get("article_url", ""), "comment_type": "comment",
        "comment_author": submission.get("author", ""), "comment_author_email": submission.get("email", ""),
        "comment_author_url": submission.get("author_url", ""), "comment_content": submission.get("body", ""),
        "blog_lang": "fr", "blog_charset": "UTF-8",
    }).encode()
    request = urllib.request.Request(cfg.akismet_url.rstrip("/") + "/comment-check", data=data,
                                     headers={"User-Agent": "intake/1 | akismet"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            verdict = response.read(100).decode("ascii", "replace").strip()
    except (urllib.error.URLError, OSError) as exc:
        log.warning("[intake] Akismet unreachable, submission let through: %s", exc)
        return None
    if verdict == "true":
        return "Notre filtre anti-spam a refusé cette contribution. Si c'est une erreur, écrivez-nous."
    return None
