"""Signal handlers of the incremental plugin (thin: they call the modules)."""

from __future__ import annotations

from .writer import IncrementalWriter


def writer_class(pelican_object):
    """The writer Pelican uses for this build: ours, tied to this build's Pelican object."""
    return type("IncrementalWriter", (IncrementalWriter,), {"build": pelican_object})


def finish(pelican_object) -> None:
    """Save the record of what each output was built from (the build succeeded)."""
    writer = getattr(pelican_object, "incremental_writer", None)
    if writer is not None:
        writer.finish()
        del pelican_object.incremental_writer
