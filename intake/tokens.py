"""Signatures made with the intake's secret: form tokens, links in e-mails and receipts, e-mail hashes.

One secret (INTAKE_SECRET) gives one key per purpose (HMAC of the purpose's
name), so that a signature made for one purpose is worthless for another.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
import unicodedata


def subkey(secret: bytes, purpose: str) -> bytes:
    """The key for one purpose, derived from the secret."""
    return hmac.new(secret, b"intake:" + purpose.encode(), hashlib.sha256).digest()


def sign(secret: bytes, purpose: str, value: str, length: int = 32) -> str:
    """A hex signature of `value` for `purpose` (`length` hex digits)."""
    return hmac.new(subkey(secret, purpose), value.encode("utf-8"), hashlib.sha256).hexdigest()[:length]


def valid(secret: bytes, purpose: str, value: str, signature: str, length: int = 32) -> bool:
    """Whether `signature` is sign(secret, purpose, value)."""
    return hmac.compare_digest(sign(secret, purpose, value, length), (signature or "")[:length].ljust(length, "-"))


def email_hash(secret: bytes, address: str) -> str:
    """The keyed hash stored in git for an e-mail address (case and spacing ignored)."""
    normal = unicodedata.normalize("NFKC", address).strip().casefold()
    return sign(secret, "email-hash", normal, 64)


def fernet_key(secret: bytes) -> bytes:
    """The Fernet key that encrypts the kept addresses."""
    return base64.urlsafe_b64encode(subkey(secret, "email-encryption"))


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode().rstrip("=")


def _unb64(text: str) -> str:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("utf-8")


def issue(secret: bytes, purpose: str, value: str, now: float | None = None) -> str:
    """A token carrying `value` and the moment it was issued, signed for `purpose`."""
    issued = f"{now if now is not None else time.time():.3f}"
    body = _b64(f"{value}\x1f{issued}\x1f{secrets.token_hex(4)}")
    return f"{body}.{sign(secret, purpose, body)}"


def read(secret: bytes, purpose: str, token: str) -> tuple[str, float] | None:
    """The value and issue time of a token signed for `purpose`; None when forged or garbled."""
    body, _, signature = (token or "").partition(".")
    if not body or not valid(secret, purpose, body, signature):
        return None
    try:
        value, issued, _nonce = _unb64(body).split("\x1f")
        return value, float(issued)
    except (ValueError, UnicodeDecodeError):
        return None
