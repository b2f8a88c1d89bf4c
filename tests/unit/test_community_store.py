"""Contribution files: parsing, writing, and the rules that span files."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from community import store
from community.model import Contribution

TZ = ZoneInfo("Europe/Paris")
GOOD = """Id: c-1
Article: un-article
Author: Alice
Date: 2020-01-02 09:15:00+01:00
Status: approved
Source: Commentaires du site

Bonjour.
"""


def parse(text, path="content/contributions/un-article/c-1.md"):
    return store.parse_contribution(text, path, TZ)


def messages(problems):
    return [str(p) for p in problems]


def test_good_file_parses():
    contribution, problems = parse(GOOD)
    assert problems == []
    assert contribution.published and contribution.body == "Bonjour." and contribution.kind == "comment"
    assert contribution.date == dt.datetime(2020, 1, 2, 9, 15, tzinfo=dt.timezone(dt.timedelta(hours=1)))


@pytest.mark.parametrize("old, new, expected", [
    ("Date: 2020-01-02 09:15:00+01:00", "Date: 02/01/2020", ["Date:", "'02/01/2020'", "ISO 8601"]),
    ("Author: Alice\n", "", ["Author:", "(absent)", "ajoutez « Author:"]),
    ("Id: c-1\n", "", ["Id:", "(absent)"]),
    ("Status: approved", "Status: validé", ["Status:", "'validé'", "pending, approved, rejected, redacted"]),
    ("Status: approved", "Status: approved\nKind: avis", ["Kind:", "'avis'"]),
    ("Status: approved", "Status: rejected", ["Reason:", "garde son motif"]),
    ("Author: Alice", "Author: alice@example.org", ["Author:", "e-mail", "Author_email"]),
    ("Status: approved", "Status: approved\nVotes: 3", ["ne vont qu'avec une idée"]),
    ("Status: approved", "Status: approved\nColor: red", ["Color:", "champ inconnu"]),
])
def test_bad_fields_name_file_field_value_and_fix(old, new, expected):
    contribution, problems = parse(GOOD.replace(old, new))
    assert contribution is None
    text = " ".join(messages(problems))
    assert "content/contributions/un-article/c-1.md" in text and "Correction :" in text
    for piece in expected:
        assert piece in text


def test_roundtrip_keeps_every_field():
    original = Contribution(
        id="c-2", article="un-article", author="Zoé « Z » Ünïcode", date=dt.datetime(2021, 7, 1, 10, tzinfo=TZ),
        body="Texte\n\nsur deux paragraphes.", author_url="https://z.example.org", author_email="z@example.org",
        author_ip="198.51.100.1", kind="idea", status="approved", reply_to="c-1", official=False,
        source="Forum", source_url="https://forum.example.org/1", votes=4, idea_status="adopted",
        original_id="42", imported_from="csv:x.csv",
    )
    parsed, problems = parse(store.dump_contribution(original))
    assert problems == []
    assert parsed.with_changes(path="") == original


def test_collection_rules():
    a, _ = parse(GOOD)
    a = a.with_changes(path="")
    reply = a.with_changes(id="c-2", reply_to="missing")
    other = a.with_changes(id="c-3", article="ailleurs")
    no_source = a.with_changes(id="c-4", source="")
    brand = a.with_changes(id="c-5", author="Marques & communautés")
    problems = messages(store.check_collection([a, a, reply, other, no_source, brand], {"un-article"},
                                               ("Marques & communautés",)))
    text = " ".join(problems)
    assert "le même identifiant" in text
    assert "Reply_to: = 'missing'" in text
    assert "Article: = 'ailleurs'" in text and "aucun article n'a cette adresse" in text
    assert "ne peut pas être approuvée" in text
    assert "Author: = 'Marques & communautés'" in text and "la marque ne parle jamais comme un lecteur" in text


def test_reply_to_other_article_and_loops():
    a, _ = parse(GOOD)
    a = a.with_changes(path="", reply_to="c-2")
    b = a.with_changes(id="c-2", reply_to="c-1")
    text = " ".join(messages(store.check_collection([a, b], {"un-article"})))
    assert "boucle" in text


def test_import_ids_are_stable_and_distinct():
    assert store.import_id("wp", "https://a.org", "1") == store.import_id("wp", "https://a.org", "1")
    assert store.import_id("wp", "https://a.org", "1") != store.import_id("wp", "https://b.org", "1")
