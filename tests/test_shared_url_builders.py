"""Test apps share Werkzeug's compiled URL builders (tests/conftest.py,
``_share_compiled_url_builders``): each app must still build its own URLs."""

from __future__ import annotations

from flask import Flask
from flask import url_for
from werkzeug.routing import Rule


def _app(name: str, default: str) -> Flask:
    app = Flask(name)
    app.add_url_rule("/page/<name>", "page", lambda name: name, defaults={"name": default})
    app.add_url_rule("/item/<int:number>", "item", lambda number: str(number))
    return app


def test_the_builders_are_shared_in_the_test_process():
    assert getattr(Rule._compile_builder, "shared_by_tests", False)


def test_a_default_filling_a_placeholder_stays_each_apps_own():
    first, second = _app("first", "one"), _app("second", "two")
    with first.test_request_context():
        assert url_for("page") == "/page/one"
        assert url_for("item", number=7, extra="x y") == "/item/7?extra=x+y"
    with second.test_request_context():
        assert url_for("page") == "/page/two"
        assert url_for("item", number=8) == "/item/8"


def test_the_collector_builds_its_urls_in_two_apps(app, tmp_path, db_paths):
    from tests.conftest import make_test_app

    other = make_test_app(db_paths, tmp_path / "other")
    for each in (app, other):
        with each.test_request_context():
            assert url_for("respondent.landing") == "/"
            assert url_for("static", filename="medverkan.css") == "/static/medverkan.css"
