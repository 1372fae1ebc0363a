"""Workbooks the batch command writes: the empty facts template and the awards (XlsxWriter).

Awards workbook:
- 奖补明细 (continued on 奖补明细2 … beyond the 1,048,575 rows a worksheet holds): one row per
  enterprise × item × ref (the engine's rows, zero rows with their reason
  included), sorted by enterprise, item (pack order) and ref: 企业编号, 企业名称, 政策条目, 条目代码,
  对象编号, 金额（元）, 金额（分）, 结论, 结论代码, 计算说明 (the Chinese explanation, one sentence a line);
- 汇总: per item of the pack: rows, winners (enterprises with an amount above zero), rows paid,
  total in yuan and fen; a last row for all items (winners counted once);
- 计算说明: the pack, year, parameter version, where the facts came from, when.

Amounts are exact: the fen column is the integer the engine computed; the yuan column is that
number divided by 100, written as a number with two decimals (every such number is represented
exactly enough in Excel's doubles to read back as the same two decimals).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from core.tabular import TemplateColumn, WorkbookWriter
from core.tabular.writing import YES_NO
from policies.batch.columns import (
    BOOL,
    CASE_ITEM,
    CHOICE,
    COLUMNS,
    DATE,
    KIND_LABELS,
    MONEY,
    NOTES_SHEET,
    PACK_ITEM,
    PLATFORM,
    RATE,
    Column,
)
from policies.explain import reason_text, render_step
from policies.models.facts import ceiling
from policies.rules.params import Params

DETAIL_SHEET = "奖补明细"
SUMMARY_SHEET = "汇总"
RUN_SHEET = "计算说明"
DETAIL_HEADERS = (
    "企业编号",
    "企业名称",
    "政策条目",
    "条目代码",
    "对象编号",
    "金额（元）",
    "金额（分）",
    "结论",
    "结论代码",
    "计算说明",
)
SUMMARY_HEADERS = ("政策条目", "条目代码", "测算行数", "获奖企业数", "获奖行数", "合计（元）", "合计（分）")
MAX_CELL = 32_000  # Excel holds at most 32,767 characters in a cell
EXCEL_ROWS = 1_048_576  # rows of a worksheet, header included: more awards continue on 奖补明细2, 3 …
CACHE_SENTENCES = 100_000
TEMPLATE_ROWS = 10_000  # rows the template's drop-down lists cover


def yuan_number(fen: int) -> float:
    """The fen as a yuan number for a spreadsheet cell (Decimal first: the float nearest to the
    exact two-decimal value)."""
    return float(Decimal(int(fen)) / 100)


# ---- template ---------------------------------------------------------------------------------


def _choices(column: Column, params: Params) -> list[str]:
    if column.cell == BOOL:
        return list(YES_NO)
    if column.cell == CHOICE:
        return [str(label) for _k, label in column.choices]
    if column.cell in (PACK_ITEM, CASE_ITEM):
        return [i.label for i in params.items.values() if column.cell == PACK_ITEM or i.kind == "case"]
    return []


def _inline_list(column: Column, params: Params) -> list[str]:
    """The drop-down list of a column when it fits inline (long lists are typed: the cell takes a
    code or a label, and the notes list them)."""
    options = _choices(column, params)
    return options if sum(len(o) + 1 for o in options) < 250 else []


def _rule(column: Column, params: Params, kind: str = "") -> str:
    parts = []
    limit = ceiling(kind, column.name)
    if column.cell == MONEY:
        parts.append(_("按元填写，最多两位小数（列名用 %(name)s 时按分填写整数）") % {"name": column.name})
    elif column.cell == RATE:
        parts.append(_("按百分数填写，如 4.35（列名用 %(name)s 时按百万分之一填写整数）") % {"name": column.name})
    elif column.cell == DATE:
        parts.append(_("日期，如 2025-01-31"))
    if limit is not None:
        parts.append(_("不超过%(bound)s") % {"bound": limit.bound_text()})
    if column.help:
        parts.append(str(column.help))
    if column.cell == PLATFORM:
        param = params.parameters.get("store_platforms")
        if param is not None:
            labels = {k: v for e in param.values for k, v in e.value.items()}
            parts.append(_("名单：") + "、".join(f"{v}（{k}）" for k, v in labels.items()))
    options = _choices(column, params)
    if options and column.cell != BOOL:
        parts.append(_("可选值：") + "、".join(options))
    return "；".join(parts)


def write_template(target: str | Path, params: Params) -> None:
    """The empty facts workbook: the notes sheet, then one sheet per kind with its Chinese headers
    (required orange, optional blue; each header's comment gives the contract's name and rule)."""
    out = WorkbookWriter(target)
    lines = [
        _("%(title)s：批量计算奖补用的事实工作簿。") % {"title": params.title},
        _(
            "1. 每个工作表是一类事实，工作表名不可修改；"
            "没有该类事实的工作表可以留空或删除（企业工作表 enterprises 必须有）。"
        ),
        _("2. 第 1 行为列名：可用中文列名（金额按元、利率按百分数），也可用英文列名（金额按分、利率按百万分之一）。"),
        _("3. 橙色列为必填；蓝色列可留空（是/否列留空按“否”）。各工作表中的企业编号须在 enterprises 工作表中。"),
        _("4. 任何一格有误，命令都不写出结果，并逐一列出出错的工作表、行、列和规则。"),
        _("5. 是/否列填“是”或“否”（也可填 有/无、√/×、Y/N、YES/NO、TRUE/FALSE、1/0）。"),
    ]
    rows = [
        (
            f"{kind}（{KIND_LABELS[kind]}）",
            column.alias,
            column.name,
            _("是") if column.required and column.cell != BOOL else _("否"),
            _rule(column, params, kind),
        )
        for kind, columns in COLUMNS.items()
        for column in columns
    ]
    headers = (_("工作表"), _("中文列名"), _("英文列名"), _("必填"), _("填写要求"))
    out.notes(NOTES_SHEET, lines, headers, rows, (18, 26, 26, 8, 80), wrap_last=True)
    formats = {DATE: "yyyy-mm-dd", MONEY: "#,##0.00"}
    for kind, columns in COLUMNS.items():
        template = [
            TemplateColumn(
                column.alias,
                required=column.required and column.cell != BOOL,
                help=f"{column.name}\n{_rule(column, params, kind)}",
                choices=options
                if (options := _choices(column, params)) and sum(len(o) + 1 for o in options) < 250
                else (),
                text=column.name in ("name", "decision_no"),
                num_format=formats.get(column.cell, ""),
            )
            for column in columns
        ]
        out.template(kind, template, rows=TEMPLATE_ROWS, strict_lists=False, comment_scale=(2, 2))
    out.close()


# ---- awards -----------------------------------------------------------------------------------


class Explainer:
    """The explanation of a row (policies.explain.render_step for each step, one sentence a line).
    Steps repeat across rows — every row of an item cites the same parameters — so each distinct
    (step, values) is worded once."""

    def __init__(self, params: Params) -> None:
        self.params = params
        self.cache: dict[tuple[str, str], str] = {}

    def __call__(self, trace: Any) -> str:
        lines = []
        for step in trace or []:
            key = (str(step["step"]), str(step["values"]))
            sentence = self.cache.get(key)
            if sentence is None:
                sentence = render_step(key[0], step["values"], self.params)
                if len(self.cache) < CACHE_SENTENCES:
                    self.cache[key] = sentence
            lines.append(sentence)
        text = "\n".join(lines)
        return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def sorted_awards(awards: pl.DataFrame, params: Params, names: pl.DataFrame) -> pl.DataFrame:
    """The engine's rows with the enterprise's name, in the order of the workbook."""
    order = pl.DataFrame(
        {"item": list(params.items), "item_order": list(range(len(params.items)))},
        schema={"item": pl.String, "item_order": pl.Int64},
    )
    return (
        awards.join(names.select("enterprise", "name").unique("enterprise"), on="enterprise", how="left")
        .join(order, on="item", how="left")
        .sort("enterprise", "item_order", "ref")
    )


def summary(awards: pl.DataFrame, params: Params) -> pl.DataFrame:
    """Per item of the pack that has rows: rows, winners, rows paid, total fen."""
    per_item = awards.group_by("item").agg(
        pl.len().alias("rows"),
        pl.col("enterprise").filter(pl.col("amount_fen") > 0).n_unique().alias("winners"),
        (pl.col("amount_fen") > 0).sum().alias("paid_rows"),
        pl.col("amount_fen").sum().alias("total_fen"),
    )
    order = {k: i for i, k in enumerate(params.items)}
    return per_item.with_columns(
        pl.col("item").replace_strict(order, default=len(order), return_dtype=pl.Int64).alias("item_order")
    ).sort("item_order")


def write_awards(
    target: str | Path,
    awards: pl.DataFrame,
    names: pl.DataFrame,
    params: Params,
    *,
    year: int,
    source: str,
    generated: datetime.datetime,
    counts: Mapping[str, int] | None = None,
    rows_per_sheet: int = EXCEL_ROWS - 1,
) -> dict[str, Any]:
    """Write the awards workbook; returns the totals written (rows, winners, total_fen, sheets).
    More rows than a worksheet holds continue on 奖补明细2, 奖补明细3 … (never silently cut)."""
    rows = sorted_awards(awards, params, names)
    per_item = summary(awards, params)
    out = WorkbookWriter(target, constant_memory=True)
    money = out.number_format("#,##0.00")
    wrap, bold = out.wrap, out.bold
    bold_money = out.number_format("#,##0.00", bold=True)

    def detail_sheet(n: int) -> Any:
        name = DETAIL_SHEET if n == 1 else f"{DETAIL_SHEET}{n}"
        return out.table(name, DETAIL_HEADERS, widths=(10, 30, 30, 18, 10, 14, 14, 28, 16, 100))

    sheets = 1
    detail = detail_sheet(sheets)
    explain = Explainer(params)
    labels = {k: i.label for k, i in params.items.items()}
    reasons: dict[str, str] = {}
    r = 0
    for row in rows.iter_rows(named=True):
        if r == rows_per_sheet:
            sheets += 1
            detail = detail_sheet(sheets)
            r = 0
        r += 1
        item = str(row["item"])
        reason = str(row["reason"])
        if reason not in reasons:
            reasons[reason] = reason_text(reason)
        detail.write_number(r, 0, int(row["enterprise"]))
        out.write_text(detail, r, 1, str(row["name"] or ""))  # a name from the facts workbook: never a formula
        detail.write_string(r, 2, labels.get(item, item))
        detail.write_string(r, 3, item)
        detail.write_number(r, 4, int(row["ref"]))
        detail.write_number(r, 5, yuan_number(int(row["amount_fen"])), money)
        detail.write_number(r, 6, int(row["amount_fen"]))
        detail.write_string(r, 7, reasons[reason])
        detail.write_string(r, 8, reason)
        detail.write_string(r, 9, explain(row["trace"]), wrap)

    sheet = out.table(SUMMARY_SHEET, SUMMARY_HEADERS, widths=(36, 18, 10, 12, 10, 18, 18))
    r = 0
    for r, row in enumerate(per_item.iter_rows(named=True), start=1):
        item = str(row["item"])
        sheet.write_string(r, 0, labels.get(item, item))
        sheet.write_string(r, 1, item)
        sheet.write_number(r, 2, int(row["rows"]))
        sheet.write_number(r, 3, int(row["winners"]))
        sheet.write_number(r, 4, int(row["paid_rows"]))
        sheet.write_number(r, 5, yuan_number(int(row["total_fen"])), money)
        sheet.write_number(r, 6, int(row["total_fen"]))
    total_fen = int(awards["amount_fen"].sum() or 0)
    winners = int(awards.filter(pl.col("amount_fen") > 0)["enterprise"].n_unique())
    r += 1
    sheet.write_string(r, 0, _("合计"), bold)
    sheet.write_string(r, 1, "")
    sheet.write_number(r, 2, awards.height, bold)
    sheet.write_number(r, 3, winners, bold)
    sheet.write_number(r, 4, int((awards["amount_fen"] > 0).sum()), bold)
    sheet.write_number(r, 5, yuan_number(total_fen), bold_money)
    sheet.write_number(r, 6, total_fen, bold)

    run = out.book.add_worksheet(RUN_SHEET)
    run.set_column(0, 0, 20)
    run.set_column(1, 1, 80)
    lines: list[tuple[str, str]] = [
        (_("政策"), params.document),
        (_("发文机关"), params.issuing_body),
        (_("文号"), params.document_no),
        (_("计算年度"), str(year)),
        (_("参数版本"), params.version()),
        (_("参数取值日期"), params.as_of(year).isoformat()),
        (_("事实来源"), source),
        (_("生成时间"), generated.strftime("%Y-%m-%d %H:%M:%S")),
        (_("说明"), _("每项奖补按该年12月31日有效的参数计算，金额精确到分（四舍五入）。")),
    ]
    if params.overlaid:
        lines.append((_("测算用假设参数"), "、".join(params.overlaid)))
    for kind, n in (counts or {}).items():
        lines.append((_("事实行数：%(kind)s") % {"kind": kind}, str(n)))
    for i, (label, value) in enumerate(lines):
        run.write_string(i, 0, label, bold)
        out.write_text(run, i, 1, value)  # the source names the file as its user called it
    out.close()
    return {"rows": awards.height, "winners": winners, "total_fen": total_fen, "sheets": sheets}
