"""Personal-link tokens and receipt codes.

Tokens carry 192 random bits from the CSPRNG (``secrets``), far above the
128 bits OWASP ASVS 7.2.3 asks for. Only their SHA-256 is stored: at this
entropy a slow password hash adds nothing (ASVS 6.5.2), and a plain hash
keeps lookups to one indexed equality.

Receipt codes are shown to a respondent after submitting and let them
withdraw their response. They are meant to be copied by hand, so they use an
unambiguous alphabet (no 0/O, 1/I/L) grouped in fours: 16 characters of a
31-symbol alphabet (about 79 bits), stored hashed too.
"""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 24
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # 31 symbols, no look-alikes
RECEIPT_LENGTH = 16


def new_token() -> str:
    """Return a fresh URL-safe personal-link token (192 bits)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_secret(secret: str) -> str:
    """Return the hex SHA-256 of a token or a normalised receipt code."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_receipt_code() -> str:
    """Return a receipt code like ``ABCD-EFGH-JKMN-PQRS``."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, RECEIPT_LENGTH, 4))


def normalise_receipt_code(code: str) -> str:
    """Upper-case a typed receipt code and drop spaces and dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_receipt(code: str) -> str:
    """Hash a receipt code as typed (normalised first)."""
    return hash_secret("receipt:" + normalise_receipt_code(code))


def new_row_id() -> int:
    """A random positive 62-bit rowid for served rows whose rowid would otherwise count inserts."""
    return secrets.randbelow(2**62) + 1


def new_response_id() -> int:
    """Return a random positive 63-bit id, so ids do not reveal submission order."""
    return secrets.randbelow(2**62) + 1
