"""WSGI entry point: gunicorn 'wsgi:app'."""

from engage import create_app
from engage.results.engine import warm_in_background

app = create_app()
# Each worker reads the results rows once (seconds at a million responses) in a thread
# of its own, so the first analyst after a restart does not wait for it.
warm_in_background(app)
