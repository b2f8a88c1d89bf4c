"""Header validation: every broken file is named with its field and fix."""

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from editorial.config import EditorialConfig
from editorial.validate import Validator

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=ZoneInfo("Europe/Paris"))
GOOD = "Title: Un article\nDate: 2009-02-25 10:00:00+01:00\nAuthor: Yves Duron\nSummary: Résumé.\nLang: fr\n\nTexte.\n"


def settings(root: Path) -> dict:
    return {
        "PATH": str(root), "ARTICLE_PATHS": ["articles"], "PAGE_PATHS": ["pages"],
        "ARTICLE_EXCLUDES": [], "PAGE_EXCLUDES": [], "TIMEZONE": "Europe/Paris",
        "DEFAULT_LANG": "fr", "WITH_FUTURE_DATES": False, "STATIC_PATHS": ["images"],
        "ARTICLE_SAVE_AS": "{slug}/index.html", "CATEGORY_SAVE_AS": "categorie/{slug}/index.html",
    }


def check(tmp_path, files: dict, production=False):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    validator = Validator(settings(tmp_path), EditorialConfig(production=production), now=NOW)
    return validator.run(), validator


def only(problems):
    assert len(problems) == 1, [str(p) for p in problems]
    return str(problems[0])


def test_good_article_passes(tmp_path):
    problems, validator = check(tmp_path, {"articles/a.md": GOOD})
    assert problems == [] and validator.warnings == []


@pytest.mark.parametrize("date", ["25/02/2009", "hier", "2009-02-30", "2009-13-01 10:00"])
def test_unparsable_date(tmp_path, date):
    message = only(check(tmp_path, {"articles/a.md": GOOD.replace("2009-02-25 10:00:00+01:00", date)})[0])
    assert "articles/a.md" in message and "Date:" in message and repr(date) in message
    assert "ISO 8601" in message


def test_missing_title(tmp_path):
    message = only(check(tmp_path, {"articles/a.md": GOOD.replace("Title: Un article\n", "")})[0])
    assert "a.md" in message and "Title:" in message and "(absent)" in message and "Correction : ajoutez" in message


def test_unknown_status(tmp_path):
    message = only(check(tmp_path, {"articles/a.md": GOOD.replace("Lang: fr", "Lang: fr\nStatus: brouillon")})[0])
    assert "Status:" in message and "'brouillon'" in message and "draft" in message


def test_missing_internal_file(tmp_path):
    text = GOOD + "\nVoir [ceci]({filename}absent.md) et ![img]({static}/images/x.png).\n"
    problems, _ = check(tmp_path, {"articles/a.md": text})
    messages = [str(p) for p in problems]
    assert len(messages) == 2
    assert all("a.md" in m and "ligne 9" in m and "n'existe pas" in m for m in messages)


def test_raw_markdown_link_is_an_error(tmp_path):
    message = only(check(tmp_path, {"articles/a.md": GOOD + "\n[b](b.md)\n", "articles/b.md": GOOD.replace("Un article", "B")})[0])
    assert "{filename}b.md" in message


def test_duplicate_slug_names_both_files(tmp_path):
    problems, _ = check(tmp_path, {"articles/a.md": GOOD, "articles/b.md": GOOD})
    message = only(problems)
    assert "un-article" in message and "a.md" in message and "b.md" in message


def test_page_and_article_share_the_url_space(tmp_path):
    problems, _ = check(tmp_path, {"articles/a.md": GOOD, "pages/p.md": "Title: Un article\n\nx"})
    assert "la même adresse que" in only(problems)


def test_reserved_slug(tmp_path):
    message = only(check(tmp_path, {"articles/a.md": GOOD.replace("Lang: fr", "Lang: fr\nSlug: categorie")})[0])
    assert "prise par le site lui-même" in message


def test_foreign_file_does_not_vanish_silently(tmp_path):
    message = only(check(tmp_path, {"articles/a.md": GOOD, "articles/notes.docx": "x"})[0])
    assert "notes.docx" in message and "renommez-le" in message


def test_other_language_rejected(tmp_path):
    assert "Lang:" in only(check(tmp_path, {"articles/a.md": GOOD.replace("Lang: fr", "Lang: en")})[0])


def test_future_article_is_embargoed_and_links_to_it_fail_in_production(tmp_path):
    future = GOOD.replace("Un article", "Demain").replace("2009-02-25", "2099-01-01")
    linking = GOOD + "\n[demain]({filename}demain.md)\n"
    files = {"articles/a.md": linking, "articles/demain.md": future}
    problems, validator = check(tmp_path, files)
    assert problems == []
    assert {e.path.name: e.embargoed for e in validator.entries} == {"a.md": False, "demain.md": True}
    problems, _ = check(tmp_path, files, production=True)
    assert "pas encore publié" in only(problems)


def test_all_problems_reported_at_once(tmp_path):
    problems, _ = check(tmp_path, {
        "articles/a.md": GOOD.replace("2009-02-25 10:00:00+01:00", "demain"),
        "articles/b.md": GOOD.replace("Title: Un article\n", ""),
    })
    assert len(problems) == 2


def test_unknown_field_is_a_warning(tmp_path):
    problems, validator = check(tmp_path, {"articles/a.md": GOOD.replace("Lang: fr", "Lang: fr\nTilte: x")})
    assert problems == []
    assert any("Tilte:" in str(w) and "vouliez-vous dire « Title: »" in str(w) for w in validator.warnings)


def declared(tmp_path, text, production=False, profiles=None):
    (tmp_path / "articles").mkdir(exist_ok=True)
    (tmp_path / "articles" / "a.md").write_text(text, encoding="utf-8")
    config = EditorialConfig(production=production, categories=("Stratégie", "Médias sociaux"))
    validator = Validator(settings(tmp_path), config, now=NOW, profiles=profiles)
    return validator.run(), validator


@pytest.mark.parametrize("category, guess", [("Strategie", "Stratégie"), ("Médias socieaux", "Médias sociaux"),
                                             ("Recettes", None)])
def test_an_undeclared_category_fails_with_the_closest_declared_one(tmp_path, category, guess):
    message = only(declared(tmp_path, GOOD.replace("Lang: fr", f"Lang: fr\nCategory: {category}"))[0])
    assert f"Category: = {category!r}" in message and "catégorie inconnue" in message
    assert (f"vouliez-vous dire « {guess} » ?" in message) if guess else "vouliez-vous dire" not in message
    assert "Stratégie, Médias sociaux" in message
    assert declared(tmp_path, GOOD.replace("Lang: fr", "Lang: fr\nCategory: Stratégie"))[0] == []
    assert "Category: = (absent)" in only(declared(tmp_path, GOOD)[0])  # DEFAULT_CATEGORY is not declared


def test_an_author_spelt_like_a_profile_but_for_accents_or_case_fails_naming_it(tmp_path):
    from editorial.authors import AuthorProfile

    profile = AuthorProfile("Yves Duron", "yves-duron", "", "", (), "", "", "content/authors/yves-duron.md")
    text = GOOD.replace("Author: Yves Duron", "Author: yves durón")
    message = only(declared(tmp_path, text.replace("Lang: fr", "Lang: fr\nCategory: Stratégie"),
                            profiles={"Yves Duron": profile})[0])
    assert "Author: = 'yves durón'" in message and "vouliez-vous dire « Yves Duron » ?" in message
    assert "content/authors/yves-duron.md" in message
    problems, validator = declared(tmp_path, GOOD.replace("Author: Yves Duron", "Author: Zoé Inconnue")
                                   .replace("Lang: fr", "Lang: fr\nCategory: Stratégie"), profiles={"Yves Duron": profile})
    assert problems == [] and "pas de fiche d'auteur" in str(only(validator.warnings))  # fatal in invoke check


def test_the_placeholders_of_invoke_new_fail_production_and_warn_in_the_preview(tmp_path):
    from editorial.validate import PLACEHOLDERS

    text = (GOOD.replace("Summary: Résumé.", f"Summary: {PLACEHOLDERS['summary']}\nCategory: Stratégie")
            .replace("Lang: fr", f"Lang: fr\nTags: transparence, {PLACEHOLDERS['tags']}")
            .replace("Texte.", f"{PLACEHOLDERS['body']}\n\nLa suite."))
    problems, validator = declared(tmp_path, text)
    assert problems == [] and [w.field for w in validator.warnings] == ["Summary:", "Tags:", "texte (ligne 9)"]
    assert all("l'aperçu local le montre" in w.message for w in validator.warnings)
    problems, _ = declared(tmp_path, text, production=True)
    assert [p.field for p in problems] == ["Summary:", "Tags:", "texte (ligne 9)"]
    assert all("« invoke new » a écrit ce texte à remplacer" in str(p) for p in problems)
