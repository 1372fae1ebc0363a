"""Workbooks the imports hand out: the blank template of each kind, and the error workbook.

Written with XlsxWriter (fast; data validation and cell comments).
"""

from __future__ import annotations

import datetime
import io
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _

from core.scoping import CHANGE
from registry.imports.columns import (
    BASE,
    BOOL,
    CHOICE,
    COLUMNS,
    CREDIT_CODE,
    ERROR_SHEET,
    NO,
    REGION,
    ROSTER,
    SHEET_NAMES,
    TEXT,
    YES,
    Col,
    header_key,
)

TEMPLATE_ROWS = 20000  # rows the validation lists cover
MAX_COMMENTS = 20000
OPTIONS_SHEET = "选项"
ORIGINAL_ROW = "原行号"


def _cell(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat(" ") if value.time() != datetime.time() else value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (datetime.time, datetime.timedelta)):
        return str(value)
    return value


def _list_for(col: Col, user: Any) -> list[str]:
    if col.kind == BOOL:
        return [YES, NO]
    if col.kind == CHOICE:
        return col.choice_labels
    if col.kind == BASE and user is not None:
        from registry.models import Base

        return list(Base.objects.restrict(user, CHANGE).order_by("name").values_list("name", flat=True))
    return []


def template(kind: str, user: Any) -> bytes:
    """The blank template: headers, validation lists, and an instructions sheet."""
    columns: Sequence[Col] = COLUMNS[kind]
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = wb.add_worksheet(SHEET_NAMES[kind])
    required_fmt = wb.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    optional_fmt = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text_fmt = wb.add_format({"num_format": "@"})
    options = wb.add_worksheet(OPTIONS_SHEET)
    option_col = 0
    for c, col in enumerate(columns):
        ws.write_string(0, c, col.header, required_fmt if col.required else optional_fmt)
        ws.set_column(
            c, c, max(12, len(col.header) * 2 + 2), text_fmt if col.kind in (CREDIT_CODE, REGION, TEXT) else None
        )
        if col.help:
            ws.write_comment(0, c, str(col.help))
        values = _list_for(col, user)
        if not values:
            continue
        if sum(len(v) + 1 for v in values) < 250:
            source: Any = values
        else:
            letter = xlsxwriter.utility.xl_col_to_name(option_col)
            options.write_string(0, option_col, col.header)
            for r, v in enumerate(values, start=1):
                options.write_string(r, option_col, v)
            source = f"='{OPTIONS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
            option_col += 1
        ws.data_validation(
            1,
            c,
            TEMPLATE_ROWS,
            c,
            {
                "validate": "list",
                "source": source,
                "error_title": _("输入有误"),
                "error_message": _("请从下拉列表中选择。"),
                "ignore_blank": True,
            },
        )
    if option_col == 0:
        options.write_string(0, 0, _("（下拉选项）"))
    options.hide()
    ws.freeze_panes(1, 0)

    notes = wb.add_worksheet(_("填写说明"))
    bold = wb.add_format({"bold": True})
    notes.set_column(0, 0, 30)
    notes.set_column(1, 1, 8)
    notes.set_column(2, 2, 70)
    lines = [
        _("1. 请在第一个工作表填写数据，第 1 行为列名，请勿修改列名；可删除不需要的可选列。"),
        _("2. 橙色列为必填列，蓝色列为可选列；可选列留空时，已登记企业的原有数据保持不变。"),
        _("3. 导入时逐行逐列检查，全部通过才写入；也可选择“仅导入正确的行”，错误行将返回错误工作簿。"),
        _("4. 同一文件重复导入不会产生任何修改。也可上传 UTF-8 或 GB18030 编码的 CSV 文件。"),
    ]
    for r, line in enumerate(lines):
        notes.write_string(r, 0, line)
    start = len(lines) + 1
    for c, title in enumerate((_("列名"), _("必填"), _("填写要求"))):
        notes.write_string(start, c, title, bold)
    for r, col in enumerate(columns, start=start + 1):
        notes.write_string(r, 0, col.header)
        notes.write_string(r, 1, _("是") if col.required else _("否"))
        rule = str(col.help)
        if col.choices:
            rule = (rule + "；" if rule else "") + _("可选值：") + "、".join(col.choice_labels)
        notes.write_string(r, 2, rule)
    if kind == ROSTER:
        notes.write_string(
            start + len(columns) + 2, 0, _("企业以统一社会信用代码为准：已登记的企业更新，未登记的新增。")
        )
    wb.close()
    return buffer.getvalue()


def error_workbook(
    kind: str, headers: list[str], rows: list[list[Any]], errors: list[dict[str, Any]], target: Any
) -> None:
    """The rows that have errors, bad cells filled red with the message as a comment, plus a list.

    The first sheet keeps the template's columns (and the original row number at the end), so
    the user can correct it and upload it again.
    """
    wb = xlsxwriter.Workbook(target, {"in_memory": False})
    ws = wb.add_worksheet(SHEET_NAMES[kind])
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    bad = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006", "border": 1, "border_color": "#C00000"})
    index = {header_key(h): i for i, h in enumerate(headers)}
    for c, h in enumerate(headers):
        ws.write_string(0, c, h, head)
        ws.set_column(c, c, max(12, len(h) * 2 + 2))
    ws.write_string(0, len(headers), ORIGINAL_ROW, head)
    by_cell: dict[tuple[int, int | None], list[str]] = defaultdict(list)
    for e in errors:
        if e["row"] >= 2:
            by_cell[(e["row"], index.get(header_key(e["column"])))].append(e["message"])
    bad_rows = sorted({row for row, _c in by_cell})
    comments = 0
    for out_r, row_no in enumerate(bad_rows, start=1):
        raw = rows[row_no - 2] if 0 <= row_no - 2 < len(rows) else []
        for c in range(len(headers)):
            value = _cell(raw[c]) if c < len(raw) else ""
            messages = by_cell.get((row_no, c))
            if messages:
                ws.write(out_r, c, value if value is not None else "", bad)
                if comments < MAX_COMMENTS:
                    ws.write_comment(out_r, c, "\n".join(messages), {"x_scale": 2, "y_scale": 1.5})
                    comments += 1
            elif value not in (None, ""):
                ws.write(out_r, c, value)
        ws.write_number(out_r, len(headers), row_no)
    ws.freeze_panes(1, 0)

    listing = wb.add_worksheet(ERROR_SHEET)
    titles = (_("行号"), _("列"), _("值"), _("错误说明"))
    for c, t in enumerate(titles):
        listing.write_string(0, c, t, head)
    listing.set_column(0, 0, 8)
    listing.set_column(1, 2, 24)
    listing.set_column(3, 3, 80)
    for r, e in enumerate(errors, start=1):
        listing.write(r, 0, e["row"] if e["row"] else "")
        listing.write_string(r, 1, e["column"])
        listing.write_string(r, 2, e["value"])
        listing.write_string(r, 3, e["message"])
    wb.close()
