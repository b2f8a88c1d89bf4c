"""The project's exception type.

Every user-facing problem (bad article header, bad contribution file, bad
setting, bad command-line value) is a :class:`SiteError` whose message names
the file, the field, the value and the fix. :class:`SiteErrors` gathers several
so that a writer sees every problem of a build at once. Messages are in French,
the writers' language: one line per problem, « fichier: champ = valeur:
problème. Correction : … » (blogcore/report.py prints them without a traceback).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable


def display_path(path: str | Path) -> str:
    """A file as the writer knows it in messages: relative to the current folder when possible."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Problem:
    """One problem in one file: what is wrong and how to fix it."""

    file: str
    field: str
    value: object
    message: str
    fix: str

    def __str__(self) -> str:
        value = "(absent)" if self.value is None else repr(self.value)
        # One line whatever the values hold: a writer reads one problem a line.
        stop = "" if self.message.rstrip().endswith((".", "?", "!")) else "."
        return " ".join(f"{self.file}: {self.field} = {value}: {self.message}{stop} Correction : {self.fix}".split())


class SiteError(Exception):
    """A user error whose message names file, field, value and fix."""

    exitcode = 2

    def __init__(self, file: str, field: str, value: object, message: str, fix: str):
        self.problem = Problem(str(file), field, value, message, fix)
        super().__init__(str(self.problem))


class SiteErrors(SiteError):
    """Several problems found in one pass, reported together."""

    def __init__(self, problems: Iterable[Problem], prefix: str = ""):
        self.problems = list(problems)
        count = len(self.problems)
        lines = [f"{count} problème{'s' if count > 1 else ''} à corriger (fichier: champ = valeur: problème. "
                 "Correction : …) :"]
        lines += [f"  - {p}" for p in self.problems]
        text = "\n".join(lines)
        Exception.__init__(self, f"{prefix}{text}")

    def __str__(self) -> str:
        return self.args[0]


def raise_if_any(problems: Iterable[Problem], prefix: str = "") -> None:
    """Raise a SiteErrors when the iterable holds at least one problem."""
    problems = list(problems)
    if problems:
        raise SiteErrors(problems, prefix)
