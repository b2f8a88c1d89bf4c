"""The messages followers receive: one entry, a correction, a weekly digest, or the confirmation request.

Each message has a plain-text part and an HTML part (written by the Jinja
template ``follow_mail.html``, autoescape on). The HTML is the feed entry's
full content, disclosure and type of work included as the feed has them,
cleaned with the project's allow-list (plugins/community/sanitize.py, with
the few structure tags an article has) by nh3. Images are left out (their
description stays): an image loaded from a server tells it the message was
opened, and followers are never tracked. Links are the site's own, never
rewritten; no pixel, no third party.

Every message carries ``List-Unsubscribe`` (a signed one-click address,
RFC 8058 ``List-Unsubscribe-Post``) and, in both parts, a link that deletes
the address at once. Header values are single lines: a title or a scope
name with line breaks cannot add a header.
"""

from __future__ import annotations

import hashlib
from email import policy
from email.message import EmailMessage
from email.utils import parseaddr

from bs4 import BeautifulSoup
from jinja2 import Environment, FileSystemLoader

from .config import IntakeConfig
from .paths import TEMPLATES, ensure_plugins_importable

ensure_plugins_importable()
from community.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, DROPPED_WITH_CONTENT, URL_SCHEMES  # noqa: E402

# The contributions' allow-list, plus the structure an article has (headings, figures, rules), minus images.
MAIL_TAGS = (set(ALLOWED_TAGS) | {"h2", "h3", "h4", "hr", "figure", "figcaption", "aside", "small"}) - {"img"}
MAIL_ATTRIBUTES = {tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items() if tag in MAIL_TAGS}
CONFIRM_PATH = "courriel/suivre/confirmer"
LEAVE_PATH = "courriel/suivre/effacer"  # GET or POST: the address is deleted at once
ONE_CLICK_PATH = "courriel/suivre/un-clic"  # List-Unsubscribe: POST deletes (RFC 8058); GET shows a button


def one_line(text: str) -> str:
    """A header-safe value: every run of spaces and line breaks becomes one space."""
    return " ".join(str(text or "").split())


def clean_html(fragment: str) -> str:
    """The entry's HTML through the allow-list; each image replaced by its description."""
    import nh3

    soup = BeautifulSoup(fragment or "", "html.parser")
    for image in soup.find_all("img"):
        alt = one_line(image.get("alt", ""))
        image.replace_with(f"[Image : {alt}]" if alt else "")
    return nh3.clean(str(soup), tags=MAIL_TAGS, attributes=MAIL_ATTRIBUTES,
                     clean_content_tags=set(DROPPED_WITH_CONTENT), url_schemes=set(URL_SCHEMES),
                     link_rel=None, strip_comments=True)


BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "figure", "figcaption",
          "aside", "ul", "ol", "table", "tr", "hr")


def plain_text(fragment: str) -> str:
    """The visible text of an HTML fragment, paragraph by paragraph, links written out after their words."""
    soup = BeautifulSoup(fragment or "", "html.parser")
    for anchor in soup.find_all("a"):
        href = anchor.get("href", "")
        if href and href != anchor.get_text().strip():
            anchor.append(f" <{href}>")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for block in soup.find_all(BLOCKS):
        block.insert_before("\n\n")
        block.insert_after("\n\n")
        if block.name == "li":
            block.insert(0, "- ")
    paragraphs = []
    for chunk in soup.get_text().split("\n\n"):
        lines = [" ".join(line.split()) for line in chunk.split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            paragraphs.append(text)
    return "\n\n".join(paragraphs)


def _message_id(cfg: IntakeConfig, key: str) -> str:
    # The same delivery always has the same Message-ID: a message resent after a crash in the middle of the
    # SMTP exchange is recognised as the same message by servers and mail programs that deduplicate.
    domain = parseaddr(cfg.mail_from)[1].rpartition("@")[2] or "intake.invalid"
    digest = hashlib.sha256(cfg.secret + b"follow-message:" + key.encode()).hexdigest()[:32]
    return f"<{digest}@{domain}>"


class Letters:
    """Writes the followers' messages."""

    def __init__(self, cfg: IntakeConfig):
        self.cfg = cfg
        self.env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True,
                               lstrip_blocks=True)

    def _message(self, address: str, subject: str, text: str, html: str, key: str, one_click: str) -> EmailMessage:
        # Long header lines are not folded (SMTP allows 998 characters): List-Unsubscribe's address stays whole.
        message = EmailMessage(policy=policy.default.clone(max_line_length=998))
        message["From"] = self.cfg.mail_from
        message["To"] = one_line(address)
        message["Subject"] = one_line(subject)
        message["Message-ID"] = _message_id(self.cfg, key)
        message["List-Unsubscribe"] = f"<{one_click}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(text)
        message.add_alternative(html, subtype="html")
        return message

    def confirmation(self, address: str, scope_title: str, rhythm: str, confirm: str, leave: str,
                     one_click: str, key: str) -> EmailMessage:
        """« Confirmez votre abonnement »: the only message sent before confirmation."""
        when = "une fois par semaine, un résumé" if rhythm == "semaine" else "un message par nouvelle publication"
        text = (f"Bonjour,\n\nQuelqu’un (vous, sans doute) a demandé à recevoir par e-mail « {one_line(scope_title)} » "
                f"({when}).\n\nPour confirmer, ouvrez ce lien puis cliquez sur « Confirmer » :\n{confirm}\n\n"
                f"Sans confirmation, rien ne vous sera envoyé et votre adresse sera effacée dans "
                f"{self.cfg.confirm_days} jours. Si ce n’est pas vous, ignorez ce message, ou effacez l’adresse "
                f"tout de suite :\n{leave}\n")
        html = self.env.get_template("follow_mail.html").render(
            kind="confirm", scope_title=one_line(scope_title), when=when, confirm=confirm, leave=leave,
            confirm_days=self.cfg.confirm_days)
        return self._message(address, f"Confirmez votre abonnement : {scope_title}", text, html, key, one_click)

    def entries(self, address: str, kind: str, entries: list, scope_title: str, leave: str, one_click: str,
                key: str, corrected: str = "") -> EmailMessage:
        """One entry (kind "entry"), its correction ("correction") or a digest of several ("digest")."""
        items = [{"title": one_line(e["title"]), "url": e["url"], "html": clean_html(e["html"])} for e in entries]
        if kind == "digest":
            subject = f"{len(items)} nouvelle(s) publication(s) : {scope_title}"
        elif kind == "correction":
            subject = f"Correction : {items[0]['title']}"
        else:
            subject = items[0]["title"]
        parts = []
        if kind == "correction":
            parts.append(f"Correction du {corrected[:10]} : cet article, que nous vous avions envoyé, a été corrigé. "
                         "Voici sa version corrigée ; la correction est indiquée dans le texte.")
        for item in items:
            parts.append(f"{item['title']}\n{item['url']}\n\n{plain_text(item['html'])}")
        footer = (f"Vous recevez ce message parce que vous suivez « {one_line(scope_title)} » par e-mail.\n"
                  f"Ne plus rien recevoir et effacer votre adresse tout de suite : {leave}\n")
        text = "\n\n----\n\n".join(parts) + "\n\n-- \n" + footer
        html = self.env.get_template("follow_mail.html").render(
            kind=kind, items=items, scope_title=one_line(scope_title), leave=leave, corrected=corrected[:10])
        return self._message(address, subject, text, html, key, one_click)
