"""CAS Registry Numbers: format and check digit, so a mistyped number never reaches an additive record."""

from __future__ import annotations

import re

CAS_RE = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")


def cas_check_digit(body: str) -> int:
    """The check digit: digits right to left weighted 1, 2, 3 …, summed, modulo 10."""
    return sum(int(d) * w for w, d in enumerate(reversed(body), 1)) % 10


def is_valid_cas(value: str) -> bool:
    match = CAS_RE.match(value.strip())
    if not match:
        return False
    return cas_check_digit(match.group(1) + match.group(2)) == int(match.group(3))


def validate_cas(value: str) -> str:
    """The CAS RN stripped of spaces, or ValueError naming what is wrong."""
    value = value.strip()
    match = CAS_RE.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a CAS Registry Number (NNNNNNN-NN-N)")
    expected = cas_check_digit(match.group(1) + match.group(2))
    if expected != int(match.group(3)):
        raise ValueError(f"CAS RN {value} has check digit {match.group(3)}, expected {expected}")
    return value
