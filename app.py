"""Entry point for ``flask --app app ...``: builds the app through the factory, nothing more."""

from heritage.web import create_app as _create_app


def create_app(test_config: dict | None = None):
    """Flask's factory hook; see heritage.web.create_app."""
    return _create_app(test_config)
