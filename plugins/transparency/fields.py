"""The header fields of transparency, their grammar and their checks.

Shared by the editorial validator (which reports every bad value before
Pelican reads a file) and by this plugin (which turns good values into what
the templates show). Pure functions: no Pelican, no I/O.

Articles only:

``Partnership:``   ``publicite``, ``collaboration``, ``affiliation`` or
                   ``produit-offert``: the text has a commercial counterpart
``Sponsor:``       the partner's name (required with ``Partnership:``)
``Sponsor_url:``   the partner's site (``https://…``); links of the brand's
                   texts to its domain (as a browser reads the host:
                   blogcore/urls.py) carry ``rel="sponsored"``
``Guest:``         ``yes`` for a tribune written by someone outside the brand

Articles and pages:

``Correction:``    repeatable, one per correction:
                   ``<ISO date> | <rectificatif|precision|mise-a-jour> | <sentence>``
``Methode:``       how the text was made, parts separated by ``|``:
                   ``redaction: … | relecture: … | sources: …`` (at least one)
``Note-de-modification:``  the public note of a change: one or two sentences
                   for readers, shown in the history on the version that
                   introduces or changes it (versions.py), and by
                   « Mis à jour le »; at most NOTE_MAX characters
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from blogcore import urls, wording
from blogcore.isodate import parse_iso

# Partnership type -> the mention shown before the text, naming the partner ({sponsor}).
# LCEN art. 20: advertising is identifiable as such, and so is the one it is made for.
MENTIONS = {
    "publicite": "Publicité — pour le compte de {sponsor}",
    "collaboration": "Publicité — collaboration commerciale avec {sponsor}",
    "affiliation": "Contient des liens affiliés — {sponsor}",
    "produit-offert": "Produit offert par {sponsor}",
}
PARTNERSHIP_LABELS = {
    "publicite": "Publicité",
    "collaboration": "Collaboration commerciale",
    "affiliation": "Liens affiliés",
    "produit-offert": "Produit offert",
}
# Before the article's own title wherever that title is one line of plain text (a feed entry, <title>,
# og:title): the text that follows it (summary, description) opens with the mention naming the partner.
TITLE_PREFIX = "[Publicité]"
CORRECTION_TYPES = {"rectificatif": "Rectificatif", "precision": "Précision", "mise-a-jour": "Mise à jour"}
METHOD_PARTS = {"redaction": "Rédaction", "relecture": "Relecture à la marque", "sources": "Sources"}
# Type of work: key -> (visible label, schema.org type). Exactly one per article. The labels are the
# site's one wording of them (blogcore/wording.py), which feeds and cards show too.
WORK_TYPES = {key: (wording.WORK_TYPES[key], schema) for key, schema in (
    ("sponsorise", "AdvertiserContentArticle"),
    ("tribune", "OpinionNewsArticle"),
    ("republication", "Article"),
    ("marque", "BlogPosting"),
)}
ARTICLE_ONLY = ("partnership", "sponsor", "sponsor_url", "guest")
NOTE = "note-de-modification"
NOTE_MAX = 280
NOTE_FIX = ("écrivez une ou deux phrases pour les lecteurs, 280 caractères au plus, par exemple "
            "« Note-de-modification: Un paragraphe oublié lors de la reprise a été ajouté. »")
FIELDS = (*ARTICLE_ONLY, "correction", "methode", NOTE)
REPEATABLE = ("correction",)
# Messages in French, the writers' language: the build prints them and the desk (plugins/desk) shows
# the same ones in its form, so that both always say the same thing.
CORRECTION_FIX = ("écrivez « Correction: 2026-11-25 10:00:00+01:00 | rectificatif | Ce qui était faux, et ce qui est "
                  "juste. » (type : rectificatif, precision ou mise-a-jour), une ligne par correction")
METHOD_FIX = ("écrivez par exemple « Methode: redaction: Camille Témoin | relecture: Alice Martin, responsable "
              "éditoriale | sources: … »")
MESSAGES = {
    "article_only": ("seuls les articles portent ce champ", "retirez la ligne (une page est celle de la marque)"),
    "partnership": ("type de partenariat inconnu", "choisissez l'un de : " + ", ".join(MENTIONS)),
    "sponsor_missing": ("un partenariat nomme son partenaire (LCEN, art. 20)",
                        "ajoutez « Sponsor: <nom du partenaire> » à l'en-tête"),
    "sponsor_alone": ("nomme un partenaire, mais l'article ne déclare aucun Partnership:",
                      "ajoutez « Partnership: <" + "|".join(MENTIONS) + "> » ou retirez la ligne"),
    "sponsor_url": ("pas une adresse web absolue", "écrivez l'adresse du site du partenaire, https://…"),
    "guest": ("ni yes ni no", "écrivez « Guest: yes » pour une tribune écrite par une personne extérieure à la marque"),
    "correction_shape": ("une correction est une date, un type et une phrase, séparés par |", CORRECTION_FIX),
    "correction_date": ("{value} n'est pas une date ISO 8601", CORRECTION_FIX),
    "correction_type": ("type {value} inconnu (" + ", ".join(CORRECTION_TYPES) + ")", CORRECTION_FIX),
    "correction_text": ("il manque la phrase qui dit ce qui a été corrigé", CORRECTION_FIX),
    "correction_early": ("une correction ne peut pas précéder le texte qu'elle corrige (sa Date:)",
                         "donnez le jour (et l'heure) où la correction a été faite"),
    "correction_twice": ("deux corrections de ce texte portent la même date et la même heure",
                         "donnez à chaque correction l'heure où elle a été faite"),
    "method_part": ("{value} n'est ni « redaction: … », ni « relecture: … », ni « sources: … »", METHOD_FIX),
    "method_twice": ("« {value} » est écrit deux fois", METHOD_FIX),
    "method_empty": ("vide", METHOD_FIX),
    "note_long": ("la note a {count} caractères ; les lecteurs en lisent {max} au plus", NOTE_FIX),
    "note_empty": ("la note ne dit rien que les lecteurs puissent lire", NOTE_FIX),
}
_TRUE = {"yes", "oui", "true", "1"}
_FALSE = {"no", "non", "false", "0"}


@dataclass(frozen=True)
class Correction:
    """One published correction: when, what kind, what was wrong (a sentence)."""

    date: dt.datetime
    kind: str
    text: str

    @property
    def label(self) -> str:
        """« Rectificatif », « Précision » or « Mise à jour »."""
        return CORRECTION_TYPES[self.kind]

    @property
    def on_top(self) -> bool:
        """A rectificatif is shown at the top of the text; the others at its end."""
        return self.kind == "rectificatif"

    @property
    def anchor(self) -> str:
        """The HTML id of the correction on its page."""
        return f"correction-{self.date.strftime('%Y%m%d-%H%M%S')}"


@dataclass(frozen=True)
class Disclosure:
    """A commercial counterpart: its type, the partner and the French mention naming it."""

    kind: str
    sponsor: str
    sponsor_url: str = ""

    @property
    def mention(self) -> str:
        """The exact mention shown before the text, on cards and in feeds."""
        return MENTIONS[self.kind].format(sponsor=self.sponsor)

    def headline(self, title: str) -> str:
        """The article's own one-line title in plain text, marked: « [Publicité] Titre »."""
        return f"{TITLE_PREFIX} {title}"

    def lead(self, text: str) -> str:
        """A plain-text description of the article, opening with the mention naming the partner."""
        return f"{self.mention}. {text}" if text else self.mention

    def named(self, title: str) -> str:
        """The article's title as something else names it (a contribution, a correction), mention after it."""
        return f"{title} ({self.mention})"

    @property
    def label(self) -> str:
        """The partnership type in French (Transparence page)."""
        return PARTNERSHIP_LABELS[self.kind]

    @property
    def domain(self) -> str:
        """The partner's domain (from Sponsor_url, without www.), or ""."""
        host = urls.host_of(self.sponsor_url) or "" if self.sponsor_url else ""
        return host.removeprefix("www.")


@dataclass(frozen=True)
class WorkType:
    """The type of work of an article: its key, visible label and schema.org type."""

    key: str

    @property
    def label(self) -> str:
        """The visible label."""
        return WORK_TYPES[self.key][0]

    @property
    def schema_type(self) -> str:
        """The JSON-LD @type."""
        return WORK_TYPES[self.key][1]


@dataclass(frozen=True)
class FieldProblem:
    """A bad value: the field as written in headers, the value, what is wrong, the fix."""

    field: str
    value: object
    message: str
    fix: str


def _fold(text: str) -> str:
    """Lower case without accents: « Rédaction » and « redaction » are the same key."""
    return "".join(c for c in unicodedata.normalize("NFD", text.strip().lower()) if not unicodedata.combining(c))


def parse_correction(value: str, tz: ZoneInfo) -> Correction:
    """One ``Correction:`` value; ValueError with what is wrong."""
    parts = [part.strip() for part in (value or "").split("|", 2)]
    if len(parts) != 3:
        raise ValueError(MESSAGES["correction_shape"][0])
    when, kind, text = parts
    try:
        date = parse_iso(when, tz)
    except ValueError:
        raise ValueError(MESSAGES["correction_date"][0].format(value=repr(when))) from None
    kind = _fold(kind)
    if kind not in CORRECTION_TYPES:
        raise ValueError(MESSAGES["correction_type"][0].format(value=repr(parts[1])))
    if not text:
        raise ValueError(MESSAGES["correction_text"][0])
    return Correction(date, kind, text)


def parse_method(value: str) -> tuple[tuple[str, str], ...]:
    """A ``Methode:`` value as (key, text) pairs in the order written; ValueError when malformed."""
    found = []
    for part in (value or "").split("|"):
        key, colon, text = part.partition(":")
        key = _fold(key)
        if not part.strip():
            continue
        if not colon or key not in METHOD_PARTS or not text.strip():
            raise ValueError(MESSAGES["method_part"][0].format(value=repr(part.strip())))
        if key in dict(found):
            raise ValueError(MESSAGES["method_twice"][0].format(value=key))
        found.append((key, text.strip()))
    if not found:
        raise ValueError(MESSAGES["method_empty"][0])
    return tuple(found)


def parse_bool(value: str) -> bool | None:
    """yes/no (oui/non, true/false) → bool; None otherwise."""
    word = (value or "").strip().lower()
    return True if word in _TRUE else False if word in _FALSE else None


def check(fields: dict[str, str], corrections: list[str], kind: str, date: dt.datetime | None,
          tz: ZoneInfo) -> list[FieldProblem]:
    """Every problem of the transparency fields of one header (`corrections`: each Correction: line)."""
    problems: list[FieldProblem] = []

    def bad(field: str, value, key: str, message: str = "") -> None:
        text, fix = MESSAGES[key]
        problems.append(FieldProblem(field, value, message or text, fix))

    if kind != "article":
        for key in ARTICLE_ONLY:
            if fields.get(key):
                bad(key.capitalize() + ":", fields[key], "article_only")
    partnership, sponsor, sponsor_url = (fields.get(k) or "" for k in ("partnership", "sponsor", "sponsor_url"))
    if partnership and partnership not in MENTIONS:
        bad("Partnership:", partnership, "partnership")
    if partnership and not sponsor:
        bad("Sponsor:", None, "sponsor_missing")
    if not partnership:
        for key, value in (("Sponsor:", sponsor), ("Sponsor_url:", sponsor_url)):
            if value:
                bad(key, value, "sponsor_alone")
    if sponsor_url and not is_http_url(sponsor_url):
        bad("Sponsor_url:", sponsor_url, "sponsor_url")
    if fields.get("guest") and parse_bool(fields["guest"]) is None:
        bad("Guest:", fields["guest"], "guest")
    seen: set[dt.datetime] = set()
    for value in corrections:
        try:
            correction = parse_correction(value, tz)
        except ValueError as exc:
            bad("Correction:", value, "correction_shape", str(exc))
            continue
        if date is not None and correction.date < date:
            bad("Correction:", value, "correction_early")
        if correction.date in seen:
            bad("Correction:", value, "correction_twice")
        seen.add(correction.date)
    if fields.get("methode"):
        try:
            parse_method(fields["methode"])
        except ValueError as exc:
            bad("Methode:", fields["methode"], "method_part", str(exc))
    note = " ".join((fields.get(NOTE) or "").split())
    if len(note) > NOTE_MAX:
        bad("Note-de-modification:", note, "note_long", MESSAGES["note_long"][0].format(count=len(note), max=NOTE_MAX))
    elif note and not any(c.isalpha() for c in note):
        bad("Note-de-modification:", note, "note_empty")
    return problems


def corrections_of(values: list[str], tz: ZoneInfo) -> tuple[Correction, ...]:
    """The corrections of a checked header, oldest first."""
    return tuple(sorted((parse_correction(v, tz) for v in values), key=lambda c: c.date))


def disclosure_of(fields: dict[str, str]) -> Disclosure | None:
    """The commercial disclosure of a checked header, or None."""
    if not fields.get("partnership"):
        return None
    return Disclosure(fields["partnership"], fields["sponsor"], fields.get("sponsor_url") or "")


def work_type_of(fields: dict[str, str]) -> WorkType:
    """The one type of work derived from the headers (a partnership first, then the source, then Guest:)."""
    if fields.get("partnership"):
        return WorkType("sponsorise")
    if any(fields.get(k) for k in ("source", "source_url", "source_note")):
        return WorkType("republication")
    if parse_bool(fields.get("guest") or ""):
        return WorkType("tribune")
    return WorkType("marque")


def is_http_url(value: str) -> bool:
    """An absolute http(s) address with a host, as a browser reads it (one line, no spaces)."""
    value = value or ""
    return (not any(c.isspace() for c in value) and urls.scheme_of(value) in ("http", "https")
            and "//" in value and urls.host_of(value) is not None)
