"""The COMMUNITY setting: read once, typed, unknown or bad keys refused by name."""

import pytest

from blogcore.errors import SiteError
from community.config import CommunityConfig, from_settings


def test_defaults_and_brand_names_from_the_site():
    cfg = from_settings({"SITENAME": "Marque", "PUBLISHER": "Équipe Marque", "SITEURL": "https://exemple.fr"})
    assert cfg.brand_names == ("Marque", "Équipe Marque") and cfg.own_hosts == frozenset({"exemple.fr"})
    assert (cfg.cache, cfg.max_depth, cfg.max_body_chars, cfg.official_authors) == (True, 4, 20_000, ())


@pytest.mark.parametrize("key, value, expected", [
    ("render_cache", True, "unknown setting"),  # the former name of "cache"
    ("cache", "yes", "must be True or False"),
    ("render_workers", 1, "unknown setting"),  # replaced by BUILD_WORKERS (blogcore/parallel.py)
    ("max_body_chars", 0, "must be a whole number >= 1"),
    ("official_authors", "Claire", "must be a list of names"),
    ("max_depth", 0, "must be a whole number >= 1"),
    ("contributor_url", "contributeur/", "must contain {slug}"),
])
def test_bad_keys_and_values_are_named(key, value, expected):
    with pytest.raises(SiteError) as error:
        from_settings({"COMMUNITY": {key: value}})
    assert f"COMMUNITY[{key!r}]" in str(error.value) and expected in str(error.value)


def test_settings_are_not_modified():
    settings = {"COMMUNITY": {"brand_names": [" Marque "], "official_authors": ["Claire "]}}
    cfg = from_settings(settings)
    assert settings == {"COMMUNITY": {"brand_names": [" Marque "], "official_authors": ["Claire "]}}
    assert isinstance(cfg, CommunityConfig) and cfg.brand_names == ("Marque",) and cfg.official_authors == ("Claire",)
