"""Interface language: Swedish first, English by a visible switch.

Interface strings are written in English in the code (``_("Next")``) and
translated to Swedish in ``collector/translations/sv/LC_MESSAGES/*.po``.
Each area of the app keeps its own ``.po`` file so that teams do not edit
the same catalogue; at start-up every ``.po`` file is merged and compiled
into one ``messages.mo`` in the instance folder (compiled catalogues are
build output and are never committed). Questionnaire wording is not here:
it is bilingual in the instrument definitions.
"""

from __future__ import annotations

import functools
import io
import os
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import g
from flask import request
from flask import session
from flask_babel import Babel
from flask_babel import get_locale
from flask_babel import get_translations
from flask_babel import refresh

from forms.vocabulary import DEFAULT_LANGUAGE
from forms.vocabulary import LANGUAGES

SOURCE_DIR = Path(__file__).parent / "translations"

babel = Babel()


def select_locale() -> str:
    """Pick the language: ``?lang=`` (remembered in the session), then the session, then Swedish."""
    requested = request.args.get("lang")
    if requested in LANGUAGES:
        session["lang"] = requested
        return requested
    remembered = session.get("lang")
    if remembered in LANGUAGES:
        return remembered
    return DEFAULT_LANGUAGE


def current_language() -> str:
    """The language of the current request (for choosing bilingual definition texts)."""
    locale = get_locale()
    return locale.language if locale and locale.language in LANGUAGES else DEFAULT_LANGUAGE


def request_translations():
    """The current request's catalogue, looked up once per request.

    Flask-Babel resolves the context, the locale and the catalogue again for
    every string a template translates: a quarter of a short page's CPU
    (bench/whole_questionnaire.py). Templates use this instead (see
    ``init_app``); :func:`refresh_locale` drops it when the language changes.
    """
    locale = get_locale()
    cached = g.get("_medverkan_translations")
    # Keyed by the locale object: ``force_locale`` (a mail in the recipient's
    # language) sets another one for a while, and gets its own catalogue.
    if cached is None or cached[0] is not locale:
        cached = g._medverkan_translations = (locale, get_translations())
    return cached[1]


def refresh_locale() -> None:
    """After the language changed within a request: pick locale and catalogue again."""
    refresh()
    g.pop("_medverkan_translations", None)


def _source_stamp(source: Path) -> tuple:
    """Name, size and modification time of every ``.po`` file: what the compiled catalogue depends on."""
    return tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(source.glob("*.po")))


@functools.lru_cache(maxsize=8)
def _compiled_catalogue(source: Path, language: str, stamp: tuple) -> bytes:
    """The merged ``.mo`` bytes of ``language``, computed once per process
    for a given ``stamp``: parsing the ``.po`` files costs a few tenths of a
    second, paid again by every app created in the same process (gunicorn
    workers, every test) when nothing changed."""
    merged = Catalog(locale=language)
    for po_path in sorted(source.glob("*.po")):
        with open(po_path, "rb") as handle:
            catalogue = read_po(handle, locale=language)
        for message in catalogue:
            if message.id and message.string and not message.fuzzy:
                merged.add(message.id, message.string, context=message.context)
    buffer = io.BytesIO()
    write_mo(buffer, merged)
    return buffer.getvalue()


def compile_catalogues(target_dir: str) -> None:
    """Merge every ``.po`` file per language and write ``messages.mo`` under ``target_dir``."""
    for language_dir in SOURCE_DIR.iterdir():
        source = language_dir / "LC_MESSAGES"
        if not source.is_dir():
            continue
        compiled = _compiled_catalogue(source, language_dir.name, _source_stamp(source))
        out_dir = Path(target_dir) / language_dir.name / "LC_MESSAGES"
        out_dir.mkdir(parents=True, exist_ok=True)
        tmp = out_dir / f"messages.mo.{os.getpid()}"
        tmp.write_bytes(compiled)
        os.replace(tmp, out_dir / "messages.mo")


def init_app(app) -> None:
    """Compile catalogues into the instance folder and set up Flask-Babel."""
    target = os.path.join(app.instance_path, "translations")
    compile_catalogues(target)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = target
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: request_translations().ugettext(string),
        ngettext=lambda singular, plural, n: request_translations().ungettext(singular, plural, n),
        pgettext=lambda context, string: request_translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: request_translations().unpgettext(context, singular, plural, n),
        newstyle=True,
    )
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
