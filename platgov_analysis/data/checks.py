"""Rules frictionless does not know, as frictionless checks run with the schema's own.

frictionless checks a date's form but not the calendar (2020-02-30), and it accepts cells a
researcher did not mean: a number read from full-width digits or from Excel's scientific
notation, or an id with a stray space, a non-breaking or zero-width space or a full-width
character from a Chinese input method, which then silently fails to match the id it names.
"""
from __future__ import annotations

from frictionless import Check, errors

from .slips import DATE_PROPERTY, NUMERIC, calendar_slip, number_slip, typing_slip


class TypingSlipError(errors.CellError):
    type = "typing-slip"
    title = "Typing Slip"
    description = "A cell that must match exactly holds a character typed by mistake."
    template = "{note}"


class CalendarError(errors.CellError):
    type = "calendar-date"
    title = "Calendar Date"
    description = "A date of the right form that the calendar does not have."
    template = "{note}"


def _exact_fields(schema) -> list[tuple[int, object]]:
    """The fields whose cells must match exactly: numbers, codes, ids, keys and dates."""
    keyed = set(schema.primary_key) | {name for fk in schema.foreign_keys for name in
                                       ([fk["fields"]] if isinstance(fk["fields"], str) else fk["fields"])}
    return [(index, field) for index, field in enumerate(schema.fields)
            if field.type in NUMERIC or field.name in keyed or field.custom.get(DATE_PROPERTY)
            or {"pattern", "enum"} & set(field.constraints)]


class typing_slips(Check):
    """Invisible, surrounding or full-width characters in exact cells; numbers frictionless
    reads although Excel's scientific notation may have rounded them."""

    type = "typing-slips"
    Errors = [TypingSlipError]

    def validate_row(self, row):
        for index, field in _exact_fields(self.resource.schema):
            raw = row.cells[index] if index < len(row.cells) else None
            if not isinstance(raw, str) or not raw:
                continue
            note = typing_slip(raw) or (field.type in NUMERIC and row[field.name] is not None and number_slip(raw))
            if note:
                yield TypingSlipError(note=note, cells=[str(c) for c in row.cells], row_number=row.row_number,
                                      cell=raw, field_name=field.name, field_number=index + 1)


class calendar_dates(Check):
    """Every date of a ``partialDate`` field is in the calendar, at the precision it is given."""

    type = "calendar-dates"
    Errors = [CalendarError]

    def validate_row(self, row):
        for field in self.resource.schema.fields:
            value = row[field.name]
            if field.custom.get(DATE_PROPERTY) and isinstance(value, str) and (note := calendar_slip(value)):
                yield CalendarError.from_row(row, note=note, field_name=field.name)
