"""The community caches: keyed by content, never stale, never a copy of private fields."""

import json
import os
from zoneinfo import ZoneInfo

import pytest

from blogcore.errors import SiteError
from community import cache, store
from community.model import Contribution

TZ = ZoneInfo("Europe/Paris")
FILE = """Id: c-1
Article: un-article
Author: Alice
Author_email: alice.secret@example.org
Author_ip: 192.0.2.44
Date: 2020-01-02 09:15:00+01:00
Moderated_at: 2020-01-03 10:00:00+01:00
Moderator: Marie
Kind: idea
Votes: 12
Idea_status: reviewing
Status: approved
Source: Forum

Une *idée*.
"""


def write_site(tmp_path, text=FILE):
    root = tmp_path / "contributions"
    (root / "un-article").mkdir(parents=True)
    (root / "un-article" / "c-1.md").write_text(text, encoding="utf-8")
    return root


def load(root, folder):
    files = cache.FileCache(str(folder), TZ)
    contributions, problems = store.load_all(root, TZ, files)
    files.save()
    return contributions, problems, files


def stored(folder):
    """The files cache as written: its header, and name → (status, fields as a list)."""
    header, *lines = (folder / cache.FILES_FILE).read_text(encoding="utf-8").splitlines()
    entries = {}
    for line in lines:
        name, status, fields = line.split("\t")
        entries[name] = (status, json.loads(fields))
    return json.loads(header), entries


def write_stored(folder, header, entries):
    lines = [json.dumps(header)] + [f"{name}\t{status}\t{json.dumps(fields)}" for name, (status, fields) in entries.items()]
    (folder / cache.FILES_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_file_location_comes_last_so_records_rebuild_positionally():
    assert Contribution.__slots__[-3:] == ("key", "root", "name")
    assert not {"key", "root", "name"} & set(cache.RECORD_FIELDS)


def test_a_cached_file_gives_the_same_contribution_without_private_fields(tmp_path, monkeypatch):
    root = write_site(tmp_path)
    (first,), problems, files = load(root, tmp_path / "cache")
    assert problems == [] and files.new
    parsed = []
    monkeypatch.setattr(store, "parse_contribution", lambda *a, **k: parsed.append(a) or (None, []))
    (again,), _, files = load(root, tmp_path / "cache")
    assert parsed == [] and files.keys, "the second load must come from the cache"
    assert again == first.with_changes(author_email="", author_ip="", body=None)
    assert first.key == cache.digest((root / "un-article" / "c-1.md").read_bytes())
    assert store.read_body(again) == first.body == "Une *idée*."
    assert again.date == first.date and again.date.utcoffset() == first.date.utcoffset()
    stored = (tmp_path / "cache" / cache.FILES_FILE).read_text(encoding="utf-8")
    assert "alice.secret@example.org" not in stored and "192.0.2.44" not in stored
    assert "idée" not in stored, "bodies stay in their files"


def test_a_body_left_in_its_file_is_read_back_only_if_unchanged(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "RACY_NS", 0)
    root = write_site(tmp_path)
    load(root, tmp_path / "cache")
    (again,), _, _ = load(root, tmp_path / "cache")
    assert again.body is None
    # Edited after the build checked it: the build stops rather than publish unchecked text.
    (root / "un-article" / "c-1.md").write_text(FILE.replace("Une *idée*.", "Un texte jamais vérifié."),
                                                 encoding="utf-8")
    with pytest.raises(SiteError) as error:
        store.read_body(again)
    assert "c-1.md" in str(error.value) and "changed while the site was being built" in str(error.value)


@pytest.mark.parametrize("trust_fresh_statuses", [False, True])
def test_an_edit_that_keeps_size_and_time_is_seen(tmp_path, monkeypatch, trust_fresh_statuses):
    if trust_fresh_statuses:  # as if the cache had been written long after the file: its status is used
        monkeypatch.setattr(cache, "RACY_NS", 0)
    root = write_site(tmp_path)
    load(root, tmp_path / "cache")
    path = root / "un-article" / "c-1.md"
    before = path.stat()
    edited = FILE.replace("Status: approved", "Status: redacted")
    assert len(edited) == len(FILE)
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same time: only the bytes differ
    (contribution,), _, _ = load(root, tmp_path / "cache")
    assert contribution.status == "redacted" and not contribution.published


def test_bad_files_are_never_cached_and_are_reported_every_time(tmp_path):
    root = write_site(tmp_path, FILE.replace("Date: 2020-01-02 09:15:00", "Date: 02/01/2020"))
    for _ in range(2):
        contributions, problems, files = load(root, tmp_path / "cache")
        assert contributions == [] and len(problems) == 1 and "02/01/2020" in str(problems[0])
        assert files.new == {} and files.keys == {} and not files.changed()


def test_a_cache_from_other_code_or_damaged_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "RACY_NS", 0)
    root = write_site(tmp_path)
    load(root, tmp_path / "cache")
    header, entries = stored(tmp_path / "cache")
    (name,) = entries
    status, fields = entries[name]
    # Same fingerprint, damaged record: the file is read again.
    write_stored(tmp_path / "cache", header, {name: (status, ["c-1", "un-article"])})
    (contribution,), problems, files = load(root, tmp_path / "cache")
    assert problems == [] and contribution.votes == 12 and files.new, "read again, and stored again"
    # Another fingerprint (other code, other time zone): nothing is trusted.
    fields[2] = "Mallory"
    write_stored(tmp_path / "cache", {"fingerprint": "0" * 64}, {name: (status, fields)})
    (contribution,), _, _ = load(root, tmp_path / "cache")
    assert contribution.author == "Alice"
    other_zone = cache.FileCache(str(tmp_path / "cache"), ZoneInfo("America/Montreal"))
    assert other_zone.recall("un-article/c-1.md", (root / "un-article" / "c-1.md").stat(), "") is None
    # Not a cache at all: ignored, with a warning, and replaced.
    (tmp_path / "cache" / cache.FILES_FILE).write_text("{not json\n", encoding="utf-8")
    (contribution,), problems, _ = load(root, tmp_path / "cache")
    assert problems == [] and contribution.author == "Alice"
    assert stored(tmp_path / "cache")[0]["fingerprint"] != "0" * 64


def test_files_with_the_stored_bytes_are_not_parsed_again(tmp_path, monkeypatch):
    # A fresh clone, or a touch: new statuses, same bytes.
    monkeypatch.setattr(cache, "RACY_NS", 0)
    root = write_site(tmp_path)
    load(root, tmp_path / "cache")
    path = root / "un-article" / "c-1.md"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns - 5_000_000_000))
    parsed = []
    monkeypatch.setattr(store, "parse_contribution", lambda *a, **k: parsed.append(a) or (None, []))
    (contribution,), problems, files = load(root, tmp_path / "cache")
    assert problems == [] and parsed == [] and contribution.votes == 12
    assert files.changed() and stored(tmp_path / "cache")[1]["un-article/c-1.md"][0].split()[1] == str(
        path.stat().st_mtime_ns), "the new status is stored"


def test_unreadable_cache_file_is_ignored_with_a_warning(tmp_path, caplog):
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / cache.BODIES_FILE).write_text("{not json", encoding="utf-8")
    bodies = cache.BodyCache(str(tmp_path / "cache"), frozenset())
    assert bodies.get("Bonjour.") is None
    assert "[community] ignoring an unreadable cache file" in caplog.text


def test_body_cache_keeps_only_what_the_build_used(tmp_path):
    bodies = cache.BodyCache(str(tmp_path), frozenset({"exemple.fr"}))
    bodies.put("a", "<p>a</p>", "a")
    bodies.put("b", "<p>b</p>", "b")
    bodies.save()
    again = cache.BodyCache(str(tmp_path), frozenset({"exemple.fr"}))
    assert again.get("a") == ("<p>a</p>", "a")
    again.save()
    third = cache.BodyCache(str(tmp_path), frozenset({"exemple.fr"}))
    assert third.get("a") is not None and third.get("b") is None
    # The site's own hosts decide which images load: another host list, another cache.
    assert cache.BodyCache(str(tmp_path), frozenset({"autre.fr"})).get("a") is None


def test_unchanged_files_are_not_even_read_again(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "RACY_NS", 0)
    root = write_site(tmp_path)
    (root / "un-article" / "c-2.md").write_text(FILE.replace("Id: c-1", "Id: c-2"), encoding="utf-8")
    load(root, tmp_path / "cache")
    opened = []
    real_open = open

    def counting_open(path, *args, **kwargs):
        opened.append(str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(store, "open", counting_open, raising=False)
    contributions, problems, files = load(root, tmp_path / "cache")
    assert problems == [] and [c.id for c in contributions] == ["c-1", "c-2"] and opened == []
    assert not files.changed(), "nothing changed: the cache file is not rewritten"
    # A new file is read; the others still are not.
    (root / "un-article" / "c-3.md").write_text(FILE.replace("Id: c-1", "Id: c-3"), encoding="utf-8")
    contributions, _, files = load(root, tmp_path / "cache")
    assert [c.id for c in contributions] == ["c-1", "c-2", "c-3"]
    assert [p.rsplit("/", 1)[-1] for p in opened] == ["c-3.md"]
    # A deleted file disappears from the cache too.
    (root / "un-article" / "c-2.md").unlink()
    contributions, _, _ = load(root, tmp_path / "cache")
    assert [c.id for c in contributions] == ["c-1", "c-3"]
    assert sorted(stored(tmp_path / "cache")[1]) == ["un-article/c-1.md", "un-article/c-3.md"]


def test_a_status_as_recent_as_the_cache_is_not_trusted(tmp_path):
    # Written a moment ago: an edit in the same clock tick could keep size
    # and times, so only the digest of the bytes is kept for this file.
    root = write_site(tmp_path)
    load(root, tmp_path / "cache")
    ((status, fields),) = stored(tmp_path / "cache")[1].values()
    assert status.split()[0] == "-" and len(status.split()) == 2 and fields[0] == "c-1"
    # Such a file is read again, and its bytes found in the cache: not parsed again.
    (contribution,), problems, files = load(root, tmp_path / "cache")
    assert problems == [] and contribution.id == "c-1" and files.new


def test_bodies_rendered_by_worker_processes_are_the_ones_the_build_would_render():
    # The first build of a big site renders its bodies in worker processes
    # (prerender.py); the pages must not depend on which process did it.
    from community import prerender
    from fixtures.xss import load_vectors

    # Every XSS vector (HTML, Markdown, control characters...), plus French prose and lists.
    bodies = load_vectors() + ["Bonjour : *merci* pour « ça » !", "Voir https://exemple.fr/p?x=1 et <b>gras</b>",
                               "1. un\n2. deux", "Sans aucune syntaxe.\n\nDeux paragraphes."]
    hosts = frozenset({"exemple.fr"})
    pooled = {}
    assert prerender.render_all(bodies, hosts, 2, lambda body, html, text: pooled.update({body: (html, text)}),
                                minimum=1), "the worker processes must run here"
    assert pooled == {body: prerender.page_body(body, hosts) for body in bodies}
    # Too few bodies, or one worker: the build renders them itself.
    assert not prerender.render_all(bodies[:10], hosts, 2, pooled.update)
    assert not prerender.render_all(bodies * 200, hosts, 1, pooled.update)


def test_missing_bodies_are_rendered_once_each_and_reach_every_contribution(tmp_path):
    import datetime as dt

    from community import prerender
    from community.config import from_settings
    from community.index import CommunityIndex

    when = dt.datetime(2020, 1, 2, 9, 15, tzinfo=TZ)
    items = [Contribution(id=f"c-{n}", article="un-article", author="Alice", date=when + dt.timedelta(minutes=n),
                          body=body, status=status, source="Forum")
             for n, (body, status) in enumerate([("Même *texte*", "approved"), ("Même *texte*", "approved"),
                                                 ("Autre : texte", "approved"), ("Refusé", "rejected")])]
    cfg = from_settings({"SITEURL": "https://exemple.fr"})
    bodies = cache.BodyCache(str(tmp_path), cfg.own_hosts)
    index = CommunityIndex(items, cfg, {"un-article": object()}, {"un-article": object()}, bodies)
    assert index.render_missing(workers=2, minimum=1) == 2, "two distinct published bodies, the rejected one never"
    for item in items[:3]:
        assert index.body_html(item) == prerender.page_body(item.body, cfg.own_hosts)[0]
    assert index.body_html(items[3]) == "" and len(bodies.entries) == 2
    # A second index over the same cache finds everything rendered.
    again = CommunityIndex(items, cfg, {"un-article": object()}, {"un-article": object()}, bodies)
    assert again.render_missing(workers=2, minimum=1) == 0


def test_fragments_are_read_back_only_under_the_same_inputs_and_code(tmp_path):
    fragments = cache.FragmentCache(str(tmp_path), "code-1")
    key = fragments.key(["threads", "digest-a", "digest-b"])
    assert fragments.get(key) is None
    fragments.put(key, "<ol>fil</ol>")
    fragments.save()
    again = cache.FragmentCache(str(tmp_path), "code-1")
    assert again.get(again.key(["threads", "digest-a", "digest-b"])) == "<ol>fil</ol>"
    # Any other input, or the same inputs split differently, or other code: another key.
    assert again.get(again.key(["threads", "digest-a", "digest-c"])) is None
    assert again.get(again.key(["threads", "digest-ad", "igest-b"])) is None
    other_code = cache.FragmentCache(str(tmp_path), "code-2")
    assert other_code.get(other_code.key(["threads", "digest-a", "digest-b"])) is None
    other_code.close()
    again.save()


def test_fragment_cache_keeps_only_what_the_build_used(tmp_path):
    first = cache.FragmentCache(str(tmp_path), "code")
    for name in ("a", "b", "c"):
        first.put(first.key([name]), name.upper())
    first.save()
    second = cache.FragmentCache(str(tmp_path), "code")
    assert second.get(second.key(["a"])) == "A"
    second.save()
    third = cache.FragmentCache(str(tmp_path), "code")
    assert third.rows == 1 and third.get(third.key(["b"])) is None and third.get(third.key(["a"])) == "A"
    third.save()


def test_the_fragment_file_does_not_grow_when_every_fragment_is_made_again(tmp_path):
    def build(code):
        fragments = cache.FragmentCache(str(tmp_path), code)
        for n in range(300):
            fragments.put(fragments.key([str(n)]), f"{code} {n} " + "é" * 4000)
        fragments.save()
        return (tmp_path / cache.FRAGMENTS_FILE).stat().st_size

    first = build("code")
    # New code or settings: every fragment is made again, and the old ones are deleted.
    assert build("new code") < first * 1.2 and build("newer code") < first * 1.2
    kept = cache.FragmentCache(str(tmp_path), "newer code")
    assert kept.rows == 300 and kept.get(kept.key(["7"])).startswith("newer code 7 ")
    kept.save()


def test_fragments_are_written_in_batches_during_a_long_build(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "FRAGMENT_BATCH", 10)
    fragments = cache.FragmentCache(str(tmp_path), "code")
    for n in range(25):
        fragments.put(fragments.key([str(n)]), "x" * 100)
    assert len(fragments.pending) == 5, "two batches of ten already written, not held in memory"
    reader = cache.FragmentCache(str(tmp_path), "code")
    assert reader.rows == 20
    reader.close()
    fragments.save()


def test_a_damaged_fragment_cache_is_replaced_with_a_warning(tmp_path, caplog):
    (tmp_path / cache.FRAGMENTS_FILE).write_bytes(b"not a database at all" * 100)
    fragments = cache.FragmentCache(str(tmp_path), "code")
    assert "[community] replacing an unreadable cache file" in caplog.text
    assert fragments.get(fragments.key(["a"])) is None
    fragments.put(fragments.key(["a"]), "A")
    fragments.save()
    assert cache.FragmentCache(str(tmp_path), "code").get(fragments.key(["a"])) == "A"


def test_an_unusable_fragment_cache_only_slows_the_build(tmp_path, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    fragments = cache.FragmentCache(str(blocker), "code")
    assert fragments.db is None and "[community] not using the cache" in caplog.text
    fragments.put(fragments.key(["a"]), "A")
    assert fragments.get(fragments.key(["a"])) is None
    fragments.save()


def test_the_cache_file_is_read_in_the_order_files_are_met(tmp_path, monkeypatch):
    # Read one line at a time as the scan goes: files before subfolders,
    # "a-b" sorts before "a/" as a string but after "a" as a folder.
    monkeypatch.setattr(cache, "RACY_NS", 0)
    root = tmp_path / "contributions"
    names = {"a/c-1.md": "a", "a/c-2.md": "a", "a-b/c-3.md": "a-b", "b/c-4.md": "b"}
    for name, article in names.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        ident = name.split("/")[1][:-3]
        (root / name).write_text(FILE.replace("Id: c-1", f"Id: {ident}").replace("un-article", article),
                                 encoding="utf-8")
    load(root, tmp_path / "cache")
    assert list(stored(tmp_path / "cache")[1]) == ["a/c-1.md", "a/c-2.md", "a-b/c-3.md", "b/c-4.md"]
    assert sorted(names, key=cache.scan_order) == list(stored(tmp_path / "cache")[1])
    # Files added before, between and after the stored ones, and one removed.
    for name, article in {"0/c-0.md": "0", "a/c-15.md": "a", "a-b/c-35.md": "a-b", "c/c-5.md": "c"}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        ident = name.split("/")[1][:-3]
        (root / name).write_text(FILE.replace("Id: c-1", f"Id: {ident}").replace("un-article", article),
                                 encoding="utf-8")
    (root / "a" / "c-2.md").unlink()
    parsed = []
    real_parse = store.parse_contribution
    monkeypatch.setattr(store, "parse_contribution", lambda text, path, *a, **k: parsed.append(path.rsplit("/", 1)[-1])
                        or real_parse(text, path, *a, **k))
    contributions, problems, files = load(root, tmp_path / "cache")
    assert problems == [] and sorted(parsed) == ["c-0.md", "c-15.md", "c-35.md", "c-5.md"], "only new files are read"
    assert [c.id for c in contributions] == ["c-0", "c-1", "c-15", "c-3", "c-35", "c-4", "c-5"]
    assert list(stored(tmp_path / "cache")[1]) == [
        "0/c-0.md", "a/c-1.md", "a/c-15.md", "a-b/c-3.md", "a-b/c-35.md", "b/c-4.md", "c/c-5.md"]
    parsed.clear()
    contributions, _, files = load(root, tmp_path / "cache")
    assert parsed == [] and not files.changed() and len(contributions) == 7


def test_dates_with_the_same_offset_share_one_offset_object(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "RACY_NS", 0)
    root = write_site(tmp_path, FILE)
    (root / "un-article" / "c-2.md").write_text(
        FILE.replace("Id: c-1", "Id: c-2").replace("Date: 2020-01-02 09:15:00+01:00", "Date: 2021-05-02 10:00:00+01:00"),
        encoding="utf-8")
    first, _, _ = load(root, tmp_path / "cache")
    again, _, _ = load(root, tmp_path / "cache")
    assert [c.date for c in again] == [c.date for c in first]
    assert again[0].date.tzinfo is again[1].date.tzinfo is again[0].moderated_at.tzinfo


@pytest.mark.parametrize("use_cache", [False, True])
def test_a_misplaced_file_is_reported_whether_or_not_it_comes_from_the_cache(tmp_path, monkeypatch, use_cache):
    monkeypatch.setattr(cache, "RACY_NS", 0)
    root = write_site(tmp_path)
    (root / "autre-article").mkdir()
    (root / "un-article" / "c-1.md").rename(root / "autre-article" / "c-1.md")
    (root / "un-article" / "nom-libre.md").write_text(FILE.replace("Id: c-1", "Id: c-2"), encoding="utf-8")
    folder = tmp_path / "cache" if use_cache else None
    for _ in range(2 if use_cache else 1):  # the second load comes from the cache
        files = cache.FileCache(str(folder) if folder else None, TZ)
        contributions, problems = store.load_all(root, TZ, files)
        files.save()
    assert all((c.body is None) == use_cache for c in contributions)
    found = {c.id: c for c in contributions}
    assert found["c-1"].path == str(root / "autre-article" / "c-1.md")
    assert found["c-2"].path == str(root / "un-article" / "nom-libre.md")
    shown = [str(p) for p in store.check_collection(contributions, {"un-article", "autre-article"}, ())]
    assert any("autre-article/c-1.md" in m and "in the folder of 'autre-article'" in m for m in shown), shown
    assert any("nom-libre.md" in m and "the file is named 'nom-libre.md'" in m for m in shown), shown
    assert len(shown) == 2


def test_a_file_in_its_usual_place_keeps_no_path_of_its_own(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "RACY_NS", 0)
    root = write_site(tmp_path)
    for _ in range(2):
        files = cache.FileCache(str(tmp_path / "cache"), TZ)
        (c,), problems = store.load_all(root, TZ, files)
        files.save()
    assert problems == [] and not files.changed()
    # 10,000 contributions of a build share one root string instead of holding a path each.
    assert c.name == "" and c.root == str(root) and c.path == str(root / "un-article" / "c-1.md")
    assert store.check_collection([c], {"un-article"}, ()) == []
