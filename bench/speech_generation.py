"""Cost and size of the speech of the built-in questionnaires (issue 16 part 6), run by hand.

    python bench/speech_generation.py /tmp/speech-bench [--no-lame]

Registers the latest version of every built-in questionnaire in a fresh served database
(the real migrations), then makes their speech as ``medverkan instruments
audio`` does (espeak-ng, then lame to MP3 unless ``--no-lame``). Prints per
version the clips made and reused, the wall time, and the folder's clip
count, total and largest size; then the time a second run takes (every clip
already there).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from collector.db import connect  # noqa: E402
from collector.instruments.registry import sync_builtin_instruments  # noqa: E402
from collector.migrations import migrate_served  # noqa: E402
from collector.speech.publish import speak_all  # noqa: E402
from collector.speech.store import clips_folder  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--no-lame", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.folder, exist_ok=True)
    db = connect(os.path.join(args.folder, "medverkan.db"))
    migrate_served(db)
    sync_builtin_instruments(db)
    config = {
        "AUDIO_FOLDER": os.path.join(args.folder, "audio"), "ESPEAK_NG_COMMAND": "espeak-ng",
        "LAME_COMMAND": "" if args.no_lame else "lame", "SPEECH_TIMEOUT_SECONDS": 30,
    }
    for label in ("first run", "second run"):
        started = time.perf_counter()
        done = speak_all(db, config)
        elapsed = time.perf_counter() - started
        print(f"{label}: {elapsed:.1f} s for {len(done)} versions")
        if label == "first run":
            for key, version, result in done:
                print(f"  {key}@{version}: {result.made} made, {result.reused} reused, {result.failed} failed")
    folder = clips_folder(config["AUDIO_FOLDER"])
    sizes = [os.path.getsize(os.path.join(folder, name)) for name in os.listdir(folder)]
    print(f"clips: {len(sizes)}, total {sum(sizes) / 1024:.0f} KiB, largest {max(sizes) / 1024:.1f} KiB, "
          f"mean {sum(sizes) / len(sizes) / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
