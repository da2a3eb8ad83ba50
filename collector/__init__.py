"""Medverkan's collector: the Flask app respondents and coordinators use.

``create_app`` follows the Flask tutorial's app factory: defaults from
``collector.config``, then ``instance/config.py``, then ``MEDVERKAN_*``
environment variables, then the ``test_config`` mapping a test passes in.
"""

from __future__ import annotations

import importlib
import os

from flask import Flask
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

# Blueprints in registration order, as "module:attribute".
BLUEPRINTS = [
    "collector.respondent.views:bp",
    "collector.coordinator.auth:bp",
    "collector.coordinator.views:bp",
    "collector.authoring.views:bp",
]

# Modules with an ``init_app(app)`` that wire cross-cutting behaviour.
EXTENSIONS = [
    "collector.db",
    "collector.i18n",
    "collector.limiter",
    "collector.security",
    "collector.ops.backup",
    "collector.respondent.submission",
]


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the collector app."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object("collector.config")
    app.config["DATABASE"] = os.path.join(app.instance_path, "medverkan.db")
    app.config["CONTACTS_DATABASE"] = os.path.join(app.instance_path, "contacts.db")
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
            "Set SECRET_KEY (instance/config.py or MEDVERKAN_SECRET_KEY) before serving Medverkan."
        )

    csrf.init_app(app)
    for module_name in EXTENSIONS:
        importlib.import_module(module_name).init_app(app)
    for spec in BLUEPRINTS:
        module_name, attribute = spec.split(":")
        app.register_blueprint(getattr(importlib.import_module(module_name), attribute))
    return app
