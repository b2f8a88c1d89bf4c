"""The intake's WSGI application object, for any WSGI server: ``intake.wsgi:application``.

    waitress-serve --listen=127.0.0.1:8001 intake.wsgi:application   (what `invoke intake.serve` runs)
    gunicorn --workers 1 --threads 8 intake.wsgi:application

Importing this module reads the INTAKE_* environment variables (a bad one
stops the server at start, naming the variable and the fix) and starts the
background threads (queue, periodic round). Run one process: the queue is
shared through SQLite, but one process with threads is all the intake needs.
"""

import logging

from .app import create_app
from .config import from_env

if not logging.getLogger().handlers:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

application = create_app(from_env())
