"""The transparency plugin's pure parts: header grammar, settings, paid links, word diff, figures."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from blogcore.errors import SiteError
from blogcore.headers import parse_header
from transparency import config, disclosure, fields
from transparency.diff import tokens, word_diff
from transparency.figures import duration_fr, median_delta, number_fr

PARIS = ZoneInfo("Europe/Paris")


def problems(text: str, kind: str = "article", date: dt.datetime | None = None) -> list[str]:
    header = parse_header(text + "\n\nTexte.")
    return [f"{p.field} {p.value!r} {p.message}" for p in
            fields.check(header.fields, header.all("correction"), kind, date, PARIS)]


# ----------------------------------------------------------------- header grammar

@pytest.mark.parametrize("kind, sponsor, mention", [
    ("publicite", "Annonceur", "Publicité — pour le compte de Annonceur"),
    ("collaboration", "Maison X", "Publicité — collaboration commerciale avec Maison X"),
    ("affiliation", "Programme Y", "Contient des liens affiliés — Programme Y"),
    ("produit-offert", "Atelier Z", "Produit offert par Atelier Z"),
])
def test_each_partnership_has_its_french_mention_naming_the_partner(kind, sponsor, mention):
    found = fields.disclosure_of({"partnership": kind, "sponsor": sponsor})
    assert found.mention == mention and found.kind == kind


def test_partner_domain_comes_from_sponsor_url_without_www():
    found = fields.Disclosure("collaboration", "X", "https://www.maison-x.fr/page")
    assert found.domain == "maison-x.fr"
    assert fields.Disclosure("collaboration", "X").domain == ""


def test_repeated_corrections_are_all_read_oldest_first_and_continuations_joined():
    header = parse_header("Title: T\nCorrection: 2021-07-05 | precision | Deux.\n"
                          "Correction: 2021-07-01 10:00+02:00 | rectificatif | Une phrase\n    sur deux lignes.\n\nx")
    found = fields.corrections_of(header.all("correction"), PARIS)
    assert [(c.kind, c.text) for c in found] == [("rectificatif", "Une phrase sur deux lignes."),
                                                ("precision", "Deux.")]
    assert found[0].on_top and not found[1].on_top
    assert found[0].anchor == "correction-20210701-100000"
    assert found[1].date == dt.datetime(2021, 7, 5, tzinfo=PARIS), "a date without time is midnight in Paris"
    assert header.duplicates == ["correction"]


@pytest.mark.parametrize("header, expected", [
    ("Partnership: pub\nSponsor: X", "type de partenariat inconnu"),
    ("Partnership: publicite", "nomme son partenaire"),
    ("Sponsor_url: https://x.fr/", "ne déclare aucun Partnership"),
    ("Partnership: publicite\nSponsor: X\nSponsor_url: x.fr", "pas une adresse web absolue"),
    ("Guest: parfois", "ni yes ni no"),
    ("Correction: 2021-07-01 | rectificatif", "séparés par |"),
    ("Correction: 01/07/2021 | rectificatif | x", "n'est pas une date ISO 8601"),
    ("Correction: 2021-07-01 | correctif | x", "type 'correctif' inconnu"),
    ("Correction: 2021-07-01 | précision |  ", "phrase"),
    ("Correction: 2021-07-01 | precision | a\nCorrection: 2021-07-01 | rectificatif | b", "même date et la même heure"),
    ("Methode: ecrit: moi", "n'est ni « redaction"),
    ("Methode: sources: a | sources: b", "écrit deux fois"),
])
def test_bad_values_are_named(header, expected):
    found = problems("Title: T\n" + header)
    assert len(found) == 1 and expected in found[0], found


def test_a_correction_cannot_predate_its_text_and_pages_carry_no_partnership():
    assert "ne peut pas précéder" in problems("Correction: 2020-01-01 | precision | x",
                                        date=dt.datetime(2021, 1, 1, tzinfo=PARIS))[0]
    assert "seuls les articles" in problems("Partnership: publicite\nSponsor: X", kind="page")[0]
    assert problems("Correction: 2021-07-01 | Précision | x", kind="page") == []  # accents and case are folded


def test_method_parts_in_order_with_their_labels():
    assert fields.parse_method("Relecture: Alice | rédaction : Camille | sources: un entretien") == (
        ("relecture", "Alice"), ("redaction", "Camille"), ("sources", "un entretien"))


@pytest.mark.parametrize("headers, key", [
    ({"partnership": "publicite", "source_note": "x", "guest": "yes"}, "sponsorise"),
    ({"source_url": "https://x.fr/", "guest": "yes"}, "republication"),
    ({"guest": "oui"}, "tribune"),
    ({"guest": "no"}, "marque"),
    ({}, "marque"),
])
def test_exactly_one_type_of_work_derived_from_the_headers(headers, key):
    work = fields.work_type_of(headers)
    assert work.key == key and work.label == fields.WORK_TYPES[key][0] and work.schema_type == fields.WORK_TYPES[key][1]


@pytest.mark.parametrize("note, expected", [
    ("Un mot. " * 40, "280 au plus"),
    ("… !", "ne dit rien que les lecteurs puissent lire"),
])
def test_a_bad_public_note_is_named(note, expected):
    found = problems(f"Note-de-modification: {note}")
    assert len(found) == 1 and found[0].startswith("Note-de-modification:") and expected in found[0]


def test_a_public_note_of_one_or_two_sentences_passes():
    assert problems("Note-de-modification: Un paragraphe oublié lors de la reprise a été ajouté.\n"
                    "    Il suit la citation.", kind="page") == []
    assert "note-de-modification" in fields.FIELDS  # so the validator and the desk know the field


# ------------------------------------------------------------------------ settings

def test_defaults_name_every_policy_and_the_organization():
    cfg = config.from_settings({"SITENAME": "Marque"})
    assert cfg.organization == "Marque" and dict(cfg.policies)["correctionsPolicy"] == "#corrections"
    assert {key for key, _ in cfg.policies} == set(config.REQUIRED_POLICIES)
    assert cfg.schema == "transparence.schema.json" and cfg.history is True


@pytest.mark.parametrize("key, value, expected", [
    ("affiliates", [], "unknown setting"),
    ("affiliate_domains", "amzn.to", "list of domain names"),
    ("affiliate_domains", ["https://amzn.to/"], "list of domain names"),
    ("policies", {"correctionsPolicy": "#c"}, "lacks publishingPrinciples"),
    ("policies", {**dict(config.DEFAULT_POLICIES), "ethics": "#e"}, "not a policy"),
    ("policies", {**dict(config.DEFAULT_POLICIES), "masthead": "equipe"}, "#anchor"),
    ("history", "yes", "True or False"),
    ("withheld_versions", ["0bf1e38a55"], "dict of version id"),
    ("withheld_versions", {"abc": ""}, "not a version id"),
    ("withheld_versions", {"0BF1E38A55": ""}, "not a version id"),
    ("withheld_versions", {"0bf1e38a55": "une ligne\npuis une autre"}, "one line"),
    ("withheld_versions", {"0bf1e38a55": 3}, "one line"),
    ("commit_language", "en", "unknown setting"),
    ("deployed_from", "https://git.example/o/site.git", "keys 'remote' and 'branch'"),
    ("deployed_from", {"remote": "https://git.example/o/site.git", "ref": "gh-pages"}, "keys 'remote' and 'branch'"),
    ("deployed_from", {"branch": "gh-pages"}, "non-empty address"),
    ("deployed_from", {"remote": "--upload-pack=touch /tmp/x"}, "start with '-'"),
    ("deployed_from", {"remote": "https://git.example/o/site.git", "branch": "gh pages"}, "without spaces"),
    ("corrections_url", "/corrections", "ends with '/'"),
    ("export", "transparence.txt", ".json"),
])
def test_bad_settings_are_named(key, value, expected):
    with pytest.raises(SiteError) as error:
        config.from_settings({"TRANSPARENCY": {key: value}})
    assert f"TRANSPARENCY[{key!r}]" in str(error.value) and expected in str(error.value)


def test_settings_are_not_modified_and_withheld_ids_give_their_reason():
    withheld = {"0bf1e38a": "Retirée à la demande  d’une personne citée.", "2b425cc3be": None, "901e03c90d": ""}
    settings = {"TRANSPARENCY": {"affiliate_domains": ["WWW.Amzn.to"], "withheld_versions": dict(withheld)}}
    cfg = config.from_settings(settings)
    assert settings == {"TRANSPARENCY": {"affiliate_domains": ["WWW.Amzn.to"], "withheld_versions": withheld}}
    assert cfg.affiliate_domains == ("amzn.to",)
    assert cfg.withheld("0bf1e38a55c3") == "Retirée à la demande d’une personne citée."
    assert cfg.withheld("2b425cc3be01") == "" and cfg.withheld("901e03c90d77") == ""
    assert cfg.withheld("1bf1e38a55c3") is None
    assert cfg.deployed_from is None, "without the setting, the deploys are unknown"
    remote = {"remote": "https://git.example/o/site.git"}
    assert config.from_settings({"TRANSPARENCY": {"deployed_from": remote}}).deployed_from == (
        "https://git.example/o/site.git", "gh-pages")


# ------------------------------------------------------------------------ paid links

def test_partner_and_affiliate_links_are_sponsored_others_untouched():
    partner = fields.Disclosure("collaboration", "X", "https://www.maison-x.fr/")
    html = ('<p><a href="https://maison-x.fr/a">a</a> <a href="https://shop.maison-x.fr/b" rel="noopener">b</a> '
            '<a href="https://autre.fr/c">c</a> <a href="https://go.aff.net/d?x=1&amp;y=2" title="t">d</a> '
            '<a href="{filename}local.md">e</a> <a href="https://notmaison-x.fr/">f</a></p>')
    marked, undeclared = disclosure.mark_links(html, partner, ("aff.net",))
    assert '<a href="https://maison-x.fr/a" rel="sponsored">a</a>' in marked
    assert '<a href="https://shop.maison-x.fr/b" rel="sponsored noopener">b</a>' in marked
    assert '<a href="https://autre.fr/c">c</a>' in marked and '<a href="https://notmaison-x.fr/">f</a>' in marked
    assert ('<a href="https://go.aff.net/d?x=1&amp;y=2" title="t" rel="sponsored">d</a>'
            '<span class="affiliate-note"> (lien affilié)</span>') in marked
    assert '<a href="{filename}local.md">e</a>' in marked and undeclared == []


def test_an_affiliate_link_without_partnership_is_reported():
    marked, undeclared = disclosure.mark_links('<a href="https://aff.net/x?a=1&amp;b=2">x</a>', None, ("aff.net",))
    assert [(p.url, p.domain, p.undeclared) for p in undeclared] == [("https://aff.net/x?a=1&b=2", "aff.net", True)]
    assert 'rel="sponsored"' in marked
    assert disclosure.mark_links("<p>Sans lien.</p>", None, ("aff.net",)) == ("<p>Sans lien.</p>", [])


# ------------------------------------------------------------------------ word diff

def test_tokens_give_the_text_back():
    text = "Un texte,  sur\ndeux lignes\u00a0: fin.\n\nParagraphe."
    assert "".join(tokens(text)) == text


def test_word_diff_keeps_paragraphs_and_counts_words():
    diff = word_diff("Le service a été lancé en 2008.\n\nFin.", "Le service a été lancé en 2009.\n\nFin du texte.")
    assert [(p.kind, p.text) for p in diff.pieces] == [
        ("same", "Le service a été lancé en "), ("del", "2008."), ("ins", "2009."), ("same", "\n\n"),
        ("del", "Fin."), ("ins", "Fin du texte."),
    ]
    assert (diff.inserted, diff.deleted, diff.changed) == (4, 2, True)
    assert not word_diff("Même texte.", "Même texte.").changed


def test_word_diff_of_a_long_text_shows_only_the_words_that_changed():
    paragraphs = [f"Paragraphe {i} : des mots et encore des mots." for i in range(300)]
    edited = list(paragraphs)
    edited[150] = "Paragraphe 150 : des mots et encore d’autres mots."
    diff = word_diff("\n\n".join(paragraphs), "\n\n".join(edited))
    assert [(p.kind, p.text) for p in diff.pieces if p.kind != "same"] == [("del", "des"), ("ins", "d’autres")]
    assert "".join(p.text for p in diff.pieces if p.kind != "del") == "\n\n".join(edited)


# ------------------------------------------------------------------------ figures

def test_durations_and_numbers_in_french():
    assert duration_fr(dt.timedelta(days=6478, hours=3)) == "6\u202f478\u00a0jours"
    assert duration_fr(dt.timedelta(hours=30)) == "30\u00a0heures"
    assert duration_fr(dt.timedelta(days=1)) == "24\u00a0heures"
    assert duration_fr(dt.timedelta(minutes=1)) == "1\u00a0minute"
    assert duration_fr(dt.timedelta(seconds=20)) == "moins d’une minute" and duration_fr(None) == "—"
    assert median_delta([dt.timedelta(hours=h) for h in (1, 3, 8)]) == dt.timedelta(hours=3)
    assert median_delta([]) is None
    assert (number_fr(2), number_fr(2.5), number_fr(None)) == ("2", "2,5", "—")


# ------------------------------------------------------------------------ paid links, every spelling

AMZN = ("amzn.to",)
NOTE = '<span class="affiliate-note"> (lien affilié)</span>'


@pytest.mark.parametrize("link", [
    '<a href="https://amzn.to./x">l</a>',                  # a trailing dot
    '<a href="https://ａｍｚｎ.to/x">l</a>',                 # fullwidth letters
    '<a href="https://amzn%2Eto/x">l</a>',                  # a percent-encoded dot
    '<a href="//amzn.to/x">l</a>',                          # scheme-relative
    "<a href='https://amzn.to/x'>l</a>",                    # single-quoted raw HTML
    "<a href=https://amzn.to/x>l</a>",                      # unquoted
    '<A HREF="HTTPS://AMZN.TO/X">l</A>',                    # upper case
    '<a href="https://partenaire.example@amzn.to/">l</a>',  # userinfo
    '<a href="https:\\\\amzn.to\\x">l</a>',                 # backslashes
    '<a href="ht&#9;tps://am&#10;zn.to/x">l</a>',           # a tab and a newline, as entities
    '<a href="https://&#x61;mzn.to/x">l</a>',               # an entity in the host
    '<a href="https://fr.amzn.to/x">l</a>',                 # a sub-domain
    '<a title="a > b" href="https://amzn.to/x">l</a>',      # a ">" before the address
    '<a href="http:amzn.to/x">l</a>',                       # no slashes (another host on an http page)
])
def test_every_spelling_of_an_affiliate_link_is_marked_and_reported(link):
    marked, found = disclosure.mark_links(f"<p>Voir {link}.</p>", None, AMZN)
    assert [(p.domain, p.undeclared) for p in found] == [("amzn.to", True)], found
    assert marked.count('rel="sponsored"') == 1 and marked.count(NOTE) == 1
    assert marked.index('rel="sponsored"') < marked.index(NOTE)
    declared = fields.Disclosure("affiliation", "Programme")
    marked, found = disclosure.mark_links(f"<p>Voir {link}.</p>", declared, AMZN)
    assert found == [] and marked.count(NOTE) == 1


@pytest.mark.parametrize("link", [
    '<a href="https://amzn.to.evil.example/">l</a>', '<a href="https://notamzn.to/">l</a>',
    '<a href="/amzn.to/x">l</a>', '<a href="https://example.org/?u=https://amzn.to/">l</a>',
    '<p>https://amzn.to/ en texte</p>', '<pre><code>&lt;a href="https://amzn.to/"&gt;</code></pre>',
])
def test_other_hosts_and_text_are_left_as_they_are(link):
    assert disclosure.mark_links(link, None, AMZN) == (link, [])


def test_a_live_shadow_root_link_is_marked_and_marking_twice_changes_nothing():
    html = '<div><template shadowrootmode="open"><a href="https://amzn.to/x">l</a></template></div>'
    marked, found = disclosure.mark_links(html, None, AMZN)
    assert len(found) == 1 and 'rel="sponsored"' in marked and NOTE in marked
    assert disclosure.mark_links(marked, None, AMZN)[0] == marked


@pytest.mark.parametrize("html, where", [
    ('<map name="m"><area href="https://amzn.to/x" alt="x"></map>', "area"),
    ('<svg><a xlink:href="https://amzn.to/x"><text>x</text></a></svg>', "svg link"),
    ('<form action="https://amzn.to/x"><button>Acheter</button></form>', "form"),
    ('<form><button formaction="//amzn.to/x">Acheter</button></form>', "form"),
])
def test_affiliate_addresses_that_cannot_carry_the_note_are_refused_even_when_declared(html, where):
    _, found = disclosure.mark_links(html, fields.Disclosure("affiliation", "Programme"), AMZN)
    assert [(p.where, p.undeclared) for p in found] == [(where, False)]


def test_a_readers_links_affiliate_marked_partner_untouched_nothing_reported():
    partner = fields.Disclosure("collaboration", "X", "https://www.maison-x.fr/")
    html = ('<p><a href="https://amzn.to/x" rel="ugc nofollow noopener">a</a> '
            '<a href="https://maison-x.fr/" rel="ugc nofollow noopener">b</a></p>')
    marked, found = disclosure.mark_links(html, partner, AMZN, reader=True)
    assert found == []
    assert f'<a href="https://amzn.to/x" rel="sponsored ugc nofollow noopener">a</a>{NOTE}' in marked
    assert '<a href="https://maison-x.fr/" rel="ugc nofollow noopener">b</a>' in marked


def test_no_break_spaces_stay_characters_when_a_fragment_is_written_back():
    marked, _ = disclosure.mark_links('<p>Prix\u00a0: <a href="https://amzn.to/x">ici</a>\u00a0!</p>', None, AMZN)
    assert marked == f'<p>Prix\u00a0: <a href="https://amzn.to/x" rel="sponsored">ici</a>{NOTE}\u00a0!</p>'


def test_affiliate_domains_and_the_partner_domain_are_read_as_a_browser_reads_hosts():
    cfg = config.from_settings({"TRANSPARENCY": {"affiliate_domains": ["ＡＭＺＮ.to", "Bücher.example.", "amzn.to"]}})
    assert cfg.affiliate_domains == ("amzn.to", "xn--bcher-kva.example")
    assert fields.Disclosure("collaboration", "X", "https://WWW.Maison-X.fr./a").domain == "maison-x.fr"
    assert disclosure.kind_of("https://boutique.maison-x.fr./", (), "maison-x.fr") == "partner"


@pytest.mark.parametrize("value, good", [
    ("https://www.maison-x.fr/", True), ("HTTPS://maison-x.fr", True), ("https://maison-x.fr/a b", False),
    ("https:maison-x.fr", False), ("maison-x.fr", False), ("javascript:alert(1)", False), ("ftp://x.fr/", False),
])
def test_an_absolute_web_address_is_one_a_browser_reads_as_such(value, good):
    assert fields.is_http_url(value) is good


# ------------------------------------------------------- the mention, as every place asks it

def test_the_three_plain_forms_of_the_mention_and_a_text_without_one():
    from transparency import mention

    sponsored = type("Article", (), {"disclosure": fields.Disclosure("collaboration", "Maison X")})()
    plain = type("Article", (), {"disclosure": None})()
    words = "Publicité — collaboration commerciale avec Maison X"
    assert mention.text(sponsored) == words and mention.of(sponsored).sponsor == "Maison X"
    assert mention.headline(sponsored, "Un atelier") == "[Publicité] Un atelier"
    assert mention.lead(sponsored, "Une journée à l'atelier.") == f"{words}. Une journée à l'atelier."
    assert mention.lead(sponsored, "") == words
    assert mention.named(sponsored, "« Un atelier »") == f"« Un atelier » ({words})"
    for item in (plain, None, object(), type("Page", (), {"disclosure": "a string is no disclosure"})()):
        assert mention.of(item) is None and mention.text(item) == ""
        assert mention.headline(item, "T") == mention.lead(item, "T") == mention.named(item, "T") == "T"


def test_moderation_figures_count_only_contributions_under_texts_readers_can_open():
    """A draft's or a future text's contributions are not part of the conversation readers see (blogcore.public)."""
    from types import SimpleNamespace

    from community.model import Contribution
    from transparency import config
    from transparency.record import Record

    paris = dt.timezone(dt.timedelta(hours=1))
    when = dt.datetime(2026, 1, 5, 10, tzinfo=paris)

    def text(slug, status="published", date=when):
        return SimpleNamespace(slug=slug, status=status, date=date)

    def decided(article):
        return Contribution(id=f"c-{article}", article=article, author="Lectrice", date=when, kind="comment",
                            status="approved", body="Texte.", source="Formulaire",
                            decisions="2026-01-05 12:00:00+01:00 approved by Alice")

    contributions = {slug: [decided(slug)] for slug in ("publie", "cache", "brouillon", "futur")}
    community = SimpleNamespace(of_article=lambda slug: contributions.get(slug, []))
    context = {"articles": [text("publie")], "hidden_articles": [text("cache", "hidden")],
               "drafts": [text("brouillon", "draft"), text("futur", date=dt.datetime(2999, 1, 1, tzinfo=paris))],
               "community": community}
    record = Record({"TIMEZONE": "Europe/Paris", "WITH_FUTURE_DATES": False}, config.from_settings({}), context)
    counted = record._moderation()
    assert len(counted) == 2 and all(log for _, log in counted)
