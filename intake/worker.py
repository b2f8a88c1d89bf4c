"""Background threads of the intake: the queue's workers and the periodic round.

Workers take due jobs from the database: one for the jobs that use the
clone and the forge (one at a time: they share the clone), one for e-mails,
and INTAKE_WEBMENTION_WORKERS for webmention checks, which wait on servers
nobody controls: a slow source holds one of them until its deadline, never
an e-mail, a push or another source. A job that fails is
tried again after INTAKE_RETRY_SECONDS, then twice as long each time, up to
INTAKE_RETRY_MAX_SECONDS; it stays in the queue until it succeeds, and
`invoke intake.status` lists it with its last error. Jobs found running at
start (the process stopped in the middle) are run again: each is safe to run
twice. A third thread fetches the published branch every INTAKE_POLL_SECONDS.
With a mail server, a fourth (``intake-follow``) reads the followed feeds
over HTTP as often, and sends the followers' messages (follow.py, sender.py).
"""

from __future__ import annotations

import logging
import threading
import time

from .service import GIT_JOBS, MAIL_JOBS, PREFIX, WEBMENTION_JOBS, Intake, Permanent

log = logging.getLogger("intake")


def backoff(cfg, attempts: int) -> float:
    """The wait after the n-th failed try."""
    return min(cfg.retry_seconds * 2 ** max(attempts - 1, 0), cfg.retry_max_seconds)


class Workers:
    """The intake's background threads."""

    def __init__(self, intake: Intake):
        self.intake = intake
        self.stopping = threading.Event()
        self.wake = threading.Event()
        self.threads: list[threading.Thread] = []
        intake.on_enqueue = self.wake.set

    def start(self) -> "Workers":
        """Start the threads (daemons: they stop with the process)."""
        self.intake.db.resume_interrupted()
        roles = [("intake-poll", self._poll), ("intake-git", lambda: self._work(GIT_JOBS)),
                 ("intake-mail", lambda: self._work(MAIL_JOBS))]
        if self.intake.sender is not None:
            roles.append(("intake-follow", self._follow))
        roles += [(f"intake-webmention-{n}", lambda: self._work(WEBMENTION_JOBS))
                  for n in range(1, self.intake.cfg.webmention_workers + 1)]
        for name, target in roles:
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self.threads.append(thread)
        return self

    def stop(self) -> None:
        """Stop the threads after their current job."""
        self.stopping.set()
        self.wake.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def _poll(self) -> None:
        while not self.stopping.is_set():
            self.intake.poll()
            self.wake.set()
            self.stopping.wait(self.intake.cfg.poll_seconds)

    def _follow(self) -> None:
        intake, next_read = self.intake, 0.0
        while not self.stopping.is_set():
            try:
                if time.monotonic() >= next_read:
                    next_read = time.monotonic() + intake.cfg.poll_seconds
                    intake.follow.purge()
                    intake.follow.scan()
                    intake.follow.bundle_digests()
                if intake.sender.send_due(self.stopping):
                    continue
            except Exception:  # noqa: BLE001 - the database or a feed failed unexpectedly: log, wait, go on
                log.exception(PREFIX + "following by e-mail: the round failed")
            self.stopping.wait(min(1.0, intake.cfg.retry_seconds))

    def run_once(self, kinds: tuple[str, ...]) -> bool:
        """Run one due job of these kinds; False when none was due."""
        db = self.intake.db
        job = db.claim(kinds)
        if job is None:
            return False
        try:
            follow = self.intake.run(job)
        except Permanent as exc:
            log.warning(PREFIX + "job #%d %s %s refused for good: %s", job.id, job.kind, job.ref, exc)
            db.give_up(job, str(exc))
        except Exception as exc:  # noqa: BLE001 - any failure: keep the job, try again later
            wait = backoff(self.intake.cfg, job.attempts)
            log.warning(PREFIX + "job #%d %s %s failed (try %d), next try in %.0f s: %s",
                        job.id, job.kind, job.ref, job.attempts, wait, exc)
            db.retry(job, f"{exc.__class__.__name__}: {exc}", wait)
        else:
            db.finish(job, follow)
            if follow:
                self.wake.set()
        return True

    def _work(self, kinds: tuple[str, ...]) -> None:
        while not self.stopping.is_set():
            try:
                if self.run_once(kinds):
                    continue
            except Exception:  # noqa: BLE001 - the database itself failed: log, wait, go on
                log.exception(PREFIX + "the queue could not be read")
            self.wake.wait(min(1.0, self.intake.cfg.retry_seconds))
            self.wake.clear()
