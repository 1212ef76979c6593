"""Visual lines, and the text of a block of lines with wrapped lines told from real ones.

Thai puts no spaces between words, so a line that the cell width wrapped must be joined
to the next without a space, while a real line end (a list item, a new paragraph) stays
a newline. The test is geometric: had the next line's first word fitted in the room left
at the end of this line, the writer would have put it there — so a break before a word
that would have fitted is a real line end.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from thaireport.extract.thai_words import words

from thaireport.model import TextLine, Word

# A line that starts a numbered step or a bullet starts on its own line, whatever the room.
# A line that announces a list ("... ดังนี้", "...:") ends there.
_LIST_INTRO = re.compile(r"(?:ดังนี้|:)\s*$")
LOOKAHEAD_LINES = 3  # a word cut by characters over narrow-cell lines spans up to this many
_LIST_START = re.compile(r"^\s*(?:[๐-๙0-9]{1,2}\s*[.)](?![๐-๙0-9])|[-•●○▪■*])")


def group_lines(words: Iterable[Word]) -> list[TextLine]:
    """Group words into visual lines: words overlapping vertically by half their height."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.page, w.box.top, w.box.x0)):
        for line in reversed(lines[-3:]):
            ref = line[0]
            if ref.page != word.page:
                continue
            overlap = min(ref.box.bottom, word.box.bottom) - max(ref.box.top, word.box.top)
            if overlap >= 0.5 * min(ref.box.height, word.box.height):
                line.append(word)
                break
        else:
            lines.append([word])
    return [TextLine(tuple(sorted(line, key=lambda w: w.box.x0))) for line in lines]


def _spacing_chars(text: str) -> int:
    return sum(1 for c in text if not unicodedata.category(c).startswith("M"))


@lru_cache(maxsize=8192)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(words(text))


def _word_at_break(before: str, after: str) -> tuple[str, bool]:
    """The word that starts where a line broke, and whether the break splits a word.

    The text on both sides is tokenized together, as the writer's line breaker saw it:
    a token that straddles the break means the writer cut inside a word (which it does
    only for a word wider than the cell).
    """
    if not after:
        return "", False
    thai = "\u0e00" <= after[0] <= "\u0e7f" or (before and "\u0e00" <= before[-1] <= "\u0e7f")
    if not thai:
        return after.split()[0] if after.split() else "", False
    position = 0
    for token in _tokens(before + after):
        end = position + len(token)
        if position < len(before) < end:
            return token, True
        if position >= len(before):
            return token, False
        position = end
    return "", False


def _width_of(prefix: str, lines: Sequence[TextLine]) -> float:
    """Width of `prefix` laid out over `lines` (it may run from one line into the next)."""
    width = 0.0
    remaining = len(prefix)
    for line in lines:
        for index, word in enumerate(line.words):
            text = word.text.strip()
            if index:
                remaining -= 1  # the space TextLine.text puts between words
            if remaining <= 0:
                return width
            if remaining <= len(text):
                return width + word.prefix_right(remaining) - line.box.x0
            remaining -= len(text)
        width += line.box.width
    return width


def is_wrapped(
    line: TextLine, following: TextLine, right_limit: float, after: Sequence[TextLine] = ()
) -> bool:
    """Did the layout engine wrap `line` (so `following` continues it)?

    `after`, the lines after `following`, let a word cut over several lines be seen whole.
    """
    if _LIST_START.match(following.text) or _LIST_INTRO.search(line.text):
        return False
    if line.text.rstrip().endswith("("):
        return True  # no line ends at an opening bracket but one cut there
    before = line.text.rstrip() + (" " if line.ends_with_space else "")
    rest = [following, *after]
    word, straddles = _word_at_break(before, "".join(ln.text for ln in rest))
    if straddles:
        return True
    room = right_limit - line.box.x1
    # Producers that drop the space a line was wrapped at (Chromium, LibreOffice) leave no
    # trace of it: the word needed room for that space too.
    space = 0.0 if line.ends_with_space else 0.25 * line.box.height
    return room < _width_of(word, rest) + space


def joiner(
    line: TextLine, following: TextLine, right_limit: float, after: Sequence[TextLine] = ()
) -> str:
    if not is_wrapped(line, following, right_limit, after):
        return "\n"
    # The text layer keeps the space a line was wrapped at; producers that drop it
    # (Chromium, LibreOffice) leave it to the letters on either side (`_dropped_space`).
    if line.ends_with_space or _dropped_space(line, following, right_limit):
        return " "
    return ""


# What a line breaker (UAX #14, as ICU's in Chromium and LibreOffice) never puts at a
# line's start, space or not, unless it cuts a word wider than the line: closing and
# infix punctuation, quotes and apostrophes, Thai repetition and abbreviation marks.
_NO_LINE_START = frozenset(".,;:!?)]}%ๆฯ'\"")
_BREAK_AFTER = frozenset("-/–—")  # a line may end with these, attached to their word
_DASH_ALONE = frozenset({"- ", "– ", "— "})


def _thai_letter(c: str) -> bool:
    return "\u0e01" <= c <= "\u0e4e" and c not in "ฯๆ\u0e3f"


def _dropped_space(line: TextLine, following: TextLine, right_limit: float) -> bool:
    """Was `line` wrapped at a space the text layer does not hold?

    A line breaker breaks without a space only inside a Thai run (between dictionary
    words), after a hyphen, slash or dash attached to its word, or inside a word too wide
    for the line (filling the line). Anywhere else ("(Do's|Don'ts)", "พ.ศ.|๒๕๖๗",
    "ต่างๆ|ของ", "๒๕๖๗|– ๓๐") the break stood at a space. Between two Thai words the
    PDF keeps no trace of a space it wrapped at (measured: neither producer draws it), so
    none is put there.
    """
    before, rest = line.text.rstrip(), following.text.lstrip()
    left, right = before[-1:], rest[:1]
    if not left or not right or (_thai_letter(left) and _thai_letter(right)):
        return False
    if right in _NO_LINE_START or left in "('\"" or (right == "/" and rest[1:2] != " "):
        return False
    last = before.split()[-1]
    # a Thai run breaks between its words: the part that could not break goes on from there
    tail = re.split("[\u0e01-\u0e4e]", last)[-1] or last
    if left in _BREAK_AFTER:
        # attached ("E-|Service", "โครงการ/|กิจกรรม") or a bullet dash before its item
        return len(last) == 1 and (left != "-" or right.isdigit())
    if left == "." and _thai_letter(right):
        # "๒.|แจกเวียน": a step's number; "อบต.|ท่าหิน": an abbreviation, often written on
        return before[-2:-1].isdigit()
    if left in "ๆฯ" or _thai_letter(left) != _thai_letter(right):
        return True  # Thai letters meet digits, Latin or brackets only across a space
    if rest[:2] in _DASH_ALONE or (left == "." and right.isdigit()):
        return True  # "๒๕๖๗|– ๓๐", "ต.ค.|๒๕๖๗": a dash between dates, a date after its month
    # Latin, digits and punctuation on both sides: a space, unless the break cut a word
    # too wide for the line ("www.thahin.g|o.th", "๒๕๖|๗"), which fills the line.
    first = following.words[0]
    # (the cell's padding, up to half a line's height, stands between its text and the rule)
    padding = 0.5 * line.box.height
    full = right_limit - line.box.x1 < first.prefix_right(1) - first.box.x0 + padding
    room = right_limit - min(line.box.x0, following.box.x0) - padding
    wide = _width_at_end(line, tail) + first.prefix_right(len(rest.split()[0])) - first.box.x0
    return not (full and wide > room)


def _width_at_end(line: TextLine, token: str) -> float:
    """Width of `token`, the end of `line`'s last word."""
    word = line.words[-1]
    text = word.text.rstrip()
    return word.prefix_right(len(text)) - word.prefix_right(len(text) - len(token))


def block_text(lines: Sequence[TextLine], right_limit: float) -> str:
    """The text of consecutive lines of one cell or paragraph."""
    if not lines:
        return ""
    parts = [lines[0].text.strip()]
    for i in range(len(lines) - 1):
        after = lines[i + 2 : i + 2 + LOOKAHEAD_LINES]
        parts.append(joiner(lines[i], lines[i + 1], right_limit, after))
        parts.append(lines[i + 1].text.strip())
    return "".join(parts)
