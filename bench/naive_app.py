"""The naive baseline for bench/submit_load.py: a minimal Flask + Flask-WTF
form of 30 Likert questions that stores one response and its 30 answers
with plain sqlite3 in one BEGIN IMMEDIATE transaction (WAL,
synchronous=FULL). No token check, no drafts, no summaries.

    NAIVE_DB=/tmp/naive.db gunicorn -c python:collector.ops.gunicorn_conf "bench.naive_app:create_app()"
"""

from __future__ import annotations

import os
import sqlite3

from flask import Flask
from flask import g
from flask import redirect
from flask import render_template_string
from flask_wtf import FlaskForm
from wtforms import RadioField

QUESTIONS = 30
PAGE = """<!doctype html><title>Naive</title><form method=post action=/submit>{{ form.csrf_token }}
{% for field in form if field.name != 'csrf_token' %}<fieldset><legend>{{ field.label.text }}</legend>{{ field() }}</fieldset>{% endfor %}
<button>Send</button></form>"""


class NaiveForm(FlaskForm):
    pass


for _i in range(QUESTIONS):
    setattr(NaiveForm, f"q{_i}", RadioField(f"Question {_i}", choices=[(v, str(v)) for v in range(1, 6)], coerce=int))


def _connect(path):
    conn = sqlite3.connect(path, isolation_level=None, timeout=5)
    conn.execute("pragma journal_mode = wal")
    conn.execute("pragma synchronous = full")
    conn.execute("pragma busy_timeout = 5000")
    return conn


def create_app():
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "naive-bench"
    path = os.environ.get("NAIVE_DB", "/tmp/naive.db")
    conn = _connect(path)
    conn.execute("create table if not exists responses (id integer primary key, submitted_on text)")
    conn.execute(
        "create table if not exists answers (response_id integer, question text, value integer, primary key (response_id, question))"
    )
    conn.close()

    def db():
        if "db" not in g:
            g.db = _connect(path)
        return g.db

    @app.teardown_appcontext
    def close(_error):
        conn = g.pop("db", None)
        if conn is not None:
            conn.close()

    @app.get("/form")
    def form_page():
        return render_template_string(PAGE, form=NaiveForm())

    @app.post("/submit")
    def submit():
        form = NaiveForm()
        if not form.validate():
            return render_template_string(PAGE, form=form), 400
        conn = db()
        conn.execute("begin immediate")
        try:
            response_id = conn.execute("insert into responses (submitted_on) values (date('now'))").lastrowid
            conn.executemany(
                "insert into answers values (?, ?, ?)",
                [(response_id, name, form[name].data) for name in (f"q{i}" for i in range(QUESTIONS))],
            )
            conn.execute("commit")
        except BaseException:
            conn.execute("rollback")
            raise
        return redirect("/thanks", code=303)

    @app.get("/thanks")
    def thanks():
        return "Thanks"

    return app
