"""CSV for spreadsheets, made safe: a cell never starts a formula.

A district or any other text a person typed could be "=HYPERLINK(...)"; a spreadsheet
would run it. Cells starting with = + - @ tab or carriage return get a leading apostrophe
(OWASP's advice), so they are shown as the text they are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from api.ui.format import person_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, int | float):
        return str(value).replace(".", ",")
    text = person_text(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def to_csv(rows: Iterable[Iterable[object]]) -> str:
    """Semicolon-separated with a byte-order mark: what German spreadsheet programs open."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue()
