"""Which taxonomy pages the build writes: what the theme asks before linking a category, a tag or an author."""

from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import Author, Category, Tag

from sitebuild import taxonomy

SETTINGS = {**DEFAULT_CONFIG, "TAG_URL": "etiquette/{slug}/", "TAG_SAVE_AS": "etiquette/{slug}/index.html",
            "CATEGORY_URL": "categorie/{slug}/", "CATEGORY_SAVE_AS": "categorie/{slug}/index.html",
            "AUTHOR_URL": "auteur/{slug}/", "AUTHOR_SAVE_AS": "auteur/{slug}/index.html"}


def test_the_pages_of_the_terms_pelican_lists_and_only_those():
    # As Pelican leaves them: tags in a dict, categories and authors as (term, articles) pairs.
    context = {"tags": {Tag("conversation", SETTINGS): ["a"]},
               "categories": [(Category("Essais", SETTINGS), ["a"])],
               "authors": [(Author("Camille Témoin", SETTINGS), ["a"])]}
    assert taxonomy.written(context) == {"etiquette/conversation/", "categorie/essais/", "auteur/camille-temoin/"}
    assert Tag("campagne-seule", SETTINGS).url not in taxonomy.written(context)  # a hidden article's own tag
    assert taxonomy.written({}) == frozenset()


def test_a_kind_of_page_the_settings_do_not_write_is_never_linked():
    settings = {**SETTINGS, "TAG_SAVE_AS": ""}
    context = {"tags": {Tag("conversation", settings): ["a"]}, "categories": [(Category("Essais", settings), ["a"])]}
    assert taxonomy.written(context) == {"categorie/essais/"}
