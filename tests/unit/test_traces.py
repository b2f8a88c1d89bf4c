"""publishing.traces: what an erasure looks for, found in every form the site publishes it in."""

from __future__ import annotations

import gzip
import json

from publishing.traces import Scanner, Traces

VERSION = {
    "author": "Hélène Quenouillard",
    "author_url": "https://www.quenouillard-carnet.example/notes/",
    "body": "Les chaussettes **zinzolines** illuminent chaque comité de pilotage.\n\n"
            "Voir [mon carnet](https://autre-carnet.example/page) pour la suite.",
}


def scanner(*versions, own_hosts=("marques-communautes.github.io",)) -> Scanner:
    return Scanner(Traces.of_versions(versions or [VERSION], own_hosts))


def kinds(found) -> set[str]:
    return {trace.kind for trace in found}


def test_the_name_is_found_however_the_page_writes_it():
    scan = scanner()
    for page in (b"<p>\xe2\x80\x94 H&eacute;l&egrave;ne <em>Quenouillard</em>, le 2 mai</p>",
                 b'<script type="application/ld+json">{"author":{"name":"H\\u00e9l\\u00e8ne Quenouillard"}}</script>',
                 b"<summary>&lt;p&gt;par HELENE quenouillard&lt;/p&gt;</summary>",
                 "<p>Hélène\u202fQuenouillard</p>".encode()):
        assert "nom" in kinds(scan.find(page)), page
    assert "nom" in kinds(scan.find_in_text("contributeurs/helene-quenouillard/index.html"))


def test_an_excerpt_cut_short_and_a_sentence_split_by_markup_are_passages_of_the_text():
    scan = scanner()
    assert "texte" in kinds(scan.find("<li>Les chaussettes zinzolines illuminent chaque…</li>".encode()))
    assert "texte" in kinds(scan.find(b"<p>Les <strong>chaussettes</strong> zinzolines illuminent</p>"))


def test_pagefind_fragments_and_index_are_read_decompressed():
    scan = scanner()
    fragment = gzip.compress(b"pagefind_dcd" + json.dumps(
        {"content": "Les chaussettes zinzolines illuminent chaque comité. \u2014 Hélène Quenouillard"}).encode())
    assert {"texte", "nom"} <= kinds(scan.find(fragment))
    # The index stores stems, in CBOR: a long word is found by its first letters.
    index = gzip.compress(b"pagefind_dcd\x81\x98\x83hzinzolin\x82\x83\x00\x82")
    assert kinds(scan.find(index)) == {"mot"}
    assert scan.find(gzip.compress(b"pagefind_dcd\x81\x98\x83hchapeau\x82")) == set()


def test_addresses_are_found_without_their_scheme_and_the_sites_own_are_not_traces():
    scan = scanner()
    assert "adresse" in kinds(scan.find(b'<a href="http://quenouillard-carnet.example/notes/">carnet</a>'))
    assert "adresse" in kinds(scan.find(b"autre-carnet.example/page"))
    own = Traces.of_versions([{**VERSION, "source_url": "https://marques-communautes.github.io/citoyens/"}],
                             ["marques-communautes.github.io"])
    assert not any("github" in trace.words for trace in own.items if trace.kind == "adresse")


def test_unrelated_text_holds_no_trace_and_a_long_word_alone_is_one_until_the_build_shows_it():
    scan = scanner()
    assert scan.find("<p>Des bas bleus au conseil ; Paul est ailleurs.</p>".encode()) == set()
    assert scan.find(bytes(range(256)) * 50) == set()
    assert kinds(scan.find(b"<p>Des chaussettes bleues.</p>")) == {"mot"}


def test_what_the_new_build_still_shows_is_set_aside_and_said_where():
    """A name another published contribution carries, or a common word, is not a trace of this one."""
    scan = scanner()
    build = [("contributeurs/helene-quenouillard/index.html", "<p>Hélène Quenouillard : un autre avis.</p>".encode()),
             ("index.html", "<p>Chaque semaine, un comité.</p>".encode())]
    rest, shown = scan.split_shown(build)
    assert "contributeurs/helene-quenouillard/index.html" in [name for t, names in shown.items() if t.kind == "nom"
                                                              for name in names]
    assert rest.find(build[0][1]) == set() and rest.find(build[1][1]) == set()
    assert "texte" in kinds(rest.find(b"Les chaussettes zinzolines illuminent"))


def test_every_version_counts_and_a_tombstone_adds_nothing():
    first = {"author": "Paul Ancien", "body": "Première version du texte, corrigée ensuite."}
    redacted = {"author": "", "body": "", "status": "redacted"}
    found = Traces.of_versions([VERSION, first, redacted])
    assert {("paul", "ancien"), ("hélène", "quenouillard")} <= {t.words for t in found.items if t.kind == "nom"}
    assert Traces.of_versions([redacted]).items == frozenset()
