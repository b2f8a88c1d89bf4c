"""The digests the incremental plugin decides with: stable for equal state, different for any change."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG

from incremental.state import Digests, Unknown


def _article(text="<p>Bonjour</p>", title="Titre", path="/site/content/articles/a.md"):
    settings = copy.deepcopy(DEFAULT_CONFIG)
    metadata = {"title": title, "date": dt.datetime(2026, 1, 2, 10, 0), "slug": "a"}
    return Article(text, metadata=metadata, settings=settings, source_path=path)


class Index:
    """A plugin's object with bookkeeping beside its data."""

    incremental_ignore = ("_now", "rendered")

    def __init__(self, items, now, rendered):
        self.items = items
        self._now = now
        self.rendered = rendered


def test_an_article_has_the_same_digest_in_another_build_and_another_after_any_change():
    assert Digests().content(_article()) == Digests().content(_article())
    assert Digests().content(_article()) != Digests().content(_article(text="<p>Bonsoir</p>"))
    assert Digests().content(_article()) != Digests().content(_article(title="Autre titre"))
    changed = _article()
    changed.contribution_count = 3  # what a plugin attaches counts too
    assert Digests().content(changed) != Digests().content(_article())


def test_a_list_names_its_articles_by_source_the_articles_own_state_is_followed_apart():
    first, second = _article(), _article(text="<p>Autre texte</p>")
    assert Digests().digest([first]) == Digests().digest([second])  # same source, same place in the list
    assert Digests().digest([first]) != Digests().digest([_article(path="/site/content/articles/b.md")])


def test_a_plugins_bookkeeping_is_left_out_and_its_data_is_not():
    assert Digests().digest(Index([1, 2], now=1.0, rendered=5)) == Digests().digest(Index([1, 2], now=2.0, rendered=0))
    assert Digests().digest(Index([1, 2], now=1.0, rendered=5)) != Digests().digest(Index([1, 3], now=1.0, rendered=5))


def test_sets_and_dicts_do_not_depend_on_their_order_of_insertion():
    assert Digests().digest({"b": 1, "a": {"y", "x"}}) == Digests().digest({"a": {"x", "y"}, "b": 1})


def test_a_value_without_a_stable_description_is_unknown():
    with pytest.raises(Unknown):
        Digests().digest([object()])


def test_a_long_list_met_again_in_one_build_has_the_digest_of_an_equal_list():
    digests, articles = Digests(), [_article(path=f"/site/content/articles/{n}.md") for n in range(20)]
    shown = digests.digest([articles, "page 1"])
    assert digests.digest([articles, "page 1"]) == shown == Digests().digest([list(articles), "page 1"])
    assert Digests().digest([articles[:-1], "page 1"]) != shown


def test_deep_threads_are_followed_and_a_cycle_is_unknown():
    thread = {"replies": []}
    for _ in range(15):  # fifteen replies deep: deeper than a list of lists ever went before
        thread = {"replies": [thread]}
    assert Digests().digest(thread) == Digests().digest(copy.deepcopy(thread))
    looped = Index([], now=0, rendered=0)
    looped.items.append(looped)
    with pytest.raises(Unknown):
        Digests().digest(looped)


def test_compiled_patterns_and_queues_are_described_by_their_value():
    import collections
    import re
    assert Digests().digest([re.compile("a+", re.I)]) == Digests().digest([re.compile("a+", re.I)])
    assert Digests().digest([re.compile("a+")]) != Digests().digest([re.compile("b+")])
    assert Digests().digest(collections.deque([1, 2])) != Digests().digest(collections.deque([2, 1]))
