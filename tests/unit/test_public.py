"""The one definition of "public" (plugins/blogcore/public.py): what readers can open and what is listed."""

import datetime as dt
from types import SimpleNamespace

from blogcore import public

NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.timezone.utc)
PAST = NOW - dt.timedelta(days=1)
FUTURE = NOW + dt.timedelta(days=1)


def text(status="published", date=PAST):
    return SimpleNamespace(status=status, date=date)


def test_a_published_text_dated_before_now_is_visible_and_listed():
    assert public.visible(text(), NOW) and public.listed(text(), NOW)


def test_a_hidden_text_is_visible_by_its_address_but_never_listed():
    assert public.visible(text("hidden"), NOW)
    assert not public.listed(text("hidden"), NOW)


def test_a_draft_is_never_public_even_in_a_preview_that_shows_future_dates():
    assert not public.visible(text("draft"), NOW, future_ok=True)
    assert not public.listed(text("draft"), NOW, future_ok=True)


def test_a_future_text_waits_for_its_date_unless_the_preview_asks():
    assert not public.visible(text(date=FUTURE), NOW)
    assert public.visible(text(date=FUTURE), NOW, future_ok=True)
    assert public.visible(text(date=FUTURE), FUTURE + dt.timedelta(seconds=1))


def test_a_naive_date_is_read_as_utc():
    assert not public.listed(text(date=FUTURE.replace(tzinfo=None)), NOW)


def test_a_contribution_needs_approval_its_date_and_a_visible_article():
    approved = SimpleNamespace(status="approved", date=PAST)
    assert public.contribution_visible(approved, text(), NOW)
    assert not public.contribution_visible(approved, text("draft"), NOW)
    assert not public.contribution_visible(SimpleNamespace(status="pending", date=PAST), text(), NOW)
    assert not public.contribution_visible(SimpleNamespace(status="approved", date=FUTURE), text(), NOW)


def test_a_past_state_was_public_only_if_not_a_draft_and_its_date_came_before_it_was_replaced():
    assert public.state_visible("published", PAST, until=NOW)
    assert not public.state_visible("draft", PAST, until=NOW)
    assert not public.state_visible("published", FUTURE, until=NOW)  # replaced before its day came
    assert public.state_visible("published", PAST, until=None, now=NOW)  # the current state
    assert not public.state_visible("published", FUTURE, until=None, now=NOW)
