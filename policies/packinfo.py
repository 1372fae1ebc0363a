"""What the Django side needs to know of a pack's rules: its parameters (loaded once per process from
`policies/packs/<code>/pack.yaml` by the rules' own loader), the items one may apply for, and which
kind of fact an item's `ref` names (a project, a brand, a decided case, a loan)."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from core.errors import ActionError
from policies.errors import PolicyErrorCode
from policies.rules import params as rules_params

# Items paid per thing: the application names the thing (`ref` = the id of that fact row); the
# engine's award rows carry the same id. Other items are per enterprise (ref 0).
REF_KINDS: dict[str, str] = {
    "platform_project": "projects",
    "brand_district": "brands",
    "brand_upper": "brands",
    "base_operator": "case_awards",
    "large_enterprise": "case_awards",
    "loan_interest": "loans",
}
# Items one may apply for: computed (formula) or decided case by case; targets pay nothing.
APPLICABLE_KINDS = ("formula", "case")


@functools.lru_cache(maxsize=16)
def _load(code: str, mtime: float) -> rules_params.Params:
    return rules_params.load_params(code)


def params_for(code: str) -> rules_params.Params:
    """The pack's parameters; reloaded when its file changes. A missing or malformed pack is an
    ActionError naming it (the pages show it, nothing is computed)."""
    path = rules_params.pack_path(code)
    try:
        mtime = path.stat().st_mtime
    except OSError:
        raise ActionError(PolicyErrorCode.PACK_MISSING, pack=code) from None
    try:
        return _load(code, mtime)
    except rules_params.ParameterError as exc:
        raise ActionError(PolicyErrorCode.PACK_INVALID, pack=code, detail=str(exc)) from None


@dataclass(frozen=True)
class ItemInfo:
    key: str
    label: str
    reference: str
    kind: str
    ref_kind: str | None


def items_of(code: str) -> list[ItemInfo]:
    p = params_for(code)
    return [ItemInfo(i.key, i.label, i.reference, i.kind, REF_KINDS.get(i.key)) for i in p.items.values()]


def applicable_items(code: str) -> list[ItemInfo]:
    return [i for i in items_of(code) if i.kind in APPLICABLE_KINDS]


def item_label(code: str, key: str) -> str:
    try:
        items = {i.key: i for i in items_of(code)}
    except ActionError:
        return key
    return items[key].label if key in items else key


def code_words(code: str) -> dict[str, dict[str, str]]:
    """Words for the codes facts carry that name parts of a pack: "item" (an item's key) and
    "platform" (a platform of the pack's list, e.g. jd → 京东)."""
    try:
        params = params_for(code)
    except ActionError:
        return {}
    platforms: dict[str, str] = {}
    listed = params.parameters.get("store_platforms")
    for entry in listed.values if listed is not None else ():
        platforms.update({str(k): str(v) for k, v in entry.value.items()})
    return {"item": {key: item.label for key, item in params.items.items()}, "platform": platforms}


@functools.lru_cache(maxsize=16)
def _current_version(code: str, mtime: float) -> str:
    return _load(code, mtime).version()


def version_text(code: str, year: Any, version: str) -> str:
    """The parameter version an award was computed with, as a person reads it: the pack's document
    and the year whose values applied, and whether the pack's file has changed since. The
    fingerprint itself (`version`) is for programs and the tooltip."""
    if not version:
        return "—"
    try:
        params = params_for(code)
        current = _current_version(code, rules_params.pack_path(code).stat().st_mtime)
    except (ActionError, OSError):
        return _("已记录（政策包参数文件不可用）")
    text = params.document
    if year:
        text = _("%(document)s %(year)s年度适用参数（%(date)s有效取值）") % {
            "document": params.document,
            "year": year,
            "date": params.as_of(int(year)).isoformat(),
        }
    same = _("与现行参数文件一致") if version == current else _("测算后参数文件已调整")
    return f"{text}，{same}"


@dataclass(frozen=True)
class ParamRow:
    key: str
    label: str
    unit: str
    value: Any
    effective: datetime.date
    reference: str
    document: str
    placeholder: bool
    note: str
    later: int  # how many later dated values exist
    text: str = ""  # the value in words (policies.explain)


def params_in_force(code: str, on: datetime.date) -> list[ParamRow]:
    """Every parameter's value in force on a date, with its reference and document."""
    from policies.explain import parameter_value

    p = params_for(code)
    rows = []
    for key, param in p.parameters.items():
        try:
            entry = param.entry_at(on)
        except rules_params.ParameterNotInForceError:
            continue
        later = sum(1 for e in param.values if e.effective > on)
        rows.append(
            ParamRow(
                key,
                param.label,
                param.unit,
                entry.value,
                entry.effective,
                entry.reference,
                entry.document,
                entry.placeholder,
                entry.note,
                later,
                parameter_value(p, key, entry.value),
            )
        )
    return rows
