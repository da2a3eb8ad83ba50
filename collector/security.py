"""Security headers, request limits and token-guess throttling."""


def init_app(app) -> None:
    """Attach security behaviour to the app."""
