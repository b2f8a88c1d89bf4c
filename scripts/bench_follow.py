"""`invoke intake.bench-mail`: following by e-mail with many followers, through real parts on loopback.

The fixture site is built twice by Pelican (before and after a new article)
and served over HTTP on 127.0.0.1; a real SMTP server (aiosmtpd) listens on
127.0.0.1; the intake (its app, in this process, with the rounds its
``intake-follow`` thread runs) has N confirmed followers of the whole site.
The new version is published, then one round reads the feeds and queues a
message per follower, and the sender works through the queue (the hourly
limit raised out of the way). Printed: messages per minute through the
loopback server, the intake's memory (this process's resident size, before
and at its peak) and the time from the publish to the last message sent,
to which the wait for the next round adds up to INTAKE_POLL_SECONDS.
Nothing is asserted (speed is never a test).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _folder in (ROOT, ROOT / "tests", ROOT / "plugins", ROOT / "scripts"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))


def _memory() -> dict:
    """Resident size and its peak, in MiB (Linux /proc)."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0]) / 1024
    return found


def run(subscribers: int, sent: int) -> dict:
    """Run once; the figures."""
    from follow_support import build, intake_front, make_intake, published, site_versions, smtp_loopback

    figures = {"subscribers": subscribers}
    with tempfile.TemporaryDirectory(prefix="bench-mail-") as folder:
        tmp = Path(folder)
        with smtp_loopback(keep=False) as box, published(tmp) as site, intake_front() as front:
            versions = site_versions(tmp)
            first = build(versions["v1"], tmp / "build-v1", site.url, front.url)
            second = build(versions["v2"], tmp / "build-v2", site.url, front.url)
            site.publish(first)
            figures["memory_before"] = _memory()["VmRSS"]
            app = make_intake(tmp / "data", site.url, front.url, box.port, mail_per_hour=10 ** 9)
            follow, sender = app.intake.follow, app.intake.sender
            started = time.perf_counter()
            follow.subscribe_many([(f"lecteur{n:05d}@exemple.fr", "flux/site.atom.xml", "Tout le site", "chaque")
                                   for n in range(subscribers)], confirmed=True)
            figures["subscribe_seconds"] = time.perf_counter() - started
            follow.baseline("flux/site.atom.xml")
            site.publish(second)
            published_at = time.perf_counter()
            figures["queued"] = follow.scan()
            figures["scan_seconds"] = time.perf_counter() - published_at
            sending = time.perf_counter()
            while box.count() < sent and sender.send_due():
                pass
            done = time.perf_counter()
            figures["sent"] = box.count()
            figures["send_seconds"] = done - sending
            figures["publish_to_last_seconds"] = done - published_at
            figures["memory_after"] = _memory()["VmRSS"]
            figures["memory_peak"] = _memory()["VmHWM"]
    return figures


def report(figures: dict) -> str:
    """The figures in a few lines."""
    per_minute = figures["sent"] / figures["send_seconds"] * 60 if figures["send_seconds"] else 0.0
    lines = [
        f"followers: {figures['subscribers']} confirmed (added in {figures['subscribe_seconds']:.1f} s)",
        f"publish -> feed read, {figures['queued']} messages queued: {figures['scan_seconds']:.2f} s",
        f"messages sent through the loopback SMTP server: {figures['sent']} in {figures['send_seconds']:.1f} s "
        f"= {per_minute:.0f} per minute",
        f"publish -> last message sent: {figures['publish_to_last_seconds']:.1f} s "
        "(plus up to INTAKE_POLL_SECONDS before the round that reads the feed)",
        f"memory of the intake (this process, resident): {figures['memory_before']:.0f} MiB before, "
        f"{figures['memory_after']:.0f} MiB after, peak {figures['memory_peak']:.0f} MiB",
    ]
    if figures["sent"] < figures["queued"]:
        lines.append(f"(stopped after {figures['sent']} messages, as asked: {figures['queued'] - figures['sent']} "
                     "left in the queue)")
    return "\n".join(lines)
