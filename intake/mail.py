"""E-mail addresses and messages: kept encrypted, used only after the reader confirmed them.

An address given in the form is never written to git (the file has its keyed
hash only). The intake keeps it encrypted with Fernet (key derived from
INTAKE_SECRET) in its database, and sends one message: "confirm your
address". Only once the reader clicked that link does it send notices (the
contribution was published; it got a reply), each with an unsubscribe link
that deletes the address at once. An unconfirmed address is deleted after
INTAKE_CONFIRM_DAYS, a confirmed one INTAKE_EMAIL_RETENTION_DAYS after its
contribution. Without a mail server (INTAKE_SMTP_HOST) no address is kept.
"""

from __future__ import annotations

import smtplib
import ssl
import time
from email.message import EmailMessage
from email.utils import make_msgid

from cryptography.fernet import Fernet, InvalidToken

from . import tokens
from .config import IntakeConfig
from .db import Database

DAY = 86400.0


def link_signature(cfg: IntakeConfig, purpose: str, contribution: str) -> str:
    """The signature of an e-mail link (confirm, unsubscribe) or of a receipt's deletion link."""
    return tokens.sign(cfg.secret, purpose, contribution, 24)


def link(cfg: IntakeConfig, path: str, purpose: str, contribution: str) -> str:
    """An absolute signed link on the intake about one contribution."""
    return cfg.url(f"{path}?c={contribution}&s={link_signature(cfg, purpose, contribution)}")


def deletion_link(cfg: IntakeConfig, contribution: str) -> str:
    """Where a reader asks for their contribution to be deleted (on every receipt)."""
    return link(cfg, "suppression", "deletion", contribution)



def connect(cfg: IntakeConfig) -> smtplib.SMTP:
    """A session with the brand's mail server, secured and logged in as the settings say."""
    context = ssl.create_default_context()
    if cfg.smtp_security == "tls":
        server = smtplib.SMTP_SSL(cfg.smtp_host, cfg.smtp_port, timeout=30, context=context)
    else:
        server = smtplib.SMTP(cfg.smtp_host, cfg.smtp_port, timeout=30)
    try:
        if cfg.smtp_security == "starttls":
            server.starttls(context=context)
        if cfg.smtp_user:
            server.login(cfg.smtp_user, cfg.smtp_password)
    except BaseException:
        server.close()
        raise
    return server

class Mailer:
    """Keeps addresses sealed, and sends the intake's few messages."""

    def __init__(self, cfg: IntakeConfig, db: Database):
        self.cfg = cfg
        self.db = db
        self.fernet = Fernet(tokens.fernet_key(cfg.secret))

    def keep(self, contribution: str, address: str, email_hash: str) -> None:
        """Keep an address, unconfirmed, until the confirmation delay is over."""
        sealed = self.fernet.encrypt(address.strip().encode("utf-8"))
        self.db.keep_address(contribution, email_hash, sealed, time.time() + self.cfg.confirm_days * DAY)

    def opened(self, contribution: str) -> str | None:
        """The kept address of a contribution, decrypted (None when gone or unreadable)."""
        row = self.db.address(contribution)
        if row is None:
            return None
        try:
            return self.fernet.decrypt(bytes(row["sealed"])).decode("utf-8")
        except InvalidToken:
            return None

    def confirm(self, contribution: str, created: float) -> bool:
        """The reader confirmed: keep the address until the retention period after its contribution."""
        return self.db.confirm_address(contribution, created + self.cfg.email_retention_days * DAY)

    def message(self, contribution: str, template: str, data: dict) -> EmailMessage | None:
        """The e-mail of one template for one contribution (None when its address is gone)."""
        address = self.opened(contribution)
        if address is None:
            return None
        cfg = self.cfg
        name = data.get("author") or "Bonjour"
        title = data.get("title") or data.get("article") or ""
        # « Titre », with the article's commercial mention after it (snapshot.Article.about); a job queued
        # before the mention was added has only the title.
        about = data.get("about") or f"« {title} »"
        receipt = (f"Numéro de reçu : {contribution}\n"
                   f"Demander la suppression de votre contribution : {deletion_link(cfg, contribution)}\n")
        unsubscribe = link(cfg, "courriel/desinscrire", "unsubscribe", contribution)
        if template == "confirm":
            subject = "Confirmez votre adresse pour être prévenu d'une réponse"
            text = (f"{name},\n\nVous avez envoyé une contribution sur {about}. Elle sera publiée après "
                    "relecture par un modérateur.\n\n"
                    "Pour être prévenu quand elle sera publiée ou recevra une réponse, confirmez votre adresse :\n"
                    f"{link(cfg, 'courriel/confirmer', 'confirm', contribution)}\n\n"
                    f"Sans confirmation, votre adresse sera effacée dans {cfg.confirm_days} jours ; nous ne "
                    "vous écrirons plus. Votre adresse n'est jamais publiée.\n\n" + receipt)
        elif template == "published":
            subject = "Votre contribution est publiée"
            text = (f"{name},\n\nVotre contribution sur {about} est publiée :\n{data.get('url', '')}\n\n"
                    + receipt)
        elif template == "reply":
            subject = "Une réponse à votre contribution"
            text = (f"{name},\n\n{data.get('by') or 'Quelqu’un'} a répondu à votre contribution sur {about} :\n"
                    f"{data.get('url', '')}\n\n" + receipt)
        else:
            raise ValueError(f"unknown e-mail template {template!r}")
        text += (f"\nNe plus recevoir de message et effacer votre adresse : {unsubscribe}\n"
                 f"Votre adresse sera effacée au plus tard {cfg.email_retention_days} jours après votre "
                 "contribution.\n")
        message = EmailMessage()
        message["From"] = cfg.mail_from
        message["To"] = address
        message["Subject"] = subject
        message["Message-ID"] = make_msgid(domain="intake.invalid")
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(text)
        return message

    def send(self, message: EmailMessage) -> None:
        """Hand one message to the mail server (an exception when it refuses: the job is retried)."""
        with connect(self.cfg) as server:
            server.send_message(message)
