"""The clip route and the helper templates use to put a player next to a text.

``GET /ljud/<name>`` serves a clip by its content-derived name
(``forms.speech.CLIP_NAME``): no token, no session, nothing about the
respondent in the URL, so it can be cached for a year (``immutable``: a
name never changes meaning) and shared by every respondent of every
version that says the same text. A name that is not a clip name is a 404
before the file system is touched.
"""

from __future__ import annotations

import os

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import send_file
from flask import url_for

from collector.speech.store import CONTENT_TYPES
from collector.speech.store import clips_folder
from collector.speech.store import existing_clip
from forms.builder import text_in
from forms.speech import CLIP_NAME

bp = Blueprint("speech", __name__)

ONE_YEAR = 365 * 24 * 3600
CACHE_CONTROL = f"public, max-age={ONE_YEAR}, immutable"


@bp.route("/ljud/<name>")
def clip(name: str):
    if not CLIP_NAME.fullmatch(name):
        abort(404)
    path = os.path.join(clips_folder(current_app.config["AUDIO_FOLDER"]), name)
    if not os.path.isfile(path):
        abort(404)
    response = send_file(path, mimetype=CONTENT_TYPES[os.path.splitext(name)[1]], conditional=True, max_age=ONE_YEAR)
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


@bp.app_template_global()
def spoken(texts, language: str) -> str | None:
    """The clip URL of ``texts`` (a text dict or a string) in ``language``, or None.

    A template global (not a context processor) so that imported macros
    (``macros/fields.html``) can call it; None when the version's speech was
    not made (espeak-ng missing), and the page then shows no player.
    """
    text = texts if isinstance(texts, str) else text_in(texts, language)
    if not text:
        return None
    name = existing_clip(current_app.config["AUDIO_FOLDER"], language, text)
    return url_for("speech.clip", name=name) if name else None
