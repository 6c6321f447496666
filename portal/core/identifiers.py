"""IIN and BIN check digits (Kazakhstan). Plain Python: no Django imports.

Both are 12 digits; the 12th is a check digit: the sum of digits 1-11 times weights 1..11,
modulo 11; if that is 10, repeat with weights 3..11,1,2; if it is 10 again the number is invalid.
"""

from __future__ import annotations

_FIRST_WEIGHTS = tuple(range(1, 12))
_SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def check_digit(first_eleven: str) -> int | None:
    """Return the check digit for 11 digits, or None when no digit can make them valid."""
    if len(first_eleven) != 11 or not first_eleven.isdigit():
        raise ValueError("expected 11 digits")
    digits = [int(c) for c in first_eleven]
    for weights in (_FIRST_WEIGHTS, _SECOND_WEIGHTS):
        rest = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if rest != 10:
            return rest
    return None


def is_valid_12_digit(number: str) -> bool:
    """True when ``number`` is 12 ASCII digits whose last digit is the right check digit."""
    if len(number) != 12 or not number.isascii() or not number.isdigit():
        return False
    return check_digit(number[:11]) == int(number[11])


is_valid_bin = is_valid_12_digit
is_valid_iin = is_valid_12_digit
