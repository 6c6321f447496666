"""The two codes that lead to an issued document. Plain Python: no Django imports.

* The **token** is in the QR code's link: ``secrets.token_urlsafe(32)``, 256 random bits. Holding
  it is the right to see what the document says, so the link needs no rate limit.
* The **short code** is printed beside the QR code for people to type: 12 characters of an
  alphabet without look-alikes (no 0/O, 1/I/L, no U), shown in groups of four (``7KQM-4TXE-92HB``).
  Eleven are random (54 bits); the twelfth is a check character, so that a typing mistake (one
  wrong character, or two neighbours swapped) is told as such instead of looked up. The form
  that takes it is rate-limited per client address.
"""

from __future__ import annotations

import re
import secrets
from typing import Literal

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # 30 characters, no look-alikes
BASE = len(ALPHABET)
RANDOM_LENGTH = 11
LENGTH = RANDOM_LENGTH + 1
GROUP = 4
TOKEN_BYTES = 32
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")
# What a person may type between characters: spaces and dashes, any number.
_SEPARATORS = re.compile(r"[\s\-‐‑–—]+")

Problem = Literal["empty", "length", "characters", "check"]


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def is_token(text: str) -> bool:
    """Whether ``text`` has the shape of a token (43 URL-safe characters)."""
    return bool(TOKEN_RE.fullmatch(text))


def _check_value(body: str) -> int:
    # A weighted sum modulo 31, a prime: every single substitution and every swap of two
    # neighbours changes it.
    return sum((i + 1) * ALPHABET.index(c) for i, c in enumerate(body)) % 31


def check_character(body: str) -> str | None:
    """The check character of 11 code characters; None for the one value in 31 that has no
    character of its own (such bodies are never issued)."""
    value = _check_value(body)
    return ALPHABET[value] if value < BASE else None


def new_short_code() -> str:
    """A fresh short code, without separators."""
    while True:
        body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
        check = check_character(body)
        if check is not None:
            return body + check


def display(code: str) -> str:
    """``7KQM4TXE92HB`` -> ``7KQM-4TXE-92HB``."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def parse(text: str) -> tuple[str | None, Problem | None]:
    """The code a person typed, normalised, or why it cannot be one.

    Separators and case do not matter. ``"length"``: too short or too long (truncated);
    ``"characters"``: a character outside the alphabet; ``"check"``: the check character does
    not match (a typing mistake, or a code that was tampered with).
    """
    compact = _SEPARATORS.sub("", text or "").upper()
    if not compact:
        return None, "empty"
    if len(compact) != LENGTH:
        return None, "length"
    if any(c not in ALPHABET for c in compact):
        return None, "characters"
    if check_character(compact[:-1]) != compact[-1]:  # (None never equals a character)
        return None, "check"
    return compact, None
