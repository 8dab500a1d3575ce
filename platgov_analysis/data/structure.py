"""What stops a CSV file from parsing into rows: the file itself, its encoding, header, quotes
and column counts.

Checked before the content because a wrong header or a stray quote shifts every later cell and
would otherwise surface as dozens of misleading content errors. Rows are counted as lines,
which is what a spreadsheet shows: the data never contain line breaks in a cell. Accepted as
they are: Excel's byte-order mark ("CSV UTF-8") and Windows line ends (CRLF).
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

from .files import ENCODING
from .messages import Problem, display
from .slips import FULL_WIDTH, typing_slip

ENCODING_ADVICE = ('in Excel choose File > Save As > "CSV UTF-8 (Comma delimited)"; '
                   "in a text editor save with the encoding UTF-8")
SEPARATORS = {";": '";"', "\t": "tabs"}


def structure_problems(path: Path, fields: list[str]) -> list[Problem]:
    """Problems of one table's file; an empty list when it parses into rows of its columns."""
    shown = display(path)
    if path.is_dir():
        return [Problem(shown, None, None, None, "is a folder, not a file: the table must be a CSV file at this path")]
    raw = path.read_bytes()
    try:
        text = raw.decode(ENCODING)
    except UnicodeDecodeError as err:
        return [_encoding_problem(shown, raw, err, fields)]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1  # line on which the record being read starts
    problems = []
    try:
        header = next(reader, None)
        if header is None:
            return [Problem(shown, 1, None, None, "is empty: the header row is missing")]
        if header != fields:
            return _header_problems(shown, header, fields)  # rows cannot be read against a wrong header
        start = reader.line_num + 1
        for cells in reader:
            problem = _row_problem(shown, start, cells, fields)
            if problem:
                problems.append(problem)
            start = reader.line_num + 1
    except csv.Error as err:
        line = text.splitlines()[start - 1]
        opened = len(next(csv.reader([line]))) - 1  # the unclosed cell swallows the rest of its line
        return problems + [Problem(shown, start, _column(fields, opened), None,
                                   f"is not valid CSV ({err}): an unbalanced double quote probably opens here")]
    return problems


def _row_problem(shown: str, row: int, cells: list[str], fields: list[str]) -> Problem | None:
    broken = next((i for i, cell in enumerate(cells) if "\n" in cell or "\r" in cell), None)
    if broken is not None:
        return Problem(shown, row, _column(fields, broken), None,
                       "a line break inside the cell: an unbalanced double quote probably opens here")
    if not cells:
        return Problem(shown, row, None, None, "is an empty line: delete it")
    if len(cells) != len(fields):
        hint = ': a full-width comma "，" does not separate cells' if len(cells) < len(fields) and any(
            "，" in cell for cell in cells) else " (check commas and quotes)"
        return Problem(shown, row, None, None, f"has {len(cells)} cells but the header has {len(fields)} columns{hint}")
    return None


def _header_problems(shown: str, header: list[str], fields: list[str]) -> list[Problem]:
    if len(header) == 1 and (separator := next((s for s in SEPARATORS if s in header[0]), None)):
        return [Problem(shown, 1, None, None, f"the columns are separated by {SEPARATORS[separator]}, not commas: "
                        "save the file as CSV with commas (Excel in a locale that writes decimal commas uses ;)")]
    extra = header[len(fields):]
    if header[:len(fields)] == fields and not any(extra):
        return [Problem(shown, 1, None, None, f"ends in {len(extra)} unnamed empty column(s) after {fields[-1]}, "
                        "which a spreadsheet adds when cells right of the table were touched: delete them")]
    problems = []
    missing = [column for column in fields if column not in header]
    for column in header:
        if column in fields:
            continue
        meant = next((m for m in missing if _normalised(column) == _normalised(m)), None)
        if meant:
            missing.remove(meant)
            rule = typing_slip(column) or f"differs from the declared column {meant} in case: write {meant}"
            problems.append(Problem(shown, 1, meant, column, rule))
        else:
            problems.append(Problem(shown, 1, column, None, "is not a column declared for this table in datapackage.json"))
    problems += [Problem(shown, 1, column, None, "is a declared column missing from the header") for column in missing]
    if not problems:
        problems.append(Problem(shown, 1, None, None, f"the columns are out of order; expected: {', '.join(fields)}"))
    return problems


def _normalised(name: str) -> str:
    """A column name without the slips a spreadsheet hides (spaces, full width, case)."""
    return re.sub(r"[\s\u200b-\u200d\u2060\ufeff]", "", name.translate(FULL_WIDTH)).casefold()


def _encoding_problem(shown: str, raw: bytes, err: UnicodeDecodeError, fields: list[str]) -> Problem:
    """Where the text stops being UTF-8, and the likely cause: Excel's Chinese default encoding."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Problem(shown, None, None, None, f'is UTF-16 text (Excel\'s "Unicode Text"), not UTF-8: {ENCODING_ADVICE}')
    row = raw.count(b"\n", 0, err.start) + 1
    line_start = raw.rfind(b"\n", 0, err.start) + 1
    line_end = raw.find(b"\n", err.start)
    line = raw[line_start:line_end if line_end >= 0 else len(raw)].decode("gb18030", errors="replace")
    prefix = raw[line_start:err.start].decode("gb18030", errors="replace")
    column = len(next(csv.reader([prefix]), [""])) - 1 if prefix else 0
    cells = next(csv.reader([line.rstrip("\r")]), [])
    value = cells[column] if column < len(cells) else None
    if value and re.search(r"[\u4e00-\u9fff]", value):
        return Problem(shown, row, _column(fields, column), value, "is not UTF-8 text: the file was probably saved by "
                       f"Excel in the Chinese default encoding (GB18030/GBK); {ENCODING_ADVICE}")
    return Problem(shown, row, _column(fields, column), None,
                   f"is not UTF-8 text (byte 0x{raw[err.start]:02x} cannot be read): {ENCODING_ADVICE}")


def _column(fields: list[str], index: int) -> str | None:
    return fields[index] if index < len(fields) else None
