"""Thai digits (U+0E50..U+0E59) to and from ASCII digits.

Both directions map one character to one character, so offsets found in the converted text
are valid in the original: the other normalizers rely on this to return verbatim substrings.
"""

from __future__ import annotations

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
ARABIC_DIGITS = "0123456789"

_TO_ARABIC = str.maketrans(THAI_DIGITS, ARABIC_DIGITS)
_TO_THAI = str.maketrans(ARABIC_DIGITS, THAI_DIGITS)


def thai_digits_to_arabic(text: str) -> str:
    """Replace each Thai digit with its ASCII digit; leave every other character alone."""
    return text.translate(_TO_ARABIC)


def arabic_to_thai_digits(text: str) -> str:
    """Replace each ASCII digit with its Thai digit; leave every other character alone."""
    return text.translate(_TO_THAI)


# Zero-width characters survive OCR and copy-paste between words; a space keeps lengths equal.
_INVISIBLE_TO_SPACE = str.maketrans(dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff", " "))


def searchable_text(text: str) -> str:
    """Return `text` with Thai digits made ASCII and zero-width characters made spaces.

    The result has exactly the length of `text`, so a match at ``[i:j]`` in it points at the
    printed text ``text[i:j]``.
    """
    return thai_digits_to_arabic(text).translate(_INVISIBLE_TO_SPACE)
