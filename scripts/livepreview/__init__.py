"""The live preview behind `invoke livereload` (run as `python -m livepreview`; see __main__.py)."""
