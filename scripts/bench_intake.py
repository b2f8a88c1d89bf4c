"""`invoke intake.bench`: how long a good webmention waits behind a slow source, through the real service.

The intake runs as in the tests (its WSGI app under waitress on 127.0.0.1, a
bare git remote seeded with this checkout's site, in a temporary folder); a
loopback server plays the sources: a slow one that sends its page one byte
every INTERVAL seconds (2 s, as in issue 26), and a good one that answers at
once. Each round posts the slow mention, waits until the intake is reading
it, posts the good one, and times the good one from its 202 to its
submission stored. Rounds run with the default number of webmention workers
and with one only (the worst case: the good mention waits for the slow
source's deadline, INTAKE_WEBMENTION_TIMEOUT). It prints the figures;
nothing here is asserted (speed is never a test).

Before issue 26, with one worker for e-mails and webmentions and a deadline
checked only between 64 KiB reads, a good mention waited 92 s.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _folder in (ROOT, ROOT / "tests"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))


def _round(service, origin: str, record: dict, slow: str) -> dict:
    from intake_support import ARTICLE, SITE_URL, request, wait_for

    target = f"{SITE_URL}/{ARTICLE}/"
    before = len(record["started"])
    assert request(service.url + "webmention", {"source": origin + slow, "target": target}).status == 202
    wait_for(lambda: len(record["started"]) > before, 30, message="the slow fetch to start")
    known = {row["id"] for row in service.db.submissions()}
    posted = time.monotonic()
    good = f"{origin}/bon?{slow.rsplit('?', 1)[-1]}"
    assert request(service.url + "webmention", {"source": good, "target": target}).status == 202
    wait_for(lambda: {row["id"] for row in service.db.submissions()} - known, 120, message="the good mention")
    waited = time.monotonic() - posted
    wait_for(lambda: len(record["cut"]) > before, 120, message="the slow source cut off")
    _, started = record["started"][before]
    with service.db.connect() as db:  # when the intake gave the slow source up (its side, not the source's)
        (given_up,) = db.execute("SELECT done_at FROM jobs WHERE kind = 'webmention' AND state = 'refused' "
                                 "AND payload LIKE ?", (f"%{slow}%",)).fetchone()
    return {"good_waited": waited, "slow_held": given_up - started}


def run(interval: float = 2.0, timeout: float = 5.0, rounds: int = 3) -> dict:
    """Measure; the figures (seconds) for the default number of webmention workers and for one."""
    from intake.config import VARIABLES
    from intake_support import seed_remote, serve_intake, slow_source

    figures = {"interval": interval, "timeout": timeout, "rounds": rounds, "runs": {}}
    default_workers = int(VARIABLES["WEBMENTION_WORKERS"][0])
    with tempfile.TemporaryDirectory(prefix="bench-intake-") as folder:
        remote = seed_remote(Path(folder) / "seed")
        for workers in (default_workers, 1):
            with slow_source(interval, limit=timeout * 4 + 10) as (origin, record), \
                    serve_intake(Path(folder) / f"run-{workers}", remote, allow_private_addresses=1,
                                 webmention_timeout=timeout, webmention_workers=workers,
                                 rate_limit="1000/3600") as service:
                results = [_round(service, origin, record, f"/lent-corps?{workers}-{n}") for n in range(rounds)]
            figures["runs"][workers] = {
                "good_waited": [r["good_waited"] for r in results], "slow_held": [r["slow_held"] for r in results]}
    return figures


def report(figures: dict) -> str:
    """The figures as lines to print."""
    lines = [f"A good webmention behind a slow source (one byte every {figures['interval']:g} s), "
             f"INTAKE_WEBMENTION_TIMEOUT={figures['timeout']:g} s, {figures['rounds']} round(s), through the "
             "real service (waitress on 127.0.0.1, a bare git remote):"]
    for workers, run_ in figures["runs"].items():
        waited, held = run_["good_waited"], run_["slow_held"]
        lines.append(f"  {workers} webmention worker(s): the good mention waited {statistics.median(waited):.2f} s "
                     f"(median; {min(waited):.2f} to {max(waited):.2f}); the intake gave the slow source up "
                     f"{statistics.median(held):.2f} s after it started reading it")
    lines.append("  (before issue 26: 92 s, and as long as the source liked)")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(run()))
