"""Following by e-mail, the pure parts: addresses readers type, the messages' headers and HTML, the feeds' XML."""

from __future__ import annotations

import sys
import time
from email import message_from_bytes, policy

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT))
from intake import feedread  # noqa: E402
from intake.config import ConfigError, from_env  # noqa: E402
from intake.follow import read_address  # noqa: E402
from intake.letters import Letters, clean_html, plain_text  # noqa: E402

BASE = {"INTAKE_SITE_URL": "https://blog.example.org", "INTAKE_PUBLIC_URL": "https://contribuer.example.org/",
        "INTAKE_SECRET": "s" * 40, "INTAKE_GIT_REMOTE": "/srv/site.git", "INTAKE_DATA_DIR": "/var/lib/intake",
        "INTAKE_SMTP_HOST": "127.0.0.1", "INTAKE_MAIL_FROM": "Marques <suivre@example.org>"}
ENTRY = {"title": "Un titre\r\nBcc: victime@example.org", "url": "https://blog.example.org/un-titre/",
         "html": '<p>Texte <a href="https://ailleurs.example/page?utm=x" onclick="x()">lien</a></p>'
                 '<img src="https://pixel.example/p.gif" alt="Une photo"><script>alert(1)</script><h2>Partie</h2>'}


@pytest.mark.parametrize("typed,kept", [
    ("lea@exemple.fr", "lea@exemple.fr"), ("  lea@exemple.fr ", "lea@exemple.fr"),
    ("lea@exemple.fr\r\nBcc: victime@exemple.fr", None), ("lea@exemple.fr\nBcc: x@y.fr", None),
    ("Léa <lea@exemple.fr>", None), ("lea@exemple.fr, victime@exemple.fr", None), ("lea@localhost", None),
    ("lea", None), ("", None), ("a" * 250 + "@exemple.fr", None), ("lea@exemple.fr\x00", None),
])
def test_only_one_plain_address_is_accepted(typed, kept):
    assert read_address(typed) == kept


def test_a_message_has_one_line_headers_one_click_unsubscribe_two_parts_and_no_image():
    cfg = from_env(BASE)
    message = Letters(cfg).entries("lea@exemple.fr", "entry", [ENTRY], "Tout le site\nX-Injected: 1",
                                   "https://contribuer.example.org/courriel/suivre/effacer?i=1&s=2",
                                   "https://contribuer.example.org/courriel/suivre/un-clic?i=1&s=2", key="k")
    raw = message.as_bytes()
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"] == "Un titre Bcc: victime@example.org" and parsed["Bcc"] is None
    assert b"\nBcc:" not in raw and b"\nX-Injected:" not in raw
    assert parsed["List-Unsubscribe"] == "<https://contribuer.example.org/courriel/suivre/un-clic?i=1&s=2>"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    assert "https://blog.example.org/un-titre/" in text and "courriel/suivre/effacer?i=1&s=2" in text
    assert 'href="https://ailleurs.example/page?utm=x"' in html  # the author's link, as written: never rewritten
    assert "pixel.example" not in raw.decode() and "<img" not in html and "[Image : Une photo]" in html
    assert "alert" not in html and "onclick" not in html and "<h2>Partie</h2>" in html
    same = Letters(cfg).entries("lea@exemple.fr", "entry", [ENTRY], "x", "l", "o", key="k")
    assert same["Message-ID"] == parsed["Message-ID"]  # a message sent again keeps its Message-ID


def test_html_is_cleaned_with_the_allow_list_and_text_keeps_the_links():
    assert clean_html('<p style="color:red" class="x">a</p><iframe src="https://x.example/">b</iframe>') == "<p>a</p>"
    assert plain_text('<p>Voir <a href="https://blog.example.org/a/">cet article</a>.</p><p>Fin</p>') == \
        "Voir cet article <https://blog.example.org/a/>.\n\nFin"


def test_an_entity_bomb_or_an_external_entity_is_refused_before_it_expands():
    bomb = ('<?xml version="1.0"?><!DOCTYPE f [<!ENTITY a "' + "a" * 10 + '">'
            + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
            + ']><feed xmlns="http://www.w3.org/2005/Atom"><title>&j;</title></feed>').encode()
    external = b'<?xml version="1.0"?><!DOCTYPE f [<!ENTITY x SYSTEM "file:///etc/passwd">]><feed>&x;</feed>'
    for data in (bomb, external):
        started = time.perf_counter()
        with pytest.raises(feedread.FeedError, match="DTD or entities"):
            feedread._parse(data, "https://blog.example.org/flux/site.atom.xml")
        assert time.perf_counter() - started < 1


@pytest.mark.parametrize("change,variable", [
    ({"INTAKE_FOLLOW_CATALOGUE": "../secret.opml"}, "INTAKE_FOLLOW_CATALOGUE"),
    ({"INTAKE_MAIL_PER_HOUR": "0"}, "INTAKE_MAIL_PER_HOUR"),
    ({"INTAKE_MAIL_MAX_REFUSALS": "zéro"}, "INTAKE_MAIL_MAX_REFUSALS"),
])
def test_follow_settings_are_checked(change, variable):
    with pytest.raises(ConfigError, match=variable):
        from_env({**BASE, **change})
    cfg = from_env(BASE)
    assert (cfg.mail_per_hour, cfg.mail_max_refusals, cfg.digest_days, cfg.follow_catalogue) == \
        (1000, 3, 7, "flux/abonnements.opml")


def test_a_correction_is_a_later_instant_not_a_larger_string():
    from intake.follow import later

    assert later("2021-08-03T09:00:00+02:00", "2021-08-01T10:00:00+02:00")
    # Across the change to summer time: 03:30+02:00 (01:30 UTC) comes before 02:45+01:00 (01:45 UTC).
    assert not later("2021-03-28T03:30:00+02:00", "2021-03-28T02:45:00+01:00")
    assert not later("2021-08-01T10:00:00+02:00", "2021-08-01T08:00:00Z")
