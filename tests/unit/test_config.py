"""The editorial settings are validated once, with clear errors."""

import pytest

from blogcore.errors import SiteError
from editorial.config import EditorialConfig, from_settings


def test_defaults():
    assert from_settings({}) == EditorialConfig()


def test_unknown_key_rejected_and_named():
    with pytest.raises(SiteError) as err:
        from_settings({"EDITORIAL": {"prodution": True}})
    assert "prodution" in str(err.value) and "production" in str(err.value)


def test_wrong_type_rejected():
    with pytest.raises(SiteError, match="True or False"):
        from_settings({"EDITORIAL": {"production": "yes"}})


def test_settings_not_mutated():
    settings = {"EDITORIAL": {"extra_fields": ["Feed_ID"]}}
    cfg = from_settings(settings)
    assert cfg.extra_fields == ("feed_id",)
    assert settings == {"EDITORIAL": {"extra_fields": ["Feed_ID"]}}
