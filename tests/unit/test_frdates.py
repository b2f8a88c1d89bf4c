"""French dates come from Babel, whatever the machine's locales."""

import datetime as dt
import os
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest

from blogcore.frdates import fr_date, fr_month_year, fr_numeric


@pytest.mark.parametrize(
    "value, expected",
    [
        (dt.date(2009, 2, 25), "25 février 2009"),
        (dt.date(2013, 5, 1), "1er mai 2013"),
        (dt.date(2013, 5, 8), "8 mai 2013"),
        (dt.date(2020, 8, 15), "15 août 2020"),
        (dt.date(2021, 12, 31), "31 décembre 2021"),
    ],
)
def test_french_long_dates(value, expected):
    assert fr_date(value) == expected


def test_aware_datetime_keeps_its_own_day():
    # 00:30 in Paris is still the previous day in UTC: the writer's day wins.
    value = dt.datetime(2009, 2, 25, 0, 30, tzinfo=ZoneInfo("Europe/Paris"))
    assert fr_date(value) == "25 février 2009"


def test_month_and_numeric():
    assert fr_month_year(dt.date(2009, 2, 25)) == "février 2009"
    assert fr_numeric(dt.date(2009, 2, 5)) == "05/02/2009"


def test_independent_of_process_locale():
    code = "import sys; sys.path.insert(0, sys.argv[1]); import datetime; " \
           "from blogcore.frdates import fr_date; print(fr_date(datetime.date(2009, 2, 25)))"
    plugins = os.path.join(os.path.dirname(__file__), "..", "..", "plugins")
    out = subprocess.run([sys.executable, "-c", code, plugins], capture_output=True, text=True,
                         env={**os.environ, "LC_ALL": "C", "LANG": "C"}, check=True)
    assert out.stdout.strip() == "25 février 2009"


def test_same_as_babel_pattern_for_every_month():
    # fr_date reads CLDR's month names once instead of calling format_date;
    # both must give the same words for every month.
    from babel.dates import format_date

    for month in range(1, 13):
        value = dt.date(2009, month, 14)
        assert fr_date(value) == "14 " + format_date(value, "MMMM y", locale="fr_FR")
        assert fr_month_year(value) == format_date(value, "MMMM y", locale="fr_FR")
