"""Errors of a file's cells: each names the row, the column and the rule broken, in Chinese.

    error = cell_error(3, "从业人数", "十个", "not_number")
    error.message  # 第 3 行「从业人数」：应为数字，不能含文字或单位

A file of one sheet (an import) says 第 N 行「列」; a workbook of several sheets (the policies'
facts) says 工作表“S”第 N 行“列”列. Row is the Excel row (header = 1); row 0 is the file or the sheet
as a whole, row 1 the header. `show_value` appends what the cell held (for reports that do not
show the cell beside the message, like a command's output).

The rules below are the kernel's; a file with rules of its own passes them as `rules` (a mapping
code → words, which may also reword a kernel rule for its readers, e.g. 年度 for a year).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.tabular.cells import cell_text

RULES: dict[str, str | Promise] = {
    "required": gettext_lazy("必填，不能为空"),
    "not_number": gettext_lazy("应为数字，不能含文字或单位"),
    "not_integer": gettext_lazy("应为整数"),
    "negative": gettext_lazy("不能为负数"),
    "too_small": gettext_lazy("不能小于 %(low)s"),
    "too_large": gettext_lazy("数值过大"),
    "decimals": gettext_lazy("最多保留 %(places)s 位小数"),
    "bad_date": gettext_lazy("日期无法识别（可填 2025-01-31、2025/1/31、2025年1月31日或 Excel 日期）"),
    "no_such_date": gettext_lazy("不是有效日期（%(year)s 年 %(month)s 月没有 %(day)s 日）"),
    "no_such_month": gettext_lazy("不是有效日期（没有 %(month)s 月）"),
    "date_with_time": gettext_lazy("应为日期，不含时刻"),
    "future_date": gettext_lazy("日期不能晚于今天（%(today)s）"),
    "bad_year": gettext_lazy("年份应在 %(low)s 至 %(high)s 之间"),
    "bad_bool": gettext_lazy("应填写“是”或“否”（也可填 有/无、√/×、Y/N、YES/NO、TRUE/FALSE、1/0）"),
    "bad_choice": gettext_lazy("应为以下之一：%(choices)s"),
    "too_long": gettext_lazy("不能超过 %(max)s 个字"),
    "missing_column": gettext_lazy("缺少必需的列"),
    "no_rows": gettext_lazy("文件中没有数据行"),
    "too_many_rows": gettext_lazy("数据行超过上限 %(max)s 行，请分批导入"),
    # The reader's own words are English: they go to the log, not to the person.
    "not_a_workbook": gettext_lazy("无法读取工作簿，文件可能已损坏（请在 Excel 或 WPS 中另存为 .xlsx 后重新上传）"),
}


def rule_text(code: str, rules: Mapping[str, str | Promise] | None = None, **params: Any) -> str:
    """The words of a rule, with its parameters."""
    words = rules.get(code) if rules else None
    text = str(words if words is not None else RULES[code])
    return text % params if params else text


@dataclass(frozen=True)
class CellError:
    row: int  # Excel row (header = 1); 0 for the file or the sheet as a whole
    column: str  # the header as written ("" for the file)
    value: str  # what the cell held, as text
    code: str  # the rule broken (RULES or the file's own)
    message: str  # a Chinese sentence naming the row, the column and the rule
    sheet: str = ""  # for workbooks of several sheets

    def as_dict(self) -> dict[str, Any]:
        """The error as an import's report stores it (JSON)."""
        return {"row": self.row, "column": self.column, "value": self.value, "code": self.code, "message": self.message}


def place(row: int, column: str, sheet: str = "") -> str:
    """Where, in words: 第 3 行「从业人数」, or 工作表“costs”第 2 行“金额（元）”列 in a workbook of
    several sheets."""
    if sheet:
        if row and column:
            return _("工作表“%(sheet)s”第 %(row)s 行“%(column)s”列") % {"sheet": sheet, "row": row, "column": column}
        if column:
            return _("工作表“%(sheet)s”“%(column)s”列") % {"sheet": sheet, "column": column}
        return _("工作表“%(sheet)s”") % {"sheet": sheet}
    if row > 1:
        return _("第 %(row)s 行「%(column)s」") % {"row": row, "column": column}
    if column:
        return _("「%(column)s」") % {"column": column}
    return ""


def cell_error(
    row: int,
    column: str,
    value: Any,
    code: str,
    *,
    sheet: str = "",
    show_value: bool = False,
    rules: Mapping[str, str | Promise] | None = None,
    **params: Any,
) -> CellError:
    rule = rule_text(code, rules, **params)
    where = place(row, column, sheet)
    message = f"{where}：{rule}" if where else rule  # the file as a whole: the rule says it
    shown = cell_text(value)
    if show_value and shown and row:
        message += _("（所填：%(value)s）") % {"value": shown[:40]}
    return CellError(row, column, shown[:200], code, message, sheet)


class TableError(Exception):
    """A file refused: every error found (never only the first)."""

    def __init__(self, errors: list[CellError]) -> None:
        super().__init__(f"{len(errors)} errors in the file")
        self.errors = errors
