"""The site's one French wording: « de » before a name, elided as French writes it, and the shared labels."""

import pytest

from blogcore import wording
from blogcore.wording import de


@pytest.mark.parametrize("name, expected", [
    ("Yann", "de Yann"),  # y before a vowel is a consonant sound (yod)
    ("Yasmine Ben", "de Yasmine Ben"),
    ("Yves Duron", "d’Yves Duron"),  # y before a consonant is a vowel sound
    ("Yvonne", "d’Yvonne"),
    ("Hélène", "d’Hélène"),  # the mute h of first names
    ("Hugo", "d’Hugo"),
    ("Hector", "d’Hector"),
    ("Ève", "d’Ève"),
    ("ÈVE", "d’ÈVE"),
    ("E\u0301lise", "d’E\u0301lise"),  # a decomposed accent: the same letter
    ("Œdipe", "d’Œdipe"),
    ("Æsa", "d’Æsa"),
    ("Ulysse", "d’Ulysse"),
    ("emmanuel", "d’emmanuel"),
    ("Camille", "de Camille"),
    ("Wilfried", "de Wilfried"),
    ("“Hugo”", "d’“Hugo”"),  # quotation marks are skipped to find the sound
    ("« Alice »", "d’« Alice »"),
    ('"Hugo"', 'd’"Hugo"'),
    ("(Olivier)", "d’(Olivier)"),
    ("Ｅｍｍａ", "d’Ｅｍｍａ"),  # fullwidth letters read as the letters they are
    ("2Pac", "de 2Pac"),  # a digit: no elision (« de 8 Mile », « de 1789 »)
    ("1789", "de 1789"),
    ("@alice", "de @alice"),  # a symbol is not a sound
    ("#Ulysse", "de #Ulysse"),
    ("🦊 Renard", "de 🦊 Renard"),
    ("Ольга", "de Ольга"),  # another script: no guess
    ("H", "de H"),
    ("Hs", "de Hs"),
    ("", "de "),
])
def test_de_elides_before_a_vowel_sound_only(name, expected):
    assert de(name) == expected


def test_the_name_is_shown_as_given():
    assert de("  Anne ") == "d’  Anne "
    assert wording.elides("anne") and not wording.elides("Nina")


def test_labels_cover_every_kind_the_build_knows():
    from community.model import IDEA_STATUSES, KINDS
    from transparency.fields import WORK_TYPES

    assert set(wording.CONTRIBUTION_KINDS) == set(KINDS)
    assert set(wording.IDEA_STATUSES) == set(IDEA_STATUSES)
    assert {key: label for key, (label, _) in WORK_TYPES.items()} == wording.WORK_TYPES
    assert wording.kind_label("idea") == "Idée" and wording.kind_label("unknown") == "Contribution"
