"""The contribution form's fields: read them, check them, turn them into a contribution file.

The form's own limits (which fields exist, their sizes, the kinds a reader
may choose) are checked here, with French messages for the reader. Every rule
of a contribution file is then checked by the build's own code: the
contribution is dumped with store.dump_contribution and checked by
moderation.check_new (store.parse_contribution, then store.check_collection
against the site's articles and contributions), so a file the intake writes
is a file the build accepts. Problems found there come back in French too.

Addresses (the reader's site, the e-mail address's domain) are read once, as
a browser reads them (blogcore/urls.py): the file gets the address as the
browser serialises it, and one that can never be visited is refused in
French (:func:`address_french`), never with a server error.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
import unicodedata

from .paths import ensure_plugins_importable
from .snapshot import Snapshot, normal

ensure_plugins_importable()
from blogcore import urls  # noqa: E402
from blogcore.errors import Problem, SiteErrors  # noqa: E402
from community import moderation, store  # noqa: E402
from community.model import Contribution  # noqa: E402

# Every field the form may send (anything else is refused), and its longest value.
FIELDS = {
    "article": 200, "nom": 80, "site": 300, "courriel": 254, "type": 20, "texte": None, "reponse_a": 64,
    "url": 300,  # the honeypot: a field a person never sees, so never fills
    "jeton": 400, "action": 20,
}
KINDS = {"commentaire": "comment", "idee": "idea", "temoignage": "testimonial"}
KIND_NAMES = {value: key for key, value in KINDS.items()}
LABELS = {"article": "Article", "nom": "Nom", "site": "Site web", "courriel": "Courriel", "type": "Type",
          "texte": "Texte", "reponse_a": "En réponse à", "url": "Champ caché", "jeton": "Jeton", "action": "Action"}
# Why an address is refused (blogcore.urls reasons), for a reader.
ADDRESS_FRENCH = {
    "empty": "L’adresse est vide.",
    "long": f"L’adresse est trop longue ({urls.MAX_LENGTH} caractères au plus).",
    "space": "L’adresse contient une espace, un caractère invisible ou une barre oblique inverse : copiez-la "
             "depuis la barre d’adresse de votre navigateur.",
    "invalid": "Ce n’est pas une adresse web valable (crochets, port ou caractères impossibles) : copiez-la depuis "
               "la barre d’adresse de votre navigateur.",
    "scheme": "Indiquez une adresse complète, commençant par https:// ou http://.",
    "credentials": "L’adresse ne doit contenir ni identifiant ni mot de passe avant le nom du site.",
    "host": "Le nom de site de cette adresse ne peut pas exister (une partie vide, ou de plus de 63 caractères).",
}


def address_french(reason: str) -> str:
    """A reader's explanation of why an address is refused (a reason of blogcore.urls)."""
    return ADDRESS_FRENCH[reason]


def email_ok(address: str) -> bool:
    """An e-mail address a mail server can take: one @, nothing hidden, a domain that can exist."""
    local, at, domain = address.rpartition("@")
    if not at or not local or len(local) > 64 or "@" in local or "." not in domain:
        return False
    if any(ch.isspace() or unicodedata.category(ch)[0] == "C" or ch in '"()<>[],;:\\' for ch in address):
        return False
    host = urls.host_of(f"http://{domain}/")
    return host is not None and not host.replace(".", "").isdigit()
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all but tab and line feed
LINK = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]\"']+", re.IGNORECASE)


@dataclass
class Draft:
    """What a reader typed, trimmed."""

    article: str = ""
    author: str = ""
    website: str = ""
    email: str = ""
    kind: str = "comment"
    body: str = ""
    reply_to: str = ""
    honeypot: str = ""
    token: str = ""
    action: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    def values(self) -> dict[str, str]:
        """The form's values, to fill the form again (control characters left out: a page never carries them)."""
        values = {"article": self.article, "nom": self.author, "site": self.website, "courriel": self.email,
                  "type": KIND_NAMES.get(self.kind, "commentaire"), "texte": self.body, "reponse_a": self.reply_to}
        return {name: _CONTROLS.sub("", value) for name, value in values.items()}

    def dedupe_key(self) -> str:
        """Same author and same content (same article, kind, reply and text): same key."""
        parts = (self.article, normal(self.author), self.kind, self.reply_to, normal(self.body))
        return "form:" + hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def read(form, max_body: int) -> Draft:
    """The draft from a POSTed form (a MultiDict); draft.errors holds the reader's mistakes, in French."""
    draft = Draft()
    errors = draft.errors
    for name in form.keys():
        if name not in FIELDS:
            errors["formulaire"] = (f"Le champ « {name[:40]} » n'existe pas dans notre formulaire : "
                                    "envoyez le formulaire tel que le site le présente.")
        elif len(form.getlist(name)) > 1:
            errors[name] = f"Le champ « {LABELS[name]} » est envoyé deux fois."
    values = {name: (form.get(name) or "").replace("\r\n", "\n").strip() for name in FIELDS}
    for name, limit in FIELDS.items():
        limit = max_body if name == "texte" else limit
        if len(values[name]) > limit:
            errors[name] = (f"« {LABELS[name]} » est trop long : {len(values[name])} caractères pour "
                            f"{limit} au plus.")
    draft.article, draft.author, draft.website = values["article"], " ".join(values["nom"].split()), values["site"]
    draft.email, draft.body, draft.reply_to = values["courriel"], values["texte"], values["reponse_a"]
    draft.honeypot, draft.token, draft.action = values["url"], values["jeton"], values["action"]
    kind = values["type"] or "commentaire"
    if kind not in KINDS:
        errors["type"] = "Choisissez le type de votre contribution : commentaire, idée ou témoignage."
    draft.kind = KINDS.get(kind, "comment")
    if not draft.author:
        errors.setdefault("nom", "Indiquez votre nom : celui sous lequel votre contribution sera publiée "
                                 "(un pseudonyme convient).")
    if not draft.body:
        errors.setdefault("texte", "Écrivez le texte de votre contribution.")
    if draft.website:
        try:
            draft.website = urls.web_address(draft.website).href
        except urls.AddressError as exc:
            message = ("Indiquez l'adresse complète de votre site, commençant par https://, ou laissez ce champ vide."
                       if exc.reason == "scheme" else address_french(exc.reason) + " Ou laissez ce champ vide.")
            errors.setdefault("site", message)
    if draft.email and not email_ok(draft.email):
        errors.setdefault("courriel", "Cette adresse électronique n'est pas valable : vérifiez-la, ou laissez "
                                      "ce champ vide.")
    return draft


def links_in(draft: Draft) -> list[str]:
    """The web addresses written in the text."""
    return LINK.findall(draft.body)


def build(draft: Draft, snapshot: Snapshot, ident: str, now: dt.datetime, email_hash: str = "",
          source: str = "", source_url: str = "", kind: str | None = None) -> Contribution:
    """The pending contribution a draft becomes (never Official: the form cannot speak for the brand)."""
    return Contribution(
        id=ident, article=draft.article, author=draft.author, date=now.replace(microsecond=0), body=draft.body,
        author_url=draft.website, author_email_hash=email_hash, kind=kind or draft.kind, status="pending",
        reply_to=draft.reply_to, official=False, source=source or snapshot.form_source, source_url=source_url,
    )


def check_with_store(contribution: Contribution, snapshot: Snapshot) -> dict[str, str]:
    """The build's own rules on this contribution; French messages by form field (empty: it passes)."""
    try:
        moderation.check_new(snapshot.site, contribution, list(snapshot.contributions))
    except SiteErrors as exc:
        return french(exc.problems)
    return {}


def text_of(contribution: Contribution) -> str:
    """The file text, exactly as the build will read it."""
    return store.dump_contribution(contribution)


# The store's fields, as the form names them.
_FORM_FIELD = {"Author:": "nom", "Author_url:": "site", "Reply_to:": "reponse_a", "Article:": "article",
               "Kind:": "type", "Official:": "nom", "Body:": "texte", "Date:": "formulaire"}
# Known messages of the store's rules, in French; any other is shown with its field's name.
_FRENCH = (
    ("qu'un lecteur peut voir", "Votre nom doit être fait de lettres visibles : il contient un caractère de contrôle ou "
                         "invisible, ou aucune lettre. Écrivez-le avec des lettres, sans copier-coller de symboles."),
    ("adresse e-mail", "Votre nom ne doit pas contenir d'adresse électronique : elle serait publiée. "
                       "Indiquez-la dans le champ « Courriel », qui ne l'est jamais."),
    ("téléphone", "Ce champ ne doit pas contenir de numéro de téléphone : il serait publié."),
    ("celui de la marque", "Ce nom est celui de la marque : signez de votre nom. La marque ne s'exprime jamais sous "
                        "le nom d'un lecteur."),
    ("ressemble à", "Ce nom ressemble trop à celui d'un autre contributeur : les lecteurs les confondraient. "
                   "Choisissez-en un autre (ou écrivez-le exactement comme la première fois)."),
    ("partagerait la page", "Ce nom donnerait la même page que celle d'un autre contributeur : choisissez-en un autre."),
    ("l'équipe de la marque", "Ce nom est réservé aux réponses officielles de la marque : signez de votre nom."),
    ("aucune contribution n'a cet identifiant", "La contribution à laquelle vous répondez n'existe pas, ou n'est pas publiée."),
    ("appartient à", "La contribution à laquelle vous répondez appartient à un autre article."),
    ("aucun article n'a cette adresse", "Cet article n'existe pas, ou n'accepte pas de contribution."),
    ("adresse web absolue", "Indiquez l'adresse complète de votre site, commençant par https://."),
    ("témoignage", "Un témoignage ne peut pas être une réponse officielle."),
    ("dépasse la limite", "Votre texte est trop long."),
)


def french(problems: list[Problem]) -> dict[str, str]:
    """The store's problems as French messages, by form field."""
    errors: dict[str, str] = {}
    for problem in problems:
        name = _FORM_FIELD.get(problem.field, "formulaire")
        text = problem.message.lower()
        message = next((fr for key, fr in _FRENCH if key in text), None)
        if message is None:
            label = LABELS.get(name, "Formulaire")
            message = f"« {label} » n'est pas accepté par les règles du site ({problem.message})."
        errors.setdefault(name, message)
    return errors
