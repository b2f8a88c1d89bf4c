"""French no-break spaces in text, never inside code, tags or URLs."""

import pytest

from blogcore.typography import NBSP, NNBSP, fix_html, fix_text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Citoyens !", f"Citoyens{NNBSP}!"),
        ("réseaux sociaux?", f"réseaux sociaux{NNBSP}?"),
        ("Halte à l'intrusion!", f"Halte à l'intrusion{NNBSP}!"),
        ("logiques ; ils", f"logiques{NNBSP}; ils"),
        ("Réseaux sociaux: La révolution", f"Réseaux sociaux{NBSP}: La révolution"),
        ("deux points : ici", f"deux points{NBSP}: ici"),
        ("« Temps réel »", f"«{NBSP}Temps réel{NBSP}»"),
        ("« Communauté»", f"«{NBSP}Communauté{NBSP}»"),
        ("«mot»", f"«{NBSP}mot{NBSP}»"),
        ("très limités; se référer", f"très limités{NNBSP}; se référer"),
        ('"Act local": le retour', f'"Act local"{NBSP}: le retour'),
    ],
)
def test_french_spacing(text, expected):
    assert fix_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "http://visionary.wordpress.com/?s=sernovitz",
        "à 10:30 précises",
        "Marques &amp; communautés",
        "a&nbsp;; b &#8239;c",
        "déjà&nbsp;: correct",
        "",
    ],
)
def test_leaves_urls_times_and_entities_alone(text):
    assert fix_text(text) == text


def test_idempotent():
    once = fix_text("Pourquoi ? Parce que : « oui » !")
    assert fix_text(once) == once


def test_html_changes_text_only():
    html = ('<p title="a : b">Vraiment ? <a href="https://x.org/?q=1">lien ?</a></p>'
            '<pre>code ? ici</pre><code>a ; b</code><script type="application/ld+json">{"a": "b ?"}</script>')
    out = fix_html(html)
    assert f"Vraiment{NNBSP}?" in out
    assert f"lien{NNBSP}?" in out
    assert 'title="a : b"' in out and 'href="https://x.org/?q=1"' in out
    assert "<pre>code ? ici</pre>" in out and "<code>a ; b</code>" in out
    assert '{"a": "b ?"}' in out
