"""Split a cell into its numbered steps ("๑. ... ๒. ...") or bullets ("- ... - ...").

A number only counts as a step marker when it continues the sequence 1, 2, 3, ... — that is
what keeps "ร้อยละ ๙๕.๕๙", "www.thahin.go.th" and dates from splitting a cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from thaireport.extract.normalize.numerals import searchable_text

# A marker stands at the start, after whitespace or after a closing tag, and a "." marker is
# not followed by a digit ("๙๕.๕๙", "๑.๒" are numbers, not steps).
_NUMBERED_RE = re.compile(
    r"(?:^|(?<=[\s>]))"
    r"(?:\((?P<paren>\d{1,2})\)|(?P<number>\d{1,2})(?:\.(?!\d)|\)))"
)
_BULLET_RE = re.compile(r"(?:^|(?<=[\s>]))[-•●▪◦]")
_LEADING_RE = re.compile(r"\s*(?:<[^<>]*>\s*)*")
_TAG_RE = re.compile(r"</?[A-Za-z][^<>]*>")


@dataclass(frozen=True)
class _Marker:
    start: int
    end: int
    number: int


def _numbered_markers(searchable: str) -> list[_Marker]:
    candidates = [
        _Marker(m.start(), m.end(), int(m["paren"] or m["number"]))
        for m in _NUMBERED_RE.finditer(searchable)
    ]
    chosen: list[_Marker] = []
    for candidate in candidates:
        expected = chosen[-1].number + 1 if chosen else 1
        if candidate.number == expected:
            chosen.append(candidate)
        elif candidate.number == 1 and chosen and chosen[-1].number >= 2:
            # A second list restarting at 1 in the same cell.
            chosen.append(candidate)
    lead = _LEADING_RE.match(searchable)
    assert lead is not None  # every part of the pattern is optional
    if len(chosen) == 1 and lead.end() != chosen[0].start:
        # A lone "๑." inside a sentence is more likely a number than a one-step list.
        return []
    return chosen


def _bullet_markers(searchable: str) -> list[_Marker]:
    markers: list[_Marker] = []
    for m in _BULLET_RE.finditer(searchable):
        before = searchable[: m.start()].rstrip()
        after = searchable[m.end() :].lstrip()
        if before[-1:].isdigit() and after[:1].isdigit():
            continue  # "๒๕๖๖ - ๓๐ ก.ย." is a range, not a bullet
        markers.append(_Marker(m.start(), m.end(), 0))
    return markers if len(markers) >= 2 else []


def split_steps(text: str) -> tuple[str, ...]:
    """The steps of a cell, without their numbers or bullets and stripped.

    Numbered steps win over bullets (a step may contain a dash). Text before the first marker
    (a lead-in such as "ดังนี้") is not a step. No steps gives an empty tuple.
    """
    searchable = searchable_text(text)
    markers = _numbered_markers(searchable) or _bullet_markers(searchable)
    if not markers:
        return ()
    ends = [m.start for m in markers[1:]] + [len(text)]
    return tuple(_trim(text[m.end : end]) for m, end in zip(markers, ends, strict=True))


def _trim(step: str) -> str:
    # Tags left by an HTML export ("...</p> <p>") wrap steps; they are markup, not content.
    step = step.strip()
    while (lead := _TAG_RE.match(step)) is not None:
        step = step[lead.end() :].lstrip()
    while step.endswith(">"):
        opening = step.rfind("<")
        if opening == -1 or _TAG_RE.fullmatch(step, opening) is None:
            break
        step = step[:opening].rstrip()
    return step
