"""The intake's settings: INTAKE_* variables, each checked, with messages naming the variable, value and fix."""

from __future__ import annotations

import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT))
from intake.config import ConfigError, from_env  # noqa: E402

BASE = {"INTAKE_SITE_URL": "https://blog.example.org", "INTAKE_PUBLIC_URL": "https://contribuer.example.org/",
        "INTAKE_SECRET": "s" * 40, "INTAKE_GIT_REMOTE": "/srv/site.git", "INTAKE_DATA_DIR": "/var/lib/intake"}


def test_defaults_are_documented_values():
    cfg = from_env(BASE)
    assert cfg.git_branch == "main" and not cfg.digest and cfg.rate_count == 10 and cfg.rate_seconds == 3600
    assert cfg.max_links == 2 and cfg.min_fill_seconds == 3 and cfg.trusted_after == 0
    assert not cfg.spam_check and not cfg.mail_enabled and not cfg.allow_private_addresses
    assert cfg.url("webmention") == "https://contribuer.example.org/webmention"


@pytest.mark.parametrize("change,variable,words", [
    ({"INTAKE_SITE_URL": ""}, "INTAKE_SITE_URL", "required"),
    ({"INTAKE_SECRET": "court"}, "INTAKE_SECRET", "too short"),
    ({"INTAKE_PUBLIC_URL": "https://contribuer.example.org"}, "INTAKE_PUBLIC_URL", "must end with '/'"),
    ({"INTAKE_RATE_LIMT": "5/60"}, "INTAKE_RATE_LIMT", "did you mean INTAKE_RATE_LIMIT?"),
    ({"INTAKE_RATE_LIMIT": "5 par minute"}, "INTAKE_RATE_LIMIT", "COUNT/SECONDS"),
    ({"INTAKE_DIGEST": "peut-être"}, "INTAKE_DIGEST", "write 1 or 0"),
    ({"INTAKE_MAX_LINKS": "-1"}, "INTAKE_MAX_LINKS", "below 0"),
    ({"INTAKE_GIT_REMOTE": "https://user:hunter2@forge.example/site.git"}, "INTAKE_GIT_REMOTE", "INTAKE_GIT_TOKEN"),
    ({"INTAKE_SMTP_HOST": "smtp.example.org"}, "INTAKE_MAIL_FROM", "need a sender"),
    ({"INTAKE_SPAM_CHECK": "akismet"}, "INTAKE_AKISMET_KEY", "needs a key"),
    ({"INTAKE_GITHUB_REPO": "pas un dépôt"}, "INTAKE_GITHUB_REPO", "owner/name"),
    ({"INTAKE_TOKEN_MAX_AGE": "60", "INTAKE_MIN_FILL_SECONDS": "90"}, "INTAKE_TOKEN_MAX_AGE", "shorter than"),
])
def test_bad_values_name_the_variable_and_the_fix(change, variable, words):
    with pytest.raises(ConfigError) as caught:
        from_env({**BASE, **change})
    message = str(caught.value)
    assert message.startswith(f"environment: {variable} = ") and words in message and "Correction : " in message
    assert "hunter2" not in message
