"""Operating Medverkan: the ``medverkan`` command line, serving (gunicorn and
Datasette together), backups and CSV export."""
