"""Response keys that survive every analysis tool and reveal nothing.

The stored ``responses.id`` is a random 62-bit integer: up to about 4.6e18,
more digits than R, SPSS, Stata or Excel keep (exact only up to 2^53, Excel
shows 15 digits), so a numeric id would be silently rounded and two responses
could merge. It is also the value the contacts database's ``receipts`` table
holds, so exporting it would hand researchers a key back to a receipt.

Each export therefore draws fresh keys: ``R`` followed by eight Crockford
base-32 characters (40 random bits) from :mod:`secrets`, checked unique
within the export. Text, because a text key cannot be rounded and no tool
reads ``R…`` as a number or a date; random per export, so the keys neither
follow submission order nor the stored ids, and two exports cannot be joined
on them (merge within one export: its files share one key map).
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32: no I, L, O, U
KEY_LENGTH = 8


class ExportKeys:
    """Stored response id -> this export's random key (stable within the export)."""

    def __init__(self) -> None:
        self._keys: dict[int, str] = {}
        self._used: set[str] = set()

    def key(self, stored_id: int) -> str:
        if stored_id not in self._keys:
            key = _draw()
            while key in self._used:
                key = _draw()
            self._used.add(key)
            self._keys[stored_id] = key
        return self._keys[stored_id]

    def __len__(self) -> int:
        return len(self._keys)


def _draw() -> str:
    return "R" + "".join(secrets.choice(ALPHABET) for _ in range(KEY_LENGTH))
