"""The slips of a researcher typing into a spreadsheet, and what to type instead.

Each function names one kind of slip in a cell's text, or returns None. They serve the checks
of :mod:`.checks` (cells frictionless would accept) and the sentences of :mod:`.messages` (cells
it rejects, where the slip is the likely cause), and need no frictionless to import.
"""
from __future__ import annotations

import calendar
import re

DATE_PROPERTY = "partialDate"  # field property in datapackage.json: YYYY, YYYY-MM or YYYY-MM-DD
DATE_FORM = "YYYY, YYYY-MM or YYYY-MM-DD"
PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
# a date as people type it: 2020/2/11, 2020.02, 2020年2月11日, 2020年
TYPED_DATE = re.compile(r"(\d{4})(?:\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2}))?)?\s*[年月日]?")
INVISIBLE = {"\u00a0": "a non-breaking space (U+00A0)", "\u200b": "a zero-width space (U+200B)",
             "\u200c": "a zero-width non-joiner (U+200C)", "\u200d": "a zero-width joiner (U+200D)",
             "\u2060": "a word joiner (U+2060)", "\ufeff": "a zero-width no-break space (U+FEFF)"}
FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
MISSING_WORDS = {"n/a", "na", "nan", "null", "none", "unknown", "-", "–", "—", "?", "不详", "未知", "无"}
NUMERIC = ("integer", "number")


def typing_slip(value: str) -> str | None:
    """What was typed by mistake into a cell that must match exactly (an id, code, number or date)."""
    for char, name in INVISIBLE.items():
        if char in value:
            return f"contains {name}, invisible in a spreadsheet: retype the cell"
    if value != value.strip():
        side = "leading" if value[0].isspace() else "trailing"
        space = "full-width space" if "\u3000" in (value[0], value[-1]) else "space"
        return f"has a {side} {space}: delete it"
    if "\u3000" in value:
        return "contains a full-width space (U+3000, a Chinese input method): delete it"
    ascii_text = value.translate(FULL_WIDTH)
    if ascii_text != value:
        wide = "".join(dict.fromkeys(c for c in value if c != c.translate(FULL_WIDTH)))
        return f'contains full-width characters ("{wide}") from a Chinese input method: retype them in ASCII, as in "{ascii_text}"'
    return None


def number_slip(value: str) -> str | None:
    """Why a cell meant as a number is not one as this package stores numbers."""
    text = value.strip()
    if re.fullmatch(r"[+-]?\d+(\.\d+)?[eE][+-]?\d+", text):
        return "is in scientific notation, which Excel writes for long numbers and may have rounded; type it in full"
    if text.endswith("%"):
        return f"has a % sign; write {text[:-1].strip()} (a percentage is stored with unit percent)"
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", text):
        return f"has thousands separators; write {text.replace(',', '')}"
    if text.casefold() in MISSING_WORDS:
        return "stands for a missing value; leave the cell empty when the study does not state it"
    return None


def calendar_slip(value: str) -> str | None:
    """Why a date of the right form is not in the calendar (None when it is, or is not of the form)."""
    match = PARTIAL_DATE.fullmatch(value)
    if not match:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    if year < 1:
        return "is not in the calendar: there is no year 0"
    if month is not None and not 1 <= month <= 12:
        return "is not in the calendar: months run from 01 to 12"
    if day is not None and not 1 <= day <= (last := calendar.monthrange(year, month)[1]):
        return f"is not in the calendar: {calendar.month_name[month]} {year} has {last} days"
    return None


def date_suggestion(value: str) -> str | None:
    """The ISO form of a date typed another common way (2020/2/11, 2020年2月11日 -> 2020-02-11)."""
    match = TYPED_DATE.fullmatch(value.translate(FULL_WIDTH).strip())
    if not match:
        return None
    suggestion = "-".join(f"{int(part):02d}" if i else part for i, part in enumerate(match.groups()) if part)
    return None if calendar_slip(suggestion) else suggestion


