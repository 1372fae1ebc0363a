"""Dated parameters: values that take effect on a date, each with its document reference (文号),
looked up by date, with overlays for what-ifs. Pure Python, no Django import: the rules engines
(selection/rules, policies/rules, later monitoring and evaluation) read their parameters here.

Semantics, decided once (OpenFisca's lesson):
- A parameter is a list of dated values. A value holds from its `effective` date (that day
  included) until a later value of the same parameter replaces it; it never silently expires.
- Before the first effective date nothing is in force: a lookup raises ParameterNotInForceError,
  never guesses.
- Effective dates are calendar dates (Asia/Shanghai, like every date of the platform), never
  datetimes; two values of one parameter on the same date are refused.
- Every value carries its reference (section and words of the text) and its document (文号 or
  title); a what-if value carries `overlay=True` and the document "what-if".

In YAML (selection/rules/params/*.yaml, policies/packs/*/pack.yaml):

    parameters:
      min_office_area_m2:
        label: 电子商务相关产业总体办公建筑面积（“大于2万平方米”，不含本数）
        values:
          - value: "20000"
            effective: 2014-12-01
            reference: 商办电函〔2014〕767号 一（二）

Use:

    params = load_parameters("rates.yaml")            # a ParameterSet
    params.value("min_office_area_m2", date)          # the value in force on `date`
    params.entry("min_office_area_m2", date)          # … with effective date, reference, document
    what_if = params.overlay({"min_office_area_m2": {"value": "30000", "effective": "2027-01-01"}})
    params.version()                                  # fingerprint of every dated value

An engine with metadata of its own (a pack's items, a notice's document kinds) keeps its own
frozen dataclass with fields `parameters` and `overlaid`, mixes in `DatedParameters` for the
lookups, and reads each parameter's values with `read_values` (checking them with its own units).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Self, TypeVar, cast

import yaml

WHAT_IF_DOCUMENT = "what-if"


class ParameterError(ValueError):
    """A malformed parameter file or overlay entry. `code`: unknown_parameter, missing_field,
    bad_date, bad_value, no_value, bad_pack; `key` and `index` say where (the words for people are
    the caller's: this module writes none)."""

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


@dataclasses.dataclass(frozen=True)
class DatedValue:
    value: Any
    effective: datetime.date
    reference: str
    document: str = ""
    placeholder: bool = False  # a value the text leaves open and nobody has fixed yet
    note: str = ""
    overlay: bool = False  # a what-if value, not the text's

    def trace(self, key: str) -> dict[str, Any]:
        """The value as an engine writes it into a trace."""
        return {
            "key": key,
            "value": self.value,
            "effective": self.effective.isoformat(),
            "reference": self.reference,
            "document": self.document,
            "placeholder": self.placeholder,
            "overlay": self.overlay,
        }


@dataclasses.dataclass(frozen=True)
class Parameter:
    """A parameter and its dated values (sorted by effective date, one per date). Engines subclass
    it for what they know of a parameter (a unit, a comparison)."""

    key: str
    label: str
    values: tuple[DatedValue, ...] = ()

    def entry_at(self, on: datetime.date) -> DatedValue:
        """The value in force on `on`: the latest one whose effective date is on or before it."""
        found: DatedValue | None = None
        for entry in self.values:
            if entry.effective > on:
                break
            found = entry
        if found is None:
            raise ParameterNotInForceError(self.key, on)
        return found

    def at(self, on: datetime.date) -> Any:
        return self.entry_at(on).value

    def with_values(self, entries: Sequence[DatedValue]) -> Self:
        """A copy with `entries` added; an entry on the date of an existing one replaces it."""
        by_date = {e.effective: e for e in self.values}
        by_date.update((e.effective, e) for e in entries)
        return dataclasses.replace(self, values=tuple(sorted(by_date.values(), key=lambda e: e.effective)))


P = TypeVar("P", bound=Parameter)
Check = Callable[[Any, Any, "int | None"], Any]  # (parameter, raw value, entry index) -> checked value


def parse_date(raw: Any, key: str, index: int | None = None) -> datetime.date:
    """An effective date: a date (YAML reads 2015-07-01 as one) or ISO text; never a datetime."""
    if isinstance(raw, datetime.datetime):
        raise ParameterError("bad_date", key, "effective must be a date, not a datetime", index)
    if isinstance(raw, datetime.date):
        return raw
    try:
        return datetime.date.fromisoformat(str(raw))
    except ValueError:
        raise ParameterError("bad_date", key, f"effective {raw!r} is not a date (YYYY-MM-DD)", index) from None


def read_entry(
    param: P,
    raw: Any,
    index: int,
    *,
    check: Check | None = None,
    document: str = "",
    require_reference: bool = True,
    overlay: bool = False,
) -> DatedValue:
    """One dated value from its mapping {value, effective, reference, document?, placeholder?,
    note?}, its value checked by `check(param, value, index)`."""
    if not isinstance(raw, Mapping):
        raise ParameterError("bad_value", param.key, "a dated value is a mapping", index)
    if "value" not in raw or "effective" not in raw:
        raise ParameterError("missing_field", param.key, "value and effective are required", index)
    if require_reference and not raw.get("reference"):
        raise ParameterError("missing_field", param.key, "reference is required", index)
    return DatedValue(
        value=check(param, raw["value"], index) if check else raw["value"],
        effective=parse_date(raw["effective"], param.key, index),
        reference=str(raw.get("reference") or ""),
        document=str(raw.get("document") or document),
        placeholder=bool(raw.get("placeholder", False)),
        note=str(raw.get("note") or ""),
        overlay=overlay,
    )


def read_values(param: P, raw: Any, *, check: Check | None = None, document: str = "") -> P:
    """The parameter with its dated values read from a file's list: each with value, effective
    date and reference (required), at least one, no two on one date."""
    if not isinstance(raw, list) or not raw:
        raise ParameterError("no_value", param.key, "at least one dated value is required")
    entries: dict[datetime.date, DatedValue] = {}
    for i, item in enumerate(raw):
        entry = read_entry(param, item, i, check=check, document=document)
        if entry.effective in entries:
            raise ParameterError("bad_date", param.key, "two values on the same effective date", i)
        entries[entry.effective] = entry
    return dataclasses.replace(param, values=tuple(sorted(entries.values(), key=lambda e: e.effective)))


def read_yaml(path: str | Path) -> Mapping[str, Any]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, Mapping):
        raise ParameterError("bad_pack", str(path), "the parameter file is not a mapping")
    return data


def fingerprint(name: str, parameters: Mapping[str, Parameter]) -> str:
    """A short fingerprint of every dated value: two sets with the same fingerprint compute the
    same results. Stored with each result as the parameter version used."""
    data = {
        key: [[e.value, e.effective.isoformat(), e.reference, e.document, e.placeholder, e.overlay] for e in p.values]
        for key, p in sorted(parameters.items())
    }
    text = json.dumps([name, data], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class DatedParameters:
    """Lookups by date and overlays, for a frozen dataclass with the fields `parameters`
    (key → Parameter) and `overlaid` (keys changed by overlays, in order)."""

    parameters: Mapping[str, Parameter]
    overlaid: tuple[str, ...]

    def version_name(self) -> str:
        """What the fingerprint is of (a pack's key)."""
        return ""

    def check_value(self, param: Any, raw: Any, index: int | None = None) -> Any:
        """An overlay's value checked and normalised like the file's own (engines with units)."""
        return raw

    def __getitem__(self, key: str) -> Parameter:
        return self.parameters[key]

    def __contains__(self, key: object) -> bool:
        return key in self.parameters

    def entry(self, key: str, on: datetime.date) -> DatedValue:
        if key not in self.parameters:
            raise ParameterError("unknown_parameter", key, "no such parameter")
        return self.parameters[key].entry_at(on)

    def value(self, key: str, on: datetime.date) -> Any:
        return self.entry(key, on).value

    def reference(self, key: str, on: datetime.date) -> str:
        return self.entry(key, on).reference

    def version(self) -> str:
        return fingerprint(self.version_name(), self.parameters)

    def overlay(
        self,
        changes: Mapping[str, Sequence[Mapping[str, Any]] | Mapping[str, Any]],
        *,
        document: str = WHAT_IF_DOCUMENT,
    ) -> Self:
        """A copy with `changes` added: {key: [{"value", "effective", "reference"?, "note"?}, …]}
        (a single mapping is one entry). Each value is checked like the file's own; an entry on
        the date of an existing one replaces it. `self` is never changed."""
        parameters = dict(self.parameters)
        overlaid = list(self.overlaid)
        for key, raw_entries in changes.items():
            if key not in parameters:
                raise ParameterError("unknown_parameter", key, "no such parameter")
            param = parameters[key]
            entries = [raw_entries] if isinstance(raw_entries, Mapping) else list(raw_entries)
            if not entries:
                raise ParameterError("no_value", key, "an overlay needs at least one dated value")
            read = [
                read_entry(
                    param, raw, i, check=self.check_value, document=document, require_reference=False, overlay=True
                )
                for i, raw in enumerate(entries)
            ]
            parameters[key] = param.with_values(read)
            if key not in overlaid:
                overlaid.append(key)
        return cast(Self, dataclasses.replace(cast(Any, self), parameters=parameters, overlaid=tuple(overlaid)))


@dataclasses.dataclass(frozen=True)
class ParameterSet(DatedParameters):
    """Dated parameters with nothing else: what `load_parameters` reads."""

    name: str
    parameters: Mapping[str, Parameter]
    overlaid: tuple[str, ...] = ()

    def version_name(self) -> str:
        return self.name


def load_parameters(path: str | Path, *, name: str = "") -> ParameterSet:
    """A YAML file whose `parameters` map keys to {label, values: [{value, effective, reference,
    document?, placeholder?, note?}, …]}; `document` at the top is every value's default document."""
    data = read_yaml(path)
    document = str(data.get("document", ""))
    parameters: dict[str, Parameter] = {}
    for key, spec in (data.get("parameters") or {}).items():
        spec = spec if isinstance(spec, Mapping) else {}
        blank = Parameter(str(key), str(spec.get("label", key)))
        parameters[str(key)] = read_values(blank, spec.get("values"), document=document)
    return ParameterSet(name or str(data.get("key", Path(path).stem)), parameters)
