"""The reading plugin's rules: the cover image field (checked as the build checks it) and « À lire aussi »."""

from __future__ import annotations

import datetime as dt
import os
from types import SimpleNamespace

import pytest
from PIL import Image

from editorial.config import EditorialConfig
from editorial.validate import KNOWN_FIELDS, Validator
from reading import cover, related

from test_validate import GOOD, NOW, settings

WITH_COVER = GOOD.replace("Lang: fr\n", "Lang: fr\nImage: {image}\nImage-description: {description}\n")


def write(tmp_path, name: str, text: str) -> None:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def picture(path, size=(1200, 630), fmt=None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (200, 100, 50)).save(path, fmt)


def problems_of(tmp_path, image: str, description: str = "Une salle de réunion vue d'en haut.") -> list[str]:
    write(tmp_path, "articles/a.md", WITH_COVER.format(image=image, description=description))
    validator = Validator(settings(tmp_path), EditorialConfig(), now=NOW)
    return [str(p) for p in validator.run()]


def test_a_cover_in_the_content_images_passes_and_gives_its_real_size(tmp_path):
    picture(tmp_path / "images" / "couverture.jpg", (1200, 630))
    assert problems_of(tmp_path, "{static}/images/couverture.jpg") == []
    found = cover.cover_of({"image": "{static}/images/couverture.jpg", "image-description": " Une  salle. "},
                           tmp_path / "articles" / "a.md", tmp_path)
    assert (found.url, found.width, found.height, found.mime, found.description) == (
        "images/couverture.jpg", 1200, 630, "image/jpeg", "Une salle.")
    assert found.length == (tmp_path / "images" / "couverture.jpg").stat().st_size


def test_a_cover_without_description_is_a_french_error_naming_file_field_and_fix(tmp_path):
    picture(tmp_path / "images" / "couverture.png")
    (message,) = problems_of(tmp_path, "{static}/images/couverture.png", description="")
    assert message.startswith(os.path.join("articles", "a.md")) or "articles/a.md" in message
    assert "Image-description: = (absent)" in message
    assert "une image de couverture a besoin d'une description" in message
    assert "ajoutez sous « Image: » une ligne « Image-description: »" in message


@pytest.mark.parametrize("value, expected", [
    ("https://cdn.example.org/photo.jpg", "une image d'un autre site n'est jamais publiée"),
    ("//cdn.example.org/photo.jpg", "une image d'un autre site n'est jamais publiée"),
    ("HTTPS://cdn.example.org/photo.jpg", "une image d'un autre site n'est jamais publiée"),
    ("data:image/png;base64,iVBORw0KGgo=", "une image d'un autre site n'est jamais publiée"),
    ("images/couverture.png", "ne commence pas par {static}"),
    ("{static}/../../etc/passwd", "sort du dossier content/"),
    ("{static}../../outside.png", "sort du dossier content/"),
    ("{static}/images/absente.png", "aucun fichier à cet endroit"),
    ("{static}/articles/a.md", "pas dans STATIC_PATHS"),
    ("{static}/images/notes.txt", "pas une image que les navigateurs"),
    ("{static}/images/cassee.png", "pas une image lisible"),
])
def test_a_bad_cover_is_refused_with_its_value(tmp_path, value, expected):
    picture(tmp_path.parent / "outside.png")
    write(tmp_path, "images/notes.txt", "pas une image")
    write(tmp_path, "images/cassee.png", "pas une image non plus")
    (message,) = problems_of(tmp_path, value)
    assert f"Image: = {value!r}" in message and expected in message


def test_a_symbolic_link_out_of_the_content_is_refused(tmp_path):
    outside = tmp_path.parent / f"{tmp_path.name}-secret.png"
    picture(outside)
    (tmp_path / "images").mkdir(parents=True)
    (tmp_path / "images" / "lien.png").symlink_to(outside)
    (message,) = problems_of(tmp_path, "{static}/images/lien.png")
    assert "sort du dossier content/" in message


def test_a_heavy_cover_is_a_french_warning_that_invoke_check_stops_on(tmp_path):
    path = tmp_path / "images" / "lourde.png"
    path.parent.mkdir(parents=True)
    Image.frombytes("RGB", (700, 300), os.urandom(700 * 300 * 3)).save(path)  # noise: no compression helps
    assert path.stat().st_size > cover.HEAVY_BYTES
    write(tmp_path, "articles/a.md", WITH_COVER.format(image="{static}/images/lourde.png", description="Du bruit."))
    validator = Validator(settings(tmp_path), EditorialConfig(), now=NOW)
    assert validator.run() == []
    (warning,) = map(str, validator.warnings)  # a Problem (editorial/validate.py): one line, like the errors
    assert "Image: = '{static}/images/lourde.png'" in warning and f"pèse {path.stat().st_size // 1000} ko" in warning
    assert "1200 px de large au plus" in warning


def test_a_description_without_image_is_refused(tmp_path):
    write(tmp_path, "articles/a.md", GOOD.replace("Lang: fr\n", "Lang: fr\nImage-description: Une salle.\n"))
    (message,) = [str(p) for p in Validator(settings(tmp_path), EditorialConfig(), now=NOW).run()]
    assert "une description sans image de couverture" in message


def test_the_cover_fields_are_known_to_the_build():
    assert {"image", "image-description"} <= KNOWN_FIELDS


def _article(slug, tags=(), category="essais", day=1, listed=True):
    return SimpleNamespace(slug=slug, tags=[SimpleNamespace(slug=t) for t in tags],
                           category=SimpleNamespace(slug=category) if category else None,
                           date=dt.datetime(2024, 1, day, tzinfo=dt.timezone.utc))


def test_related_prefers_shared_tags_then_the_category_then_the_newer_then_the_slug():
    article = _article("a", ("conversation", "marque"))
    both_tags = _article("b", ("conversation", "marque"), category="autre", day=1)
    tag_and_category = _article("c", ("conversation",), day=1)
    tag_only_newer = _article("d", ("conversation",), category="autre", day=9)
    tag_only_older = _article("e", ("marque",), category="autre", day=2)
    category_only = _article("f", (), day=20)
    nothing = _article("g", ("autre-sujet",), category="autre", day=30)
    candidates = [nothing, category_only, tag_only_older, tag_only_newer, tag_and_category, both_tags, article]
    assert [a.slug for a in related.choose(article, candidates)] == ["b", "c", "d"]
    assert [a.slug for a in related.choose(article, candidates, limit=10)] == ["b", "c", "d", "e", "f"]
    # ties on score and date: the slug decides, whatever the order given
    twins = [_article("z", ("conversation",)), _article("m", ("conversation",))]
    assert [a.slug for a in related.choose(article, twins)] == ["m", "z"]
    assert [a.slug for a in related.choose(article, twins[::-1])] == ["m", "z"]


def _brute_force(article, candidates, limit):
    """Every candidate scored against the article, as the rule says (the index must choose the same)."""
    scored = [(related.score(article, o), o) for o in candidates if o is not article and o.slug != article.slug]
    scored = sorted((pair for pair in scored if pair[0] > 0), key=lambda pair: pair[1].slug)
    scored.sort(key=lambda pair: (pair[0], pair[1].date), reverse=True)
    return [o.slug for _, o in scored[:limit]]


def test_the_index_chooses_what_scoring_every_candidate_chooses():
    import random

    rng = random.Random(28)
    for _ in range(12):
        tags = [f"t{i}" for i in range(rng.randint(1, 12))]
        corpus = [_article(f"s{i:03d}", rng.sample(tags, rng.randint(0, min(4, len(tags)))),
                           category=rng.choice(["a", "b", "c", None]), day=rng.randint(1, 5))
                  for i in range(rng.randint(2, 40))]
        index = related.Index(corpus)
        for article in corpus:
            for limit in (1, 3, 7):
                assert [o.slug for o in index.choose(article, limit)] == _brute_force(article, corpus, limit)
