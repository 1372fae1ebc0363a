"""Workbooks the imports hand out: the blank template of each kind, and the error workbook
(core.tabular's writer: header colours, widths, lists, marked cells)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from accounts.models import User
from core import tabular
from core.scoping import CHANGE
from core.tabular.writing import YES_NO
from registry.imports.columns import BASE, BOOL, CHOICE, COLUMNS, CREDIT_CODE, REGION, ROSTER, SHEET_NAMES, TEXT, Col

TEMPLATE_ROWS = tabular.TEMPLATE_ROWS


def _list_for(col: Col, user: User) -> list[str]:
    if col.kind == BOOL:
        return list(YES_NO)
    if col.kind == CHOICE:
        return col.choice_labels
    if col.kind == BASE and user is not None:
        from registry.models import Base

        return list(Base.objects.restrict(user, CHANGE).order_by("name").values_list("name", flat=True))
    return []


def template(kind: str, user: User) -> bytes:
    """The blank template: headers, validation lists, and an instructions sheet."""
    columns: Sequence[Col] = COLUMNS[kind]
    buffer = io.BytesIO()
    out = tabular.WorkbookWriter(buffer)
    out.template(
        SHEET_NAMES[kind],
        [
            tabular.TemplateColumn(
                col.header,
                required=col.required,
                help=str(col.help),
                choices=_list_for(col, user),
                text=col.kind in (CREDIT_CODE, REGION, TEXT),
            )
            for col in columns
        ],
        rows=TEMPLATE_ROWS,
    )
    lines = [
        _("1. 请在第一个工作表填写数据，第 1 行为列名，请勿修改列名；可删除不需要的可选列。"),
        _("2. 橙色列为必填列，蓝色列为可选列；可选列留空时，已登记企业的原有数据保持不变。"),
        _("3. 导入时逐行逐列检查，全部通过才写入；也可选择“仅导入正确的行”，错误行将返回错误工作簿。"),
        _("4. 同一文件重复导入不会产生任何修改。也可上传 UTF-8 或 GB18030 编码的 CSV 文件。"),
        _("5. 是/否列填“是”或“否”（也可填 有/无、√/×、Y/N、YES/NO、TRUE/FALSE、1/0）。"),
    ]
    rules = []
    for col in columns:
        rule = str(col.help)
        if col.choices:
            rule = (rule + "；" if rule else "") + _("可选值：") + "、".join(col.choice_labels)
        rules.append((col.header, _("是") if col.required else _("否"), rule))
    footer = [_("企业以统一社会信用代码为准：已登记的企业更新，未登记的新增。")] if kind == ROSTER else []
    out.notes(_("填写说明"), lines, (_("列名"), _("必填"), _("填写要求")), rules, (30, 8, 70), footer=footer)
    out.close()
    return buffer.getvalue()


def error_workbook(
    kind: str, headers: list[str], rows: list[list[Any]], errors: list[dict[str, Any]], target: Any
) -> None:
    """The rows that have errors, bad cells filled red with the message as a comment, plus a list.

    The first sheet keeps the template's columns (and the original row number at the end), so
    the user can correct it and upload it again.
    """
    tabular.error_workbook(target, sheet=SHEET_NAMES[kind], headers=headers, rows=rows, errors=errors)
