"""One report of every problem of the content, in French, without a Python traceback.

- :data:`CONTENT_CHECKS`: a signal (Pelican's kind, blinker) each plugin connects
  to check its own data files before Pelican reads the articles; the editorial
  plugin sends it and fails the build once with every problem found.
- :func:`warnings_are_fatal`: whether this build stops on a warning (``--fatal
  warnings``: ``invoke check``, the production build), so that warnings join the
  problems instead of stopping the build at the first one.
- :func:`describe`: the text of a failed build for the live preview's panel.
- :func:`install`: Pelican logs an exception that ends a build with its
  traceback; for a content error (:class:`~blogcore.errors.SiteError`) the writer
  gets the French lines alone, and the build still exits non-zero (2).
"""

from __future__ import annotations

import logging
import sys

from blinker import signal

from .errors import Problem, SiteError

# Receivers: check(generator, site=blogcore.sources.Site) -> list[Problem].
CONTENT_CHECKS = signal("blogcore.content_checks")
# Pelican's FatalLogger raises this once a fatal warning or error was logged (pelican/log.py).
_FATAL_LOG = "Warning or error encountered"
STOPPED_ON_WARNING = ("La construction s'arrête sur l'avertissement ou l'erreur ci-dessus (les avertissements "
                      "sont bloquants dans « invoke check » et la construction de production).")


def describe(error: BaseException) -> str:
    """What a writer reads of a failed build (the live preview's panel and terminal), in French."""
    if isinstance(error, SiteError):
        return str(error)
    if isinstance(error, RuntimeError) and str(error) == _FATAL_LOG:
        return STOPPED_ON_WARNING
    return (f"Erreur inattendue de la construction (un défaut du programme, pas de votre texte) : "
            f"{type(error).__name__}: {error}")


def other_checks(generator, site) -> list[Problem]:
    """The problems every plugin's CONTENT_CHECKS receiver finds, in one list."""
    problems: list[Problem] = []
    for _receiver, found in CONTENT_CHECKS.send(generator, site=site):
        problems += list(found or [])
    return problems


def warnings_are_fatal() -> bool:
    """Whether a warning logged now would stop the build (pelican --fatal warnings)."""
    from pelican.log import FatalLogger

    return FatalLogger.fatal_lvl <= logging.WARNING


class _ContentErrors(logging.Filter):
    """On Pelican's last log line of a failed build: a content error is printed plain, without traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, SiteError):
            print(str(error), file=sys.stderr, flush=True)
            return False
        if isinstance(error, RuntimeError) and str(error) == _FATAL_LOG:
            print(STOPPED_ON_WARNING, file=sys.stderr, flush=True)  # the message itself is already shown
            return False
        return True  # anything else is a bug: its traceback helps whoever fixes it


def install() -> None:
    """Put the filter on Pelican's logger, once per process."""
    logger = logging.getLogger("pelican")
    if not any(isinstance(f, _ContentErrors) for f in logger.filters):
        logger.addFilter(_ContentErrors())
