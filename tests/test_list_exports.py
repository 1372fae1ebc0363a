"""Every list page's export, for every account of the test world: the .xlsx and the .csv hold the
page's rows — the visible columns in the page's order with the page's words and numbers, plus the
export-only columns — and never a repr, a raw key or a float's tail. Those who may not export get
403. Every ScopedListView in the project is found through the URL patterns, so a new list is
covered (and a list without a URL fails here).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterator
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import openpyxl
import pytest
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from core.scoping import EXPORT, VIEW, can
from core.views import ScopedListView
from portal.testing.world import World
from regions.models import DemoCity

pytestmark = pytest.mark.django_db

ACCOUNTS = (
    "ministry", "prov_cq", "prov_js", "prov_ln", "city_dl", "bureau_rc", "operator_rc", "ent_rc1",
    "expert", "sysadmin", "secadmin", "auditor",
)  # fmt: skip

# What a cell must never hold: a Python repr, a boolean, None, an English status key, a float's tail.
INTERNAL = re.compile(r"^(True|False|None)$|<\w+: |^(designated|candidate|removed|payment|reversal|approved|paid)$")
FLOAT_TAIL = re.compile(r"\d\.\d*?(\d)\1{5,}\d*$|\d\.\d{7,}$")


def all_subclasses(cls: type) -> set[type]:
    out: set[type] = set()
    subclasses: list[type] = cls.__subclasses__()
    for sub in subclasses:
        out |= {sub} | all_subclasses(sub)
    return out


def list_urls() -> dict[type, str]:
    """ScopedListView subclass -> the path of its page (patterns without parameters)."""
    found: dict[type, str] = {}

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                view = getattr(p.callback, "view_class", None)
                if view is not None and issubclass(view, ScopedListView) and "<" not in str(p.pattern):
                    found.setdefault(view, "/" + prefix + str(p.pattern))

    walk(get_resolver().url_patterns, "")
    return found


LISTS = list_urls()
LIST_VIEWS: list[type] = sorted(LISTS, key=LISTS.__getitem__)


def url_of(view: type) -> str:
    return LISTS[view]


def test_every_list_view_has_a_page() -> None:
    missing = {v.__qualname__ for v in all_subclasses(ScopedListView) if v not in LISTS}
    assert not missing, f"list views without a URL (not covered by the export battery): {missing}"


@pytest.fixture
def everything(world: World, tmp_path: Path) -> Iterator[World]:
    """The world plus a row in every list: a call, a policy pack with its fund, an application
    approved, paid and the payment reversed, a demonstration city, an enterprise's account request."""
    from policies.actions.awards import do_approve_application
    from policies.actions.ledger import do_pay, do_reverse
    from policies.tests.conftest import YEAR, orders_claim
    from selection.models import Call, CallStatus

    with override_settings(MEDIA_ROOT=str(tmp_path / "media")):
        from policies.actions.packs import do_change_pack_status, do_create_pack, do_set_fund
        from policies.models import PackStatus

        Call.objects.create(
            title="第二批国家电子商务示范基地创建", document_no="商办电函〔2014〕767号",
            deadline=datetime.datetime(2015, 2, 28, 23, 59, 59, tzinfo=datetime.UTC), status=CallStatus.OPEN,
        )  # fmt: skip
        bureau = world.user("bureau_rc")
        pack = do_change_pack_status(
            bureau, do_create_pack(bureau, code="rongchang", region=world.regions["500153"]), PackStatus.ACTIVE
        )
        do_set_fund(bureau, pack, YEAR)
        paid = orders_claim(world, pack, world.enterprises["rc1"], 20_000)
        do_approve_application(bureau, paid)
        payment = do_pay(bureau, paid, voucher_no="V-2025-001", document_no="荣商务〔2025〕9号")
        do_reverse(bureau, payment, voucher_no="V-2025-001-R", reason="凭证填写有误")
        orders_claim(world, pack, world.enterprises["rc2"], 12_345, submit=False)
        DemoCity.objects.create(name="南京", region=world.regions["320100"], year_named=2011, batch="第二批")
        from registry.models import Signup

        Signup.objects.create(enterprise=world.enterprises["rc2"], contact_name="李四", contact_phone="13900001111",
                              username="shop_rc2", password="!")  # fmt: skip
        yield world


class _Table(HTMLParser):
    """The list table of a page: header labels (without the sort marks and hidden hints) and the
    text of every cell."""

    def __init__(self) -> None:
        super().__init__()
        self.headers: list[str] = []
        self.rows: list[list[str]] = []
        self.stack: list[str] = []
        self.in_list = False
        self.cell: list[str] | None = None
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "table" and "list" in classes:
            self.in_list = True
        if not self.in_list:
            return
        if tag == "span" and ("visually-hidden" in classes or a.get("aria-hidden") == "true"):
            self.hidden += 1
            self.stack.append("hidden")
            return
        if tag == "span":
            self.stack.append("span")
        if tag == "tr":
            self.rows.append([])
        if tag in ("th", "td"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if not self.in_list:
            return
        if tag == "span" and self.stack:
            if self.stack.pop() == "hidden":
                self.hidden -= 1
            return
        if tag in ("th", "td") and self.cell is not None:
            text = "".join(self.cell).strip()
            if tag == "th" and len(self.rows) == 1:
                self.headers.append(text)
            else:
                self.rows[-1].append(text)
            self.cell = None
        if tag == "table":
            self.in_list = False

    def handle_data(self, data: str) -> None:
        if self.cell is not None and not self.hidden:
            self.cell.append(data)


def page_table(html: str) -> tuple[list[str], list[list[str]]]:
    parser = _Table()
    parser.feed(html)
    rows = [r for r in parser.rows[1:] if r and not (len(r) == 1 and "没有符合条件的记录" in r[0])]
    return parser.headers, rows


def shown_in_excel(cell: Any) -> str:
    """A workbook cell as Excel displays it with the number formats core.exports writes."""
    value, fmt = cell.value, cell.number_format or "General"
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S" if "hh" in fmt else "%Y-%m-%d")
    if isinstance(value, bool):
        raise AssertionError(f"a boolean cell: {cell.coordinate}")
    if isinstance(value, (int, float)):
        places = len(fmt.split(".")[1]) if "." in fmt else 0
        text = f"{Decimal(repr(value)):,.{places}f}" if "," in fmt else f"{Decimal(repr(value)):.{places}f}"
        if fmt == "General":
            assert float(value).is_integer() or isinstance(value, int), (cell.coordinate, value)
            text = str(int(value))
        return text
    return str(value)


def same_text(file_text: str, page_text: str) -> bool:
    """Equal, or the same number (the page and Excel may differ only in thousands separators)."""
    if file_text == page_text:
        return True
    plain = file_text.replace(",", "")
    return bool(re.fullmatch(r"-?\d+(\.\d+)?", plain)) and plain == page_text.replace(",", "")


def check_cells(cells: list[str], where: str) -> None:
    for text in cells:
        assert not INTERNAL.search(text), (where, text)
        assert not FLOAT_TAIL.search(text), (where, text)


def ungrouped(text: str) -> str:
    """A page's number as the CSV writes it: 1,200.50 -> 1200.50; other texts unchanged."""
    plain = text.replace(",", "")
    return plain if re.fullmatch(r"-?\d+(\.\d+)?", plain) else text


def check_export(client: Any, url: str, title: str, headers: list[str], rows: list[list[str]]) -> None:
    # CSV: the page's text, cell for cell, numbers without the page's thousands separators (a
    # spreadsheet reads a quoted "1,200.50" as text).
    response = client.get(url, {"export": "csv", "per_page": 100})
    assert response.status_code == 200, (url, response.status_code)
    disposition = response["Content-Disposition"]
    assert f"filename*=UTF-8''{quote(title)}-" in disposition and disposition.endswith(".csv"), disposition
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(body)))
    csv_headers, csv_rows = table[0], table[1:]
    assert [h for h in csv_headers if h in headers] == headers, (url, csv_headers, headers)
    visible = [csv_headers.index(h) for h in headers]
    assert [[r[i] for i in visible] for r in csv_rows] == [[ungrouped(c) for c in r] for r in rows], url
    check_cells([c for r in csv_rows for c in r], url)

    # Workbook: the same headers, a sheet named after the list, cells that display as the page's.
    response = client.get(url, {"export": "xlsx", "per_page": 100})
    assert response.status_code == 200, (url, response.status_code)
    disposition = response["Content-Disposition"]
    assert f"filename*=UTF-8''{quote(title)}-" in disposition and disposition.endswith(".xlsx"), disposition
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert wb.sheetnames == [title]
    ws = wb[title]
    sheet = [list(r) for r in ws.iter_rows()]
    assert [c.value for c in sheet[0]] == csv_headers, url
    assert len(sheet) - 1 == len(rows), url
    for n, (cells, page_row) in enumerate(zip(sheet[1:], rows, strict=True), start=2):
        texts = [shown_in_excel(c) for c in cells] + [""] * (len(csv_headers) - len(cells))
        check_cells(texts, f"{url} row {n}")
        for i, page_text in zip(visible, page_row, strict=True):
            assert same_text(texts[i], page_text), (url, n, csv_headers[i], texts[i], page_text)
        # The export-only columns hold the CSV's text too.
        for i, h in enumerate(csv_headers):
            if h not in headers:
                assert same_text(texts[i], csv_rows[n - 2][i]), (url, n, h, texts[i], csv_rows[n - 2][i])


@pytest.mark.parametrize("view", LIST_VIEWS, ids=url_of)
def test_exports_hold_the_page_rows_for_every_account(everything: World, login, view: type) -> None:
    url = LISTS[view]
    title = str(view.title)  # type: ignore[attr-defined]  # a ScopedListView subclass
    exported = 0
    for account in ACCOUNTS:
        client = login(account)
        user = everything.user(account)
        page = client.get(url, {"per_page": 100})
        if page.status_code != 200:
            assert page.status_code in (403, 404), (url, account, page.status_code)
            assert client.get(url, {"export": "xlsx"}).status_code in (403, 404)
            continue
        if not can(user, view.model, EXPORT):  # type: ignore[attr-defined]
            assert client.get(url, {"export": "xlsx"}).status_code == 403, (url, account)
            assert client.get(url, {"export": "csv"}).status_code == 403, (url, account)
            continue
        headers, rows = page_table(page.content.decode())
        assert headers, (url, account)
        check_export(client, url, title, headers, rows)
        exported += bool(rows) and can(user, view.model, VIEW)  # type: ignore[attr-defined]
    assert exported, f"no account exported a row of {url}: the battery checked nothing"


def test_enterprise_export_names_the_current_base_within_scope(world: World, login) -> None:
    def bases_of(account: str) -> dict[str, str]:
        response = login(account).get("/enterprises/", {"export": "csv"})
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
        return {r["企业名称"]: r["所在基地"] for r in rows}

    ministry = bases_of("ministry")
    assert ministry["荣昌外迁电子商务有限公司"] == "徐州软件园电商基地"
    assert ministry["重庆荣昌夏布电子商务有限公司"] == "荣昌区电子商务产业园"
    # The bureau of 荣昌 sees the enterprise registered there, not the Jiangsu base it moved to.
    assert bases_of("bureau_rc")["荣昌外迁电子商务有限公司"] == ""


def test_decimals_are_exact_in_both_files(world: World, login) -> None:
    ent = world.enterprises["rc1"]
    ent.annual_revenue = Decimal("282123.52")
    ent.save()
    client = login("ministry")
    response = client.get("/enterprises/", {"export": "xlsx", "q": ent.credit_code})
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [c.value for c in ws[1]]
    cell = ws.cell(row=2, column=header.index("年营业收入（万元）") + 1)
    assert cell.value == 282123.52 and cell.number_format == "#,##0.00"
    body = b"".join(client.get("/enterprises/", {"export": "csv", "q": ent.credit_code}).streaming_content)
    assert "282123.52" in body.decode("utf-8-sig")
