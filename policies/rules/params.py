"""Dated parameters of a policy pack, loaded from YAML (see policies/packs/rongchang/pack.yaml).

A parameter is a list of dated values. Each value holds from its `effective` date until a later
value of the same parameter replaces it — it never silently expires — and carries its reference
(section and words of the text) and its document. An award for year Y reads the values in force on
31 December of Y (`Params.as_of(year)`): the year's facts are final then, and a change that takes
effect on 1 January of Y+1 applies from the awards of Y+1 on.

What-if: `Params.overlay(changes)` returns new Params with extra dated values (an entry with the
same effective date as an existing one replaces it); the original is never mutated. Overlaid values
carry `overlay=True` and the document "what-if", so every award computed from them says so.

Values are typed by the parameter's `unit` and checked on load and on overlay: fen (integer fen),
ppm (exact rate in parts per million; "30%" text is accepted and converted exactly), count, bool,
choice (one of `options`), choices (list of keys), labels (key → Chinese label), ppm_list, tiers
(list of {threshold_fen, award_fen}, thresholds increasing), fen_by_level (national / municipal /
district), training_rule ({mode, per_trainee_fen, cost_share_ppm, cap_fen}).

Pure Python: no Django import. Dated values, lookups, overlays and the errors are core.params'
(one loader for every engine); this module adds the pack's metadata and its units. Errors are
`ParameterError` (a ValueError) with a machine `code`, the parameter `key` and the entry `index`,
so the Django side can word them in Chinese.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from core import params as dated
from core.params import (
    WHAT_IF_DOCUMENT,
    DatedParameters,
    DatedValue,
    ParameterError,
    ParameterNotInForceError,
)

PACKS_DIR = Path(__file__).resolve().parent.parent / "packs"
DEFAULT_PACK = "rongchang"
PPM = 1_000_000

UNITS = (
    "fen",
    "ppm",
    "count",
    "bool",
    "choice",
    "choices",
    "labels",
    "ppm_list",
    "tiers",
    "fen_by_level",
    "training_rule",
)
ITEM_KINDS = ("formula", "case", "target")
DEMO_LEVELS = ("national", "municipal", "district")
TRAINING_MODES = ("per_trainee", "cost_share", "none")

__all__ = [
    "DEFAULT_PACK",
    "PACKS_DIR",
    "PPM",
    "WHAT_IF_DOCUMENT",
    "DatedValue",
    "GeneralRule",
    "Item",
    "Parameter",
    "ParameterError",
    "ParameterNotInForceError",
    "Params",
    "check_value",
    "load_params",
    "pack_path",
    "parse_ppm",
]


@dataclasses.dataclass(frozen=True)
class Parameter(dated.Parameter):
    """A pack's parameter: its unit (how its values are checked) and, for a choice, its options."""

    unit: str = ""
    options: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Item:
    key: str
    label: str
    reference: str
    kind: str  # formula | case | target


@dataclasses.dataclass(frozen=True)
class GeneralRule:
    key: str
    label: str
    reference: str


@dataclasses.dataclass(frozen=True)
class Params(DatedParameters):
    """A policy pack: metadata, items, general rules and dated parameters (lookups by date,
    `overlay` and `version` from core.params.DatedParameters)."""

    key: str
    title: str
    issuing_body: str
    document_no: str
    effective: datetime.date
    effective_assumed: bool
    timezone: str
    items: dict[str, Item]
    parameters: Mapping[str, Parameter]
    general: dict[str, GeneralRule] = dataclasses.field(default_factory=dict)
    notes: dict[str, str] = dataclasses.field(default_factory=dict)
    overlaid: tuple[str, ...] = ()  # parameter keys changed by overlays, in order

    @property
    def document(self) -> str:
        """The pack's document as cited in traces: 《title》 (its number is `document_no`)."""
        return f"《{self.title}》"

    @staticmethod
    def as_of(year: int) -> datetime.date:
        """The date whose values govern the awards of `year`: 31 December of that year."""
        return datetime.date(year, 12, 31)

    def __getitem__(self, key: str) -> Parameter:
        return self.parameters[key]

    def version_name(self) -> str:
        return self.key

    def check_value(self, param: Any, raw: Any, index: int | None = None) -> Any:
        return check_value(param, raw, index)


def pack_path(pack: str | Path = DEFAULT_PACK) -> Path:
    """`"rongchang"` → policies/packs/rongchang/pack.yaml; a path is taken as is."""
    if isinstance(pack, Path) or "/" in str(pack) or str(pack).endswith((".yaml", ".yml")):
        return Path(pack)
    return PACKS_DIR / str(pack) / "pack.yaml"


def load_params(pack: str | Path = DEFAULT_PACK) -> Params:
    """Read a pack. Raises ParameterError naming the parameter (and entry) when malformed."""
    data = dated.read_yaml(pack_path(pack))
    for required in ("key", "title", "issuing_body", "document_no", "effective", "items", "parameters"):
        if required not in data:
            raise ParameterError("bad_pack", required, "required in the pack's metadata")
    title = str(data["title"])
    document = f"《{title}》"
    items: dict[str, Item] = {}
    for key, spec in data["items"].items():
        kind = str(spec.get("kind", ""))
        if kind not in ITEM_KINDS:
            raise ParameterError("bad_pack", f"items.{key}", f"kind must be one of {ITEM_KINDS}")
        items[str(key)] = Item(str(key), str(spec["label"]), str(spec["reference"]), kind)
    general = {
        str(key): GeneralRule(str(key), str(spec["label"]), str(spec["reference"]))
        for key, spec in (data.get("general") or {}).items()
    }
    parameters: dict[str, Parameter] = {}
    for key, spec in data["parameters"].items():
        unit = str(spec.get("unit", ""))
        if unit not in UNITS:
            raise ParameterError("bad_pack", str(key), f"unit must be one of {UNITS}")
        param = Parameter(str(key), str(spec.get("label", key)), unit=unit, options=tuple(spec.get("options") or ()))
        if unit == "choice" and not param.options:
            raise ParameterError("bad_pack", str(key), "a choice parameter lists its options")
        parameters[str(key)] = dated.read_values(param, spec.get("values"), check=check_value, document=document)
    notes = {k: str(v) for k, v in data.items() if k.endswith("_note")}
    return Params(
        key=str(data["key"]),
        title=title,
        issuing_body=str(data["issuing_body"]),
        document_no=str(data["document_no"]),
        effective=dated.parse_date(data["effective"], "effective"),
        effective_assumed=bool(data.get("effective_assumed", False)),
        timezone=str(data.get("timezone", "Asia/Shanghai")),
        items=items,
        parameters=parameters,
        general=general,
        notes=notes,
    )


def _int(raw: Any, key: str, index: int | None, what: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ParameterError("bad_value", key, f"{what} must be a whole number, not {raw!r}", index)
    if raw < 0:
        raise ParameterError("bad_value", key, f"{what} must not be negative ({raw})", index)
    return raw


def parse_ppm(raw: Any, key: str = "", index: int | None = None) -> int:
    """300000 → 300000; "30%" → 300000; "4.35%" → 43500. Exact: a rate finer than 1 ppm is refused."""
    if isinstance(raw, str) and raw.strip().endswith("%"):
        try:
            ppm = Decimal(raw.strip()[:-1]) * 10_000
        except InvalidOperation:
            raise ParameterError("bad_value", key, f"{raw!r} is not a percentage", index) from None
        if ppm != ppm.to_integral_value() or ppm < 0:
            raise ParameterError("bad_value", key, f"{raw!r} is not a whole number of ppm", index)
        return int(ppm)
    return _int(raw, key, index, "a rate in ppm")


def check_value(param: Parameter, raw: Any, index: int | None = None) -> Any:
    """The value checked (and normalised) for the parameter's unit."""
    key, unit = param.key, param.unit
    if unit in ("fen", "count"):
        return _int(raw, key, index, unit)
    if unit == "ppm":
        return parse_ppm(raw, key, index)
    if unit == "bool":
        if not isinstance(raw, bool):
            raise ParameterError("bad_value", key, f"must be true or false, not {raw!r}", index)
        return raw
    if unit == "choice":
        if raw not in param.options:
            raise ParameterError("bad_value", key, f"must be one of {list(param.options)}, not {raw!r}", index)
        return str(raw)
    if unit == "choices":
        if not isinstance(raw, list) or not all(isinstance(x, str) and x for x in raw):
            raise ParameterError("bad_value", key, "must be a list of keys", index)
        return list(raw)
    if unit == "labels":
        if not isinstance(raw, Mapping) or not raw or not all(isinstance(v, str) and v for v in raw.values()):
            raise ParameterError("bad_value", key, "must map keys to non-empty labels", index)
        return {str(k): str(v) for k, v in raw.items()}
    if unit == "ppm_list":
        if not isinstance(raw, list):
            raise ParameterError("bad_value", key, "must be a list of rates", index)
        return [parse_ppm(x, key, index) for x in raw]
    if unit == "tiers":
        if not isinstance(raw, list) or not raw:
            raise ParameterError("bad_value", key, "must be a non-empty list of tiers", index)
        tiers = []
        for tier in raw:
            if not isinstance(tier, Mapping) or set(tier) != {"threshold_fen", "award_fen"}:
                raise ParameterError("bad_value", key, "a tier is {threshold_fen, award_fen}", index)
            tiers.append(
                {
                    "threshold_fen": _int(tier["threshold_fen"], key, index, "threshold_fen"),
                    "award_fen": _int(tier["award_fen"], key, index, "award_fen"),
                }
            )
        thresholds = [t["threshold_fen"] for t in tiers]
        if thresholds != sorted(set(thresholds)):
            raise ParameterError("bad_value", key, "tier thresholds must increase", index)
        return tiers
    if unit == "fen_by_level":
        if not isinstance(raw, Mapping) or set(raw) != set(DEMO_LEVELS):
            raise ParameterError("bad_value", key, f"must give an amount for each of {DEMO_LEVELS}", index)
        return {level: _int(raw[level], key, index, level) for level in DEMO_LEVELS}
    if unit == "training_rule":
        fields_ = {"mode", "per_trainee_fen", "cost_share_ppm", "cap_fen"}
        if not isinstance(raw, Mapping) or set(raw) != fields_:
            raise ParameterError("bad_value", key, f"must give {sorted(fields_)}", index)
        if raw["mode"] not in TRAINING_MODES:
            raise ParameterError("bad_value", key, f"mode must be one of {TRAINING_MODES}", index)
        return {
            "mode": str(raw["mode"]),
            "per_trainee_fen": _int(raw["per_trainee_fen"], key, index, "per_trainee_fen"),
            "cost_share_ppm": parse_ppm(raw["cost_share_ppm"], key, index),
            "cap_fen": _int(raw["cap_fen"], key, index, "cap_fen"),
        }
    raise ParameterError("bad_pack", key, f"unknown unit {unit!r}")
