"""Import community contributions from WordPress (WXR), Disqus (XML) and CSV exports.

The one entry point is :func:`import_file` (see :mod:`.run`); it detects the
format, maps each source thread to an article of this site, and writes one
contribution file per new comment with :func:`community.store.write`.

Modules: :mod:`.xmlsafe` (hostile-XML-proof parsing), :mod:`.cleaning` (text
and identity clean-up shared by every format), :mod:`.records` (the
format-neutral records the readers produce), :mod:`.wxr`, :mod:`.disqus` and
:mod:`.csvfile` (one reader per format), :mod:`.detect` (which reader),
:mod:`.mapping` (source thread → article), :mod:`.report` (what happened) and
:mod:`.run` (orchestration).
"""

from .report import ImportReport
from .run import import_file

__all__ = ["ImportReport", "import_file"]
