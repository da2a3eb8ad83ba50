"""Medverkan's collector: the Flask app respondents and coordinators use.

``create_app`` follows the Flask tutorial's app factory: defaults from
``collector.settings`` (every key, its default and meaning), then ``instance/config.py``, then ``MEDVERKAN_*``
environment variables, then the ``test_config`` mapping a test passes in.
"""

from __future__ import annotations

import os

from flask import Flask
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()


INSTANCE_PATH_VARIABLE = "MEDVERKAN_INSTANCE_PATH"


def instance_folder() -> str:
    """The instance folder: ``MEDVERKAN_INSTANCE_PATH`` if set, else Flask's
    default (``instance/`` next to the package in a clone, ``<prefix>/var/collector-instance``
    when installed). ``medverkan init`` writes the private ``config.py`` there."""
    configured = os.environ.get(INSTANCE_PATH_VARIABLE)
    if configured:
        return os.path.abspath(configured)
    return Flask(__name__, instance_relative_config=True).instance_path


def create_app(test_config: dict | None = None, *, instance_path: str | None = None) -> Flask:
    """Create and configure the collector app.

    ``instance_path`` replaces the instance folder (``instance_folder()``):
    tests give each app its own, so nothing is written into the source tree
    and parallel tests never share compiled catalogues.
    """
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path or instance_folder())
    app.config.from_object("collector.settings")
    app.config["DATABASE"] = os.path.join(app.instance_path, "medverkan.db")
    app.config["CONTACTS_DATABASE"] = os.path.join(app.instance_path, "contacts.db")
    app.config["AUDIO_FOLDER"] = os.path.join(app.instance_path, "audio")
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("MEDVERKAN")
    else:
        app.config.update(test_config)
    os.makedirs(app.instance_path, exist_ok=True)

    if (
        app.config["SECRET_KEY"] == "dev-insecure-change-me"
        and not app.testing
        and not app.debug
        and not app.config.get("DEMO")
    ):
        raise RuntimeError(
            "Medverkan is not set up on this machine yet: run `medverkan init` (it creates the databases "
            f"and a private {os.path.join(app.instance_path, 'config.py')} with a secret key), "
            "or set MEDVERKAN_SECRET_KEY."
        )

    if app.config["ARGON2_PROFILE"] != "production" and not app.testing:
        raise RuntimeError("ARGON2_PROFILE other than 'production' is for the test suite only (set TESTING).")

    # Imported here, not at the top: every ``import collector.x`` runs this
    # package first, so top-level imports would load the whole app (views,
    # forms, mail) for a command or test that needs one module, and make the
    # package and its submodules import each other.
    from collector import db
    from collector import i18n
    from collector import input_guard
    from collector import limiter
    from collector import security
    from collector.authoring import views as authoring
    from collector.brukarbank import views as brukarbank
    from collector.coordinator import account
    from collector.coordinator import admin
    from collector.coordinator import auth
    from collector.coordinator import users
    from collector.coordinator import views as coordinator
    from collector.ops import backup
    from collector.respondent import submission
    from collector.respondent import views as respondent
    from collector.speech import views as speech

    users.use_argon2_profile(app.config["ARGON2_PROFILE"])
    csrf.init_app(app)
    # Cross-cutting behaviour, in this order.
    for extension in (input_guard, db, i18n, limiter, security, backup, submission):
        extension.init_app(app)
    # Blueprints in registration order.
    for blueprint_module in (respondent, speech, auth, account, coordinator, admin, authoring, brukarbank):
        app.register_blueprint(blueprint_module.bp)
    return app
