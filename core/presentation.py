"""How the change log reads to a person: every changed field under its Chinese label with the value
in words — the choice's label, the related object's name (a person's name and role), 是/否,
numbers with separators, local times — never a field name, a raw id or a Python repr.

`present(entries)` prepares a page of `ChangeLog` rows for the history page, the audit-log page
and the API at once: the objects named by foreign keys are read in one query per related model
for the whole page (no query per row), and each row gets

- `shown_changes`: a list of `FieldChange(name, label, before, after)`;
- `actor_text`: "王建华（商务部电子商务司）", or the login name tried for a failed sign-in;
- `type_text`: the object's kind ("示范基地");
- `message_text`: the message in words (exports, imports and sign-ins written in older code as
  `xlsx {'q': '直播'}`, `created=3 updated=1`, `api token` read as Chinese sentences).

A model can word a field of its own (a JSON score sheet, a code without Django choices) with a
classmethod `history_display(name, value, row, cache) -> str | None`: `row` is the whole
snapshot, `cache` a dict that lives for one call of `present()` (to read a related object once).
"""

from __future__ import annotations

import ast
import datetime
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import jsonlimits, money
from core.models import ChangeLog
from core.privacy import mask
from core.roles import THREE_ADMINS

EMPTY = "—"
HIDDEN = gettext_lazy("（不向本角色显示）")

FORMAT_WORDS = {"xlsx": gettext_lazy("Excel"), "csv": gettext_lazy("CSV"), "docx": gettext_lazy("Word 文档")}
# Filter names of the list pages, for export messages written before they were worded at the source.
FILTER_WORDS = {
    "q": gettext_lazy("关键词"),
    "status": gettext_lazy("状态"),
    "quota_unit": gettext_lazy("申报单位"),
    "province": gettext_lazy("省份"),
    "region": gettext_lazy("行政区划"),
    "base": gettext_lazy("示范基地"),
    "category": gettext_lazy("主体类型"),
    "industry": gettext_lazy("行业"),
    "is_ecommerce": gettext_lazy("电子商务企业"),
    "pack": gettext_lazy("扶持政策"),
    "year": gettext_lazy("年度"),
    "item": gettext_lazy("政策条目"),
    "fund": gettext_lazy("资金"),
    "kind": gettext_lazy("类别"),
    "level": gettext_lazy("级别"),
    "retired": gettext_lazy("停用"),
    "sort": gettext_lazy("排序"),
    "ordering": gettext_lazy("排序"),
}
# Fixed messages older code wrote in English.
MESSAGE_WORDS = {
    "api token": gettext_lazy("接口令牌"),
    "api token: second factor": gettext_lazy("接口令牌：动态口令错误"),
    "second factor": gettext_lazy("动态口令错误"),
}
LIST_PARAMS = frozenset({"export", "page", "per_page"})


@dataclass(frozen=True)
class FieldChange:
    name: str  # the field's name: for API clients only, never shown on a page
    label: str
    before: str
    after: str


# ---- labels ------------------------------------------------------------------------------------


def field_label(model: type[models.Model] | None, name: str) -> str:
    """The field's Chinese label; a field the model no longer has reads "已停用的字段"."""
    if model is None:
        return _("已停用的字段")
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return _("已停用的字段")
    label = str(getattr(field, "verbose_name", "") or "")
    if not label or label == name.replace("_", " "):
        return _("已停用的字段")  # every logged field has a label (core.tests.test_presentation)
    if name.endswith("_fen"):
        label = re.sub(r"（分）$", "", label)  # the value carries its unit: 52,000.00元
    return label


def person_text(user: Any) -> str:
    """A person as the log shows them: their name and role, "王建华（商务部电子商务司）"."""
    name = getattr(user, "display_name", "") or getattr(user, "username", "") or str(user)
    role = user.get_role_display() if hasattr(user, "get_role_display") else ""
    return f"{name}（{role}）" if role else name


def object_text(obj: Any) -> str:
    """A related object by its name: a region "江苏省", a person with their role."""
    if isinstance(obj, get_user_model()):
        return person_text(obj)
    names = {f.name for f in obj._meta.concrete_fields}
    name = obj.name if "name" in names else None
    return str(name) if name else str(obj)


# ---- values ------------------------------------------------------------------------------------


def _json_text(value: Any) -> str:
    if isinstance(value, list):
        if not value:
            return EMPTY
        if all(not isinstance(v, dict | list) for v in value):
            return "、".join(str(v) for v in value)
        if all(isinstance(v, dict) and "label" in v for v in value):
            return "、".join(str(v["label"]) for v in value)
        if all(isinstance(v, dict) and "message" in v for v in value):
            return "；".join(str(v["message"]) for v in value)
        return _("共 %(n)s 项") % {"n": len(value)}
    if isinstance(value, dict):
        return _("共 %(n)s 项") % {"n": len(value)} if value else EMPTY
    return str(value)


def _local_time(value: Any) -> str:
    moment = parse_datetime(str(value))
    if moment is None:
        return str(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def value_text(field: models.Field[Any, Any], value: Any) -> str:
    """A stored value (as the snapshot holds it: decimals and dates as text) in words, by its field."""
    if value is None or value == "":
        return EMPTY
    if field.choices:
        labels = {str(k): v for k, v in field.flatchoices}
        return str(labels.get(str(value), value))
    if isinstance(field, models.BooleanField):
        return _("是") if value else _("否")
    if isinstance(field, models.DecimalField):
        try:
            return money.decimal_text(value, field.decimal_places or 0)
        except (ValueError, TypeError):
            return str(value)
    if isinstance(field, models.IntegerField) and isinstance(value, int):
        if field.name.endswith("_fen"):
            return money.yuan_text(value)
        if field.name.endswith("_ppm"):
            return money.ppm_percent(value)
        return money.count(value)  # a year reads as a year: four digits are never grouped
    if isinstance(field, models.DateTimeField):
        return _local_time(value)
    if isinstance(field, models.DateField):
        day = parse_date(str(value)[:10])
        return day.isoformat() if day else str(value)
    if isinstance(field, models.JSONField):
        return _json_text(value)
    if isinstance(field, models.FileField):
        return str(value).rsplit("/", 1)[-1]
    return str(value)


def number_cell(value: Any, classes: str = "") -> Any:
    """A list cell of a numeric column ("num") as officials read it: thousands separators, the
    decimals as stored (171,682.85; 57,600); a "money" column (revenue in 万元) grouped like money
    (1,200.50). Other cells are left to the template's rendering."""
    names = classes.split()
    if "num" in names:
        if isinstance(value, Decimal) and value.is_finite():
            group_from = money.MONEY_GROUP_FROM if "money" in names else money.GROUP_FROM
            return money.decimal_text(value, max(0, -int(value.as_tuple().exponent)), group_from=group_from)
        if isinstance(value, int) and not isinstance(value, bool):
            return money.count(value)
    return value


# ---- messages ----------------------------------------------------------------------------------


def _is_record(line: str) -> bool:
    """A line that is a JSON object: a machine record kept beside the words (a what-if's overlay)."""
    text = line.strip()
    if not (text.startswith("{") and text.endswith("}")):
        return False
    try:
        return isinstance(jsonlimits.loads(text), dict)  # a message may carry what a visitor typed
    except ValueError:
        return False


def filters_text(pairs: Iterable[tuple[str, str]]) -> str:
    return "；".join(f"{label}“{value}”" for label, value in pairs)


def export_text(fmt: str, filters: str = "", what: str = "") -> str:
    """ "导出 Excel，筛选：关键词“直播”", "导出 CSV（全部）", "导出 Word 文档：公示"."""
    kind = str(FORMAT_WORDS.get(fmt, fmt))
    if what:
        return _("导出 %(kind)s：%(what)s") % {"kind": kind, "what": what}
    if filters:
        return _("导出 %(kind)s，筛选：%(filters)s") % {"kind": kind, "filters": filters}
    return _("导出 %(kind)s（全部）") % {"kind": kind}


def _legacy_export(fmt: str, rest: str) -> str:
    rest = rest.strip()
    if not rest:
        return export_text(fmt)
    try:
        params = ast.literal_eval(rest)
    except (ValueError, SyntaxError):
        return export_text(fmt, what=rest)
    if not isinstance(params, dict):
        return export_text(fmt, what=rest)
    pairs = [
        (str(FILTER_WORDS.get(str(k), _("其他条件"))), str(v)) for k, v in params.items() if k not in LIST_PARAMS and v
    ]
    return export_text(fmt, filters_text(pairs))


def _counts(match: re.Match[str]) -> str:
    created, updated, residencies = match.group(1), match.group(2), match.group(3)
    text = _("新增 %(c)s 条，更新 %(u)s 条") % {"c": money.count(created), "u": money.count(updated)}
    if residencies is not None:
        text += _("，入驻记录 %(r)s 条") % {"r": money.count(residencies)}
    return f"：{text}"


def message_text(message: str) -> str:
    """A log message as words; machine records (JSON lines) are left to the API."""
    text = "\n".join(line for line in (message or "").splitlines() if not _is_record(line)).strip()
    export = re.fullmatch(r"(xlsx|csv|docx)(?:\s+(.*))?", text, re.S)
    if export:
        return _legacy_export(export.group(1), export.group(2) or "")
    text = re.sub(r"\s*created=(\d+) updated=(\d+)(?: residencies=(\d+))?$", _counts, text)
    return str(MESSAGE_WORDS.get(text, text))


def export_message(fmt: str, filterset: Any, params: Mapping[str, Any]) -> str:
    """The change-log message of a list export, worded at the source: each filter by its label and
    the value as the filter's list shows it ("导出 Excel，筛选：关键词“直播”；状态“示范基地”")."""
    form = getattr(filterset, "form", None)
    fields = getattr(form, "fields", {}) if form is not None else {}
    pairs = []
    for name, raw in params.items():
        if name in LIST_PARAMS or raw in ("", None):
            continue
        field = fields.get(name)
        label = str(getattr(field, "label", "") or FILTER_WORDS.get(name, _("其他条件")))
        pairs.append((label, _filter_value(field, str(raw))))
    return export_text(fmt, filters_text(pairs))


def _filter_value(field: Any, raw: str) -> str:
    queryset = getattr(field, "queryset", None)
    if queryset is not None:
        found = queryset.filter(pk=raw).first() if raw.isdigit() else None
        return object_text(found) if found is not None else raw
    choices = getattr(field, "choices", None)
    if choices:
        labels = {str(k): str(v) for k, v in choices if not isinstance(v, list | tuple)}
        return labels.get(raw, raw)
    return raw


# ---- a page of entries -------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _target(field: Any) -> type[models.Model]:
    model: type[models.Model] = field.related_model._meta.concrete_model
    return model


def _relation(field: Any) -> bool:
    return bool(getattr(field, "many_to_one", False) or getattr(field, "one_to_one", False))


def hides_values(user: Any) -> bool:
    """The three administrators read who changed which field when, not business values."""
    return getattr(user, "role", None) in THREE_ADMINS


def personal_fields(model: type[models.Model] | None) -> dict[str, str]:
    return dict(getattr(model, "personal_fields", {}) or {})


def values_hidden(model: type[models.Model] | None, hide_values: bool) -> bool:
    return hide_values and not getattr(model, "admin_readable", False)


def shown_snapshot(
    model: type[models.Model] | None, data: dict[str, Any] | None, *, mask_personal: bool, hide_values: bool
) -> dict[str, Any] | None:
    """A stored before/after snapshot as the reader may see it (the API's raw `before`/`after`)."""
    if data is None:
        return None
    if values_hidden(model, hide_values):
        return {k: str(HIDDEN) for k in data}
    if not mask_personal:
        return data
    personal = personal_fields(model)
    return {k: (mask(personal[k], v) if k in personal and not _blank(v) else v) for k, v in data.items()}


def present(entries: Iterable[ChangeLog], *, mask_personal: bool = False, hide_values: bool = False) -> list[ChangeLog]:
    """Attach `shown_changes`, `actor_text`, `type_text` and `message_text` to each entry (see the
    module's docstring). Related objects: one query per related model for all the entries.
    `mask_personal` masks each model's `personal_fields`; `hide_values` (the three administrators)
    shows which fields changed but not their values, but for the models they administer."""
    entries = list(entries)
    wanted: dict[type[models.Model], set[str]] = defaultdict(set)
    plans = []
    for entry in entries:
        ct = entry.content_type
        model = ct.model_class() if ct is not None else None
        changes = entry.changed_fields()
        plans.append((entry, model, changes))
        if model is None:
            continue
        for name, before, after in changes:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if _relation(field):
                target = _target(field)
                wanted[target].update(str(v) for v in (before, after) if v not in (None, ""))
    names: dict[tuple[type[models.Model], str], str] = {}
    for target, ids in wanted.items():
        pks = [int(i) if i.isdigit() else i for i in ids]
        for obj in target._base_manager.filter(pk__in=pks).select_related():
            names[(target, str(obj.pk))] = object_text(obj)
    cache: dict[Any, Any] = {}
    for entry, model, changes in plans:
        hidden = values_hidden(model, hide_values)
        row = {**(entry.before or {}), **(entry.after or {})}
        shown = []
        for name, before, after in changes:
            if model is not None and name == model._meta.pk.name:
                continue  # the record's own number says nothing to a reader
            if _blank(before) and _blank(after):
                continue  # a new record's empty fields
            shown.append(
                FieldChange(
                    name=name,
                    label=field_label(model, name),
                    before=str(HIDDEN) if hidden else _shown(model, name, before, row, names, cache, mask_personal),
                    after=str(HIDDEN) if hidden else _shown(model, name, after, row, names, cache, mask_personal),
                )
            )
        entry.shown_changes = shown  # type: ignore[attr-defined]  # presentation attributes of a page
        entry.actor_text = actor_text(entry)  # type: ignore[attr-defined]
        entry.type_text = str(entry.content_type.name) if entry.content_type is not None else ""  # type: ignore[attr-defined]
        entry.message_text = message_text(entry.message)  # type: ignore[attr-defined]
        entry.object_text = object_of(entry)  # type: ignore[attr-defined]
    return entries


SIGN_INS = frozenset({ChangeLog.Action.LOGIN, ChangeLog.Action.LOGOUT})


def object_of(entry: ChangeLog) -> str:
    """What an entry is about; a sign-in or sign-out is about the person (a failed sign-in keeps the
    login name that was tried: there is no person to name)."""
    if entry.content_type_id is None and entry.action in SIGN_INS and entry.actor_id is not None:
        return _("账号：%(who)s") % {"who": actor_text(entry)}
    return entry.object_repr


def actor_text(entry: ChangeLog) -> str:
    try:
        actor = entry.actor if entry.actor_id is not None else None
    except ObjectDoesNotExist:  # no database constraint: the log outlives the accounts it names
        actor = None
    if actor is not None:
        return person_text(actor)
    if entry.actor_id is not None or entry.actor_name:
        return _("已删除的账号 %(name)s") % {"name": entry.actor_name} if entry.actor_name else _("已删除的账号")
    return _("系统")


def _shown(
    model: type[models.Model] | None,
    name: str,
    value: Any,
    row: dict[str, Any],
    names: dict[tuple[type[models.Model], str], str],
    cache: dict[Any, Any],
    masked: bool,
) -> str:
    if _blank(value):
        return EMPTY
    personal = personal_fields(model)
    if masked and name in personal:
        return mask(personal[name], value)
    if model is None:
        return _json_text(value) if isinstance(value, dict | list) else str(value)
    hook = getattr(model, "history_display", None)
    if hook is not None:
        worded = hook(name, value, row, cache)
        if worded is not None:
            return str(worded)
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return _json_text(value) if isinstance(value, dict | list) else str(value)
    if _relation(field):
        return names.get((_target(field), str(value)), _("（已删除的记录）"))
    return value_text(field, value)  # type: ignore[arg-type]  # a concrete field


def day_bounds(start: datetime.date | None, end: datetime.date | None) -> tuple[Any, Any]:
    """Dates picked on a page (both inclusive, in Asia/Shanghai) as the instants that bound them."""
    zone = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone) if start else None
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone) if end else None
    return since, until
