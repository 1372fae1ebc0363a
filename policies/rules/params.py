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

Pure Python: no Django import. Errors are `ParameterError` (a ValueError) with a machine `code`,
the parameter `key` and the entry `index`, so the Django side can word them in Chinese.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

PACKS_DIR = Path(__file__).resolve().parent.parent / "packs"
DEFAULT_PACK = "rongchang"
WHAT_IF_DOCUMENT = "what-if"
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


class ParameterError(ValueError):
    """A malformed pack or overlay entry. `code`: unknown_parameter, missing_field, bad_date,
    bad_value, no_value, bad_pack; `key` and `index` say where."""

    def __init__(self, code: str, key: str, detail: str, index: int | None = None) -> None:
        self.code = code
        self.key = key
        self.index = index
        self.detail = detail
        where = key if index is None else f"{key}.values[{index}]"
        super().__init__(f"{where}: {detail}")


class ParameterNotInForceError(LookupError):
    """No value of the parameter is in force on the date asked (before its first effective date)."""

    def __init__(self, key: str, on: datetime.date) -> None:
        self.key = key
        self.on = on
        super().__init__(f"{key}: no value in force on {on.isoformat()}")


@dataclass(frozen=True)
class DatedValue:
    value: Any
    effective: datetime.date
    reference: str
    document: str
    placeholder: bool = False
    note: str = ""
    overlay: bool = False

    def trace(self, key: str) -> dict[str, Any]:
        """The value as the engine writes it into an award's trace (step `param`)."""
        return {
            "key": key,
            "value": self.value,
            "effective": self.effective.isoformat(),
            "reference": self.reference,
            "document": self.document,
            "placeholder": self.placeholder,
            "overlay": self.overlay,
        }


@dataclass(frozen=True)
class Parameter:
    key: str
    label: str
    unit: str
    values: tuple[DatedValue, ...]  # sorted by effective date, one per date
    options: tuple[str, ...] = ()

    def entry_at(self, on: datetime.date) -> DatedValue:
        """The value in force on `on`: the latest one whose effective date is on or before it."""
        found: DatedValue | None = None
        for entry in self.values:
            if entry.effective <= on:
                found = entry
        if found is None:
            raise ParameterNotInForceError(self.key, on)
        return found

    def at(self, on: datetime.date) -> Any:
        return self.entry_at(on).value


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    reference: str
    kind: str  # formula | case | target


@dataclass(frozen=True)
class GeneralRule:
    key: str
    label: str
    reference: str


@dataclass(frozen=True)
class Params:
    """A policy pack: metadata, items, general rules and dated parameters."""

    key: str
    title: str
    issuing_body: str
    document_no: str
    effective: datetime.date
    effective_assumed: bool
    timezone: str
    items: dict[str, Item]
    parameters: dict[str, Parameter]
    general: dict[str, GeneralRule] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
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

    def entry(self, key: str, on: datetime.date) -> DatedValue:
        if key not in self.parameters:
            raise ParameterError("unknown_parameter", key, "no such parameter in the pack")
        return self.parameters[key].entry_at(on)

    def value(self, key: str, on: datetime.date) -> Any:
        return self.entry(key, on).value

    def reference(self, key: str, on: datetime.date) -> str:
        return self.entry(key, on).reference

    def version(self) -> str:
        """A short fingerprint of every dated value: two Params with the same version compute the
        same awards. Stored with each award as the parameter version used."""
        data = {
            key: [
                [e.value, e.effective.isoformat(), e.reference, e.document, e.placeholder, e.overlay] for e in p.values
            ]
            for key, p in sorted(self.parameters.items())
        }
        text = json.dumps([self.key, data], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def overlay(
        self,
        changes: Mapping[str, Sequence[Mapping[str, Any]] | Mapping[str, Any]],
        *,
        document: str = WHAT_IF_DOCUMENT,
    ) -> Params:
        """New Params with `changes` added: {key: [{"value", "effective", "reference"?, "note"?}, …]}
        (a single mapping is accepted for one entry). Each value is checked like the pack's own; an
        entry on the same effective date as an existing one replaces it. `self` is not changed."""
        parameters = dict(self.parameters)
        overlaid = list(self.overlaid)
        for key, raw_entries in changes.items():
            if key not in parameters:
                raise ParameterError("unknown_parameter", key, "no such parameter in the pack")
            param = parameters[key]
            entries = [raw_entries] if isinstance(raw_entries, Mapping) else list(raw_entries)
            if not entries:
                raise ParameterError("no_value", key, "an overlay needs at least one dated value")
            by_date = {e.effective: e for e in param.values}
            for i, raw in enumerate(entries):
                if not isinstance(raw, Mapping):
                    raise ParameterError("bad_value", key, "an overlay entry is a mapping", i)
                entry = _entry(
                    param,
                    {"reference": "", "document": document, **raw},
                    i,
                    default_document=document,
                    overlay=True,
                )
                by_date[entry.effective] = entry
            parameters[key] = replace(param, values=tuple(sorted(by_date.values(), key=lambda e: e.effective)))
            if key not in overlaid:
                overlaid.append(key)
        return replace(self, parameters=parameters, overlaid=tuple(overlaid))


def pack_path(pack: str | Path = DEFAULT_PACK) -> Path:
    """`"rongchang"` → policies/packs/rongchang/pack.yaml; a path is taken as is."""
    if isinstance(pack, Path) or "/" in str(pack) or str(pack).endswith((".yaml", ".yml")):
        return Path(pack)
    return PACKS_DIR / str(pack) / "pack.yaml"


def load_params(pack: str | Path = DEFAULT_PACK) -> Params:
    """Read a pack. Raises ParameterError naming the parameter (and entry) when malformed."""
    data = yaml.safe_load(pack_path(pack).read_text(encoding="utf-8"))
    if not isinstance(data, Mapping):
        raise ParameterError("bad_pack", str(pack), "the pack file is not a mapping")
    for required in ("key", "title", "issuing_body", "document_no", "effective", "items", "parameters"):
        if required not in data:
            raise ParameterError("bad_pack", required, "required in the pack's metadata")
    title = str(data["title"])
    document_no = str(data["document_no"])
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
        param = Parameter(str(key), str(spec.get("label", key)), unit, (), tuple(spec.get("options") or ()))
        if unit == "choice" and not param.options:
            raise ParameterError("bad_pack", str(key), "a choice parameter lists its options")
        entries: dict[datetime.date, DatedValue] = {}
        for i, raw in enumerate(spec.get("values") or []):
            entry = _entry(param, raw, i, default_document=document, overlay=False)
            if entry.effective in entries:
                raise ParameterError("bad_date", str(key), "two values on the same effective date", i)
            entries[entry.effective] = entry
        if not entries:
            raise ParameterError("no_value", str(key), "at least one dated value is required")
        parameters[str(key)] = replace(param, values=tuple(sorted(entries.values(), key=lambda e: e.effective)))
    notes = {k: str(v) for k, v in data.items() if k.endswith("_note")}
    return Params(
        key=str(data["key"]),
        title=title,
        issuing_body=str(data["issuing_body"]),
        document_no=document_no,
        effective=_date(data["effective"], "effective", None),
        effective_assumed=bool(data.get("effective_assumed", False)),
        timezone=str(data.get("timezone", "Asia/Shanghai")),
        items=items,
        parameters=parameters,
        general=general,
        notes=notes,
    )


def _entry(param: Parameter, raw: Any, index: int, *, default_document: str, overlay: bool) -> DatedValue:
    if not isinstance(raw, Mapping):
        raise ParameterError("bad_value", param.key, "a dated value is a mapping", index)
    if "value" not in raw or "effective" not in raw:
        raise ParameterError("missing_field", param.key, "value and effective are required", index)
    if not overlay and not raw.get("reference"):
        raise ParameterError("missing_field", param.key, "reference is required", index)
    return DatedValue(
        value=check_value(param, raw["value"], index),
        effective=_date(raw["effective"], param.key, index),
        reference=str(raw.get("reference") or ""),
        document=str(raw.get("document") or default_document),
        placeholder=bool(raw.get("placeholder", False)),
        note=str(raw.get("note") or ""),
        overlay=overlay,
    )


def _date(raw: Any, key: str, index: int | None) -> datetime.date:
    if isinstance(raw, datetime.datetime):
        raise ParameterError("bad_date", key, "effective must be a date, not a datetime", index)
    if isinstance(raw, datetime.date):
        return raw
    try:
        return datetime.date.fromisoformat(str(raw))
    except ValueError:
        raise ParameterError("bad_date", key, f"effective {raw!r} is not a date (YYYY-MM-DD)", index) from None


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
