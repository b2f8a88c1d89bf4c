"""The French wording several outputs show: one place, so that pages, feeds, search and the intake agree.

- the labels of kinds: a contribution's kind (« Commentaire », « Idée »…),
  an idea's status, an article's type of work (« Republication »,
  « Tribune / texte invité »…), a search result's kind;
- « de » before a name, elided as French writes it: « de Yann » but
  « d’Yves », « d’Hélène », « d’Ève », « d’Œdipe », « d’Ulysse » (:func:`de`).

The elision follows the sound the name starts with, read from its first
letter (names are untrusted and unknown, so no dictionary of them):

- a vowel, accented or not, and the ligatures Œ and Æ: elided;
- h before a vowel (the mute h of first names: Hélène, Hugo, Hubert): elided;
- y before a consonant (« Yves », « Yvonne »: a vowel sound): elided; y before
  a vowel is the sound of « yod » (« Yann », « Yasmine »): not elided;
- anything else, a digit, a symbol or a letter of another script
  (« de 2Pac », « de @alice »): not elided.

Opening quotation marks and brackets are skipped to find that letter
(« d’“Hugo” »), and the name is shown as it was given. Plain data and
functions: no Pelican, no I/O.
"""

from __future__ import annotations

import unicodedata

APOSTROPHE = "\u2019"  # the typographic apostrophe of the site's French (« d’Yves »)

# A contribution's kind (plugins/community/model.py KINDS) -> its label.
CONTRIBUTION_KINDS = {
    "comment": "Commentaire",
    "testimonial": "Témoignage",
    "idea": "Idée",
    "mention": "Mention",
}
CONTRIBUTION = "Contribution"  # a contribution whose kind is not one of these
OFFICIAL_REPLY = "Réponse officielle"  # before « de <name> » (feeds)
OFFICIAL_LABEL = "Réponse officielle de la marque"  # a reply of the brand, on its card
# An idea's follow-up status -> its label (after « Idée »).
IDEA_STATUSES = {"proposed": "proposée", "reviewing": "à l’étude", "adopted": "adoptée", "done": "réalisée"}
# An article's type of work (plugins/transparency/fields.py work_type_of) -> its label.
WORK_TYPES = {
    "sponsorise": "Contenu sponsorisé",
    "tribune": "Tribune / texte invité",
    "republication": "Republication",
    "marque": "Article de la marque",
}
# An article's source line, as its page's byline says it (« Source : Revue de test »).
SOURCE = "Source"
SOURCE_UNNAMED = "D’où vient ce texte ?"  # a source with an address or a note but no name
# What a search result is.
RESULT_KINDS = {"article": "Article", "page": "Page", "contribution": "Contribution"}

_VOWELS = frozenset("aeiouœæø")
# Marks that may open a name without being its sound: quotation marks and opening brackets.
_OPENING_CATEGORIES = ("Ps", "Pi", "Pf")
_OPENING_MARKS = frozenset("\"'`")


def kind_label(kind: str) -> str:
    """The label of a contribution's kind (« Contribution » for an unknown one)."""
    return CONTRIBUTION_KINDS.get(kind, CONTRIBUTION)


def _base_letter(ch: str) -> str:
    """The letter without its accent, lower case (« É » -> « e »; « Œ » stays « œ »)."""
    return unicodedata.normalize("NFD", ch)[0].casefold()


def _sound_letters(name: str) -> str:
    """The name from its first letter or digit on, opening quotes and brackets skipped (NFKC: « Ｈ » is « H »)."""
    text = unicodedata.normalize("NFKC", name or "").lstrip()
    index = 0
    while index < len(text) and (unicodedata.category(text[index]) in _OPENING_CATEGORIES
                                 or text[index] in _OPENING_MARKS or text[index].isspace()):
        index += 1
    return text[index:]


def _latin(ch: str) -> bool:
    return ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN")


def elides(name: str) -> bool:
    """Whether « de » is elided before this name (« d’Hélène ») or not (« de Yann »)."""
    text = _sound_letters(name)
    if not text or not _latin(text[0]):
        return False
    first = _base_letter(text[0])
    following = _base_letter(text[1]) if len(text) > 1 and _latin(text[1]) else ""
    if first in _VOWELS:
        return True
    if first == "h":
        return following in _VOWELS or following == "y"
    if first == "y":
        return following not in _VOWELS  # « d’Yves », « d’Y » ; « de Yann »
    return False


def de(name: str) -> str:
    """« de » and the name, elided when French elides it: « de Yann », « d’Hélène »."""
    return f"d{APOSTROPHE}{name}" if elides(name) else f"de {name}"
