"""The SEARCH setting: read once, typed, unknown or bad keys refused by name, a switch to turn it off."""

import pytest

from blogcore.errors import SiteError
from search.config import SearchConfig, from_settings


def test_defaults_take_the_language_of_the_site():
    cfg = from_settings({"DEFAULT_LANG": "fr"})
    assert cfg == SearchConfig(enabled=True, page_url="recherche/", bundle_dir="pagefind", language="fr",
                               contributions=True)
    assert cfg.page_save_as == "recherche/index.html"
    assert from_settings({"DEFAULT_LANG": "EN"}).language == "en"
    assert from_settings({}).language == "fr"


def test_the_switch_and_the_other_keys():
    cfg = from_settings({"SEARCH": {"enabled": False, "page_url": "chercher/", "bundle_dir": "index/recherche",
                                    "language": "fr", "contributions": False}})
    assert (cfg.enabled, cfg.page_url, cfg.bundle_dir, cfg.contributions) == (False, "chercher/", "index/recherche",
                                                                              False)


@pytest.mark.parametrize("key, value, expected", [
    ("enable", False, "unknown setting"),
    ("enabled", "no", "must be True or False"),
    ("contributions", 1, "must be True or False"),
    ("page_url", "/recherche/", "ends with '/'"),
    ("page_url", "recherche", "ends with '/'"),
    ("bundle_dir", "../pagefind", "not a folder name"),
    ("bundle_dir", "/pagefind", "not a folder name"),
    ("language", "français", "not a language code"),
])
def test_bad_keys_and_values_are_named_with_a_fix(key, value, expected):
    with pytest.raises(SiteError) as error:
        from_settings({"SEARCH": {key: value}})
    message = str(error.value)
    assert f"SEARCH[{key!r}]" in message and expected in message and "Correction :" in message


def test_settings_are_not_modified():
    settings = {"SEARCH": {"enabled": True}, "DEFAULT_LANG": "fr"}
    from_settings(settings)
    assert settings == {"SEARCH": {"enabled": True}, "DEFAULT_LANG": "fr"}


def test_not_a_dict():
    with pytest.raises(SiteError, match="must be a dict"):
        from_settings({"SEARCH": ["enabled"]})
