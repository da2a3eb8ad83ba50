"""Short codes for printed invitations: typed by hand on the start page.

A printed slip's QR code carries the full personal link (a 32-character,
case-sensitive token nobody should have to type). For people who cannot
scan it, the slip also prints a short code: 10 random symbols of Crockford's
base32 (``0-9`` and ``A-Z`` without ``I L O U``: 50 bits from the CSPRNG) and
one check symbol (Luhn mod 32, which catches every single wrong symbol and
every swap of two neighbours but ``0``/``Z``), shown as ``7KQM-3TXA-9RF``. It is accepted in
any case, with or without dashes or spaces, and the look-alikes a reader may
type for ``0`` and ``1`` (``O``, ``I``, ``L``) are read as the digits.

Only a keyed hash is stored (HMAC-SHA256 with the app's ``SECRET_KEY``): 50
bits is plenty against on-line guessing behind the throttle (see
docs/ARCHITECTURE.md, "Short codes"), but not against an off-line search of
a stolen contacts database with a plain hash; the key, kept outside the
database, closes that. ``SECRET_KEY_FALLBACKS`` are tried on look-up, so a
key rotation does not break slips already handed out.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
RANDOM_SYMBOLS = 10  # 50 bits
LENGTH = RANDOM_SYMBOLS + 1  # plus the check symbol
_LOOK_ALIKES = {"O": "0", "I": "1", "L": "1"}


def check_symbol(symbols: str) -> str:
    """Luhn mod 32 check symbol of ``symbols`` (all in ALPHABET)."""
    total, factor = 0, 2
    for symbol in reversed(symbols):
        addend = factor * ALPHABET.index(symbol)
        total += addend // 32 + addend % 32
        factor = 1 if factor == 2 else 2
    return ALPHABET[(32 - total % 32) % 32]


def new_short_code() -> str:
    """A fresh code in canonical form (no dashes)."""
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_SYMBOLS))
    return symbols + check_symbol(symbols)


def display(code: str) -> str:
    """``ABCDEFGHJK7`` -> ``ABCD-EFGH-JK7``, as printed."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise(typed: str) -> str | None:
    """The canonical code a person typed, or None if it is not a well-formed code.

    Case, dashes and spaces do not matter; O, I and L are read as 0, 1, 1.
    """
    text = "".join(ch for ch in (typed or "").upper() if ch not in "- \t\r\n")
    text = "".join(_LOOK_ALIKES.get(ch, ch) for ch in text)
    if len(text) != LENGTH or any(ch not in ALPHABET for ch in text):
        return None
    if check_symbol(text[:-1]) != text[-1]:
        return None
    return text


def looks_like_short_code(typed: str) -> bool:
    """True when the text has a short code's shape (right length), well-formed or mistyped."""
    text = "".join(ch for ch in (typed or "") if ch.isalnum())
    return len(text) == LENGTH


def hash_short_code(code: str, key: str) -> str:
    """Keyed hash of a canonical code (what the contacts database stores)."""
    return hmac.new(key.encode("utf-8"), b"short-code:" + code.encode("ascii"), hashlib.sha256).hexdigest()
