"""The plugins' per-file cache (blogcore/filecache.py): an unchanged file gives what a fresh read gives, and
anything else (an edit, a damaged or foreign cache file, other settings or code) is read again."""

from __future__ import annotations

import os
import pickle
from zoneinfo import ZoneInfo

import pytest

from blogcore import caches, filecache
from community import store

TZ = ZoneInfo("Europe/Paris")
GOOD = """Id: {id}
Article: un-article
Author: Alice
Date: 2020-01-02 09:15:00+01:00
Status: approved
Source: Commentaires du site

Bonjour, ceci est la contribution {id}.
"""
# A bad file: an e-mail address in Author: (the message names file, field, value and fix).
BAD = GOOD.replace("Author: Alice", "Author: alice@example.org")


@pytest.fixture
def site(tmp_path):
    """A contributions folder with two good files and a bad one; its cache folder."""
    root = tmp_path / "contributions"
    (root / "un-article").mkdir(parents=True)
    for ident in ("c-1", "c-2"):
        (root / "un-article" / f"{ident}.md").write_text(GOOD.format(id=ident), encoding="utf-8")
    (root / "un-article" / "c-3.md").write_text(BAD.format(id="c-3"), encoding="utf-8")
    return root, tmp_path / "cache"


@pytest.fixture
def parses(monkeypatch):
    """How many files were parsed (not given by the cache)."""
    count = []
    real = store.parse_contribution
    monkeypatch.setattr(store, "parse_contribution", lambda *a, **k: count.append(a[1]) or real(*a, **k))
    return count


def _build(root, cache_folder):
    """load_all as one build does it: the cache loaded, used, written."""
    cache = filecache.FileCache(cache_folder)
    found = store.load_all(root, TZ, cache=cache)
    cache.save()
    return found


def _texts(found):
    contributions, problems = found
    return contributions, [str(p) for p in problems]


def test_an_unchanged_file_gives_what_a_fresh_read_gives_without_being_parsed(site, parses):
    root, folder = site
    fresh = _texts(store.load_all(root, TZ))
    assert [c.id for c in fresh[0]] == ["c-1", "c-2"]
    assert len(fresh[1]) == 1 and "c-3.md: Author: = 'alice@example.org'" in fresh[1][0]
    assert _texts(_build(root, folder)) == fresh
    parses.clear()
    again = _texts(_build(root, folder))
    assert again == fresh and parses == []  # the bad file's failure too: same French line, not parsed again
    assert [c.path for c in again[0]] == [str(root / "un-article" / f"c-{n}.md") for n in (1, 2)]


def test_a_file_edited_since_is_checked_again_even_within_the_same_clock_tick(site, parses, monkeypatch):
    root, folder = site
    _build(root, folder)
    bad, good = root / "un-article" / "c-3.md", root / "un-article" / "c-1.md"
    # Same size, written at once: size and mtime may not tell; the digest does.
    good.write_text(GOOD.format(id="c-1").replace("Author: Alice", "Author: Alic\u0007"), encoding="utf-8")
    bad.write_text(BAD.format(id="c-3").replace("example.org", "example.net"), encoding="utf-8")
    contributions, problems = _texts(_build(root, folder))
    assert [c.id for c in contributions] == ["c-2"]
    assert any("c-1.md: Author:" in p and "caractère de contrôle" in p for p in problems), problems
    assert any("c-3.md: Author: = 'alice@example.net'" in p for p in problems), problems
    # Trusted stat (the file is old): an edit that keeps size and mtime (cp -p, rsync -t) still changes ctime.
    monkeypatch.setattr(filecache, "RACY_NS", 0)
    _build(root, folder)
    stat = bad.stat()
    bad.write_text(GOOD.format(id="c-3"), encoding="utf-8")
    os.utime(bad, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    parses.clear()
    contributions, problems = _texts(_build(root, folder))
    assert "c-3" in [c.id for c in contributions] and not any("c-3.md" in p for p in problems)
    assert parses == [str(bad)]  # only the edited file was parsed


def test_an_old_unchanged_file_is_not_even_read(site, monkeypatch):
    root, folder = site
    monkeypatch.setattr(filecache, "RACY_NS", 0)
    _build(root, folder)
    cache = filecache.FileCache(folder)
    section = cache.section("files", "scope")
    path = str(root / "un-article" / "c-1.md")
    assert section.for_file(path, lambda data: len(data)) == len(GOOD.format(id="c-1").encode())
    cache.save()
    cache = filecache.FileCache(folder)
    opened = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda *a, **k: opened.append(a[0]) or real_open(*a, **k))
    assert cache.section("files", "scope").for_file(path, lambda data: pytest.fail("read again")) == len(
        GOOD.format(id="c-1").encode())
    assert path not in opened


@pytest.mark.parametrize("damage", ["cut", "garbage", "foreign", "odd entries", "empty"])
def test_a_damaged_cache_file_is_ignored(site, parses, damage):
    root, folder = site
    fresh = _texts(store.load_all(root, TZ))
    _build(root, folder)
    path = folder / "plugins-contributions.pickle"
    data = path.read_bytes()
    path.write_bytes({"cut": data[: len(data) // 2],
                      "garbage": b"\x80\x05" + os.urandom(200) + b"u.",  # looks whole to caches.check
                      "foreign": pickle.dumps({"version": filecache.CODE_VERSION, "entries": ["x"]}),
                      "odd entries": pickle.dumps({"version": filecache.CODE_VERSION, "entries": {
                          str(root / "un-article" / name): "x" for name in ("c-1.md", "c-2.md", "c-3.md")},
                          "scope": (str(root), store.display(root), str(TZ), store.DEFAULT_MAX_BODY)}),
                      "empty": b""}[damage])
    parses.clear()
    assert _texts(_build(root, folder)) == fresh
    assert len(parses) == 3  # every file read again
    assert _texts(_build(root, folder)) == fresh  # and the cache written anew is whole


def test_the_cache_check_removes_a_cache_file_cut_short(site):
    root, folder = site
    _build(root, folder)
    path = folder / "plugins-contributions.pickle"
    expected = "fingerprint"
    (folder / caches.FINGERPRINT).write_text(expected + "\n", encoding="utf-8")
    assert caches.check(folder, expected) == []  # a whole one stays
    path.write_bytes(path.read_bytes()[:-10])
    messages = caches.check(folder, expected)
    assert len(messages) == 1 and path.name in messages[0] and not path.exists()


def test_other_scope_or_other_code_reads_every_file_again(site, parses, monkeypatch, tmp_path):
    root, folder = site
    _build(root, folder)
    parses.clear()
    # Another limit: the same files give other answers (the section's scope).
    cache = filecache.FileCache(folder)
    store.load_all(root, TZ, max_body=10, cache=cache)
    assert len(parses) == 3
    parses.clear()
    monkeypatch.setattr(filecache, "CODE_VERSION", "another")
    _build(root, folder)
    assert len(parses) == 3


def test_a_text_gives_the_answer_it_gave(tmp_path):
    calls = []

    def work(text):
        return lambda: calls.append(text) or text.upper()

    cache = filecache.FileCache(tmp_path)
    section = cache.section("markup", ("own.example",))
    assert section.for_text("<p>a</p>", work("<p>a</p>")) == "<P>A</P>"
    cache.save()
    section = filecache.FileCache(tmp_path).section("markup", ("own.example",))
    assert section.for_text("<p>a</p>", work("<p>a</p>")) == "<P>A</P>"
    assert section.for_text("<p>b</p>", work("<p>b</p>")) == "<P>B</P>"
    assert calls == ["<p>a</p>", "<p>b</p>"]
    other = filecache.FileCache(tmp_path).section("markup", ("other.example",))
    assert other.for_text("<p>a</p>", work("<p>a</p>")) == "<P>A</P>" and len(calls) == 3


def test_one_cache_per_build_context_and_ignore_cache_reads_none(site, parses):
    root, folder = site
    _build(root, folder)
    settings = {"CACHE_PATH": str(folder), "LOAD_CONTENT_CACHE": True, "CACHE_CONTENT": True}
    context = {}
    cache = filecache.of(context, settings)
    assert filecache.of(context, settings) is cache and filecache.of({}, settings) is not cache
    filecache.save(context)
    assert filecache.CONTEXT_KEY not in context  # nothing of a build outlives it
    parses.clear()
    ignored = filecache.of({}, {**settings, "LOAD_CONTENT_CACHE": False})
    store.load_all(root, TZ, cache=ignored)
    assert len(parses) == 3


def test_a_section_whose_answers_did_not_change_is_not_written_again(site, monkeypatch):
    root, folder = site
    monkeypatch.setattr(filecache, "RACY_NS", 0)  # the files are old enough for their stat to be trusted
    _build(root, folder)
    contributions = folder / "plugins-contributions.pickle"
    written = contributions.stat().st_ino  # a file written again is a new file (renamed over the old one)
    cache = filecache.FileCache(folder)
    store.load_all(root, TZ, cache=cache)
    cache.section("markup", ()).for_text("<p>nouveau</p>", lambda: ([], []))  # an edited article's HTML
    cache.save()
    assert (folder / "plugins-markup.pickle").is_file() and contributions.stat().st_ino == written
