"""Ruling lines of a page image, found by morphology, as the same `Rule`s a PDF has.

A horizontal opening with a kernel longer than any character keeps only long horizontal
ink runs (table rules); the same vertically. Each remaining component is one rule segment.
Returned in PDF points so the table code treats scans and text layers alike.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from thaireport.model import Box, Rule

Gray = NDArray[np.uint8]

MIN_RULE_INCHES = 0.35  # shorter runs are letters (ๆ, ―) or underlines of words


def rule_masks(binary: Gray, dpi: int) -> tuple[Gray, Gray]:
    """Masks (255 = rule ink) of horizontal and vertical rules."""
    ink = 255 - binary
    length = max(10, int(MIN_RULE_INCHES * dpi))
    horizontal = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1))
    )
    vertical = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length))
    )
    # Close the gaps that scanning noise leaves in a rule.
    bridge = max(3, dpi // 100)
    horizontal = cv2.morphologyEx(
        horizontal, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (bridge * 3, 1))
    )
    vertical = cv2.morphologyEx(
        vertical, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, bridge * 3))
    )
    return np.asarray(horizontal, dtype=np.uint8), np.asarray(vertical, dtype=np.uint8)


def _segments(mask: Gray, scale: float, horizontal: bool) -> list[Rule]:
    # Outer contours of a sparse mask: several times faster than labelling every pixel.
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    rules = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if horizontal:
            middle = (y + h / 2) * scale
            box = Box(x * scale, middle - 0.25, (x + w) * scale, middle + 0.25)
        else:
            middle = (x + w / 2) * scale
            box = Box(middle - 0.25, y * scale, middle + 0.25, (y + h) * scale)
        rules.append(Rule(box))
    return rules


def find_rules(binary: Gray, dpi: int) -> tuple[list[Rule], Gray]:
    """Rules in points, and a mask of their pixels (to erase before OCR)."""
    horizontal, vertical = rule_masks(binary, dpi)
    scale = 72.0 / dpi
    rules = _segments(horizontal, scale, True) + _segments(vertical, scale, False)
    # A rule's blurred edges reach a pixel or two past the opened core.
    grow = 3
    mask = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((grow, grow), np.uint8))
    return rules, np.asarray(mask, dtype=np.uint8)


def erase(binary: Gray, mask: Gray) -> Gray:
    """The page without its rules: Tesseract reads them as "|" and "l" otherwise."""
    cleaned = binary.copy()
    cleaned[mask > 0] = 255
    return cleaned
