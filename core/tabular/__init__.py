"""Tabular files in and out: .xlsx and .csv cells read into typed values with one set of words for
yes and no, errors naming row, column and rule in Chinese, templates and error workbooks written in
one house style. See docs/tabular.md.

    from core import tabular

    rows = tabular.read_rows(path, tabular.XLSX)          # raw rows of the first sheet (or a CSV)
    try:
        staff = tabular.read_integer(rows[1][4], high=2_000_000_000)
    except tabular.CellProblem as bad:
        error = tabular.cell_error(2, "从业人数", rows[1][4], bad.code, **bad.params)
        error.message                                     # 第 2 行「从业人数」：应为整数

Modules: `cells` (pure readers), `errors` (rules and messages), `files` (opening files),
`writing` (templates, tables, error workbooks).
"""

from core.tabular.cells import (
    NO,
    NO_WORDS,
    YES,
    YES_WORDS,
    CellProblem,
    Choices,
    cell_text,
    decimal_reader,
    header_key,
    integer_reader,
    is_blank,
    read_bool,
    read_date,
    read_decimal,
    read_integer,
    read_number,
    read_text,
    read_year,
)
from core.tabular.errors import RULES, CellError, TableError, cell_error, place, rule_text
from core.tabular.files import CSV, XLSX, Workbook, data_rows, match_headers, read_rows
from core.tabular.writing import (
    ERROR_SHEET,
    ORIGINAL_ROW,
    TEMPLATE_ROWS,
    TemplateColumn,
    WorkbookWriter,
    column_width,
    display_width,
    error_workbook,
    plain_cell,
)

__all__ = [
    "CSV",
    "ERROR_SHEET",
    "NO",
    "NO_WORDS",
    "ORIGINAL_ROW",
    "RULES",
    "TEMPLATE_ROWS",
    "XLSX",
    "YES",
    "YES_WORDS",
    "CellError",
    "CellProblem",
    "Choices",
    "TableError",
    "TemplateColumn",
    "Workbook",
    "WorkbookWriter",
    "cell_error",
    "cell_text",
    "column_width",
    "data_rows",
    "decimal_reader",
    "display_width",
    "error_workbook",
    "header_key",
    "integer_reader",
    "is_blank",
    "match_headers",
    "place",
    "plain_cell",
    "read_bool",
    "read_date",
    "read_decimal",
    "read_integer",
    "read_number",
    "read_rows",
    "read_text",
    "read_year",
    "rule_text",
]
