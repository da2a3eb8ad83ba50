"""``python -m research ...``: the research commands before they join ``medverkan``."""

from research.cli import research

research()
