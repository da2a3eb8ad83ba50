"""Instruments in the served database: the registry that writes and freezes
them, and the ``medverkan instruments`` commands.

Why here and not in ``forms``: writing to SQLite needs the collector's
database code, and ``forms`` imports nothing of the project.
"""
