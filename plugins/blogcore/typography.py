"""French typography for rendered text.

French puts a no-break space before ; : ! ? and inside « ». A plain space
there lets the browser break the line before the punctuation. We use a narrow
no-break space (U+202F) before ; ! ? and a no-break space (U+00A0) before :
and inside guillemets, as the Imprimerie nationale's rules recommend.

Only text is changed: tags, attributes, and the contents of pre, code, kbd,
samp, script, style and textarea are left alone, so that URLs, code and
JSON-LD keep their exact characters.

Articles and pages get it from Python-Markdown itself (FrenchTypography, in
pelicanconf.py's MARKDOWN), so that Pelican's reader cache keeps it done.
"""

from __future__ import annotations

import re

import markdown
import markdown.postprocessors

NBSP = "\u00a0"
NNBSP = "\u202f"

_SPACES = "[ \t\u00a0\u202f\u2009]"
_BEFORE_HIGH = re.compile(_SPACES + r"+([;!?])")
_BEFORE_COLON = re.compile(_SPACES + r"+:")
# A missing space: a word ends right on ? ! ; or : and a space or the end follows.
_MISSING_HIGH = re.compile(r"(?<=[\w»”)\"])([?!;])(?=[\s?!.,)»”]|$)")
_MISSING_COLON = re.compile(r"(?<=[\w»”)\"]):(?=\s|$)")
# HTML entities end with a semicolon that is not punctuation: keep them whole.
_ENTITY = re.compile(r"(&#?[0-9A-Za-z]+;)")
_OPEN_GUILLEMET = re.compile("«" + _SPACES + "*")
_CLOSE_GUILLEMET = re.compile(_SPACES + "*»")

_TRIGGER = re.compile("[;:!?«»]")

_SKIP = {"pre", "code", "kbd", "samp", "script", "style", "textarea"}
_TOKENS = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
_TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)")


def fix_text(text: str) -> str:
    """Apply French no-break spacing rules to plain text."""
    # Every rule below needs one of these characters: most text nodes have none (a third of an
    # article's rendering time went to running the rules on them).
    if not text or not _TRIGGER.search(text):
        return text
    text = _BEFORE_HIGH.sub(NNBSP + r"\1", text)
    text = _BEFORE_COLON.sub(NBSP + ":", text)
    parts = _ENTITY.split(text)
    for index in range(0, len(parts), 2):  # odd indexes are entities
        parts[index] = _MISSING_COLON.sub(NBSP + ":", _MISSING_HIGH.sub(NNBSP + r"\1", parts[index]))
    text = "".join(parts)
    text = _OPEN_GUILLEMET.sub("«" + NBSP, text)
    text = _CLOSE_GUILLEMET.sub(NBSP + "»", text)
    return text


def fix_html(html: str) -> str:
    """Apply fix_text to the text nodes of an HTML fragment, outside code."""
    if not html:
        return html
    out = []
    skipping = 0
    for token in _TOKENS.split(html):
        if not token:
            continue
        if token.startswith("<"):
            match = _TAG_NAME.match(token)
            if match and match.group(2).lower() in _SKIP and not token.endswith("/>"):
                skipping += -1 if match.group(1) else 1
                skipping = max(skipping, 0)
            out.append(token)
        elif skipping:
            out.append(token)
        else:
            out.append(fix_text(token))
    return "".join(out)


class FrenchTypography(markdown.Extension):
    """Python-Markdown extension: fix_html on the converted document (so Pelican's reader cache keeps it done)."""

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's name
        """Run last, on the finished HTML."""
        md.postprocessors.register(_FrenchPostprocessor(md), "french_typography", 1)


class _FrenchPostprocessor(markdown.postprocessors.Postprocessor):
    def run(self, text: str) -> str:
        return fix_html(text)


def makeExtension(**kwargs):  # noqa: N802 - the name Python-Markdown looks for
    """The extension, for MARKDOWN = {"extension_configs": {"blogcore.typography": {}}}."""
    return FrenchTypography(**kwargs)
