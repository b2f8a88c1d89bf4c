"""The benchmark's synthetic site: N articles of realistic Markdown and 10×N contributions, in several shapes.

In the ``realistic`` shape each article has about 800 French-looking words in
sections with headings, paragraphs with emphasis and links (to the web and to
other articles), a bulleted and a numbered list, a quotation and an image,
plus the header fields our writers use. Contributions are spread over the
articles with threads, every kind and status, and Markdown in some bodies.

The other shapes stress one thing each, so that no figure of the bench
depends on one shape of site (issue 28 point 4):

- ``long``: articles of about 6,000 words, with a dozen sections, sub-headings,
  nested lists, numbered lists and a table;
- ``taxonomy``: many tags (about ten per article, out of N/2) and many
  authors (N/10 profiles, one to three authors per article);
- ``threads``: the same 10×N contributions gathered on a tenth of the
  articles (threads of about 100), each of several paragraphs;
- ``images``: four images of its own per article (distinct files of a few kB).

Everything comes from a fixed seed, so two corpora of the same size and shape
are byte-identical.
"""

from __future__ import annotations

import base64
import functools
import random
import runpy
import struct
import zlib
from pathlib import Path

WORDS = ("marque communauté conversation transparence réseau confiance message public idée écoute "
         "dialogue partage client produit service valeur identité réputation contenu lecteur "
         "question réponse projet équipe qualité usage attente engagement média social blog "
         "stratégie influence échange avis expérience relation histoire sens preuve".split())
# A 1×1 PNG: the images only have to exist (the build copies them).
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
IMAGES = 20
AUTHORS = 20
READERS = 500
SHAPES = ("realistic", "long", "taxonomy", "threads", "images")


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def _sentence(rng: random.Random, count: int) -> str:
    text = _words(rng, count)
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, slugs: list[str], index: int) -> str:
    parts = [_sentence(rng, rng.randint(12, 22)) for _ in range(4)]
    parts[1] = parts[1][:-1] + f", *{_words(rng, 2)}*."
    if rng.random() < 0.5:
        parts[2] = f"Voir [{_words(rng, 3)}](https://exemple-{rng.randrange(50)}.org/{_words(rng, 1)}/) : " + parts[2]
    elif slugs:
        other = slugs[rng.randrange(len(slugs))]
        parts[2] = f"Lire aussi [{_words(rng, 3)}]({{filename}}{other}.md). " + parts[2]
    parts[3] = parts[3][:-1] + f" **{_words(rng, 2)}**."
    return " ".join(parts)


@functools.cache
def categories() -> tuple[str, ...]:
    """The site's declared categories (EDITORIAL["categories"] in pelicanconf.py): a build refuses any other."""
    settings = runpy.run_path(str(Path(__file__).resolve().parents[1] / "pelicanconf.py"))
    return tuple(settings["EDITORIAL"]["categories"])


def article_text(rng: random.Random, number: int, slug: str, slugs: list[str]) -> str:
    """The Markdown of one article (header and body, about 800 words)."""
    sections = []
    for section in range(3):
        body = [f"## {_sentence(rng, 4)[:-1]}", _paragraph(rng, slugs, number), _paragraph(rng, slugs, number)]
        if section == 0:
            body.append("\n".join(f"- {_sentence(rng, 8)}" for _ in range(4)))
        elif section == 1:
            body.append(f"> {_sentence(rng, 25)}\n>\n> — {_words(rng, 2).title()}")
            body.append(f"![{_sentence(rng, 5)[:-1]}]({{static}}/images/photo-{number % IMAGES:02d}.png)")
        else:
            body.append("\n".join(f"{n}. {_sentence(rng, 9)}" for n in range(1, 4)))
        body.append(_paragraph(rng, slugs, number))
        sections.append("\n\n".join(body))
    tags = ", ".join(sorted({f"etiquette-{rng.randrange(40):02d}" for _ in range(3)}))
    header = (f"Title: Article de test numéro {number}\nSlug: {slug}\n"
              f"Date: {2010 + number % 15}-{1 + number % 12:02d}-{1 + number % 28:02d} 10:{number % 60:02d}:00+01:00\n"
              f"Author: Auteur {rng.randrange(AUTHORS):02d}\nCategory: {categories()[number % len(categories())]}\nTags: {tags}\n"
              f"Summary: {_sentence(rng, 20)}\nLang: fr\nFeed_id: tag:bench.example,2026-01-01:{slug}\n")
    return header + "\n" + _paragraph(rng, slugs, number) + "\n\n" + "\n\n".join(sections) + "\n"


def long_article_text(rng: random.Random, number: int, slug: str, slugs: list[str]) -> str:
    """A long article (about 6,000 words): twelve sections with sub-headings, nested lists and a table."""
    header, _, _ = article_text(rng, number, slug, slugs).partition("\n\n")
    sections = []
    for section in range(12):
        body = [f"## {_sentence(rng, 5)[:-1]}", _paragraph(rng, slugs, number), f"### {_sentence(rng, 4)[:-1]}",
                _paragraph(rng, slugs, number)]
        items = []
        for _ in range(4):
            items.append(f"- {_sentence(rng, 8)}")
            items += [f"    - {_sentence(rng, 6)}" for _ in range(2)]
        body.append("\n".join(items))
        body.append(_paragraph(rng, slugs, number))
        body.append("\n".join(f"{n}. {_sentence(rng, 9)}" for n in range(1, 6)))
        if section % 4 == 1:
            rows = [f"| {_words(rng, 2)} | {rng.randrange(1000)} | {_words(rng, 3)} |" for _ in range(5)]
            body.append("| Terme | Valeur | Note |\n|---|---|---|\n" + "\n".join(rows))
        if section % 3 == 2:
            body.append(f"> {_sentence(rng, 25)}")
        body.append(_paragraph(rng, slugs, number))
        sections.append("\n\n".join(body))
    return header + "\n\n" + _paragraph(rng, slugs, number) + "\n\n" + "\n\n".join(sections) + "\n"


def taxonomy_header(rng: random.Random, text: str, articles: int) -> str:
    """An article's text with about ten tags out of N/2 and one to three authors out of N/10."""
    header, _, body = text.partition("\n\n")
    tags = ", ".join(sorted({f"etiquette-{rng.randrange(max(40, articles // 2)):05d}" for _ in range(10)}))
    names = sorted({f"Auteur {rng.randrange(max(AUTHORS, articles // 10)):05d}" for _ in range(rng.choice((1, 1, 2, 3)))})
    # Author: is required (editorial/validate.py); Authors: lists every author when there are several.
    authors = f"Author: {names[0]}" + (f"\nAuthors: {', '.join(names)}" if len(names) > 1 else "")
    lines = [("Tags: " + tags) if line.startswith("Tags: ") else authors
             if line.startswith("Author: ") else line for line in header.splitlines()]
    return "\n".join(lines) + "\n\n" + body


def png(rng: random.Random, width: int, height: int) -> bytes:
    """A valid PNG of noise (what a photo weighs more than a flat image), made with zlib alone."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = b"".join(b"\x00" + bytes(rng.getrandbits(8) for _ in range(width * 3)) for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b""))


def with_images(rng: random.Random, text: str, number: int, images: Path) -> str:
    """An article's text with four images of its own, written into `images`."""
    figures = []
    for index in range(4):
        name = f"a{number:05d}-{index}.png"
        (images / name).write_bytes(png(rng, rng.randint(16, 40), rng.randint(16, 40)))
        figures.append(f"![{_sentence(rng, 5)[:-1]}]({{static}}/images/{name})")
    parts = text.rstrip("\n").split("\n\n## ")
    for index, figure in enumerate(figures):
        target = min(index + 1, len(parts) - 1)
        parts[target] += "\n\n" + figure
    return "\n\n## ".join(parts) + "\n"


def contribution_text(rng: random.Random, number: int, slug: str, siblings: list[str], paragraphs: int = 1) -> str:
    """The file of one contribution (a tenth are pending or rejected; some replies; some Markdown)."""
    ident = f"b-{number:06d}"
    kind = rng.choice(["comment"] * 6 + ["testimonial", "idea", "mention", "comment"])
    status = rng.choice(["approved"] * 8 + ["pending", "rejected"])
    lines = [f"Id: {ident}", f"Article: {slug}", f"Author: Lecteur {number % READERS}",
             f"Date: 2025-{1 + number % 12:02d}-{1 + number % 28:02d} 12:{number % 60:02d}:00+01:00",
             f"Kind: {kind}", f"Status: {status}"]
    if siblings and rng.random() < 0.4:
        lines.append(f"Reply_to: {rng.choice(siblings)}")
    lines.append("Source: Commentaires du site")
    if kind == "idea":
        lines += ["Votes: 3", "Idea_status: reviewing"]
    if status == "rejected":
        lines.append("Reason: spam")
    body = _sentence(rng, rng.randint(15, 40))
    if paragraphs > 1:
        body = "\n\n".join(" ".join(_sentence(rng, rng.randint(10, 25)) for _ in range(rng.randint(2, 5)))
                           for _ in range(paragraphs))
    if rng.random() < 0.3:
        body += f"\n\n*{_sentence(rng, 8)}* Voir https://exemple-{rng.randrange(50)}.org/page."
    if rng.random() < 0.1:
        body += "\n\n- " + _sentence(rng, 6) + "\n- " + _sentence(rng, 6)
    return "\n".join(lines) + "\n\n" + body + "\n"


def make(root: Path, articles: int, contributions: int | None = None, seed: int = 2009,
         shape: str = "realistic") -> Path:
    """Write the corpus's content folder under `root`, in one of SHAPES; return its path."""
    if shape not in SHAPES:
        raise ValueError(f"unknown corpus shape {shape!r}: choose among {', '.join(SHAPES)}")
    rng = random.Random(seed)
    contributions = 10 * articles if contributions is None else contributions
    content = root / "content"
    for folder in ("articles", "pages", "authors", "contributions", "images"):
        (content / folder).mkdir(parents=True, exist_ok=True)
    for number in range(IMAGES):
        (content / "images" / f"photo-{number:02d}.png").write_bytes(PNG)
    for number in range(AUTHORS):
        (content / "authors" / f"auteur-{number:02d}.md").write_text(
            f"Name: Auteur {number:02d}\nRole: Rédaction\nOrganisation: Banc d'essai\n\nBiographie courte.\n",
            encoding="utf-8")
    if shape == "taxonomy":
        for number in range(max(AUTHORS, articles // 10)):
            (content / "authors" / f"auteur-{number:05d}.md").write_text(
                f"Name: Auteur {number:05d}\nRole: Rédaction\nOrganisation: Banc d'essai\n\nBiographie courte.\n",
                encoding="utf-8")
    (content / "pages" / "a-propos.md").write_text("Title: À propos\n\nUne page du banc d'essai.\n", encoding="utf-8")
    slugs: list[str] = []
    for number in range(articles):
        slug = f"article-{number:05d}"
        if shape == "long":
            text = long_article_text(rng, number, slug, slugs[-50:])
        else:
            text = article_text(rng, number, slug, slugs[-50:])
        if shape == "taxonomy":
            text = taxonomy_header(rng, text, articles)
        elif shape == "images":
            text = with_images(rng, text, number, content / "images")
        (content / "articles" / f"{slug}.md").write_text(text, encoding="utf-8")
        slugs.append(slug)
    threads: dict[str, list[str]] = {}
    # The threads shape gathers the contributions on every tenth article (threads of about 100).
    hosts = slugs[::10] if shape == "threads" else slugs
    for number in range(contributions):
        slug = hosts[number % len(hosts)]
        siblings = threads.setdefault(slug, [])
        folder = content / "contributions" / slug
        folder.mkdir(exist_ok=True)
        paragraphs = rng.randint(2, 5) if shape == "threads" else 1
        (folder / f"b-{number:06d}.md").write_text(contribution_text(rng, number, slug, siblings[-30:], paragraphs),
                                                   encoding="utf-8")
        siblings.append(f"b-{number:06d}")
    return content


PLAIN_SETTINGS = '''"""Plain Pelican {version} on the benchmark's articles: its default theme, Atom feeds, no plugins, no caches."""
PATH = {content!r}
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
ARTICLE_EXCLUDES = ["authors", "contributions", "pages"]
PAGE_EXCLUDES = ["authors", "contributions", "articles"]
STATIC_PATHS = ["images"]
SITENAME = "Banc d'essai"
SITEURL = {siteurl!r}
RELATIVE_URLS = False
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "fr"
PLUGINS = []
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{{slug}}.atom.xml"
TAG_FEED_ATOM = "feeds/tag/{{slug}}.atom.xml"
AUTHOR_FEED_ATOM = "feeds/author/{{slug}}.atom.xml"
TRANSLATION_FEED_ATOM = None
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
'''


def plain_settings(folder: Path, content: Path, siteurl: str) -> Path:
    """Write the settings of plain Pelican for this corpus; return the file."""
    import pelican

    path = folder / "plainconf.py"
    path.write_text(PLAIN_SETTINGS.format(version=pelican.__version__, content=str(content), siteurl=siteurl),
                    encoding="utf-8")
    return path
