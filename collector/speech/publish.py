"""Speech for published versions: right after publishing, and for every
version already in the database (``medverkan instruments audio``).

Both read the version back from the registry, so the speech is made of
exactly the stored definition (after core decisions), never of an upload.
The authoring page's publish makes it in a background thread
(:func:`after_publish_in_background`): the largest questionnaire has about
120 distinct texts, some tens of seconds on a busy machine, longer than a
request may take (gunicorn's timeout is 30 s). The version is published
before; a thread lost with its worker leaves clips for the command to make.
"""

from __future__ import annotations

import logging
import threading

from collector.db import connect
from collector.instruments.registry import load_registered
from collector.speech.store import Generated
from collector.speech.store import generate_with_config
from collector.speech.synth import available

logger = logging.getLogger(__name__)


def after_publish(db, instrument_id: int, config) -> Generated | None:
    """:func:`speak_version` unless ``SPEECH_ON_PUBLISH`` is off (then None)."""
    if not config.get("SPEECH_ON_PUBLISH", True):
        return None
    return speak_version(db, instrument_id, config)


def after_publish_in_background(db, instrument_id: int, config) -> Generated | None:
    """Like :func:`after_publish`, the clips made in a thread of their own.

    Returns None when nothing is to be made here (off, or started in the
    background), or the result saying espeak-ng is missing (logged), so the
    page can say the questions will not be read aloud.
    """
    if not config.get("SPEECH_ON_PUBLISH", True):
        return None
    if available(config["ESPEAK_NG_COMMAND"]) is None:
        return speak_version(db, instrument_id, config)
    settings = dict(config)

    def run():
        own = connect(settings["DATABASE"])
        try:
            speak_version(own, instrument_id, settings)
        except Exception:  # a thread's error would otherwise reach no log
            logger.exception("Speech for instrument %s could not be made", instrument_id)
        finally:
            own.conn.close()

    threading.Thread(target=run, name=f"speech-{instrument_id}").start()
    return None


def speak_version(db, instrument_id: int, config) -> Generated:
    """Make the clips a published version lacks (never raises)."""
    row = db.execute("select source_sha256 from instruments where id = ?", [instrument_id]).fetchone()
    instrument = load_registered(db, instrument_id)
    result = generate_with_config(config, instrument, row[0] if row else None)
    logger.info(
        "speech for %s version %s: %d clips made, %d already there, %d failed",
        instrument.key, instrument.version, result.made, result.reused, result.failed,
    )
    return result


def speak_all(db, config, keys: tuple[str, ...] = ()) -> list[tuple[str, int, Generated]]:
    """:func:`speak_version` for every registered version (or those of ``keys``)."""
    done = []
    for instrument_id, key, version in db.execute("select id, key, version from instruments order by key, version").fetchall():
        if keys and key not in keys:
            continue
        done.append((key, version, speak_version(db, instrument_id, config)))
    return done
