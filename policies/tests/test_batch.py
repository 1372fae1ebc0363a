"""`manage.py compute_awards`: the empty template, filled as an officer would, computed into the awards
workbook (read back with openpyxl); bad cells stop the command with Chinese errors naming sheet, row,
column and rule, writing nothing; the same from the database, logged in the change log."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from core.models import ChangeLog
from policies.batch.columns import COLUMNS, check_contract
from policies.models import OrderVolume, PlatformProject, PolicyPack
from portal.testing.world import World

D = datetime.date


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("compute_awards", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def template(tmp_path: Path) -> Path:
    path = tmp_path / "facts.xlsx"
    run("--template", "--out", str(path))
    return path


def fill(path: Path, target: Path, sheets: dict[str, list[list[Any]]], headers: dict[str, list[str]] | None = None,
         extra_sheets: tuple[str, ...] = ()) -> Path:  # fmt: skip
    """The template filled in with openpyxl, row 2 on, as an officer types it."""
    wb = openpyxl.load_workbook(path)
    for name, new_headers in (headers or {}).items():
        for c, h in enumerate(new_headers, start=1):
            wb[name].cell(1, c, h)
    for name, rows in sheets.items():
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row, start=1):
                wb[name].cell(r, c, value)
    for name in extra_sheets:
        wb.create_sheet(name).cell(1, 1, "x")
    wb.save(target)
    return target


def read_rows(path: Path, sheet: str) -> list[dict[str, Any]]:
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def yuan(value: Any) -> Decimal:
    """A yuan cell read back, exactly to the fen."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


FACTS: dict[str, list[list[Any]]] = {
    # 企业编号, 企业名称, 登记注册在本区, 电商企业, 行业协会
    "enterprises": [
        [1, "夏布电商", "是", "是", "否"],
        [2, "陶器厂", "是", "否", "否"],  # a traditional enterprise
        [3, "外区电商", "否", "是", "否"],  # registered elsewhere
        [4, "荣昌贷款电商", "是", "true", None],  # blank association = 否
    ],
    "residencies": [[1, D(2023, 7, 1), None]],
    "costs": [[1, "场租", D(2026, 1, 1), D(2026, 12, 31), 120000]],
    "projects": [[11, 1, 2026, 1234567.89, "是"], [12, 1, 2026, "100000.05", "是"]],
    "stores": [[21, 2, "京东", D(2025, 3, 1), "是", "是", 200000, "80000.00"]],
    "orders": [[1, 2026, 30000], [2, 2026, 30000], [3, 2026, 25000], [4, 2026, 20000]],
    "loans": [[31, 4, 1000000, D(2026, 7, 1), None, 4.35, "4.35%", "是", "是"]],
    "other_subsidies": [[4, 2026, "线上营销荣昌农特产品、认定品牌产品订单奖励", "市级同类政策"]],
}


def test_the_workbook_columns_are_the_contracts() -> None:
    check_contract()


def test_template_has_a_sheet_per_kind_and_notes(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(template(tmp_path))
    assert wb.sheetnames == ["说明", *COLUMNS]
    assert [c.value for c in wb["loans"][1]] == [
        "贷款编号", "企业编号", "贷款本金（元）", "放款日期", "归还日期", "实际年利率（%）", "同期基准利率（%）",
        "经认定", "用于扩大自身生产经营",
    ]  # fmt: skip
    notes = [r for r in wb["说明"].iter_rows(values_only=True) if r[0] and str(r[0]).startswith("loans")]
    assert notes[4][:4] == ("loans（贷款）", "归还日期", "repaid_on", "否")


def test_template_filled_computed_into_the_awards_workbook(tmp_path: Path) -> None:
    # The orders sheet uses the contract's own column names instead of the Chinese ones.
    filled = fill(
        template(tmp_path), tmp_path / "filled.xlsx", FACTS, headers={"orders": ["enterprise", "year", "orders"]}
    )
    out = tmp_path / "awards.xlsx"
    stdout, _err = run("--year", "2026", "--facts", str(filled), "--out", str(out))
    assert "获奖企业 3 家" in stdout

    rows = read_rows(out, "奖补明细")
    got = {(r["企业编号"], r["条目代码"], r["对象编号"]): r for r in rows}
    assert len(rows) == 9
    # Enterprise 1, park costs: entered 2023-07-01, so Jan–Jun 2026 is residence year 3 (100 %) and
    # Jul–Dec year 4 (50 %); 120,000 yuan over 12 months = 10,000 a month: 6 × 10,000 + 6 × 5,000.
    park = got[(1, "park_costs", 0)]
    assert yuan(park["金额（元）"]) == Decimal("90000.00") and park["金额（分）"] == 9_000_000
    assert "入驻第3年6个月，按100%补助；入驻第4年6个月，按50%补助" in park["计算说明"]
    assert park["企业名称"] == "夏布电商" and park["政策条目"] == "电子商务产业园场租、宽带费用补助"
    # Project 11: 1,234,567.89 × 30 % = 370,370.367 → 370,370.37, above the 300,000 cap.
    capped = got[(1, "platform_project", 11)]
    assert capped["金额（分）"] == 30_000_000 and capped["结论代码"] == "capped"
    assert "计算金额370,370.37元超过最高30万元，按300,000.00元兑现" in capped["计算说明"]
    # Project 12: 100,000.05 × 30 % = 30,000.015 → half up to 30,000.02.
    assert got[(1, "platform_project", 12)]["金额（分）"] == 3_000_002
    assert yuan(got[(1, "platform_project", 12)]["金额（元）"]) == Decimal("30000.02")
    # Orders: 30,000 × 2 = 60,000.00 for the e-commerce enterprise; the traditional one gets nothing.
    assert got[(1, "online_orders", 0)]["金额（分）"] == 6_000_000
    assert got[(2, "online_orders", 0)]["结论"] == "本项仅支持电商企业"
    # Enterprise 3 is not registered in the district.
    assert got[(3, "online_orders", 0)]["结论代码"] == "not_registered"
    # Enterprise 4 receives a municipal subsidy for orders: nothing here, and the reason says so.
    stacked = got[(4, "online_orders", 0)]
    assert stacked["金额（分）"] == 0 and "本年度已享受市级同类政策补助，本项不重复享受" in stacked["计算说明"]
    # Store 21 on 京东 (label turned into its key), opened 2025-03-01, one year on 2026-03-01:
    # 50 % of 80,000.00 = 40,000.00 (under the 50,000 cap).
    assert got[(2, "flagship_store", 21)]["金额（分）"] == 4_000_000
    # Loan 31: 1,000,000.00 at 4.35 % (actual = benchmark), 50 % of it, 2026-07-01..12-31 = 184 days:
    # 100,000,000 fen × 4.35 % × 50 % × 184 / 365 = 1,096,438.36 fen → 10,964.38 yuan.
    loan = got[(4, "loan_interest", 31)]
    assert loan["金额（分）"] == 1_096_438 and yuan(loan["金额（元）"]) == Decimal("10964.38")
    assert "共184天" in loan["计算说明"]

    summary = {r["条目代码"]: r for r in read_rows(out, "汇总")}
    assert summary["platform_project"]["获奖企业数"] == 1 and summary["platform_project"]["获奖行数"] == 2
    assert summary["platform_project"]["合计（分）"] == 33_000_002
    assert summary["online_orders"]["测算行数"] == 4 and summary["online_orders"]["获奖企业数"] == 1
    total = next(r for r in read_rows(out, "汇总") if r["政策条目"] == "合计")
    # 90,000 + 300,000 + 30,000.02 + 60,000 + 40,000 + 10,964.38
    assert total["合计（分）"] == 53_096_440 and yuan(total["合计（元）"]) == Decimal("530964.40")
    assert total["获奖企业数"] == 3
    run_sheet = dict(openpyxl.load_workbook(out)["计算说明"].iter_rows(values_only=True))
    assert run_sheet["计算年度"] == "2026" and run_sheet["事实来源"] == "事实工作簿 filled.xlsx"


def test_bad_cells_name_sheet_row_column_and_rule_and_nothing_is_written(tmp_path: Path) -> None:
    bad: dict[str, list[list[Any]]] = {
        "enterprises": [[1, "A", "是", "也许", "否"], [1, "B", "是", "是", "否"]],
        "costs": [[1, "水费", "2026-02-30", D(2026, 1, 1), "12.345"]],
        "projects": [[11, 1, 1980, 100, "是"]],
        "loans": [[31, 1, 100, D(2026, 1, 1), D(2025, 1, 1), "4.35001", 43500, "是", "是"]],
        "orders": [[9, 2026, 12.5]],
    }
    english = ["loan", "enterprise", "principal_fen", "loan_date", "repaid_on", "实际年利率（%）", "benchmark_rate_ppm"]
    filled = fill(template(tmp_path), tmp_path / "bad.xlsx", bad, headers={"loans": english}, extra_sheets=("Sheet9",))
    out = tmp_path / "awards.xlsx"
    out.write_bytes(b"previous run")
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("compute_awards", "--year", "2026", "--facts", str(filled), "--out", str(out), stderr=err)
    assert "有 12 处错误，未写出任何文件" in str(caught.value)
    lines = err.getvalue().splitlines()
    for expected in (
        "工作表“Sheet9”：不是事实种类",
        "工作表“enterprises”第 2 行“电商企业”列：应填写“是”或“否”（也可填 有/无、√/×、Y/N、YES/NO、TRUE/FALSE、1/0）"
        "（所填：也许）",
        "工作表“enterprises”第 2 行“企业编号”列：编号 1 重复（第 2、3 行）",
        "工作表“enterprises”第 3 行“企业编号”列：编号 1 重复（第 2、3 行）",
        "工作表“costs”第 2 行“费用类别”列：应为以下之一：场租（rent）、宽带费（broadband）（所填：水费）",
        "工作表“costs”第 2 行“起始日期”列：不是有效日期",
        "工作表“costs”第 2 行“金额（元）”列：金额以元为单位，最多两位小数（所填：12.345）",
        "工作表“projects”第 2 行“年度”列：年度应在 1990 至 2100 之间（所填：1980）",
        "工作表“loans”第 2 行“repaid_on”列：不能早于“loan_date”（2026-01-01）",
        "工作表“loans”第 2 行“实际年利率（%）”列：利率以百分数填写，最多四位小数",
        "工作表“orders”第 2 行“年交易单数”列：应为整数（所填：12.5）",
        "工作表“orders”第 2 行“企业编号”列：企业编号 9 不在 enterprises 工作表中",
    ):
        assert any(line.startswith(expected) for line in lines), f"{expected!r} not in {lines}"
    # principal_fen under the contract's name is fen: 100 is fine; benchmark_rate_ppm 43500 is 4.35 %.
    assert not any("principal_fen" in line or "benchmark_rate_ppm" in line for line in lines)
    assert out.read_bytes() == b"previous run"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".compute_awards")] == []


def test_headers_of_a_sheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "enterprises"
    ws.append(["企业编号", "enterprise", "名称", "电商企业"])
    ws.append([1, 1, "A", "是"])
    path = tmp_path / "headers.xlsx"
    wb.save(path)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("compute_awards", "--year", "2026", "--facts", str(path), "--out", str(tmp_path / "o.xlsx"),
                     stderr=err)  # fmt: skip
    text = err.getvalue()
    assert "工作表“enterprises”第 1 行“enterprise”列：与第 1 列是同一列" in text
    assert "工作表“enterprises”第 1 行“名称”列：不是该工作表的列" in text
    assert "工作表“enterprises”第 1 行“企业名称”列：缺少必需的列（name 或 企业名称）" in text
    assert not (tmp_path / "o.xlsx").exists()


def test_a_workbook_without_enterprises_and_a_year_without_parameters(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    path = tmp_path / "empty.xlsx"
    wb.save(path)
    with pytest.raises(CommandError):
        run("--year", "2026", "--facts", str(path), "--out", str(tmp_path / "o.xlsx"))
    filled = fill(template(tmp_path), tmp_path / "filled.xlsx", {"enterprises": [[1, "A", "是", "是", "否"]]})
    with pytest.raises(CommandError, match="2010 年度没有施行中的政策参数"):
        run("--year", "2010", "--facts", str(filled), "--out", str(tmp_path / "o.xlsx"))
    assert not (tmp_path / "o.xlsx").exists()


@pytest.mark.django_db
def test_from_the_database_and_logged(world: World, pack: PolicyPack, tmp_path: Path) -> None:
    rc1, rc2 = world.enterprises["rc1"], world.enterprises["rc2"]
    OrderVolume.objects.create(enterprise=rc1, year=2025, orders=25_000)  # 25,000 × 2 = 50,000.00
    OrderVolume.objects.create(enterprise=rc2, year=2025, orders=30_000)  # traditional: nothing
    project = PlatformProject.objects.create(
        enterprise=rc1, name="夏布商城", year=2025, investment_fen=20_000_000, own_funds=True
    )  # 200,000.00 × 30 % = 60,000.00
    out = tmp_path / "awards.xlsx"
    stdout, _err = run("--year", "2025", "--pack", "rongchang", "--from-db", "--out", str(out))
    assert "合计 110,000.00元" in stdout

    rows = {(r["企业编号"], r["条目代码"], r["对象编号"]): r for r in read_rows(out, "奖补明细")}
    assert rows[(rc1.pk, "online_orders", 0)]["金额（分）"] == 5_000_000
    assert rows[(rc1.pk, "online_orders", 0)]["企业名称"] == rc1.name
    assert rows[(rc1.pk, "platform_project", project.pk)]["金额（分）"] == 6_000_000
    assert rows[(rc2.pk, "online_orders", 0)]["结论代码"] == "not_ecommerce"
    assert world.enterprises["spb1"].pk not in {k[0] for k in rows}  # another district's enterprise
    run_sheet = dict(openpyxl.load_workbook(out)["计算说明"].iter_rows(values_only=True))
    assert run_sheet["事实来源"].startswith("数据库：荣昌区")

    entry = ChangeLog.objects.get(action=ChangeLog.Action.EXPORT, object_id=str(pack.pk))
    assert entry.source == ChangeLog.Source.COMMAND
    assert "批量计算 2025 年度奖补" in entry.message and "合计 110,000.00元" in entry.message


@pytest.mark.django_db
def test_from_the_database_needs_the_pack_registered(world: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="数据库中没有登记政策包“rongchang”"):
        run("--year", "2025", "--from-db", "--out", str(tmp_path / "o.xlsx"))
    assert not ChangeLog.objects.filter(action=ChangeLog.Action.EXPORT).exists()


def test_more_rows_than_a_worksheet_holds_continue_on_the_next_sheet(tmp_path: Path) -> None:
    import polars as pl

    from policies.batch.writing import write_awards
    from policies.rules.engine import compute
    from policies.rules.facts import SCHEMAS, Facts
    from policies.rules.params import load_params

    params = load_params()
    ents = [{"enterprise": e, "name": f"企业{e}", "registered_in_district": True, "ecommerce": True,
             "association": False} for e in range(1, 6)]  # fmt: skip
    orders = [{"enterprise": e, "year": 2026, "orders": 20_000 + e} for e in range(1, 6)]
    facts = Facts(
        enterprises=pl.DataFrame(ents, schema=SCHEMAS["enterprises"]),
        orders=pl.DataFrame(orders, schema=SCHEMAS["orders"]),
    )
    out = tmp_path / "awards.xlsx"
    result = write_awards(out, compute(facts, params, 2026), facts.enterprises, params, year=2026, source="test",
                          generated=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC), rows_per_sheet=2)  # fmt: skip
    assert result["sheets"] == 3
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:3] == ["奖补明细", "奖补明细2", "奖补明细3"]
    ids = [r[0] for name in wb.sheetnames[:3] for r in wb[name].iter_rows(min_row=2, values_only=True)]
    assert ids == [1, 2, 3, 4, 5]
    assert wb["奖补明细3"]["G2"].value == (20_005 * 2) * 100  # 20,005 orders × 2.00


def test_yes_and_no_in_the_platform_words(tmp_path: Path) -> None:
    """The facts workbook takes the same yes/no words as every file (core.tabular)."""
    from policies.batch.reading import read_workbook
    from policies.rules.params import load_params

    rows = [[1, "甲", "√", "Y", "无"], [2, "乙", "有", "×", "1"], [3, "丙", "ＹＥＳ", "no", True]]
    filled = fill(template(tmp_path), tmp_path / "words.xlsx", {"enterprises": rows})
    facts, counts = read_workbook(filled, load_params())
    assert counts["enterprises"] == 3
    frame = facts.enterprises.sort("enterprise")
    assert frame["registered_in_district"].to_list() == [True, True, True]
    assert frame["ecommerce"].to_list() == [True, False, False]
    assert frame["association"].to_list() == [False, True, True]
