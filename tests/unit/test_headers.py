"""The metadata header parser reads what Python-Markdown's meta extension reads."""

from blogcore.headers import parse_header


def test_fields_lines_and_body():
    header = parse_header("Title: Bonjour\nDate: 2009-02-25\nTags: a,\n    b\n\nCorps : texte.\n")
    assert header.fields == {"title": "Bonjour", "date": "2009-02-25", "tags": "a, b"}
    assert header.lines["date"] == 2
    assert header.body == "Corps : texte."
    assert header.body_line == 6


def test_keys_are_case_insensitive_and_duplicates_reported():
    header = parse_header("TITLE: Un\ntitle: Deux\n\nx")
    assert header.get("title") == "Deux"
    assert header.duplicates == ["title"]


def test_no_header_means_no_fields():
    header = parse_header("Juste du texte, sans en-tête.\n\nSuite.")
    assert header.fields == {}
    assert header.body.startswith("Juste du texte")


def test_fenced_header():
    header = parse_header("---\nTitle: A\n---\nBody")
    assert header.get("title") == "A"
    assert header.body == "Body"
