"""Shared fixtures: an app on fresh databases per test, its clients and
direct handles on both databases. Area-specific fixtures live in
``tests/fixtures/`` and are registered below.

Speed (issue 15): the databases are copies of one migrated template per test
process (``tests/fixtures/databases.py``); staff passwords are hashed with
the cheapest Argon2 parameters (``ARGON2_PROFILE = "testing"``, refused
outside TESTING); each app gets its instance folder before ``create_app``
runs; compiled Jinja templates are shared by every test app of a process
(:class:`_TemplateCodeInMemory`). Tests are marked ``browser`` / ``slow``
from the fixtures they use (:func:`pytest_collection_modifyitems`), so
``-m "not browser and not slow"`` is the quick loop; tests using a
module-scoped fixture are kept on one xdist worker per module.
"""

from __future__ import annotations

import functools
import inspect
import os
import shutil

import pytest
from jinja2 import BytecodeCache

from collector import create_app
from collector.coordinator import users as user_store
from collector.db import connect
from tests.fixtures.databases import migrated_copy
from tests.fixtures.databases import scratch_folder

pytest_plugins = [
    "tests.fixtures.respondent",
    "tests.fixtures.coordinator",
    "tests.fixtures.datasette",
    "tests.fixtures.browser",
    "tests.fixtures.servers",
]

# Settings every test app shares; a test adds or overrides keys.
TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "RATELIMIT_ENABLED": False,
    "ARGON2_PROFILE": "testing",
    # Publishing makes speech with espeak-ng (seconds per questionnaire); only
    # the speech tests (tests/test_speech*.py) turn it on.
    "SPEECH_ON_PUBLISH": False,
}

# Fixture name -> the marks a test using it (directly or through another
# fixture) gets. Real Chromium is "browser"; real server processes are "slow".
FIXTURE_MARKS = {
    "browser": ("browser", "slow"),
    "demo_site": ("slow",),
    "gunicorn_server": ("slow",),
    "live_databases": ("slow",),
    "datasette_server": ("slow",),
}


# Libraries pytest rewrites only because they ship a pytest plugin: pytest
# marks every package of such a distribution, so Hypothesis's whole library
# (75 modules, 1.5-3 s of parsing and rewriting per test process, paid by
# each xdist worker: PYTHONDONTWRITEBYTECODE or a fresh clone means no
# rewritten bytecode is cached) was rewritten for assertion messages nobody
# reads. (anyio is imported by its plugin before this file, so unmarking it
# would change nothing.) Its plugin module stays
# rewritten; our own tests are rewritten as before.
LIBRARIES_NOT_REWRITTEN = ("hypothesis",)


def _stop_rewriting_libraries(config) -> None:
    # pytest has no public way to unmark a package; if its internals change,
    # this does nothing and the libraries are rewritten as before.
    hook = config.pluginmanager.rewrite_hook
    marked = getattr(hook, "_must_rewrite", None)
    if isinstance(marked, set):
        marked.difference_update(LIBRARIES_NOT_REWRITTEN)
        cache = getattr(hook, "_marked_for_rewrite_cache", None)
        if isinstance(cache, dict):
            cache.clear()


def _share_compiled_url_builders() -> None:
    """Werkzeug compiles a URL-building function for every rule of every app
    (an AST, ``compile``, ``exec``): about 20 ms of ``create_app``'s 26, and
    every test makes an app. The function it generates depends only on the
    rule's text, its parsed trace, the names of its defaults (and a default
    that fills a placeholder, as converted) and ``append_unknown``; it takes
    the rule as its first argument and is bound to each rule separately. So
    test apps in one process share the generated functions. If Werkzeug's
    internals change, nothing is shared and every rule compiles as before.
    """
    from werkzeug.routing import Rule

    original = getattr(Rule, "_compile_builder", None)
    if original is None or getattr(original, "shared_by_tests", False):
        return
    compiled: dict[tuple, object] = {}

    def compile_builder_once(self, append_unknown=True):
        defaults = self.defaults or {}
        trace = tuple(getattr(self, "_trace", ()))
        filled = tuple(
            (name, self._converters[name].to_url(defaults[name]))
            for is_dynamic, name in trace
            if is_dynamic and name in defaults
        )
        key = (self.rule, trace, tuple(map(str, defaults)), filled, append_unknown)
        builder = compiled.get(key)
        if builder is None:
            builder = compiled[key] = original(self, append_unknown)
        return builder

    compile_builder_once.shared_by_tests = True
    Rule._compile_builder = compile_builder_once


def pytest_configure(config):
    _stop_rewriting_libraries(config)
    _share_compiled_url_builders()
    # Fixtures that hash without an app (make_user on contacts_db) use the
    # cheap parameters too; create_app sets the profile of each test app.
    user_store.use_argon2_profile("testing")


# Helpers that start real server processes from a test's body: a test module
# that imports one, or calls subprocess.Popen itself, is "slow" as a whole.
SERVER_STARTERS = ("start_gunicorn", "start_collector", "start_datasette", "start_process")


@functools.cache
def _starts_servers(module) -> bool:
    if any(hasattr(module, name) for name in SERVER_STARTERS):
        return True
    try:
        return "subprocess.Popen(" in inspect.getsource(module)
    except (OSError, TypeError):
        return False


def _uses_module_scoped_fixture(item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(
        definition.scope == "module" and definition.func.__module__.startswith("tests.")  # ours, not a plugin's
        for definitions in info.name2fixturedefs.values()
        for definition in definitions
    )


@pytest.hookimpl(tryfirst=True)  # before xdist reads the xdist_group marks
def pytest_collection_modifyitems(config, items):
    """Mark each test from the fixtures it uses (``item.fixturenames`` is the closure).

    A test that uses a module-scoped fixture (a Datasette or gunicorn server,
    a Chromium, a database built for the module) also joins its module's
    ``xdist_group``: with ``--dist loadgroup`` (pytest.ini) the module then
    runs on one worker and builds that fixture once, instead of once on each
    worker its tests were spread over. Other tests are still shared out one
    by one.
    """
    for item in items:
        if _uses_module_scoped_fixture(item):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))
        names = set(getattr(item, "fixturenames", ()))
        module = getattr(item, "module", None)
        if module is not None and _starts_servers(module):
            names.add("gunicorn_server")
        for fixture, marks in FIXTURE_MARKS.items():
            if fixture in names:
                for mark in marks:
                    if mark not in {m.name for m in item.iter_markers()}:
                        item.add_marker(getattr(pytest.mark, mark))


@pytest.fixture(autouse=True)
def cheap_password_hashing():
    """Every test starts with the cheap Argon2 profile. The profile is the
    process's (``users.use_argon2_profile``): a test whose own ``create_app``
    left the production one (about 0.1-0.5 s a hash) made every later test on
    that worker hash at production cost until the next test app reset it."""
    user_store.use_argon2_profile("testing")


@pytest.fixture
def db_paths():
    """Paths of a freshly migrated served and contacts database, in a private
    folder in memory when the machine has one (``scratch_folder``: no fsync
    wait per commit), removed after the test."""
    folder = scratch_folder()
    yield migrated_copy(os.path.join(folder, "medverkan.db"), os.path.join(folder, "contacts.db"))
    shutil.rmtree(folder, ignore_errors=True)


class _TemplateCodeInMemory(BytecodeCache):
    """Compiled Jinja templates kept for the whole test process.

    Every test gets a new app and so a new Jinja environment, which compiled
    each template it rendered again (parse, generate Python, compile): about
    a third of a typical view test's time. Jinja's bytecode cache is keyed by
    template name and a checksum of its source, so an edited template is
    compiled again; all test apps come from the same ``create_app`` and so
    have the same environment settings. Each app still gets its own
    environment, globals and filters: only the compiled code is shared.
    """

    def __init__(self):
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self._code[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CODE = _TemplateCodeInMemory()


def make_test_app(db_paths, tmp_path, **config):
    """A collector app on ``db_paths`` with its own instance folder under ``tmp_path``."""
    served, contacts = db_paths
    app = create_app(
        {**TEST_CONFIG, "DATABASE": served, "CONTACTS_DATABASE": contacts, **config},
        instance_path=str(tmp_path / "instance"),
    )
    app.jinja_env.bytecode_cache = TEMPLATE_CODE
    return app


@pytest.fixture
def app(db_paths, tmp_path):
    yield make_test_app(db_paths, tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def served_db(db_paths):
    db = connect(db_paths[0])
    yield db
    db.conn.close()


@pytest.fixture
def contacts_db(db_paths):
    db = connect(db_paths[1])
    yield db
    db.conn.close()
